// SPDX-License-Identifier: BSL-1.0
#pragma once
/// @file
/// The server layer, in the spirit of Python's socketserver: you write one handler, a
/// coroutine that serves one client, and pick the engine that runs it.
///
///   unisock::task echo(unisock::session& client) {
///       co_await client.sendall("hello\n");
///       for (std::string line; !(line = co_await client.readline()).empty();)
///           co_await client.sendall("OK..." + line);
///   }
///   unisock::tcp_server server(unisock::address::v4_any(8888), echo, {.engine = unisock::engine::async});
///   server.serve_forever(); // until server.stop(), from any thread or a signal handler
///
/// The engines (the handler is the same for all three):
///   sequential  one client at a time, as the tutorial's first "while True: accept()" server;
///               the next clients wait in the listen backlog;
///   threaded    a thread per connection, at most max_connections at once; beyond that
///               new connections wait in the backlog (or are refused with a log line,
///               over_limit::refuse). Python's ThreadingTCPServer;
///   async       Asio's io_context underneath, one per thread on `threads` threads; each
///               connection costs one descriptor and no thread. Every co_await that must
///               wait suspends the handler instead of blocking a thread.
/// On the sequential and threaded engines every co_await completes before it returns
/// (the call blocks its thread, under the idle timeout), so handlers are written once.
///
/// The listening socket is always made by unisock (create_server: exclusive address use
/// with rebind over TIME_WAIT, v6_only set explicitly, not inherited, a backlog of
/// max_backlog so bursts are not dropped), and accepted sockets get unisock's flags
/// (close-on-exec, no SIGPIPE) on every engine. Asio's own reuse_address is never used.
///
/// Errors that reach a handler are unisock's: a std::error_code that compares equal to
/// unisock::errc and keeps the native code, or the matching socket_error / timeout_error.
/// Asio is a private dependency of the library: this header does not include it.

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "unisock/address.hpp"
#include "unisock/bytes.hpp"
#include "unisock/error.hpp"
#include "unisock/socket.hpp"

namespace unisock {

/// ---- task: the handler's coroutine type ------------------------------------------------

/// A coroutine that returns nothing: the return type of a handler and of the coroutines it
/// calls (co_await another task runs it to its end; its exception comes out of the
/// co_await). A task starts when it is first awaited or when an engine runs it.
class [[nodiscard]] task {
public:
    /// @cond INTERNAL
    struct promise_type;
    using handle_type = std::coroutine_handle<promise_type>;

    struct promise_type {
        std::coroutine_handle<> continuation; // the coroutine that awaits this one
        std::exception_ptr error;
        /// Called when a top-level task ends (no continuation); may destroy the frame.
        void (*on_done)(void* context) noexcept = nullptr;
        void* done_context = nullptr;

        task get_return_object() noexcept { return task(handle_type::from_promise(*this)); }
        std::suspend_always initial_suspend() noexcept { return {}; }
        struct final_awaiter {
            bool await_ready() const noexcept { return false; }
            std::coroutine_handle<> await_suspend(handle_type finished) noexcept {
                promise_type& p = finished.promise();
                if (p.continuation) return p.continuation;
                if (p.on_done) p.on_done(p.done_context);
                return std::noop_coroutine();
            }
            void await_resume() const noexcept {}
        };
        final_awaiter final_suspend() noexcept { return {}; }
        void return_void() noexcept {}
        void unhandled_exception() noexcept { error = std::current_exception(); }
    };
    /// @endcond

    /// Moves the coroutine; other is left empty.
    task(task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    /// Destroys this task's coroutine (if any), then moves other's.
    task& operator=(task&& other) noexcept {
        if (this != &other) {
            if (handle_) handle_.destroy();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    ~task() {
        if (handle_) handle_.destroy();
    }

    /// co_await a task: runs it, then resumes the awaiting coroutine (symmetric transfer,
    /// so a loop of nested tasks does not grow the stack).
    bool await_ready() const noexcept { return !handle_ || handle_.done(); }
    /// @cond INTERNAL
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> caller) noexcept {
        handle_.promise().continuation = caller;
        return handle_;
    }
    void await_resume() const {
        if (handle_ && handle_.promise().error) std::rethrow_exception(handle_.promise().error);
    }
    /// @endcond

    /// For engines: the coroutine itself.
    handle_type handle() const noexcept { return handle_; }

private:
    explicit task(handle_type h) noexcept : handle_(h) {}
    handle_type handle_;
};

/// ---- session: one client as the handler sees it ----------------------------------------

namespace detail {
/// One read or sendall in flight: what was asked and how it ended.
struct io_request {
    enum class kind { line, some, send } what = kind::some;
    std::size_t limit = 0;     // read: the most bytes to return
    const_bytes out;           // send: the bytes
    std::string data;          // read: the result
    std::error_code ec;
    std::error_code* user_ec = nullptr; // the no-throw form's code; null: throw
    const char* operation = "";

    /// The result, or the error thrown (socket_error / timeout_error) or stored in user_ec.
    void finish() const;
};
} // namespace detail

/// One client's connection as its handler sees it: co_await readline / read / sendall
/// under the idle timeout and the server's stop; write() and close() from any thread.
class session {
public:
    /// @cond INTERNAL
    class [[nodiscard]] read_awaitable {
    public:
        bool await_ready() { return owner_->begin(request_); }
        void await_suspend(std::coroutine_handle<> h) { owner_->suspend(request_, h); }
        std::string await_resume() {
            request_.finish();
            return std::move(request_.data);
        }

    private:
        friend class session;
        read_awaitable(session* owner, detail::io_request request) : owner_(owner), request_(std::move(request)) {}
        session* owner_;
        detail::io_request request_;
    };

    class [[nodiscard]] send_awaitable {
    public:
        bool await_ready() { return owner_->begin(request_); }
        void await_suspend(std::coroutine_handle<> h) { owner_->suspend(request_, h); }
        void await_resume() { request_.finish(); }

    private:
        friend class session;
        send_awaitable(session* owner, detail::io_request request) : owner_(owner), request_(std::move(request)) {}
        session* owner_;
        detail::io_request request_;
    };
    /// @endcond

    session(const session&) = delete;
    session& operator=(const session&) = delete;

    /// The client's address (what accept returned).
    const address& peer() const noexcept { return peer_; }

    /// co_await readline(): one line including its '\n'; at the end of the stream the
    /// partial last line, then "". A line longer than the server's max_line is not
    /// returned: the client is sent line_too_long_reply and disconnected, and the call
    /// fails with errc::message_size. Waits at most the idle timeout (timed_out);
    /// operation_canceled when the server closes the session at the end of a stop.
    /// Reads go through the session's input buffer: recv(2) / WSARecv (the async engine
    /// tries the recv first and waits only when nothing is there: epoll / IOCP).
    read_awaitable readline() { return read_request(detail::io_request::kind::line, max_line_, nullptr); }
    /// The same, reporting a failure in ec instead of throwing.
    read_awaitable readline(std::error_code& ec) { return read_request(detail::io_request::kind::line, max_line_, &ec); }

    /// co_await read(n): up to n bytes (n > 0), as soon as any are there; "" at the end
    /// of the stream. Errors as readline.
    read_awaitable read(std::size_t max_size) { return read_request(detail::io_request::kind::some, max_size, nullptr); }
    /// The same, reporting a failure in ec instead of throwing.
    read_awaitable read(std::size_t max_size, std::error_code& ec) {
        return read_request(detail::io_request::kind::some, max_size, &ec);
    }

    /// co_await sendall(data): returns once all of data (after anything write() queued)
    /// has been handed to the OS: send(2) with MSG_NOSIGNAL / WSASend. A client that does
    /// not read for the idle timeout fails it with timed_out; a gone client with
    /// broken_pipe or connection_reset. data must stay valid until the co_await returns.
    send_awaitable sendall(const_bytes data) { return send_request(data, nullptr); }
    /// The same, reporting a failure in ec instead of throwing.
    send_awaitable sendall(const_bytes data, std::error_code& ec) { return send_request(data, &ec); }

    /// Queues data for the client without waiting; callable from any thread (the chat
    /// room's broadcast). The async engine sends it in the background; the sync engines
    /// send it before returning (blocking at most the idle timeout). When the output the
    /// client has not taken exceeds the server's output_limit bytes, the session is
    /// closed instead (a client that never reads cannot grow the server's memory).
    /// Returns false when the session is closed (the data is dropped).
    bool write(const_bytes data) noexcept { return queue(data); }

    /// Ends the session from any thread: pending and later operations fail with
    /// operation_canceled, and the connection is closed once the handler returns.
    void close() noexcept { shut(); }

    /// The server is stopping (stop() was called): a handler may finish early.
    bool stopping() const noexcept { return stopping_flag_->load(std::memory_order_acquire); }

protected:
    /// @cond INTERNAL
    session(address peer, std::size_t max_line, const std::atomic<bool>& stopping) noexcept
        : peer_(std::move(peer)), max_line_(max_line), stopping_flag_(&stopping) {}
    virtual ~session() = default;

    /// The engine's side. begin: complete the request now if possible (the sync engines
    /// always do, blocking); true when done. suspend: start it, resume h when done.
    virtual bool begin(detail::io_request& request) = 0;
    virtual void suspend(detail::io_request& request, std::coroutine_handle<> h) = 0;
    virtual bool queue(const_bytes data) noexcept = 0;
    virtual void shut() noexcept = 0;
    /// @endcond

    /// Takes a line or up to limit bytes out of input (true), or tells that more input is
    /// needed (false). A line over max_line sets ec to message_size.
    static bool take_from(std::string& input, std::size_t& input_pos, detail::io_request& request,
                          bool at_end) noexcept;

private:
    read_awaitable read_request(detail::io_request::kind what, std::size_t limit, std::error_code* ec) {
        detail::io_request r;
        r.what = what;
        r.limit = limit;
        r.user_ec = ec;
        r.operation = what == detail::io_request::kind::line ? "readline" : "read";
        return {this, std::move(r)};
    }
    send_awaitable send_request(const_bytes data, std::error_code* ec) {
        detail::io_request r;
        r.what = detail::io_request::kind::send;
        r.out = data;
        r.user_ec = ec;
        r.operation = "sendall";
        return {this, std::move(r)};
    }

    address peer_;
    std::size_t max_line_;
    const std::atomic<bool>* stopping_flag_;
};

/// What a handler looks like: a coroutine that serves one session.
using handler = std::function<task(session&)>;

/// ---- session_group: sessions that hear each other (a chat room) ---------------------------

/// A thread-safe set of sessions: broadcast() write()s to every member but one, so a slow
/// member never stalls the sender (its own output bound drops it instead). A handler
/// joins its own session and must leave() before it returns.
class session_group {
public:
    /// Adds s; announcement (if any) goes to the members already there, under the same
    /// lock, so two sessions joining at once always hear one another's announcement.
    void join(session& s, const_bytes announcement = {});
    /// Removes s; announcement (if any) goes to the members that stay.
    void leave(session& s, const_bytes announcement = {}) noexcept;
    /// write(data) to every member except `except` (null: to all); how many took it.
    std::size_t broadcast(const_bytes data, const session* except = nullptr);
    /// How many sessions the group holds now.
    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::vector<session*> members_;
};

/// ---- tcp_server ---------------------------------------------------------------------------

enum class engine { sequential, threaded, async };

/// What the threaded engine does with a connection beyond max_connections.
enum class over_limit {
    wait,   // it is not accepted until a slot is free: it waits in the listen backlog
    refuse, // it is accepted and closed at once, with a log line
};

/// How a tcp_server runs its handler.
struct tcp_server_options {
    /// Which engine runs the handler.
    unisock::engine engine = unisock::engine::threaded;
    /// threaded: threads serving at once; async: open sessions (beyond it, over_limit
    /// applies the same way). sequential: always 1.
    std::size_t max_connections = 1024;
    /// What the threaded and async engines do with a connection beyond max_connections.
    over_limit when_full = over_limit::wait;
    /// async: how many threads run Asio (one io_context each); 0 = one per core.
    std::size_t threads = 1;
    /// listen(2) backlog.
    int backlog = max_backlog;
    /// For an IPv6 address: accept IPv4 clients too (v6_only = false). Otherwise v6_only.
    bool dual_stack = false;
    /// A read or send that waits longer than this fails with timed_out (nullopt: no limit).
    /// The async engine checks waits every quarter of it: one ends after 1 to 1.25 times it.
    std::optional<timeout_duration> idle_timeout = std::chrono::minutes(5);
    /// The longest line readline() accepts, '\n' included.
    std::size_t max_line = 65536;
    /// Sent to a client whose line is too long, before it is disconnected.
    std::string line_too_long_reply = "error: line too long\n";
    /// The most output bytes one client may leave unread before its session is closed.
    std::size_t output_limit = std::size_t{1} << 20;
    /// stop(): how long handlers may go on before their sessions are closed.
    timeout_duration stop_grace = std::chrono::seconds(2);
    /// Where the server's log lines go (refused clients, handler errors); empty: stderr.
    /// To silence them, give a function that does nothing.
    std::function<void(std::string_view line)> log = {};
};

/// A TCP server: the listening socket, an engine, and a handler run once per connection.
///
/// Thread safety: stop() may be called from any thread and from a signal handler (it
/// stores an atomic and cancels the listener: a plain write to its wake-up handle).
/// Everything else belongs to the thread that made the server.
///
/// Signals: the threads an engine starts (threaded: one per connection; async: the
/// io_context threads) block every asynchronous signal, as Asio's own threads do, so a
/// SIGTERM or SIGINT sent to the process runs its handler on one of the application's
/// threads (the one in serve_forever() if no other takes it). POSIX: pthread_sigmask
/// around the thread's creation; Windows: nothing to block. Handlers that need a signal
/// of their own must unblock it themselves.
class tcp_server {
public:
    /// create_server(local) with options.backlog and dual_stack; socket_error on failure
    /// (address_in_use for a taken port). The async engine takes IPv4 and IPv6 addresses.
    tcp_server(const address& local, handler serve, tcp_server_options options = {});
    /// The same, reporting a failure in ec instead of throwing.
    tcp_server(const address& local, handler serve, tcp_server_options options, std::error_code& ec);
    /// Serves an existing listening socket (it is taken over).
    tcp_server(socket listener, handler serve, tcp_server_options options = {});
    tcp_server(const tcp_server&) = delete;
    tcp_server& operator=(const tcp_server&) = delete;
    /// stop(). serve_forever() must have returned: join the thread that runs it first.
    ~tcp_server();

    /// The bound address (port 0 resolved).
    const address& local_address() const noexcept;

    /// Accepts and serves until stop(); then stops accepting, gives the handlers
    /// stop_grace to finish, closes the rest and returns once no thread, descriptor or
    /// coroutine of the server is left. A client that gave up while it waited in the
    /// backlog is skipped (accept's connection_aborted, connection_reset, and Wine's
    /// not_connected). Errors of the listener itself end it with socket_error, except a
    /// process out of descriptors or buffers (too_many_open_files, no_buffer_space:
    /// EMFILE, ENFILE, ENOBUFS, WSAEMFILE): then
    /// accepting pauses (one log line when it pauses, one when it accepts again) and is
    /// retried every 100 ms while the clients already in are served; new clients wait in
    /// the backlog meanwhile. Call it once.
    void serve_forever();
    /// The same, reporting a failure in ec instead of throwing.
    void serve_forever(std::error_code& ec);

    /// Requests the stop; returns at once. Async-signal-safe, any thread, idempotent.
    void stop() noexcept;

    /// Sessions open now (any thread; for tests and monitoring).
    std::size_t active_sessions() const noexcept;

    struct state;

private:
    std::unique_ptr<state> state_;
};

/// ---- udp_server ---------------------------------------------------------------------------

/// One datagram as a UDP handler sees it (Python's DatagramRequestHandler: the data and
/// a way to answer its sender).
class datagram_request {
public:
    datagram_request(const datagram_request&) = delete;
    datagram_request& operator=(const datagram_request&) = delete;

    /// The datagram's bytes.
    const std::string& data() const noexcept { return data_; }
    /// Who sent it.
    const address& sender() const noexcept { return sender_; }
    /// sendto(2) / WSASendTo back to the sender, without waiting: a datagram the OS has no
    /// room for is dropped (errc::would_block), as UDP may drop any datagram.
    std::error_code reply(const_bytes data) noexcept;

private:
    friend class udp_server;
    datagram_request(socket& sock, std::string data, address sender) noexcept
        : socket_(&sock), data_(std::move(data)), sender_(std::move(sender)) {}
    socket* socket_;
    std::string data_;
    address sender_;
};

/// A datagram handler: called once per datagram received.
using datagram_handler = std::function<void(datagram_request&)>;

/// How a udp_server runs.
struct udp_server_options {
    /// sequential: one thread receives and handles one datagram after another.
    /// threaded: `threads` threads receive from the one socket, each handling what it
    /// received, so up to `threads` handlers run at once (Python's ThreadingUDPServer,
    /// bounded). engine::async is not offered for UDP (operation_not_supported): a
    /// datagram has no connection to give a coroutine to.
    unisock::engine engine = unisock::engine::sequential;
    /// threaded: how many threads receive and handle; 0 = one per core.
    std::size_t threads = 0;
    /// Datagrams longer than this are truncated by the OS (recvfrom's buffer).
    std::size_t max_datagram = 65535;
    /// For an IPv6 address: IPv4 senders too (v6_only = false).
    bool dual_stack = false;
    /// Where the server's log lines go (handler errors); empty: stderr.
    std::function<void(std::string_view line)> log = {};
};

/// A UDP server: a bound datagram socket and a handler run once per datagram.
/// stop() may be called from any thread and from a signal handler. On the threaded
/// engine the handler runs on several threads at once and must be thread-safe; the
/// threads it starts block asynchronous signals, as tcp_server's do.
class udp_server {
public:
    /// socket(2) + v6_only + bind(2); socket_error on failure (address_in_use;
    /// operation_not_supported for engine::async).
    udp_server(const address& local, datagram_handler handle, udp_server_options options = {});
    udp_server(const udp_server&) = delete;
    udp_server& operator=(const udp_server&) = delete;
    ~udp_server();

    /// The address the server is bound to (its port when bound to port 0). No system call.
    const address& local_address() const noexcept { return local_; }
    /// Receives and handles datagrams until stop(), then returns once every thread it
    /// started has ended. A handler's exception is logged and the server goes on.
    /// Receive errors other than the OS's transient ones end it (the first one is
    /// reported). recvfrom(2) / WSARecvFrom, blocking, which stop() cancels.
    void serve_forever();
    /// The same, reporting a failure in ec instead of throwing.
    void serve_forever(std::error_code& ec);
    /// Cancels the blocked recvfrom: an atomic store and a wake-up write.
    void stop() noexcept;

private:
    void receive_loop(std::error_code& ec);

    socket socket_;
    address local_;
    datagram_handler handle_;
    udp_server_options options_;
    std::atomic<bool> stopping_{false};
};

} // namespace unisock
