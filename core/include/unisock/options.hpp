// SPDX-License-Identifier: BSL-1.0
#pragma once
/// @file
/// Typed socket options, set and read with socket::set_option / socket::get_option:
///
///     sock.set_option(unisock::option::no_delay{true});
///     bool on = sock.get_option<unisock::option::no_delay>().value;
///
/// Each maps to one native option per OS, translated inside platform/. An option the OS
/// does not have fails with errc::operation_not_supported, never silently. POSIX:
/// setsockopt(2) / getsockopt(2). Windows: setsockopt / getsockopt, and WSAIoctl
/// (SIO_KEEPALIVE_VALS) for keep-alive timing where the TCP_KEEP* options are missing.
/// Nothing in this file makes a system call: socket::set_option does.

#include <chrono>
#include <optional>

namespace unisock {

/// Which option a typed option stands for (used by the backends' translation tables).
enum class option_name {
    reuse,               ///< reuse_policy, see below
    keep_alive,          ///< SO_KEEPALIVE
    keep_alive_timing,   ///< TCP_KEEPIDLE/TCP_KEEPALIVE, TCP_KEEPINTVL, TCP_KEEPCNT; SIO_KEEPALIVE_VALS
    no_delay,            ///< TCP_NODELAY
    linger,              ///< SO_LINGER
    receive_buffer_size, ///< SO_RCVBUF
    send_buffer_size,    ///< SO_SNDBUF
    broadcast,           ///< SO_BROADCAST
    v6_only,             ///< IPV6_V6ONLY
};

/// How a listening address may be shared.
enum class reuse_policy {
    /// Never two live sockets on one address. The default on every OS: nothing on POSIX,
    /// SO_EXCLUSIVEADDRUSE on Windows (where plain SO_REUSEADDR would let others steal it).
    exclusive,
    /// Rebind a port whose old connections sit in TIME_WAIT, while two live sockets on
    /// one port still fail with errc::address_in_use: SO_REUSEADDR on a POSIX stream
    /// socket; nothing on a datagram socket (UDP has no TIME_WAIT, and SO_REUSEADDR there
    /// would let a second live socket take the port and its datagrams), so it reads back
    /// as exclusive there. On Windows SO_EXCLUSIVEADDRUSE stays on, as under exclusive:
    /// without it Microsoft's sharing table lets a wildcard and a specific bind share a
    /// live port. Windows has no option between the two, so there this policy is
    /// exclusive and reads back as exclusive. What rebinding over TIME_WAIT does there
    /// (Microsoft Learn, "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE"): an exclusive bind
    /// fails with errc::address_in_use while a connection accepted by the old socket is
    /// still active or terminating, and succeeds once it is gone; plain Winsock would
    /// rebind over TIME_WAIT only at the price of letting a live port be shared. A
    /// server that must restart at once on Windows lets its clients close first, so the
    /// TIME_WAIT stays on their side.
    rebind_after_close,
    /// Several listeners share one port and the kernel balances connections between them:
    /// SO_REUSEPORT on Linux; errc::operation_not_supported elsewhere.
    load_balanced,
};

/// TCP keep-alive timing. Unset fields keep the OS default; a field the OS cannot set
/// fails with errc::operation_not_supported rather than being ignored.
struct keep_alive_timing {
    std::optional<std::chrono::seconds> idle;     ///< before the first probe
    std::optional<std::chrono::seconds> interval; ///< between probes
    std::optional<int> count;                     ///< probes before the connection drops
    /// Field by field.
    friend bool operator==(const keep_alive_timing&, const keep_alive_timing&) = default;
};

/// The typed options: each has its option_name and a value of its own type.
namespace option {
/// How the address may be shared (reuse_policy): SO_REUSEADDR, SO_REUSEPORT on POSIX;
/// SO_EXCLUSIVEADDRUSE on Windows.
struct reuse {
    /// Which option this is: option_name::reuse.
    static constexpr option_name name = option_name::reuse;
    /// The policy.
    reuse_policy value = reuse_policy::exclusive;
};
/// SO_KEEPALIVE: send keep-alive probes on an idle TCP connection.
struct keep_alive {
    /// Which option this is: option_name::keep_alive.
    static constexpr option_name name = option_name::keep_alive;
    /// On or off.
    bool value = false;
};
/// The keep-alive timing. POSIX: TCP_KEEPIDLE (TCP_KEEPALIVE on macOS), TCP_KEEPINTVL,
/// TCP_KEEPCNT. Windows: the same TCP_KEEP* options (Windows 10 1709 and later), else
/// WSAIoctl(SIO_KEEPALIVE_VALS), which cannot set a count and cannot be read back.
struct keep_alive_timing {
    /// Which option this is: option_name::keep_alive_timing.
    static constexpr option_name name = option_name::keep_alive_timing;
    /// The timing.
    unisock::keep_alive_timing value;
};
/// TCP_NODELAY: send small segments at once (no Nagle delay).
struct no_delay {
    /// Which option this is: option_name::no_delay.
    static constexpr option_name name = option_name::no_delay;
    /// On or off.
    bool value = false;
};
/// SO_LINGER. Graceful close waits up to value for unsent data; nullopt = off (close returns at once
/// and the OS sends the rest in the background). Zero seconds is an abortive close. With a
/// time set, close() switches the socket to blocking mode before close(2)/closesocket
/// (a non-blocking lingering close fails with WSAEWOULDBLOCK on Windows and does not wait
/// on macOS), so it blocks up to value on every OS, whatever timeout the socket has; what
/// becomes of data still unsent when the time runs out is the OS's choice.
struct linger {
    /// Which option this is: option_name::linger.
    static constexpr option_name name = option_name::linger;
    /// The wait, or nullopt = off.
    std::optional<std::chrono::seconds> value;
};
/// SO_RCVBUF: the size of the kernel's receive buffer, in bytes.
struct receive_buffer_size {
    /// Which option this is: option_name::receive_buffer_size.
    static constexpr option_name name = option_name::receive_buffer_size;
    /// The size in bytes.
    int value = 0;
};
/// SO_SNDBUF: the size of the kernel's send buffer, in bytes.
struct send_buffer_size {
    /// Which option this is: option_name::send_buffer_size.
    static constexpr option_name name = option_name::send_buffer_size;
    /// The size in bytes.
    int value = 0;
};
/// SO_BROADCAST: a datagram socket may send to a broadcast address.
struct broadcast {
    /// Which option this is: option_name::broadcast.
    static constexpr option_name name = option_name::broadcast;
    /// On or off.
    bool value = false;
};
/// IPV6_V6ONLY. IPv6 sockets are created with v6_only = true on every OS (Windows'
/// default); set it to false before bind for a dual-stack socket.
struct v6_only {
    /// Which option this is: option_name::v6_only.
    static constexpr option_name name = option_name::v6_only;
    /// True: IPv6 only; false: dual-stack.
    bool value = true;
};
} // namespace option

} // namespace unisock
