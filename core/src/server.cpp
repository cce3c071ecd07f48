// SPDX-License-Identifier: BSL-1.0
// The server layer's portable part: the session's line parsing, session_group, the
// tcp_server front, the accept loop, and the sequential and threaded engines (blocking
// unisock sockets, a thread per connection). The async engine is in server_async.cpp.

#include "unisock/server.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <iostream>
#include <list>
#include <thread>
#include <utility>

#include "platform/platform.hpp"
#include "server_internal.hpp"
#include "unisock/connection.hpp"

namespace unisock {

using namespace std::chrono_literals;

// ---- requests and sessions ----------------------------------------------------------------

void detail::io_request::finish() const {
    if (user_ec) {
        *user_ec = ec;
        return;
    }
    if (ec) throw_error(ec, operation);
}

bool session::take_from(std::string& input, std::size_t& input_pos, detail::io_request& request,
                        bool at_end) noexcept {
    const std::size_t available = input.size() - input_pos;
    const char* begin = input.data() + input_pos;
    std::size_t taken = 0;
    if (request.what == detail::io_request::kind::line) {
        const std::size_t searched = std::min(available, request.limit);
        const void* newline = searched ? std::memchr(begin, '\n', searched) : nullptr;
        if (newline) {
            taken = static_cast<std::size_t>(static_cast<const char*>(newline) - begin) + 1;
        } else if (available >= request.limit) {
            request.ec = make_error_code(errc::message_size);
            return true;
        } else if (at_end) {
            taken = available; // the partial last line, then ""
        } else {
            return false;
        }
    } else {
        if (available == 0 && !at_end) return false;
        taken = std::min(available, request.limit);
    }
    try {
        request.data.assign(begin, taken);
    } catch (...) {
        request.ec = make_error_code(errc::no_buffer_space);
        return true;
    }
    input_pos += taken;
    if (input_pos == input.size()) {
        input.clear();
        input_pos = 0;
    }
    return true;
}

void session_group::join(session& s, const_bytes announcement) {
    const std::lock_guard lock(mutex_);
    if (!announcement.empty())
        for (session* member : members_) (void)member->write(announcement);
    members_.push_back(&s);
}

void session_group::leave(session& s, const_bytes announcement) noexcept {
    const std::lock_guard lock(mutex_);
    const auto found = std::find(members_.begin(), members_.end(), &s);
    if (found == members_.end()) return;
    *found = members_.back();
    members_.pop_back();
    if (!announcement.empty())
        for (session* member : members_) (void)member->write(announcement);
}

std::size_t session_group::broadcast(const_bytes data, const session* except) {
    const std::lock_guard lock(mutex_);
    std::size_t delivered = 0;
    for (session* member : members_)
        if (member != except && member->write(data)) ++delivered;
    return delivered;
}

std::size_t session_group::size() const {
    const std::lock_guard lock(mutex_);
    return members_.size();
}

// ---- the server's state -----------------------------------------------------------------

tcp_server::state::state(socket listening, handler serve_with, tcp_server_options opts)
    : listener(std::move(listening)),
      local(listener.local_address()),
      serve(std::move(serve_with)),
      options(std::move(opts)),
      wake(socketpair()) {
    wake.first.set_timeout(timeout_duration::zero()); // the sender never waits
    // The receiving end's wake-up handle is opened now (a wait opens it): waiting for a
    // wake-up then never needs a descriptor, which a process out of them has not got.
    const std::error_code opened = wake.second.wait(wait_for::readable, timeout_duration::zero());
    if (opened && opened != errc::timed_out) detail::throw_error(opened, "tcp_server", "the accept loop's wake-up handle");
    if (options.engine == engine::sequential) options.max_connections = 1;
    if (options.max_connections == 0) options.max_connections = 1;
}

void tcp_server::state::log(std::string_view line) const {
    if (options.log) {
        options.log(line);
        return;
    }
    static std::mutex log_mutex;
    const std::lock_guard lock(log_mutex);
    std::cerr << "unisock server " << local.to_string() << ": " << line << std::endl;
}

void tcp_server::state::signal_wake() noexcept {
    std::error_code ignored; // would_block: a wake-up byte is already waiting
    (void)wake.first.send("w", ignored);
}

void tcp_server::state::release_slot() noexcept {
    if (active.fetch_sub(1, std::memory_order_acq_rel) == options.max_connections || stopping.load()) signal_wake();
}

void tcp_server::state::wait_for_wake(std::optional<timeout_duration> timeout) noexcept {
    std::error_code ec;
    wake.second.set_timeout(timeout, ec);
    char drained[64];
    if (!ec) (void)wake.second.recv_into(mutable_bytes(drained, sizeof drained), ec);
}

void tcp_server::state::accept_loop(const std::function<void(accepted)>& start, std::error_code& ec) {
    const std::size_t limit = options.max_connections;
    bool out_of_resources = false; // logged once per spell, not once per retry
    while (!stopping.load(std::memory_order_acquire)) {
        if (options.when_full == over_limit::wait && active.load(std::memory_order_acquire) >= limit) {
            wait_for_wake(std::nullopt); // a session ended, or stop()
            continue;
        }
        std::error_code accept_ec;
        accepted client = listener.accept(accept_ec);
        if (accept_ec) {
            if (accept_ec == errc::operation_canceled || stopping.load()) break;
            // A client that gave up before it was accepted is its own business (Wine says
            // not_connected where Windows documents connection_reset).
            if (accept_ec == errc::connection_aborted || accept_ec == errc::connection_reset ||
                accept_ec == errc::not_connected)
                continue;
            // The process's limit, not the listener's fault: the connection stays in the
            // backlog until a session ending (or anything else) frees a descriptor.
            if (accept_ec == errc::too_many_open_files || accept_ec == errc::no_buffer_space) {
                if (!out_of_resources) log("accept: " + accept_ec.message() + "; retrying while the clients already in are served");
                out_of_resources = true;
                wait_for_wake(detail::accept_retry_delay); // its wake-up handle is open already
                continue;
            }
            ec = accept_ec;
            log("accept: " + accept_ec.message());
            break;
        }
        if (out_of_resources) log("accept: accepting again");
        out_of_resources = false;
        if (active.load(std::memory_order_acquire) >= limit) {
            log("refused " + client.peer.to_string() + ": " + std::to_string(limit) + " connections already");
            client.connection.abort();
            continue;
        }
        active.fetch_add(1, std::memory_order_acq_rel);
        start(std::move(client));
    }
    close_listener(); // from now on connects are refused
}

void tcp_server::state::cancel_listener() noexcept {
    stops_inside.fetch_add(1);
    if (!listener_closing.load()) listener.cancel();
    stops_inside.fetch_sub(1);
}

void tcp_server::state::close_listener() noexcept {
    listener_closing.store(true);
    while (stops_inside.load() != 0) std::this_thread::yield(); // a stop() is between two atomics
    std::error_code ignored;
    listener.close(ignored);
}

// ---- the sequential and threaded engines --------------------------------------------------

namespace {

std::string describe(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "an exception that is not a std::exception";
    }
}

// One client on a blocking unisock socket: every request completes in begin().
class blocking_session final : public session {
public:
    blocking_session(accepted client, const tcp_server::state& st)
        : session(std::move(client.peer), st.options.max_line, st.stopping),
          connection_(std::move(client.connection)),
          server_(st) {
        std::error_code ignored;
        connection_.set_timeout(st.options.idle_timeout, ignored);
    }

    void run() {
        try {
            task t = server_.serve(*this);
            t.handle().resume(); // every co_await completes at once: this runs to the end
            if (!t.handle().done())
                server_.log(peer().to_string() + ": the handler awaited something no session provides");
            else if (t.handle().promise().error)
                server_.log(peer().to_string() + ": " + describe(t.handle().promise().error));
        } catch (const std::exception& e) {
            server_.log(peer().to_string() + ": " + e.what());
        }
    }

    // Called with the registry's lock held: the socket is still open.
    void cancel() noexcept { connection_.cancel(); }
    void close() noexcept {
        std::error_code ignored;
        connection_.close(ignored);
    }

protected:
    bool begin(detail::io_request& request) override {
        if (closed_.load(std::memory_order_acquire)) {
            request.ec = make_error_code(errc::operation_canceled);
            return true;
        }
        if (request.what == detail::io_request::kind::send) {
            const std::lock_guard lock(send_mutex_);
            connection_.sendall(request.out, request.ec);
            return true;
        }
        while (!take_from(input_, input_pos_, request, at_end_)) {
            if (!fill(request.ec)) return true;
        }
        if (request.ec == errc::message_size) reject_line();
        return true;
    }
    void suspend(detail::io_request&, std::coroutine_handle<> h) override { h.resume(); }

    bool queue(const_bytes data) noexcept override {
        if (closed_.load(std::memory_order_acquire)) return false;
        std::error_code ec;
        {
            const std::lock_guard lock(send_mutex_);
            connection_.sendall(data, ec);
        }
        if (ec) shut();
        return !ec;
    }

    void shut() noexcept override {
        closed_.store(true, std::memory_order_release);
        connection_.cancel();
    }

private:
    static constexpr std::size_t read_chunk = 4096;

    // One recv into the input buffer; false with ec set on an error.
    bool fill(std::error_code& ec) {
        if (input_pos_ > 0) {
            input_.erase(0, input_pos_);
            input_pos_ = 0;
        }
        const std::size_t old_size = input_.size();
        input_.resize(old_size + read_chunk);
        const std::size_t n = connection_.recv_into(mutable_bytes(input_.data() + old_size, read_chunk), ec);
        input_.resize(old_size + n);
        if (ec) return false;
        if (n == 0) at_end_ = true;
        return true;
    }

    void reject_line() {
        server_.log(peer().to_string() + ": line longer than " + std::to_string(server_.options.max_line) +
                    " bytes, disconnected");
        std::error_code ec;
        {
            const std::lock_guard lock(send_mutex_);
            connection_.sendall(server_.options.line_too_long_reply, ec);
        }
        if (!ec) linger();
        shut();
    }

    // Closing with unread input makes the OS reset the connection, and the reset can
    // destroy the reply before the client reads it: send FIN, then read and discard
    // what the client still sends, for a bounded time and size (see server_internal.hpp).
    void linger() noexcept {
        std::error_code ec;
        connection_.shutdown(shutdown_how::write, ec);
        const auto until = std::chrono::steady_clock::now() + detail::linger_time;
        std::array<std::byte, 4096> discard;
        for (std::size_t drained = 0; !ec && drained < detail::linger_bytes;) {
            const auto left = until - std::chrono::steady_clock::now();
            if (left <= timeout_duration::zero()) break;
            connection_.set_timeout(std::chrono::duration_cast<timeout_duration>(left), ec);
            const std::size_t n = ec ? 0 : connection_.recv_into(discard, ec);
            if (n == 0) break;
            drained += n;
        }
    }

    socket connection_;
    const tcp_server::state& server_;
    std::string input_;
    std::size_t input_pos_ = 0;
    bool at_end_ = false;
    std::mutex send_mutex_;
    std::atomic<bool> closed_{false};
};

// A thread per connection (sequential: max_connections 1). Finished threads are joined
// as the accept loop goes on; at the stop, the rest get stop_grace, then are canceled.
class threaded_engine {
public:
    explicit threaded_engine(tcp_server::state& st) : server_(st) {}

    void serve(std::error_code& ec) {
        server_.accept_loop([this](accepted client) { start(std::move(client)); }, ec);
        const auto deadline = std::chrono::steady_clock::now() + server_.options.stop_grace;
        while (server_.active.load() > 0) {
            const auto left = deadline - std::chrono::steady_clock::now();
            if (left <= timeout_duration::zero()) break;
            server_.wait_for_wake(std::chrono::duration_cast<timeout_duration>(left));
        }
        {
            const std::lock_guard lock(mutex_);
            for (worker& w : workers_)
                if (!w.finished) w.connection->cancel();
        }
        for (worker& w : workers_) w.thread.join();
        workers_.clear();
    }

private:
    struct worker {
        std::unique_ptr<blocking_session> connection;
        std::thread thread;
        bool finished = false; // guarded by mutex_: the socket is closed or about to be
    };

    void start(accepted client) {
        reap();
        const std::lock_guard lock(mutex_);
        workers_.push_back({std::make_unique<blocking_session>(std::move(client), server_), {}, false});
        const auto self = std::prev(workers_.end());
        const platform::async_signals_blocked signals_go_to_the_application;
        self->thread = std::thread([this, self] {
            self->connection->run();
            {
                const std::lock_guard done(mutex_);
                self->finished = true; // no cancel() from now on: closing is safe
                finished_.push_back(self);
            }
            self->connection->close();
            server_.release_slot();
        });
    }

    void reap() {
        std::vector<std::list<worker>::iterator> done;
        {
            const std::lock_guard lock(mutex_);
            done.swap(finished_);
        }
        for (auto w : done) w->thread.join();
        const std::lock_guard lock(mutex_);
        for (auto w : done) workers_.erase(w);
    }

    tcp_server::state& server_;
    std::mutex mutex_;
    std::list<worker> workers_;
    std::vector<std::list<worker>::iterator> finished_;
};

socket listen_for(const address& local, const tcp_server_options& options, std::error_code& ec) {
    server_options listen_options;
    listen_options.backlog = options.backlog;
    listen_options.dual_stack = options.dual_stack;
    return create_server(local, listen_options, ec);
}

} // namespace

// ---- tcp_server -------------------------------------------------------------------------------

tcp_server::tcp_server(const address& local, handler serve, tcp_server_options options) {
    std::error_code ec;
    socket listener = listen_for(local, options, ec);
    detail::throw_if(ec, "create_server", local.to_string());
    state_ = std::make_unique<state>(std::move(listener), std::move(serve), std::move(options));
}

tcp_server::tcp_server(const address& local, handler serve, tcp_server_options options, std::error_code& ec) {
    socket listener = listen_for(local, options, ec);
    if (ec) return;
    try {
        state_ = std::make_unique<state>(std::move(listener), std::move(serve), std::move(options));
    } catch (const socket_error& e) {
        ec = e.code();
    }
}

tcp_server::tcp_server(socket listener, handler serve, tcp_server_options options)
    : state_(std::make_unique<state>(std::move(listener), std::move(serve), std::move(options))) {}

tcp_server::~tcp_server() {
    stop();
}

const address& tcp_server::local_address() const noexcept {
    return state_->local;
}

std::size_t tcp_server::active_sessions() const noexcept {
    return state_ ? state_->active.load() : 0;
}

void tcp_server::stop() noexcept {
    if (!state_) return;
    state_->stopping.store(true, std::memory_order_release);
    state_->cancel_listener();
    state_->signal_wake();
}

void tcp_server::serve_forever() {
    std::error_code ec;
    serve_forever(ec);
    detail::throw_if(ec, "serve_forever", state_ ? state_->local.to_string() : std::string());
}

void tcp_server::serve_forever(std::error_code& ec) {
    ec.clear();
    if (!state_ || !state_->listener.is_open() || state_->running.exchange(true)) {
        ec = make_error_code(errc::bad_descriptor);
        return;
    }
    state_->listener.set_timeout(std::nullopt, ec);
    if (ec) return;
    if (state_->options.engine == engine::async) {
        detail::serve_async(*state_, ec);
        return;
    }
    threaded_engine(*state_).serve(ec);
}

} // namespace unisock

// ---- udp_server -------------------------------------------------------------------------------

namespace unisock {

std::error_code datagram_request::reply(const_bytes data) noexcept {
    std::error_code ec;
    (void)socket_->send_to(data, sender_, ec);
    return ec;
}

udp_server::udp_server(const address& local, datagram_handler handle, udp_server_options options)
    : socket_(local.family(), socket_type::datagram), handle_(std::move(handle)), options_(std::move(options)) {
    if (options_.engine == engine::async)
        detail::throw_error(make_error_code(errc::operation_not_supported), "udp_server", "engine");
    if (local.family() == address_family::ipv6) socket_.set_option(option::v6_only{!options_.dual_stack});
    socket_.bind(local);
    local_ = socket_.local_address();
}

udp_server::~udp_server() {
    stop();
}

void udp_server::stop() noexcept {
    stopping_.store(true, std::memory_order_release);
    socket_.cancel(); // sticky: wakes every receiving thread, now and later
}

void udp_server::serve_forever() {
    std::error_code ec;
    serve_forever(ec);
    detail::throw_if(ec, "serve_forever", local_.to_string());
}

void udp_server::serve_forever(std::error_code& ec) {
    ec.clear();
    if (options_.engine == engine::sequential) {
        receive_loop(ec);
        return;
    }
    std::size_t thread_count = options_.threads;
    if (thread_count == 0) thread_count = std::max(1u, std::thread::hardware_concurrency());
    std::mutex first_error_mutex;
    std::vector<std::thread> threads;
    const auto receive = [&] {
        std::error_code thread_ec;
        receive_loop(thread_ec);
        if (!thread_ec) return;
        const std::lock_guard lock(first_error_mutex);
        if (!ec) ec = thread_ec;
        stop(); // one thread's fatal error ends them all
    };
    try {
        const platform::async_signals_blocked signals_go_to_the_application;
        for (std::size_t i = 1; i < thread_count; ++i) threads.emplace_back(receive);
    } catch (const std::system_error& e) {
        const std::lock_guard lock(first_error_mutex);
        ec = e.code(); // no more threads: stop those already running, report why
        stop();
    } catch (const std::bad_alloc&) {
        const std::lock_guard lock(first_error_mutex);
        ec = make_error_code(errc::no_buffer_space);
        stop();
    }
    receive(); // this thread is one of them
    for (std::thread& t : threads) t.join();
}

void udp_server::receive_loop(std::error_code& ec) {
    const auto log = [this](std::string_view line) {
        if (options_.log) {
            options_.log(line);
            return;
        }
        std::cerr << "unisock udp server " << local_.to_string() << ": " << line << std::endl;
    };
    while (!stopping_.load(std::memory_order_acquire)) {
        std::error_code recv_ec;
        datagram received = socket_.recv_from(options_.max_datagram, recv_ec);
        if (recv_ec == errc::operation_canceled || stopping_.load()) break;
        // An ICMP error for an earlier reply, or a buffer shortage: UDP goes on.
        if (recv_ec == errc::connection_reset || recv_ec == errc::connection_refused ||
            recv_ec == errc::no_buffer_space || recv_ec == errc::message_size)
            continue;
        if (recv_ec) {
            ec = recv_ec;
            return;
        }
        datagram_request request(socket_, std::move(received.data), std::move(received.sender));
        try {
            handle_(request);
        } catch (const std::exception& e) {
            log(request.sender().to_string() + ": " + e.what());
        }
    }
}

} // namespace unisock
