// SPDX-License-Identifier: BSL-1.0
// The typed options that are one int-sized native value, and raw options, written once
// over "native.hpp": the native names are the same on POSIX and Windows. reuse, linger
// and keep-alive timing differ between the OSes and live in platform/*/options.cpp.
#include <algorithm>
#include <climits>
#include <optional>

#include "platform/sockaddr.hpp"

namespace unisock::platform {

namespace {

struct native_option {
    int level;
    int name;
};

// The one table: option_name -> (level, name), each an int-sized value (an int, BOOL or
// DWORD).
std::optional<native_option> native_option_of(option_name name) noexcept {
    switch (name) {
    case option_name::keep_alive: return native_option{SOL_SOCKET, SO_KEEPALIVE};
    case option_name::no_delay: return native_option{IPPROTO_TCP, TCP_NODELAY};
    case option_name::receive_buffer_size: return native_option{SOL_SOCKET, SO_RCVBUF};
    case option_name::send_buffer_size: return native_option{SOL_SOCKET, SO_SNDBUF};
    case option_name::broadcast: return native_option{SOL_SOCKET, SO_BROADCAST};
    case option_name::v6_only: return native_option{IPPROTO_IPV6, IPV6_V6ONLY};
    case option_name::reuse:
    case option_name::linger:
    case option_name::keep_alive_timing: break;
    }
    return std::nullopt;
}

bool is_buffer_size(option_name name) noexcept {
    return name == option_name::receive_buffer_size || name == option_name::send_buffer_size;
}

native_length clamp_length(std::size_t size) noexcept {
    return static_cast<native_length>(std::min<std::size_t>(size, INT_MAX));
}

} // namespace

std::error_code set_option(handle h, option_name name, int value) noexcept {
    const std::optional<native_option> native = native_option_of(name);
    if (!native) return make_error_code(errc::invalid_argument);
    return set_int_option(as_native(h), native->level, native->name, value);
}

std::error_code get_option(handle h, option_name name, int& value) noexcept {
    const std::optional<native_option> native = native_option_of(name);
    if (!native) return make_error_code(errc::invalid_argument);
    if (std::error_code ec = get_int_option(as_native(h), native->level, native->name, value)) return ec;
    if (kernel_doubles_buffer_sizes && is_buffer_size(name)) value /= 2;
    return {};
}

std::error_code set_raw_option(handle h, int level, int name, const_bytes value) noexcept {
    if (::setsockopt(as_native(h), level, name, reinterpret_cast<const char*>(value.data()),
                     clamp_length(value.size())) != 0)
        return last_error();
    return {};
}

std::size_t get_raw_option(handle h, int level, int name, mutable_bytes value, std::error_code& ec) noexcept {
    native_length length = clamp_length(value.size());
    if (::getsockopt(as_native(h), level, name, reinterpret_cast<char*>(value.data()), &length) != 0) {
        ec = last_error();
        return 0;
    }
    ec.clear();
    return static_cast<std::size_t>(length);
}

} // namespace unisock::platform
