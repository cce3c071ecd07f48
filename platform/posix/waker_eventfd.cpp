// SPDX-License-Identifier: BSL-1.0
// The wake-up handle on Linux: one eventfd, made non-blocking and close-on-exec by the
// same system call that opens it, so a fork in another thread never inherits it.
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

#include "platform/platform.hpp"
#include "platform/posix/sockaddr.hpp"

namespace unisock::platform {

handle open_waker(std::error_code& ec) noexcept {
    const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0) {
        ec = last_error();
        return invalid_native_handle;
    }
    ec.clear();
    return as_handle(fd);
}

void signal_waker(handle waker) noexcept {
    // Only a counter at its maximum refuses (EAGAIN): it is signalled already.
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = retry_on_interrupt([&] { return ::write(as_fd(waker), &one, sizeof one); });
}

void drain_waker(handle waker) noexcept {
    std::uint64_t count = 0;
    [[maybe_unused]] const ssize_t read = retry_on_interrupt([&] { return ::read(as_fd(waker), &count, sizeof count); });
}

void close_waker(handle waker) noexcept { ::close(as_fd(waker)); }

} // namespace unisock::platform
