// SPDX-License-Identifier: BSL-1.0
#pragma once
/// @file
/// Process-wide facts and setup: network initialisation, what this OS offers, limits.
///
/// Nothing needs to be called first: the first socket or lookup initialises the network
/// stack (WSAStartup 2.2 on Windows, nothing on POSIX), thread-safely. That implicit
/// start-up is never undone by unisock: WSACleanup from a static destructor is unsafe when
/// unisock is a DLL (it would run under the loader lock), and the system releases Winsock
/// when the process ends. network_init is for those who want to control or check start-up
/// and clean-up themselves: its destructor is the one place unisock calls WSACleanup.
/// Every function here may be called from any thread at any time.

#include <string_view>
#include <system_error>

namespace unisock {

/// RAII guard of the network stack. POSIX: nothing to start (no system call). Windows:
/// WSAStartup(2.2) on construction and WSACleanup on destruction, reference counted by
/// Winsock, so guards nest and may coexist with the library's own start. Not copyable.
class network_init {
public:
    /// Starts the stack; raises socket_error (not_initialized, with WSAStartup's code) on
    /// failure.
    network_init();
    /// Starts the stack; on failure sets ec and the destructor does nothing.
    explicit network_init(std::error_code& ec) noexcept;
    network_init(const network_init&) = delete;
    network_init& operator=(const network_init&) = delete;
    /// Releases this guard's start (WSACleanup on Windows) if it succeeded.
    ~network_init();

private:
    bool started_ = false;
};

/// The state of the lazily started network stack, starting it if it is not yet up: a
/// false code once it is up, else the error (not_initialized). POSIX: always success, no
/// system call. Windows: the result of the process's one WSAStartup(2.2).
std::error_code network_status() noexcept;

/// What this OS's sockets can do; a scenario that needs a missing feature names it.
struct platform_capabilities {
    /// AF_UNIX SOCK_STREAM (POSIX; Windows 10 1803 and later).
    bool local_stream = false;
    /// AF_UNIX SOCK_DGRAM (POSIX only).
    bool local_datagram = false;
    /// Abstract AF_UNIX names, a path starting with a NUL byte (Linux only).
    bool local_abstract = false;
    /// SOCK_SEQPACKET on AF_UNIX (Linux).
    bool seqpacket = false;
    /// reuse_policy::load_balanced: SO_REUSEPORT with load balancing (Linux).
    bool load_balanced_reuse = false;
    /// A native socketpair(2) (POSIX); Windows gets a loopback TCP pair instead.
    bool native_socketpair = false;
};

/// What this OS offers, probed once at the first call (later calls return the same
/// object). The probes create and close sockets: POSIX: socket(2) with AF_UNIX
/// SOCK_STREAM, SOCK_DGRAM and SOCK_SEQPACKET, then close(2). Windows: WSASocketW with
/// AF_UNIX SOCK_STREAM, then closesocket (after starting Winsock; if it cannot start,
/// every feature reads as missing).
const platform_capabilities& capabilities() noexcept;

/// "linux", "macos", "windows" (or "posix" on another POSIX system): fixed when the
/// library was built, no system call.
std::string_view platform_name() noexcept;

/// The largest listen() backlog the system honours now (larger backlogs are clamped to
/// it silently). Linux: net.core.somaxconn, read from /proc/sys/net/core/somaxconn. macOS:
/// sysctlbyname("kern.ipc.somaxconn"). Either falls back to SOMAXCONN when it cannot be
/// read. Windows has no call that reports it: this is 65535, the documented ceiling of
/// SOMAXCONN_HINT, which listen() passes for max_backlog and for any backlog of 200 or
/// more (plain SOMAXCONN would mean about 200); no system call.
int listen_backlog_limit() noexcept;

} // namespace unisock
