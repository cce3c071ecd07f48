// SPDX-License-Identifier: BSL-1.0
#pragma once
// What every harness checks: a broken expectation or an exception out of an error_code
// overload ends the run with a message and abort(), which libFuzzer reports as a crash
// and keeps the input for (-artifact_prefix).

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <initializer_list>
#include <string>
#include <string_view>
#include <system_error>

#include "unisock/error.hpp"

namespace unisock_fuzz {

[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
    std::fprintf(stderr, "fuzz check failed: %.*s", static_cast<int>(what.size()), what.data());
    if (!detail.empty()) std::fprintf(stderr, " (%.*s)", static_cast<int>(detail.size()), detail.data());
    std::fputc('\n', stderr);
    std::abort();
}

inline void check(bool condition, std::string_view what, std::string_view detail = {}) {
    if (!condition) fail(what, detail);
}

// Text with its bytes made visible, for the messages above.
inline std::string visible(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f && c != '\\') {
            out += c;
        } else {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
            out += escaped;
        }
    }
    return out;
}

// An error is clean when it has a portable meaning and a message, and is one of those the
// call documents.
inline void check_clean(const std::error_code& ec, std::initializer_list<unisock::errc> allowed,
                        std::string_view call) {
    check(static_cast<bool>(ec), "an error code was expected", call);
    const unisock::errc portable = unisock::portable_error(ec);
    check(portable != unisock::errc::unknown, "error without a portable meaning", call);
    check(!ec.message().empty(), "error without a message", call);
    for (const unisock::errc e : allowed)
        if (ec == e) return;
    fail("undocumented error", std::string(call) + ": " + ec.category().name() + " " + std::to_string(ec.value()) +
                                   " " + ec.message());
}

// Runs body; an exception escaping an error_code overload is a failure of its contract.
template <class Body>
void no_throw(std::string_view call, Body&& body) {
    try {
        body();
    } catch (const std::exception& e) {
        fail("exception from an error_code overload", std::string(call) + ": " + e.what());
    } catch (...) {
        fail("exception from an error_code overload", call);
    }
}

} // namespace unisock_fuzz
