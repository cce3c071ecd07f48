// SPDX-License-Identifier: BSL-1.0
// The wait primitive: poll on the socket and its wake-up handle (the waker is in
// waker_eventfd.cpp on Linux, waker_kqueue.cpp on macOS and the BSDs); and the wait for
// several connects at once that create_connection's Happy Eyeballs race uses.
#include <poll.h>

#include <cerrno>

#include "platform/platform.hpp"
#include "platform/posix/sockaddr.hpp"

namespace unisock::platform {

namespace {

short poll_events(wait_for what) noexcept {
    switch (what) {
    case wait_for::readable: return POLLIN;
    case wait_for::writable: return POLLOUT;
    case wait_for::either: return POLLIN | POLLOUT;
    }
    return POLLIN | POLLOUT;
}

} // namespace

// poll() reports a failed connect as POLLOUT|POLLERR and a closed or reset peer as
// POLLIN/POLLHUP: any event on the socket means the call that follows will not block.
std::error_code wait(handle h, wait_for what, handle waker, const deadline& until) noexcept {
    pollfd watched[2] = {};
    watched[0].fd = as_fd(h);
    watched[0].events = poll_events(what);
    watched[1].fd = as_fd(waker);
    watched[1].events = POLLIN;
    const nfds_t count = waker == invalid_native_handle ? 1 : 2;
    for (;;) {
        const int timeout = milliseconds_left(until);
        if (timeout == 0) return make_error_code(errc::timed_out);
        const int ready = ::poll(watched, count, timeout);
        if (ready < 0 && errno == EINTR) continue; // the deadline is kept: recomputed above
        if (ready < 0) return last_error();
        if (ready == 0) continue; // woken early by the clock's rounding: the loop top decides
        if (count == 2 && watched[1].revents != 0) return make_error_code(errc::operation_canceled);
        if ((watched[0].revents & POLLNVAL) != 0) return make_error_code(errc::bad_descriptor);
        return {};
    }
}

std::error_code wait_connects(std::span<const handle> handles, std::span<bool> finished,
                              const deadline& until) noexcept {
    if (handles.size() > max_connect_waits || finished.size() < handles.size())
        return make_error_code(errc::invalid_argument);
    pollfd watched[max_connect_waits] = {};
    for (std::size_t i = 0; i < handles.size(); ++i) {
        watched[i].fd = as_fd(handles[i]);
        watched[i].events = POLLOUT;
    }
    for (;;) {
        const int timeout = milliseconds_left(until);
        if (timeout == 0) return make_error_code(errc::timed_out);
        const int ready = ::poll(watched, static_cast<nfds_t>(handles.size()), timeout);
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) return last_error();
        if (ready == 0) continue;
        for (std::size_t i = 0; i < handles.size(); ++i) finished[i] = watched[i].revents != 0;
        return {};
    }
}

} // namespace unisock::platform
