// SPDX-License-Identifier: BSL-1.0
#pragma once
// The error category class both backends use, written once: a native code (errno, WSA or
// EAI) is described by the OS and translated to unisock::errc by that backend's table.

#include <string>
#include <system_error>

#include "platform/platform.hpp"

namespace unisock::platform {

class native_category final : public std::error_category {
public:
    using describer = std::string (*)(int code);
    using translator = errc (*)(int code) noexcept;

    // codes_are_errno: the codes are errno values, which std::generic_category shares, so
    // ECONNREFUSED also equals std::errc::connection_refused directly (and ENOTSOCK
    // std::errc::not_a_socket, which has no portable condition of its own).
    constexpr native_category(const char* name, describer describe, translator translate,
                              bool codes_are_errno) noexcept
        : name_(name), describe_(describe), translate_(translate), codes_are_errno_(codes_are_errno) {}

    const char* name() const noexcept override { return name_; }
    std::string message(int code) const override { return describe_(code); }
    // The portable condition; a code with none stays a condition of this category.
    std::error_condition default_error_condition(int code) const noexcept override;
    // Equal to the portable condition and, through it, to its std::errc counterpart
    // (ec == std::errc::connection_refused holds on every OS).
    bool equivalent(int code, const std::error_condition& condition) const noexcept override;

private:
    const char* name_;
    describer describe_;
    translator translate_;
    bool codes_are_errno_;
};

} // namespace unisock::platform
