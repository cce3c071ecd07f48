// SPDX-License-Identifier: BSL-1.0
// What this POSIX system offers, and its limits.
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __APPLE__
#include <sys/sysctl.h>
#endif

#include <cstring>
#include <fstream>

#include "platform/platform.hpp"

namespace unisock::platform {

namespace {

// Whether the OS creates a socket of this kind (nothing is bound, nothing appears).
bool can_create(int af, int type) noexcept {
    const int fd = ::socket(af, type, 0);
    if (fd < 0) return false;
    ::close(fd);
    return true;
}

platform_capabilities probe_capabilities() noexcept {
    platform_capabilities result;
    result.local_stream = can_create(AF_UNIX, SOCK_STREAM);
    result.local_datagram = can_create(AF_UNIX, SOCK_DGRAM);
    result.seqpacket = can_create(AF_UNIX, SOCK_SEQPACKET); // Linux yes, macOS no
    result.native_socketpair = true;
#ifdef __linux__
    result.local_abstract = true;
    result.load_balanced_reuse = true;
#endif
    return result;
}

// The kernel's current listen() queue limit (it clamps larger backlogs silently).
int read_backlog_limit() noexcept {
    int limit = 0;
#if defined(__linux__)
    std::ifstream("/proc/sys/net/core/somaxconn") >> limit;
#elif defined(__APPLE__)
    std::size_t size = sizeof limit;
    if (::sysctlbyname("kern.ipc.somaxconn", &limit, &size, nullptr, 0) != 0) limit = 0;
#endif
    return limit > 0 ? limit : SOMAXCONN;
}

} // namespace

platform_capabilities query_capabilities() noexcept {
    static const platform_capabilities probed = probe_capabilities(); // once, at the first query
    return probed;
}

std::string_view os_name() noexcept {
#if defined(__APPLE__)
    return "macos";
#elif defined(__linux__)
    return "linux";
#else
    return "posix";
#endif
}

int backlog_limit() noexcept { return read_backlog_limit(); }

static_assert(sizeof(sigset_t) <= 128, "async_signals_blocked keeps a sigset_t");

async_signals_blocked::async_signals_blocked() noexcept {
    sigset_t asynchronous;
    sigfillset(&asynchronous);
    // Raised for the thread that caused them: blocking one would only hide it (a blocked
    // SIGPIPE would let a handler's own write to a closed pipe go on with EPIPE).
    for (const int own : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGPIPE, SIGXFSZ}) sigdelset(&asynchronous, own);
    sigset_t saved;
    if (pthread_sigmask(SIG_BLOCK, &asynchronous, &saved) != 0)
        pthread_sigmask(SIG_BLOCK, nullptr, &saved); // nothing changed: restore what is
    std::memcpy(saved_mask_, &saved, sizeof saved);
}

async_signals_blocked::~async_signals_blocked() {
    sigset_t saved;
    std::memcpy(&saved, saved_mask_, sizeof saved);
    pthread_sigmask(SIG_SETMASK, &saved, nullptr);
}

} // namespace unisock::platform
