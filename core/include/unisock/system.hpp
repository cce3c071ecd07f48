#pragma once
// Process-wide facts and setup: network initialisation, what this OS offers, limits.
//
// Nothing needs to be called first: the first socket or lookup initialises the network
// stack (WSAStartup 2.2 on Windows, nothing on POSIX), thread-safely. That implicit
// start-up is never undone by unisock: WSACleanup from a static destructor is unsafe when
// unisock is a DLL (it would run under the loader lock), and the system releases Winsock
// when the process ends. network_init is for those who want to control or check start-up
// and clean-up themselves: its destructor is the one place unisock calls WSACleanup.

#include <string_view>
#include <system_error>

namespace unisock {

// RAII guard: WSAStartup(2.2) / WSACleanup on Windows (reference counted by Winsock),
// nothing on POSIX. The throwing form raises socket_error (not_initialized) on failure.
class network_init {
public:
    network_init();
    explicit network_init(std::error_code& ec) noexcept;
    network_init(const network_init&) = delete;
    network_init& operator=(const network_init&) = delete;
    ~network_init();

private:
    bool started_ = false;
};

// The lazily started network stack's state (starting it if nothing has yet): a false
// code once it is up.
std::error_code network_status() noexcept;

// What this OS's sockets can do; a scenario that needs a missing feature names it.
struct platform_capabilities {
    bool local_stream = false;        // AF_UNIX SOCK_STREAM (Windows 10 1803+)
    bool local_datagram = false;      // AF_UNIX SOCK_DGRAM (POSIX only)
    bool local_abstract = false;      // abstract AF_UNIX names (Linux only)
    bool seqpacket = false;           // SOCK_SEQPACKET on AF_UNIX (Linux)
    bool load_balanced_reuse = false; // reuse_policy::load_balanced (Linux SO_REUSEPORT)
    bool native_socketpair = false;   // socketpair(2) (POSIX)
};
const platform_capabilities& capabilities() noexcept;

// "linux", "macos" or "windows".
std::string_view platform_name() noexcept;

// The largest listen() backlog the system honours now (Linux: net.core.somaxconn;
// macOS: kern.ipc.somaxconn). Windows has no call that reports it: this is 65535, the
// documented ceiling of SOMAXCONN_HINT, which listen() passes for max_backlog and for any
// backlog of 200 or more (plain SOMAXCONN would mean about 200).
int listen_backlog_limit() noexcept;

} // namespace unisock
