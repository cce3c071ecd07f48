// SPDX-License-Identifier: BSL-1.0
#pragma once
// UTF-8 (unisock's text everywhere) to and from UTF-16 (the Windows "W" calls), so that no
// text goes through the ANSI code page. Header-only, so the backend keeps the same file
// list as POSIX's.

#include <windows.h>

#include <climits>
#include <string>
#include <string_view>
#include <system_error>

#include "platform/platform.hpp"

namespace unisock::platform {

// invalid_argument for bytes that are not UTF-8 (or text over INT_MAX bytes).
inline std::wstring widen(std::string_view utf8, std::error_code& ec) {
    ec.clear();
    if (utf8.empty()) return {};
    if (utf8.size() > INT_MAX) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    const int size = static_cast<int>(utf8.size());
    const int wide_size = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), size, nullptr, 0);
    if (wide_size <= 0) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    std::wstring wide(static_cast<std::size_t>(wide_size), L'\0');
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), size, wide.data(), wide_size);
    return wide;
}

// An unpaired surrogate becomes U+FFFD: system text is never refused.
inline std::string narrow(std::wstring_view wide) {
    if (wide.empty() || wide.size() > INT_MAX) return {};
    const int size = static_cast<int>(wide.size());
    const int utf8_size = WideCharToMultiByte(CP_UTF8, 0, wide.data(), size, nullptr, 0, nullptr, nullptr);
    if (utf8_size <= 0) return {};
    std::string utf8(static_cast<std::size_t>(utf8_size), '\0');
    WideCharToMultiByte(CP_UTF8, 0, wide.data(), size, utf8.data(), utf8_size, nullptr, nullptr);
    return utf8;
}

} // namespace unisock::platform
