// SPDX-License-Identifier: BSL-1.0
#pragma once
// What the POSIX backend files share beyond platform/sockaddr.hpp (the address
// conversion written once for both backends): the descriptor behind a handle and the
// EINTR-retrying wrapper. Header-only, so the backend keeps the same file list as Windows'.

#include <cerrno>

#include "platform/platform.hpp"
#include "platform/sockaddr.hpp"

namespace unisock::platform {

inline int as_fd(handle h) noexcept { return as_native(h); }
inline handle as_handle(int fd) noexcept { return static_cast<handle>(fd); }

// Runs a system call again while a signal interrupts it (the contract's EINTR row); any
// other result, success or error, is returned as it is.
template <class Call>
auto retry_on_interrupt(Call call) noexcept {
    for (;;) {
        auto result = call();
        if (result >= 0 || errno != EINTR) return result;
    }
}

} // namespace unisock::platform
