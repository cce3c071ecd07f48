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
// that cancel() can release it from another thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <system_error>

#include "unisock/address.hpp"
#include "unisock/bytes.hpp"
#include "unisock/error.hpp"
#include "unisock/options.hpp"
#include "unisock/types.hpp"

namespace unisock {

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

namespace detail {
struct cancel_state;
}

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

    bool is_open() const noexcept { return handle_ != invalid_native_handle; }
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
    // from SO_ERROR, never by calling connect() again.
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

    // Up to max_size bytes as a string of bytes; empty at an orderly close.
    std::string recv(std::size_t max_size);
    std::string recv(std::size_t max_size, std::error_code& ec);

    // sendto(2): one datagram to peer; the number of bytes sent.
    std::size_t send_to(const_bytes data, const address& peer);
    std::size_t send_to(const_bytes data, const address& peer, std::error_code& ec) noexcept;

    // recvfrom(2). ICMP port-unreachable is ignored on an unconnected UDP socket and
    // reported as connection_refused on a connected one, on every OS.
    received_from recv_from_into(mutable_bytes buffer);
    received_from recv_from_into(mutable_bytes buffer, std::error_code& ec) noexcept;
    datagram recv_from(std::size_t max_size);
    datagram recv_from(std::size_t max_size, std::error_code& ec);

    // shutdown(2): half-close. After shutdown(write) the peer's recv returns 0.
    void shutdown(shutdown_how how);
    void shutdown(shutdown_how how, std::error_code& ec) noexcept;

    // close(2)/closesocket. Idempotent; never retried on EINTR (the descriptor is gone
    // either way). Pending data is still sent in the background (graceful close).
    void close();
    void close(std::error_code& ec) noexcept;
    // Abortive close: SO_LINGER with zero time then close, so the peer sees a reset.
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
    // is distinct from connection_reset. Sticky: later blocking calls fail the same way
    // until clear_cancel(). Safe to call from any thread while the socket is open.
    void cancel() noexcept;
    void clear_cancel() noexcept;
    bool is_canceled() const noexcept;

    // Cancels this socket when token is stopped (keep the returned object alive while
    // the token should apply).
    [[nodiscard]] auto cancel_on(std::stop_token token) {
        struct canceler {
            socket* target;
            void operator()() const noexcept { target->cancel(); }
        };
        return std::stop_callback<canceler>(std::move(token), canceler{this});
    }

    // Typed options (options.hpp): setsockopt/getsockopt, or WSAIoctl where Windows needs it.
    // Each option type has its own private entry below, picked by the option itself: two
    // options with the same value type never reach each other's system call, and an
    // option without an entry does not compile.
    template <class Option>
    void set_option(const Option& opt) {
        std::error_code ec;
        set_option(opt, ec);
        detail::throw_if(ec, "setsockopt", to_string(Option::name));
    }
    template <class Option>
    void set_option(const Option& opt, std::error_code& ec) noexcept {
        set_option_value(opt, ec);
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
        get_option_value(opt, ec);
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
    native_handle_type native_handle() const noexcept { return handle_; }
    // Gives up ownership: the handle is returned in the OS's blocking mode matching the
    // timeout (blocking unless the timeout is zero), and this socket is left closed.
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

    using time_point = std::chrono::steady_clock::time_point;

    void close_quietly() noexcept;
    std::error_code check_open() const noexcept;
    // check_open, then operation_canceled while canceled.
    std::error_code check_usable() const noexcept;
    std::error_code check_family(const address& peer) const noexcept;
    bool non_blocking() const noexcept;
    std::optional<time_point> deadline_from_now() const noexcept;
    // Waits for what until deadline (nullopt = none), the waker included.
    std::error_code wait_until(wait_for what, std::optional<time_point> deadline) noexcept;
    // A callable that waits for what under one deadline, fixed the first time it waits.
    auto waiter(wait_for what) noexcept;

    native_handle_type handle_ = invalid_native_handle;
    address_family family_ = address_family::unspecified;
    socket_type type_ = socket_type::stream;
    std::optional<timeout_duration> timeout_;
    std::unique_ptr<detail::cancel_state> cancel_;
};

struct accepted {
    socket connection;
    address peer;
};

// "reuse", "keep_alive", ...: names the option in error messages.
std::string to_string(option_name name);

} // namespace unisock
