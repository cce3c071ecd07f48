// The wait primitive (poll) and the wake-up pipe that cancel() signals.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>

#include "platform/platform.hpp"
#include "platform/posix/sockaddr.hpp"

namespace unisock::platform {

namespace {

using clock = std::chrono::steady_clock;

// Milliseconds until `until`, rounded up so that a positive remainder never becomes a
// zero timeout (which would poll instead of waiting), and capped to poll's int.
int remaining_milliseconds(clock::time_point until) noexcept {
    const clock::duration left = until - clock::now();
    if (left <= clock::duration::zero()) return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return static_cast<int>(std::min<decltype(ms)>(ms, INT_MAX));
}

bool set_pipe_flags(int fd) noexcept {
    const int status = ::fcntl(fd, F_GETFL);
    const int descriptor = ::fcntl(fd, F_GETFD);
    return status >= 0 && descriptor >= 0 && ::fcntl(fd, F_SETFL, status | O_NONBLOCK) == 0 &&
           ::fcntl(fd, F_SETFD, descriptor | FD_CLOEXEC) == 0;
}

// A pipe with both ends non-blocking and close-on-exec (macOS has no pipe2, so the
// flags are set right after).
bool open_pipe(int fds[2]) noexcept {
    if (::pipe(fds) != 0) return false;
    if (set_pipe_flags(fds[0]) && set_pipe_flags(fds[1])) return true;
    const int saved = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    errno = saved;
    return false;
}

constexpr short failure_events = POLLERR | POLLHUP;

} // namespace

waker open_waker(std::error_code& ec) noexcept {
    int fds[2] = {-1, -1};
    if (!open_pipe(fds)) {
        ec = last_error();
        return {};
    }
    ec.clear();
    return {as_handle(fds[0]), as_handle(fds[1])};
}

void signal_waker(const waker& w) noexcept {
    // A full pipe (EAGAIN) means it is signalled already.
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = retry_on_interrupt([&] { return ::write(as_fd(w.write_end), &byte, 1); });
}

void drain_waker(const waker& w) noexcept {
    char bytes[64];
    while (retry_on_interrupt([&] { return ::read(as_fd(w.read_end), bytes, sizeof bytes); }) > 0) {
    }
}

void close_waker(waker& w) noexcept {
    if (w.read_end != invalid_native_handle) ::close(as_fd(w.read_end));
    if (w.write_end != invalid_native_handle) ::close(as_fd(w.write_end));
    w = {};
}

// poll() reports a failed connect as POLLOUT|POLLERR, and a closed or reset peer as
// POLLIN/POLLHUP: either counts as ready for the requested direction, so the call that
// follows reads the error itself.
readiness wait(handle h, bool for_read, bool for_write, const waker* wake, deadline until,
               std::error_code& ec) noexcept {
    pollfd watched[2] = {};
    watched[0].fd = as_fd(h);
    watched[0].events = static_cast<short>((for_read ? POLLIN : 0) | (for_write ? POLLOUT : 0));
    nfds_t count = 1;
    if (wake) {
        watched[1].fd = as_fd(wake->read_end);
        watched[1].events = POLLIN;
        count = 2;
    }
    for (;;) {
        const int timeout = until ? remaining_milliseconds(*until) : -1;
        if (until && timeout == 0) {
            ec = make_error_code(errc::timed_out);
            return {};
        }
        const int ready = ::poll(watched, count, timeout);
        if (ready < 0 && errno == EINTR) continue; // the deadline is kept: recomputed above
        if (ready < 0) {
            ec = last_error();
            return {};
        }
        if (ready == 0) continue; // woken early by the clock's rounding: the loop top decides
        if (wake && (watched[1].revents & POLLIN) != 0) {
            ec = make_error_code(errc::operation_canceled);
            return {};
        }
        const short events = watched[0].revents;
        if ((events & POLLNVAL) != 0) {
            ec = make_error_code(errc::bad_descriptor);
            return {};
        }
        ec.clear();
        readiness result;
        result.readable = for_read && (events & (POLLIN | failure_events)) != 0;
        result.writable = for_write && (events & (POLLOUT | failure_events)) != 0;
        return result;
    }
}

} // namespace unisock::platform
