// SPDX-License-Identifier: BSL-1.0
#pragma once
// What the POSIX backend files share beyond platform/sockaddr.hpp (the address
// conversion written once for both backends): the descriptor behind a handle and the
// EINTR-retrying wrapper, the millisecond timeout of poll and epoll_wait. Header-only, so the backend keeps the same file list as Windows'.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>

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

// The timeout of poll(2) and epoll_wait(2): the time left rounded up to the millisecond,
// so that a positive remainder never becomes a zero timeout (which would poll instead of
// waiting), capped to their int; -1 without a limit.
inline int milliseconds_left(const deadline& until) noexcept {
    if (!until.is_limited()) return -1;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(until.remaining()).count();
    return static_cast<int>(std::min<decltype(ms)>(ms, INT_MAX));
}

} // namespace unisock::platform
