// SPDX-License-Identifier: BSL-1.0
// The wait primitive: select on the socket and its wake-up socket (waker.cpp); and the
// wait for several connects at once that create_connection's Happy Eyeballs race uses.
#include <winsock2.h>

#include "platform/platform.hpp"
#include "platform/windows/sockaddr.hpp"

namespace unisock::platform {

// select() rather than WSAPoll: WSAPoll does not report a failed connect before Windows
// 10 build 19041, while select() puts it in the except set. Windows' fd_set is a list of
// handles, so FD_SETSIZE (64) bounds how many, not their values; two are enough here.
std::error_code wait(handle h, wait_for what, handle waker, const deadline& until) noexcept {
    const SOCKET s = as_socket(h);
    const bool for_read = what != wait_for::writable;
    const bool for_write = what != wait_for::readable;
    const bool has_waker = waker != invalid_native_handle;
    for (;;) {
        fd_set read_set;
        fd_set write_set;
        fd_set except_set;
        FD_ZERO(&read_set);
        FD_ZERO(&write_set);
        FD_ZERO(&except_set);
        if (for_read) FD_SET(s, &read_set);
        if (has_waker) FD_SET(as_socket(waker), &read_set);
        if (for_write) {
            FD_SET(s, &write_set);
            FD_SET(s, &except_set); // where a failed connect shows up
        }
        timeval tv{};
        if (until.is_limited()) tv = select_timeout(until);
        const int ready = ::select(0, &read_set, &write_set, &except_set, until.is_limited() ? &tv : nullptr);
        if (ready == SOCKET_ERROR) return last_error();
        if (ready == 0) {
            // select() may return a little early (its clock is coarser than ours): only a
            // deadline that has really passed is a timeout.
            if (until.has_passed()) return make_error_code(errc::timed_out);
            continue;
        }
        if (has_waker && FD_ISSET(as_socket(waker), &read_set)) return make_error_code(errc::operation_canceled);
        return {};
    }
}

// A connect that succeeded makes the socket writable; one that failed puts it in the
// except set (select, not WSAPoll, for the reason above).
std::error_code wait_connects(std::span<const handle> handles, std::span<bool> finished,
                              const deadline& until) noexcept {
    if (handles.size() > max_connect_waits || finished.size() < handles.size())
        return make_error_code(errc::invalid_argument);
    for (;;) {
        fd_set write_set;
        fd_set except_set;
        FD_ZERO(&write_set);
        FD_ZERO(&except_set);
        for (const handle h : handles) {
            FD_SET(as_socket(h), &write_set);
            FD_SET(as_socket(h), &except_set);
        }
        timeval tv{};
        if (until.is_limited()) tv = select_timeout(until);
        const int ready = ::select(0, nullptr, &write_set, &except_set, until.is_limited() ? &tv : nullptr);
        if (ready == SOCKET_ERROR) return last_error();
        if (ready == 0) {
            if (until.has_passed()) return make_error_code(errc::timed_out);
            continue;
        }
        for (std::size_t i = 0; i < handles.size(); ++i) {
            const SOCKET s = as_socket(handles[i]);
            finished[i] = FD_ISSET(s, &write_set) || FD_ISSET(s, &except_set);
        }
        return {};
    }
}

} // namespace unisock::platform
