#pragma once
// unisock::socket: one socket API with the same behaviour on Windows, Linux and macOS.
//
// Semantics follow Python's socket module. Every throwing call has a no-throw overload
// that takes std::error_code& and reports the same error there. Errors compare equal to
// unisock::errc on every OS (see error.hpp).
//
// Blocking behaviour (Python's settimeout): set_timeout(std::nullopt) blocks (the
// default), set_timeout(0s) makes every call non-blocking (errc::would_block,
// errc::in_progress), set_timeout(d > 0) makes connect, accept, send, sendall, recv,
// recv_from and send_to fail with errc::timed_out (timeout_error) after d on a
// monotonic clock. The socket stays usable after a timeout. Internally the OS socket is
// always non-blocking: a call that can complete at once costs one system call in every
// mode, and a call that must wait polls the socket together with a wake-up handle so
// that cancel() can release it from another thread (poll on POSIX, select on Windows).
// A call that had to wait makes at most two system calls: once a direction (reading or
// writing) has had to wait, the next call in that direction waits first and then makes
// its call; it goes back to trying first when a receive fills the whole buffer or a send
// goes out whole.
//
// Thread safety. Distinct sockets: safe. One socket shared between threads:
// - one thread receiving (recv*, accept, recv_from*) and one thread sending (send*,
//   sendall, send_to) may run at the same time, each with its own calls;
// - cancel(), clear_cancel() and is_canceled() may be called from any thread at any
//   time, and cancel() also from a signal handler (it is lock-free and async-signal-safe);
// - close(), abort() and release() may be called from any thread while other threads are
//   inside calls on the socket: the calls that are waiting return operation_canceled at
//   once, close() waits for every call in progress to leave (none blocks: the OS socket is
//   non-blocking) and only then gives the handle back to the OS, so no call ever touches
//   a handle number the OS has reused. Later calls fail with bad_descriptor.
// - everything else (bind, listen, connect, set_timeout, set_option, move, destruction)
//   is configuration: not to be run while another thread uses the socket.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <atomic>
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

namespace unisock {

// The OS handle as an integer: a file descriptor on POSIX, a SOCKET on Windows.
using native_handle_type = std::intptr_t;
// -1 on POSIX, INVALID_SOCKET (~0) on Windows: the same value as native_handle_type.
inline constexpr native_handle_type invalid_native_handle = -1;

// SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW. Other values fail with
// errc::socket_type_not_supported.
enum class socket_type : int { stream = 1, datagram = 2, seqpacket = 3, raw = 4 };
std::string to_string(socket_type t);

// shutdown(): SHUT_RD/SD_RECEIVE, SHUT_WR/SD_SEND, SHUT_RDWR/SD_BOTH.
enum class shutdown_how { read, write, both };

// What socket::wait waits for. writable also reports a failed connect (on Windows it
// watches select()'s except set, which is where Winsock reports one). either returns
// when the socket is readable or writable.
enum class wait_for { readable, writable, either };

// The backlog listen() uses when none is given (Python's default: min(SOMAXCONN, 128)).
inline constexpr int default_backlog = 128;
// Ask for the largest backlog the system allows (SOMAXCONN; the kernel clamps it to its
// limit, which listen_backlog_limit() in system.hpp reports).
inline constexpr int max_backlog = 0x7fffffff;

using timeout_duration = std::chrono::nanoseconds;

// The most recv() and recv_from() allocate for one call: larger than any datagram and
// than what one receive returns from a stream socket's buffer.
inline constexpr std::size_t max_receive_size = std::size_t{16} * 1024 * 1024;

class socket;

// What accept() returns: the connected socket and the peer's address.
struct accepted;

// What recv_from_into() returns: how many bytes arrived and from whom.
struct received_from {
    std::size_t size = 0;
    address sender;
};

// What recv_from() returns: the datagram's bytes and its sender.
struct datagram {
    std::string data;
    address sender;
};

class socket {
public:
    // A closed socket.
    socket() noexcept;
    // socket(2) / WSASocketW: a new socket, close-on-exec (not inherited), with SIGPIPE
    // suppressed, exclusive address use, and v6_only=true for IPv6. Bad family, type or
    // protocol fail with address_family_not_supported, socket_type_not_supported or
    // protocol_not_supported (socket_error).
    socket(address_family f, socket_type t, int protocol = 0);
    socket(address_family f, socket_type t, int protocol, std::error_code& ec) noexcept;

    // Takes ownership of an open OS socket (Python's socket(fileno=...)): the family and
    // type are read from the OS and it is switched to unisock's internal non-blocking
    // mode with a blocking timeout. Fails with bad_descriptor for anything but a socket.
    static socket adopt(native_handle_type handle);
    static socket adopt(native_handle_type handle, std::error_code& ec) noexcept;

    socket(socket&& other) noexcept;
    socket& operator=(socket&& other) noexcept;
    socket(const socket&) = delete;
    socket& operator=(const socket&) = delete;
    ~socket();

    // False once close(), abort() or release() has begun, or for a default-made socket.
    bool is_open() const noexcept { return (state_.load(std::memory_order_acquire) & closed_bit) == 0; }
    address_family family() const noexcept { return family_; }
    socket_type type() const noexcept { return type_; }

    // bind(2): '' in Python is ip_address::v4_any(); port 0 picks a free port (read it
    // back with local_address()). A taken port fails with address_in_use.
    void bind(const address& local);
    void bind(const address& local, std::error_code& ec) noexcept;

    // listen(2). backlog < 0 fails with invalid_argument; max_backlog asks for the most
    // the system allows.
    void listen(int backlog = default_backlog);
    void listen(int backlog, std::error_code& ec) noexcept;

    // accept(2)/accept4: the new socket is close-on-exec, SIGPIPE-free and uses the
    // internal non-blocking mode with a blocking timeout on every OS (BSD would inherit
    // O_NONBLOCK from the listener, Linux would not; unisock sets it explicitly).
    // Honours this socket's timeout: timed_out, would_block, operation_canceled.
    accepted accept();
    accepted accept(std::error_code& ec) noexcept;

    // connect(2). Honours the timeout: in non-blocking mode it fails with in_progress
    // (wait(wait_for::writable) and pending_error() complete it). Completion is read
    // from SO_ERROR, never by calling connect() again. A stream socket that is connected
    // already fails with already_connected (getpeername(2) tells); a datagram socket
    // may connect again to change its peer.
    void connect(const address& peer);
    void connect(const address& peer, std::error_code& ec) noexcept;
    // Python's connect_ex: the error code instead of an exception; a false code on success.
    std::error_code connect_ex(const address& peer) noexcept;

    // send(2) with MSG_NOSIGNAL: sends some of data and returns how many bytes went (may be
    // fewer than data.size()). A closed peer gives broken_pipe or connection_reset,
    // never a signal.
    std::size_t send(const_bytes data);
    std::size_t send(const_bytes data, std::error_code& ec) noexcept;

    // Sends all of data, under one deadline for the whole buffer when a timeout is set.
    // The no-throw form returns how many bytes went before the error.
    void sendall(const_bytes data);
    std::size_t sendall(const_bytes data, std::error_code& ec) noexcept;

    // recv(2) into buffer: the number of bytes received, 0 at an orderly close by the peer.
    std::size_t recv_into(mutable_bytes buffer);
    std::size_t recv_into(mutable_bytes buffer, std::error_code& ec) noexcept;

    // Up to max_size bytes as a string of bytes; empty at an orderly close. The string is
    // allocated for min(max_size, max_receive_size) bytes: no single recv(2) returns more
    // (recv_into receives into a buffer of any size). The no-throw form never throws:
    // memory it cannot get is no_buffer_space.
    std::string recv(std::size_t max_size);
    std::string recv(std::size_t max_size, std::error_code& ec) noexcept;

    // sendto(2): one datagram to peer; the number of bytes sent.
    std::size_t send_to(const_bytes data, const address& peer);
    std::size_t send_to(const_bytes data, const address& peer, std::error_code& ec) noexcept;

    // recvfrom(2) / WSARecvFrom. ICMP port-unreachable is ignored on an unconnected UDP
    // socket and reported as connection_refused on a connected one, on every OS. On a
    // stream socket the bytes are received as by recv() and the sender is the peer
    // (getpeername(2); address{} if the peer is gone already), on every OS.
    received_from recv_from_into(mutable_bytes buffer);
    received_from recv_from_into(mutable_bytes buffer, std::error_code& ec) noexcept;
    // recvfrom(2) into a string of min(max_size, max_receive_size) bytes, as recv().
    datagram recv_from(std::size_t max_size);
    datagram recv_from(std::size_t max_size, std::error_code& ec) noexcept;

    // shutdown(2): half-close. After shutdown(write) the peer's recv returns 0.
    void shutdown(shutdown_how how);
    void shutdown(shutdown_how how, std::error_code& ec) noexcept;

    // close(2) / closesocket. Idempotent; never retried on EINTR (the descriptor is gone
    // either way). Pending data is still sent in the background (graceful close). Safe
    // while other threads are in calls on this socket: see "Thread safety" above (a
    // call waiting in another thread returns operation_canceled; close() returns once
    // every call has left). A second close() while one is running returns at once.
    // Not async-signal-safe (it waits for the other threads): use cancel() there.
    void close();
    void close(std::error_code& ec) noexcept;
    // Abortive close: SO_LINGER {1, 0} then close(2) / closesocket, so the peer sees a
    // reset. The same thread rules as close().
    void abort() noexcept;

    // getsockname(2) / getpeername(2).
    address local_address() const;
    address local_address(std::error_code& ec) const noexcept;
    address peer_address() const;
    address peer_address(std::error_code& ec) const noexcept;

    // Python's settimeout: nullopt blocks, zero is non-blocking, a positive duration
    // bounds every blocking call. A sub-millisecond timeout is honoured, never rounded
    // to zero (which Windows would read as "infinite"). Negative fails with
    // invalid_argument.
    void set_timeout(std::optional<timeout_duration> timeout);
    void set_timeout(std::optional<timeout_duration> timeout, std::error_code& ec) noexcept;
    std::optional<timeout_duration> timeout() const noexcept { return timeout_; }
    // Python's setblocking: true = set_timeout(nullopt), false = set_timeout(0s).
    void set_blocking(bool blocking) noexcept;

    // Waits until the socket is readable or writable, or the timeout passes (timed_out)
    // or cancel() is called (operation_canceled). nullopt waits without limit. After a
    // non-blocking connect, wait(wait_for::writable) then pending_error() gives the result.
    std::error_code wait(wait_for what, std::optional<timeout_duration> timeout) noexcept;
    // getsockopt(SO_ERROR): the socket's pending error (a connect's outcome). Read it once:
    // POSIX clears it on reading, Windows keeps a failed connect's error.
    std::error_code pending_error() noexcept;

    // Wakes every call blocked on this socket in another thread (accept, connect, send,
    // sendall, recv, recv_from, send_to, wait): they fail with operation_canceled, which
    // is distinct from connection_reset. Sticky: later calls fail the same way until
    // clear_cancel(). Lock-free and async-signal-safe: callable from any thread and from
    // a signal handler, at any time, on an open or closed socket (closed: no effect).
    // Maps to one write(2) on an eventfd (Linux) or kevent(2) (macOS), or one send() on
    // the wake-up socket (Windows), and only when a call has ever waited on this socket.
    void cancel() noexcept;
    // Ends the cancellation: later calls run normally. Callable from any thread; not
    // from a signal handler.
    void clear_cancel() noexcept;
    bool is_canceled() const noexcept { return (state_.load(std::memory_order_acquire) & canceled_bit) != 0; }

#if defined(__cpp_lib_jthread)
    // Cancels this socket when token is stopped (keep the returned object alive while
    // the token should apply). Only where the standard library has <stop_token>.
    [[nodiscard]] auto cancel_on(std::stop_token token) {
        struct canceler {
            socket* target;
            void operator()() const noexcept { target->cancel(); }
        };
        return std::stop_callback<canceler>(std::move(token), canceler{this});
    }
#endif

    // Typed options (options.hpp): setsockopt/getsockopt, or WSAIoctl where Windows needs it.
    template <class Option>
    void set_option(const Option& opt) {
        std::error_code ec;
        set_option(opt, ec);
        detail::throw_if(ec, "setsockopt", to_string(Option::name));
    }
    template <class Option>
    void set_option(const Option& opt, std::error_code& ec) noexcept {
        set_option_value(Option::name, opt.value, ec);
    }
    template <class Option>
    Option get_option() const {
        std::error_code ec;
        Option opt = get_option<Option>(ec);
        detail::throw_if(ec, "getsockopt", to_string(Option::name));
        return opt;
    }
    template <class Option>
    Option get_option(std::error_code& ec) const noexcept {
        Option opt{};
        get_option_value(Option::name, opt.value, ec);
        return opt;
    }

    // Raw setsockopt/getsockopt with the OS's own level and name numbers, for options
    // unisock does not type. get_raw_option returns the size the OS wrote.
    void set_raw_option(int level, int name, const_bytes value);
    void set_raw_option(int level, int name, const_bytes value, std::error_code& ec) noexcept;
    std::size_t get_raw_option(int level, int name, mutable_bytes value) const;
    std::size_t get_raw_option(int level, int name, mutable_bytes value,
                               std::error_code& ec) const noexcept;

    // The OS handle (Python's fileno()). The socket still owns it.
    native_handle_type native_handle() const noexcept { return handle_.load(std::memory_order_relaxed); }
    // Gives up ownership: the handle is returned in the OS's blocking mode matching the
    // timeout (blocking unless the timeout is zero), and this socket is left closed. The
    // same thread rules as close().
    native_handle_type release() noexcept;

private:
    socket(native_handle_type handle, address_family f, socket_type t) noexcept;

    void set_option_value(option_name name, bool value, std::error_code& ec) noexcept;
    void set_option_value(option_name name, int value, std::error_code& ec) noexcept;
    void set_option_value(option_name name, std::optional<std::chrono::seconds> value,
                          std::error_code& ec) noexcept;
    void set_option_value(option_name name, reuse_policy value, std::error_code& ec) noexcept;
    void set_option_value(option_name name, const keep_alive_timing& value,
                          std::error_code& ec) noexcept;
    void get_option_value(option_name name, bool& value, std::error_code& ec) const noexcept;
    void get_option_value(option_name name, int& value, std::error_code& ec) const noexcept;
    void get_option_value(option_name name, std::optional<std::chrono::seconds>& value,
                          std::error_code& ec) const noexcept;
    void get_option_value(option_name name, reuse_policy& value, std::error_code& ec) const noexcept;
    void get_option_value(option_name name, keep_alive_timing& value,
                          std::error_code& ec) const noexcept;

    // state_: the closed and canceled bits, and above them how many threads are inside
    // a call on this socket (close() waits for that count to reach zero).
    static constexpr std::uint32_t closed_bit = 1;
    static constexpr std::uint32_t canceled_bit = 2;
    static constexpr std::uint32_t one_caller = 4;

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
    // Whether the last call in each direction had to wait (then the next waits first).
    std::atomic<bool> reader_waited_{false};
    std::atomic<bool> writer_waited_{false};
    address_family family_ = address_family::unspecified;
    socket_type type_ = socket_type::stream;
    std::optional<timeout_duration> timeout_;
};

struct accepted {
    socket connection;
    address peer;
};

// "reuse", "keep_alive", ...: names the option in error messages.
std::string to_string(option_name name);

} // namespace unisock
