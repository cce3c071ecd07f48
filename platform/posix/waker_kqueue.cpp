// SPDX-License-Identifier: BSL-1.0
// The wake-up handle on macOS and the BSDs, which have no eventfd: a kqueue holding one
// user event. One descriptor (a pipe would be two), never inherited by fork (kqueues are
// not), and pollable: poll() reports it readable while the user event is triggered.
#include <sys/event.h>
#include <fcntl.h>
#include <unistd.h>

#include "platform/platform.hpp"
#include "platform/posix/sockaddr.hpp"

namespace unisock::platform {

namespace {

constexpr uintptr_t user_event_id = 1;

int change(int kq, unsigned short flags, unsigned int fflags) noexcept {
    struct kevent event;
    EV_SET(&event, user_event_id, EVFILT_USER, flags, fflags, 0, nullptr);
    return retry_on_interrupt([&] { return ::kevent(kq, &event, 1, nullptr, 0, nullptr); });
}

} // namespace

handle open_waker(std::error_code& ec) noexcept {
    const int kq = ::kqueue();
    // EV_CLEAR: reading the event back (drain_waker) resets it.
    if (kq < 0 || ::fcntl(kq, F_SETFD, FD_CLOEXEC) != 0 || change(kq, EV_ADD | EV_CLEAR, 0) != 0) {
        ec = last_error();
        if (kq >= 0) ::close(kq);
        return invalid_native_handle;
    }
    ec.clear();
    return as_handle(kq);
}

void signal_waker(handle waker) noexcept { change(as_fd(waker), 0, NOTE_TRIGGER); }

void drain_waker(handle waker) noexcept {
    struct kevent event;
    const timespec no_wait{};
    retry_on_interrupt([&] { return ::kevent(as_fd(waker), nullptr, 0, &event, 1, &no_wait); });
}

void close_waker(handle waker) noexcept { ::close(as_fd(waker)); }

} // namespace unisock::platform
