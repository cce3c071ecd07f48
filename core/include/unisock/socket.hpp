// SPDX-License-Identifier: BSL-1.0
#pragma once
/// @file
/// unisock::socket: one socket API with the same behaviour on Windows, Linux and macOS.
///
/// Semantics follow Python's socket module. Every throwing call has a no-throw overload
/// that takes std::error_code& and reports the same error there. Errors compare equal to
/// unisock::errc on every OS (see error.hpp).
///
/// Blocking behaviour (Python's settimeout): set_timeout(std::nullopt) blocks (the
/// default), set_timeout(0s) makes every call non-blocking (errc::would_block,
/// errc::in_progress), set_timeout(d > 0) makes connect, accept, send, sendall, recv,
/// recv_from and send_to fail with errc::timed_out (timeout_error) after d on a
/// monotonic clock. The socket stays usable after a timeout. Internally the OS socket is
/// always non-blocking: a call that can complete at once costs one system call in every
/// mode, and a call that must wait polls the socket together with a wake-up handle so
/// that cancel() can release it from another thread (poll on POSIX, select on Windows).
/// A call that has to wait makes two system calls (the wait, then the call): once a
/// direction (receiving or sending) has had to wait, the next calls in that direction wait
/// first; now and then one tries first instead, and when the socket was ready the
/// direction goes back to trying first.
///
/// Thread safety. Distinct sockets: safe. One socket shared between threads:
/// - one thread receiving (recv*, accept, recv_from*) and one thread sending (send*,
///   sendall, send_to) may run at the same time, each with its own calls;
/// - cancel(), clear_cancel() and is_canceled() may be called from any thread at any
///   time, and cancel() also from a signal handler (it is lock-free and async-signal-safe);
/// - close(), abort() and release() may be called from any thread while other threads are
///   inside calls on the socket: the calls that are waiting return operation_canceled at
///   once, close() waits for every call in progress to leave (none blocks: the OS socket is
///   non-blocking) and only then gives the handle back to the OS, so no call ever touches
///   a handle number the OS has reused. Later calls fail with bad_descriptor.
/// - everything else (bind, listen, connect, set_timeout, set_option, move, destruction)
///   is configuration: not to be run while another thread uses the socket.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <version>
#if defined(__cpp_lib_jthread)
#include <stop_token>
#endif

#include "unisock/address.hpp"
#include "unisock/bytes.hpp"
#include "unisock/error.hpp"
#include "unisock/options.hpp"
#include "unisock/types.hpp"

namespace unisock {

/// The most recv() and recv_from() allocate for one call: larger than any datagram and
/// than what one receive returns from a stream socket's buffer.
inline constexpr std::size_t max_receive_size = std::size_t{16} * 1024 * 1024;

class socket;

/// What accept() returns: the connected socket and the peer's address.
struct accepted;

/// What recv_from_into() returns: how many bytes arrived and from whom.
struct received_from {
    /// The number of bytes received into the buffer.
    std::size_t size = 0;
    /// Who sent them.
    address sender;
};

/// What recv_from() returns: the datagram's bytes and its sender.
struct datagram {
    /// The datagram's bytes.
    std::string data;
    /// Who sent it.
    address sender;
};

namespace detail {
// What one direction of a socket remembers of its last waits (see socket.cpp).
struct wait_history {
    std::atomic<std::uint8_t> backoff{0};
    std::atomic<std::uint8_t> countdown{0};
};
} // namespace detail

/// One OS socket, owned: Python's socket.socket with the same behaviour on every OS (see
/// the file's description for blocking modes and thread safety). Movable, not copyable;
/// the destructor closes it as close() does.
class socket {
public:
    /// A closed socket. No system call.
    socket() noexcept;
    /// A new socket, close-on-exec (not inherited), with SIGPIPE
    /// suppressed, exclusive address use, and v6_only=true for IPv6. Bad family, type or
    /// protocol fail with address_family_not_supported, socket_type_not_supported or
    /// protocol_not_supported (socket_error). POSIX: socket(2) (SOCK_CLOEXEC and
    /// SOCK_NONBLOCK where the OS has them, else fcntl(2)). Windows: WSASocketW.
    socket(address_family f, socket_type t, int protocol = 0);
    /// socket(f, t, protocol), reporting a failure in ec instead of throwing (the socket
    /// is then closed).
    socket(address_family f, socket_type t, int protocol, std::error_code& ec) noexcept;

    /// Takes ownership of an open OS socket (Python's socket(fileno=...)): the family and
    /// type are read from the OS and it is switched to unisock's internal non-blocking
    /// mode with a blocking timeout. Fails with bad_descriptor for anything but a socket.
    /// POSIX: getsockopt(2) (SO_TYPE), getsockname(2), fcntl(2). Windows: getsockopt
    /// (SO_PROTOCOL_INFOW), ioctlsocket (FIONBIO), SetHandleInformation.
    static socket adopt(native_handle_type handle);
    /// adopt(handle), reporting a failure in ec instead of throwing (the handle is then
    /// not taken).
    static socket adopt(native_handle_type handle, std::error_code& ec) noexcept;

    /// Takes other's OS socket and state; other is left closed. No system call.
    socket(socket&& other) noexcept;
    /// Closes this socket (as close() does), then takes other's; other is left closed.
    socket& operator=(socket&& other) noexcept;
    socket(const socket&) = delete;
    socket& operator=(const socket&) = delete;
    /// Closes the socket as close() does, ignoring any error.
    ~socket();

    /// False once close(), abort() or release() has begun, or for a default-made socket.
    /// No system call; callable from any thread.
    bool is_open() const noexcept { return (state_.load(std::memory_order_acquire) & closed_bit) == 0; }
    /// The address family given at creation (or read by adopt()). No system call.
    address_family family() const noexcept { return family_; }
    /// The socket type given at creation (or read by adopt()). No system call.
    socket_type type() const noexcept { return type_; }

    /// Gives the socket its local address: '' in Python is ip_address::v4_any(); port 0
    /// picks a free port (read it back with local_address()). A taken port fails with
    /// address_in_use. POSIX: bind(2). Windows: bind.
    void bind(const address& local);
    /// bind(local), reporting a failure in ec instead of throwing.
    void bind(const address& local, std::error_code& ec) noexcept;

    /// Makes the socket a listener. backlog < 0 fails with invalid_argument; max_backlog
    /// asks for the most the system allows. POSIX: listen(2). Windows: listen
    /// (SOMAXCONN_HINT for max_backlog and for any backlog of 200 or more).
    void listen(int backlog = default_backlog);
    /// listen(backlog), reporting a failure in ec instead of throwing.
    void listen(int backlog, std::error_code& ec) noexcept;

    /// The next incoming connection: the new socket is close-on-exec, SIGPIPE-free and
    /// uses the internal non-blocking mode with a blocking timeout on every OS (BSD would inherit
    /// O_NONBLOCK from the listener, Linux would not; unisock sets it explicitly).
    /// Honours this socket's timeout: timed_out, would_block, operation_canceled.
    /// POSIX: accept4(2) where the OS has it, else accept(2) and fcntl(2). Windows:
    /// accept, then ioctlsocket (FIONBIO) and SetHandleInformation.
    accepted accept();
    /// accept(), reporting a failure in ec instead of throwing.
    accepted accept(std::error_code& ec) noexcept;

    /// Connects to peer. Honours the timeout: in non-blocking mode it fails with in_progress
    /// (wait(wait_for::writable) and pending_error() complete it). Completion is read
    /// from SO_ERROR, never by calling connect() again. A stream socket that is connected
    /// already fails with already_connected (getpeername(2) tells); a datagram socket
    /// may connect again to change its peer. POSIX: connect(2). Windows: connect
    /// (WSAEWOULDBLOCK reads as in_progress).
    void connect(const address& peer);
    /// connect(peer), reporting a failure in ec instead of throwing.
    void connect(const address& peer, std::error_code& ec) noexcept;
    /// Python's connect_ex: the error code instead of an exception; a false code on success.
    /// The same system calls as connect().
    std::error_code connect_ex(const address& peer) noexcept;

    /// Sends some of data and returns how many bytes went (may be
    /// fewer than data.size()). A closed peer gives broken_pipe or connection_reset,
    /// never a signal. POSIX: send(2) with MSG_NOSIGNAL (SO_NOSIGPIPE on macOS). Windows:
    /// send.
    std::size_t send(const_bytes data) {
        std::error_code ec;
        const std::size_t sent = send(data, ec);
        detail::throw_if(ec, "send");
        return sent;
    }
    /// send(data), reporting a failure in ec instead of throwing.
    std::size_t send(const_bytes data, std::error_code& ec) noexcept;

    /// Sends all of data, under one deadline for the whole buffer when a timeout is set.
    /// The no-throw form returns how many bytes went before the error. POSIX: send(2),
    /// repeated. Windows: send, repeated.
    void sendall(const_bytes data) {
        std::error_code ec;
        const std::size_t sent = sendall(data, ec);
        if (ec) throw_sendall_error(ec, sent, data.size());
    }
    /// sendall(data), reporting a failure in ec instead of throwing.
    std::size_t sendall(const_bytes data, std::error_code& ec) noexcept;

    /// Receives into buffer: the number of bytes received, 0 at an orderly close by the
    /// peer. POSIX: recv(2). Windows: recv (WSAESHUTDOWN after shutdown(read) reads as
    /// an orderly close, as on POSIX).
    std::size_t recv_into(mutable_bytes buffer) {
        std::error_code ec;
        const std::size_t received = recv_into(buffer, ec);
        detail::throw_if(ec, "recv");
        return received;
    }
    /// recv_into(buffer), reporting a failure in ec instead of throwing.
    std::size_t recv_into(mutable_bytes buffer, std::error_code& ec) noexcept;

    /// Up to max_size bytes as a string of bytes; empty at an orderly close. The string is
    /// allocated for min(max_size, max_receive_size) bytes: no single recv(2) returns more
    /// (recv_into receives into a buffer of any size). The no-throw form never throws:
    /// memory it cannot get is no_buffer_space. POSIX: recv(2). Windows: recv.
    std::string recv(std::size_t max_size);
    /// recv(max_size), reporting a failure in ec instead of throwing.
    std::string recv(std::size_t max_size, std::error_code& ec) noexcept;

    /// One datagram to peer; the number of bytes sent. POSIX: sendto(2) with MSG_NOSIGNAL.
    /// Windows: sendto.
    std::size_t send_to(const_bytes data, const address& peer);
    /// send_to(data, peer), reporting a failure in ec instead of throwing.
    std::size_t send_to(const_bytes data, const address& peer, std::error_code& ec) noexcept;

    /// One datagram into buffer, and its sender. ICMP port-unreachable is ignored on an
    /// unconnected UDP socket and reported as connection_refused on a connected one, on
    /// every OS. On a stream socket the bytes are received as by recv() and the sender is the peer
    /// (getpeername(2); address{} if the peer is gone already), on every OS. A datagram
    /// larger than buffer fails with message_size. POSIX: recvmsg(2) (which tells a
    /// truncated datagram). Windows: recvfrom (SIO_UDP_CONNRESET, set with WSAIoctl,
    /// decides whether ICMP resets are reported).
    received_from recv_from_into(mutable_bytes buffer);
    /// recv_from_into(buffer), reporting a failure in ec instead of throwing.
    received_from recv_from_into(mutable_bytes buffer, std::error_code& ec) noexcept;
    /// One datagram into a string of min(max_size, max_receive_size) bytes, as recv(); the
    /// same system calls as recv_from_into().
    datagram recv_from(std::size_t max_size);
    /// recv_from(max_size), reporting a failure in ec instead of throwing.
    datagram recv_from(std::size_t max_size, std::error_code& ec) noexcept;

    /// Half-close. After shutdown(write) the peer's recv returns 0. POSIX: shutdown(2).
    /// Windows: shutdown.
    void shutdown(shutdown_how how);
    /// shutdown(how), reporting a failure in ec instead of throwing.
    void shutdown(shutdown_how how, std::error_code& ec) noexcept;

    /// Closes the socket. Idempotent; never retried on EINTR (the descriptor is gone
    /// either way). Pending data is still sent in the background (graceful close). Safe
    /// while other threads are in calls on this socket: see "Thread safety" above (a
    /// call waiting in another thread returns operation_canceled; close() returns once
    /// every call has left). A second close() while one is running returns at once.
    /// Not async-signal-safe (it waits for the other threads): use cancel() there.
    /// POSIX: close(2). Windows: closesocket.
    void close();
    /// close(), reporting a failure in ec instead of throwing.
    void close(std::error_code& ec) noexcept;
    /// Abortive close: SO_LINGER {1, 0} then close(2) / closesocket, so the peer sees a
    /// reset. The same thread rules as close(). POSIX: setsockopt(2), close(2).
    /// Windows: setsockopt, closesocket.
    void abort() noexcept;

    /// The address the socket is bound to. An IP socket not bound yet gives the wildcard
    /// address with port 0 on every OS (where Winsock's getsockname fails with
    /// WSAEINVAL). POSIX: getsockname(2). Windows: getsockname, and getsockopt
    /// (SO_PROTOCOL_INFOW) for an unbound socket.
    address local_address() const;
    /// local_address(), reporting a failure in ec instead of throwing.
    address local_address(std::error_code& ec) const noexcept;
    /// The address of the connected peer; not_connected when there is none. POSIX:
    /// getpeername(2). Windows: getpeername.
    address peer_address() const;
    /// peer_address(), reporting a failure in ec instead of throwing.
    address peer_address(std::error_code& ec) const noexcept;

    /// Python's settimeout: nullopt blocks, zero is non-blocking, a positive duration
    /// bounds every blocking call. A sub-millisecond timeout is honoured, never rounded
    /// to zero (which Windows would read as "infinite"). Negative fails with
    /// invalid_argument. No system call (the OS socket is always non-blocking).
    void set_timeout(std::optional<timeout_duration> timeout);
    /// set_timeout(timeout), reporting a failure in ec instead of throwing.
    void set_timeout(std::optional<timeout_duration> timeout, std::error_code& ec) noexcept;
    /// The timeout set_timeout() set: nullopt = blocking. No system call.
    std::optional<timeout_duration> timeout() const noexcept { return timeout_; }
    /// Python's setblocking: true = set_timeout(nullopt), false = set_timeout(0s).
    void set_blocking(bool blocking) noexcept;

    /// Waits until the socket is readable or writable, or the timeout passes (timed_out)
    /// or cancel() is called (operation_canceled). nullopt waits without limit. After a
    /// non-blocking connect, wait(wait_for::writable) then pending_error() gives the result.
    /// POSIX: poll(2) on the socket and the wake-up handle. Windows: select on the socket
    /// and the wake-up socket.
    std::error_code wait(wait_for what, std::optional<timeout_duration> timeout) noexcept;
    /// The socket's pending error (a connect's outcome). Read it once:
    /// POSIX clears it on reading, Windows keeps a failed connect's error. POSIX:
    /// getsockopt(2) with SO_ERROR. Windows: getsockopt with SO_ERROR.
    std::error_code pending_error() noexcept;

    /// Wakes every call blocked on this socket in another thread (accept, connect, send,
    /// sendall, recv, recv_from, send_to, wait): they fail with operation_canceled, which
    /// is distinct from connection_reset. Sticky: later calls fail the same way until
    /// clear_cancel(). Lock-free and async-signal-safe: callable from any thread and from
    /// a signal handler, at any time, on an open or closed socket (closed: no effect).
    /// Maps to one write(2) on an eventfd (Linux) or kevent(2) (macOS), or one send() on
    /// the wake-up socket (Windows), and only when a call has ever waited on this socket.
    void cancel() noexcept;
    /// Ends the cancellation: later calls run normally. Callable from any thread; not
    /// from a signal handler.
    void clear_cancel() noexcept;
    /// Whether cancel() has been called and not yet cleared. No system call; callable from
    /// any thread.
    bool is_canceled() const noexcept { return (state_.load(std::memory_order_acquire) & canceled_bit) != 0; }

#if defined(__cpp_lib_jthread)
    /// Cancels this socket when token is stopped (keep the returned object alive while
    /// the token should apply). Only where the standard library has <stop_token>.
    [[nodiscard]] auto cancel_on(std::stop_token token) {
        struct canceler {
            socket* target;
            void operator()() const noexcept { target->cancel(); }
        };
        return std::stop_callback<canceler>(std::move(token), canceler{this});
    }
#endif

    /// Sets a typed option (options.hpp): setsockopt/getsockopt, or WSAIoctl where Windows
    /// needs it. Each option type has its own private entry below, picked by the option itself: two
    /// options with the same value type never reach each other's system call, and an
    /// option without an entry does not compile. An option this OS lacks fails with
    /// operation_not_supported (socket_error). POSIX: setsockopt(2). Windows: setsockopt,
    /// or WSAIoctl (SIO_KEEPALIVE_VALS).
    template <class Option>
    void set_option(const Option& opt) {
        std::error_code ec;
        set_option(opt, ec);
        if (ec) detail::throw_error(ec, "setsockopt", to_string(Option::name));
    }
    /// set_option(opt), reporting a failure in ec instead of throwing.
    template <class Option>
    void set_option(const Option& opt, std::error_code& ec) noexcept {
        set_option_value(opt, ec);
    }
    /// Reads a typed option: sock.get_option<option::no_delay>().value. POSIX:
    /// getsockopt(2). Windows: getsockopt.
    template <class Option>
    Option get_option() const {
        std::error_code ec;
        Option opt = get_option<Option>(ec);
        if (ec) detail::throw_error(ec, "getsockopt", to_string(Option::name));
        return opt;
    }
    /// get_option<Option>(), reporting a failure in ec instead of throwing.
    template <class Option>
    Option get_option(std::error_code& ec) const noexcept {
        Option opt{};
        get_option_value(opt, ec);
        return opt;
    }

    /// Raw setsockopt/getsockopt with the OS's own level and name numbers, for options
    /// unisock does not type. POSIX: setsockopt(2). Windows: setsockopt.
    void set_raw_option(int level, int name, const_bytes value);
    /// set_raw_option(level, name, value), reporting a failure in ec instead of throwing.
    void set_raw_option(int level, int name, const_bytes value, std::error_code& ec) noexcept;
    /// Reads a raw option into value; get_raw_option returns the size the OS wrote.
    /// POSIX: getsockopt(2). Windows: getsockopt.
    std::size_t get_raw_option(int level, int name, mutable_bytes value) const;
    /// get_raw_option(level, name, value), reporting a failure in ec instead of throwing.
    std::size_t get_raw_option(int level, int name, mutable_bytes value,
                               std::error_code& ec) const noexcept;

    /// The OS handle (Python's fileno()). The socket still owns it. No system call.
    native_handle_type native_handle() const noexcept { return handle_.load(std::memory_order_relaxed); }
    /// Gives up ownership: the handle is returned in the OS's blocking mode matching the
    /// timeout (blocking unless the timeout is zero), and this socket is left closed. The
    /// same thread rules as close(). POSIX: fcntl(2) (O_NONBLOCK). Windows: ioctlsocket
    /// (FIONBIO).
    native_handle_type release() noexcept;

private:
    socket(native_handle_type handle, address_family f, socket_type t) noexcept;

    // One entry per typed option (the dispatch of set_option / get_option).
    void set_option_value(const option::reuse& opt, std::error_code& ec) noexcept;
    void set_option_value(const option::keep_alive& opt, std::error_code& ec) noexcept;
    void set_option_value(const option::keep_alive_timing& opt, std::error_code& ec) noexcept;
    void set_option_value(const option::no_delay& opt, std::error_code& ec) noexcept;
    void set_option_value(const option::linger& opt, std::error_code& ec) noexcept;
    void set_option_value(const option::receive_buffer_size& opt, std::error_code& ec) noexcept;
    void set_option_value(const option::send_buffer_size& opt, std::error_code& ec) noexcept;
    void set_option_value(const option::broadcast& opt, std::error_code& ec) noexcept;
    void set_option_value(const option::v6_only& opt, std::error_code& ec) noexcept;
    void get_option_value(option::reuse& opt, std::error_code& ec) const noexcept;
    void get_option_value(option::keep_alive& opt, std::error_code& ec) const noexcept;
    void get_option_value(option::keep_alive_timing& opt, std::error_code& ec) const noexcept;
    void get_option_value(option::no_delay& opt, std::error_code& ec) const noexcept;
    void get_option_value(option::linger& opt, std::error_code& ec) const noexcept;
    void get_option_value(option::receive_buffer_size& opt, std::error_code& ec) const noexcept;
    void get_option_value(option::send_buffer_size& opt, std::error_code& ec) const noexcept;
    void get_option_value(option::broadcast& opt, std::error_code& ec) const noexcept;
    void get_option_value(option::v6_only& opt, std::error_code& ec) const noexcept;

    // state_: the closed and canceled bits, and above them how many threads are inside
    // a call on this socket (close() waits for that count to reach zero).
    static constexpr std::uint32_t closed_bit = 1;
    static constexpr std::uint32_t canceled_bit = 2;
    static constexpr std::uint32_t one_caller = 4;

    // The throwing sendall's message, built out of line (only on error).
    [[noreturn]] static void throw_sendall_error(const std::error_code& ec, std::size_t sent, std::size_t size);

    // One call in progress (see state_); the rest are defined in socket.cpp.
    class call;
    template <class Attempt>
    auto when_ready(wait_for direction, Attempt attempt, std::error_code& ec) noexcept;
    template <class Deadline>
    std::error_code wait_ready(wait_for what, const Deadline& until) noexcept;

    bool non_blocking() const noexcept { return timeout_ && timeout_->count() == 0; }
    std::error_code check_open() const noexcept;
    std::error_code check_family(const address& peer) const noexcept;
    std::error_code check_not_connected() const noexcept;
    native_handle_type waker(std::error_code& ec) noexcept;
    // Marks the socket closed, wakes the calls that wait, waits for every call to leave,
    // then hands back the handle (invalid when it was closed already).
    native_handle_type shut_out() noexcept;
    void close_quietly() noexcept;

    std::atomic<native_handle_type> handle_{invalid_native_handle};
    mutable std::atomic<std::uint32_t> state_{closed_bit};
    // The wake-up handle, opened by the first call that has to wait.
    std::atomic<native_handle_type> waker_{invalid_native_handle};
    // Whether calls in each direction wait before they try (socket.cpp, adaptive_wait).
    detail::wait_history reader_history_;
    detail::wait_history writer_history_;
    address_family family_ = address_family::unspecified;
    socket_type type_ = socket_type::stream;
    std::optional<timeout_duration> timeout_;
};

/// What accept() returns.
struct accepted {
    /// The connected socket, owned.
    socket connection;
    /// The peer's address.
    address peer;
};

/// "reuse", "keep_alive", ...: names the option in error messages. No system call.
std::string to_string(option_name name);

} // namespace unisock
