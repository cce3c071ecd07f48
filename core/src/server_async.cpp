// SPDX-License-Identifier: BSL-1.0
// The async engine: Asio underneath, one io_context per thread, a coroutine per session.
//
// The listener stays a unisock socket and is accepted from on a thread of its own (a
// blocking accept that stop() cancels), so accepted sockets carry unisock's flags on
// every OS and the stop needs nothing but an atomic and a wake-up write. Each accepted
// handle is handed to one io_context (round robin) and assigned to an
// asio::ip::tcp::socket there; everything a session does happens on that context's one
// thread, except write() and close(), which other sessions' threads may call (the chat
// room's broadcast): they take the session's output lock and post the work over.
//
// Reads: a request the input buffer cannot satisfy goes to async_read_some into the
// buffer's free tail. Asio tries the recv at once and only then waits (epoll, or an
// overlapped WSARecv on IOCP), so a wait costs no system call of its own: async_wait
// would re-arm the descriptor with epoll_ctl on every wait. The read size starts small
// (an idle session holds little) and doubles while reads fill it. Writes: a non-blocking
// write first; what did not go is queued and sent by async_write in the background.
//
// Idle timeout: each context counts sweeps, one every quarter of the timeout; a wait
// that has seen five sweep ticks has lasted at least the timeout and is cancelled (no
// timer and no clock read per operation).

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <asio.hpp>

#include "platform/platform.hpp"
#include "server_internal.hpp"
#include "unisock/asio.hpp"

namespace unisock {

namespace detail {

namespace {

using clock = std::chrono::steady_clock;
using asio::ip::tcp;

class async_session;

// One thread's io_context and the sessions that live on it.
struct worker {
    explicit worker(tcp_server::state& st) : server(st), io(1), sweep(io), grace(io) {}

    tcp_server::state& server;
    asio::io_context io;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
    asio::steady_timer sweep;
    asio::steady_timer grace;
    std::vector<std::shared_ptr<async_session>> sessions; // touched on this thread only
    bool stopping = false;
    // Sweeps so far; starts at 1 so that 0 can mean "not waiting".
    std::uint64_t sweep_ticks = 1;

    void adopt(native_handle_type handle, address peer);
    void remove(async_session& s) noexcept;
    void start_sweep();
    void begin_stop();
    void maybe_finish() noexcept;
};

class async_session final : public session, public std::enable_shared_from_this<async_session> {
public:
    async_session(worker& w, tcp::socket sock, address peer)
        : session(std::move(peer), w.server.options.max_line, w.server.stopping), worker_(w), socket_(std::move(sock)) {}

    std::size_t index = 0; // in worker::sessions

    void start() {
        try {
            task_.emplace(worker_.server.serve(*this));
        } catch (const std::exception& e) {
            worker_.server.log(peer().to_string() + ": " + e.what());
            finish();
            return;
        }
        auto& promise = task_->handle().promise();
        promise.on_done = [](void* self) noexcept { static_cast<async_session*>(self)->handler_done(); };
        promise.done_context = this;
        task_->handle().resume();
    }

    // Cancels the waits that have lasted longer than the idle timeout (on this thread):
    // a wait that began during tick t has lasted at least four ticks at tick t + 5.
    void sweep(std::uint64_t ticks) noexcept {
        if (waiting_since_tick_ != 0 && ticks - waiting_since_tick_ >= idle_ticks) {
            timed_out_ = true;
            asio::error_code ignored;
            socket_.cancel(ignored);
        }
    }

    // The server's stop: close now, whatever is pending (on this thread).
    void close_now() noexcept { shut(); }

protected:
    bool begin(io_request& request) override {
        if (closed()) {
            request.ec = make_error_code(errc::operation_canceled);
            return true;
        }
        if (request.what == io_request::kind::send) return begin_send(request);
        return take_input(request);
    }

    void suspend(io_request& request, std::coroutine_handle<> h) override {
        waiter_ = h;
        if (request.what == io_request::kind::send) {
            sender_ = &request;
            ensure_writing();
        } else {
            reader_ = &request;
            start_read();
        }
    }

    bool queue(const_bytes data) noexcept override {
        bool start_writer = false;
        bool over_limit = false;
        {
            const std::lock_guard lock(out_mutex_);
            if (closed_) return false;
            if (pending_.size() + sending_.size() + data.size() > worker_.server.options.output_limit) {
                over_limit = true;
            } else {
                try {
                    pending_.append(reinterpret_cast<const char*>(data.data()), data.size());
                    start_writer = !writing_;
                    writing_ = true;
                } catch (...) {
                    over_limit = true;
                }
            }
        }
        if (over_limit) {
            worker_.server.log(peer().to_string() + ": more than " +
                               std::to_string(worker_.server.options.output_limit) +
                               " bytes of output unread, disconnected");
            shut();
            return false;
        }
        if (start_writer) on_own_thread([](async_session& s) { s.write_pending(); });
        return true;
    }

    void shut() noexcept override {
        {
            const std::lock_guard lock(out_mutex_);
            if (closed_) return;
            closed_ = true;
        }
        on_own_thread([](async_session& s) {
            asio::error_code ignored;
            s.socket_.close(ignored); // pending waits complete with operation_aborted
            if (s.handler_finished_ && !s.finished_) s.finish();
        });
    }

private:
    bool closed() noexcept {
        const std::lock_guard lock(out_mutex_);
        return closed_;
    }

    // Runs f on the session's thread: at once if this is it, else posted there.
    template <class F>
    void on_own_thread(F f) noexcept {
        if (worker_.io.get_executor().running_in_this_thread()) {
            f(*this);
            return;
        }
        try {
            asio::post(worker_.io, [self = shared_from_this(), f] { f(*self); });
        } catch (...) {
            // Out of memory: the session cannot be reached; its idle timeout ends it.
        }
    }

    // ---- reading
    static constexpr std::size_t first_read_size = 256;
    static constexpr std::size_t largest_read_size = 65536;
    static constexpr std::uint64_t idle_ticks = 5;

    // Completes the request from the input buffer if it can (true; ec may be set).
    bool take_input(io_request& request) {
        if (!take_from(input_, input_pos_, request, at_end_)) return false;
        if (request.ec == errc::message_size) reject_line();
        if (input_.empty() && input_.capacity() > largest_read_size) {
            input_.shrink_to_fit(); // a burst is over: an idle session goes back to little
            read_size_ = first_read_size;
        }
        return true;
    }

    // Reads into the free tail of the input buffer; on_read continues the request.
    void start_read() {
        if (input_pos_ != 0) {
            input_.erase(0, input_pos_);
            input_pos_ = 0;
        }
        const std::size_t kept = input_.size();
        try {
            input_.resize(kept + read_size_);
        } catch (...) {
            reader_->ec = make_error_code(errc::no_buffer_space);
            reader_ = nullptr;
            resume();
            return;
        }
        mark_waiting();
        socket_.async_read_some(asio::buffer(input_.data() + kept, read_size_),
                                [self = shared_from_this(), kept](const asio::error_code& aec, std::size_t n) {
                                    self->on_read(aec, kept, n);
                                });
    }

    void on_read(const asio::error_code& aec, std::size_t kept, std::size_t n) {
        waiting_since_tick_ = 0;
        input_.resize(kept + n);
        if (n == read_size_ && read_size_ < largest_read_size) read_size_ *= 2;
        io_request& request = *reader_;
        if (aec == asio::error::eof) {
            at_end_ = true;
        } else if (aec) {
            request.ec = stop_reason(aec);
            reader_ = nullptr;
            resume();
            return;
        }
        if (!take_input(request)) {
            start_read();
            return;
        }
        reader_ = nullptr;
        resume();
    }

    void reject_line() {
        worker_.server.log(peer().to_string() + ": line longer than " +
                           std::to_string(worker_.server.options.max_line) + " bytes, disconnected");
        (void)queue(worker_.server.options.line_too_long_reply);
        close_after_flush_ = true;
        std::lock_guard lock(out_mutex_);
        if (!writing_) {
            closed_ = true;
            asio::error_code ignored;
            socket_.close(ignored);
        }
    }

    // ---- writing
    bool begin_send(io_request& request) {
        bool idle_writer = false;
        {
            const std::lock_guard lock(out_mutex_);
            idle_writer = !writing_;
        }
        std::size_t sent = 0;
        if (idle_writer) {
            while (sent < request.out.size()) {
                asio::error_code aec;
                const auto rest = request.out.after(sent);
                sent += socket_.write_some(asio::buffer(rest.data(), rest.size()), aec);
                if (aec == asio::error::would_block || aec == asio::error::try_again) break;
                if (aec) {
                    request.ec = from_asio_error(aec);
                    return true;
                }
            }
            if (sent == request.out.size()) return true;
        }
        // The rest goes out after what is queued; the handler waits until all has gone.
        const std::lock_guard lock(out_mutex_);
        try {
            const auto rest = request.out.after(sent);
            pending_.append(reinterpret_cast<const char*>(rest.data()), rest.size());
        } catch (...) {
            request.ec = make_error_code(errc::no_buffer_space);
            return true;
        }
        return false;
    }

    void ensure_writing() {
        {
            const std::lock_guard lock(out_mutex_);
            if (writing_) return;
            writing_ = true;
        }
        write_pending();
    }

    // Sends pending_ (moved to sending_) until both are empty; on this thread.
    void write_pending() {
        bool all_gone = false;
        {
            const std::lock_guard lock(out_mutex_);
            if (sending_.empty()) sending_.swap(pending_);
            if (sending_.empty() || closed_) {
                writing_ = false;
                sending_.clear();
                all_gone = true;
            }
        }
        if (all_gone) {
            after_writes_done({});
            return;
        }
        mark_waiting();
        asio::async_write(socket_, asio::buffer(sending_),
                          [self = shared_from_this()](const asio::error_code& aec, std::size_t) {
                              self->on_written(aec);
                          });
    }

    void on_written(const asio::error_code& aec) {
        waiting_since_tick_ = 0;
        if (aec) {
            const std::error_code ec = stop_reason(aec);
            {
                const std::lock_guard lock(out_mutex_);
                writing_ = false;
                sending_.clear();
                pending_.clear();
                closed_ = true;
            }
            asio::error_code ignored;
            socket_.close(ignored); // a stream that lost bytes in the middle cannot go on
            after_writes_done(ec);
            return;
        }
        {
            const std::lock_guard lock(out_mutex_);
            sending_.clear();
            if (sending_.capacity() > 65536) sending_.shrink_to_fit();
        }
        write_pending();
    }

    // All queued output has gone (or failed with ec): wake a waiting sendall, finish a
    // session whose handler is done.
    void after_writes_done(std::error_code ec) {
        if (sender_) {
            sender_->ec = ec;
            sender_ = nullptr;
            resume();
        }
        if (close_after_flush_) {
            close_after_flush_ = false;
            {
                const std::lock_guard lock(out_mutex_);
                closed_ = true;
            }
            if (ec) {
                asio::error_code ignored;
                socket_.close(ignored);
            } else {
                start_linger();
            }
        }
        if (handler_finished_ && !finished_ && !lingering_ && !writing_now()) finish();
    }

    // ---- lingering close of a rejected client
    // Closing with unread input makes the OS reset the connection, and the reset can
    // destroy the reply before the client reads it: send FIN, then read and discard what
    // the client still sends, for a bounded time and size (server_internal.hpp).
    void start_linger() {
        lingering_ = true;
        asio::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_send, ignored);
        try {
            linger_timer_ = std::make_unique<asio::steady_timer>(worker_.io, linger_time);
            // A buffer of its own: a read the handler started may still be filling input_.
            if (!reader_) discard_buffer_.resize(first_read_size);
        } catch (...) {
            end_linger();
            return;
        }
        linger_timer_->async_wait([self = shared_from_this()](const asio::error_code& aec) {
            if (!aec) self->end_linger();
        });
        // With the handler's read pending, that read takes what comes until the timer.
        if (!reader_) discard_input();
    }

    void discard_input() {
        socket_.async_read_some(asio::buffer(discard_buffer_), [self = shared_from_this()](const asio::error_code& aec, std::size_t n) {
            self->lingered_ += n;
            if (aec || self->lingered_ >= linger_bytes || !self->lingering_) {
                self->end_linger();
                return;
            }
            self->discard_input();
        });
    }

    void end_linger() noexcept {
        if (!lingering_) return;
        lingering_ = false;
        if (linger_timer_) linger_timer_->cancel();
        asio::error_code ignored;
        socket_.close(ignored); // completes the discarding read, if one is pending
        if (handler_finished_ && !finished_) finish();
    }

    bool writing_now() noexcept {
        const std::lock_guard lock(out_mutex_);
        return writing_;
    }

    // ---- life cycle
    std::error_code stop_reason(const asio::error_code& aec) noexcept {
        if (aec == asio::error::operation_aborted && timed_out_) {
            timed_out_ = false;
            if (!closed()) return make_error_code(errc::timed_out);
        }
        if (aec == asio::error::operation_aborted || closed()) return make_error_code(errc::operation_canceled);
        return from_asio_error(aec);
    }

    void mark_waiting() noexcept { waiting_since_tick_ = worker_.sweep_ticks; }

    void resume() {
        const auto h = std::exchange(waiter_, {});
        if (h) h.resume();
    }

    void handler_done() noexcept {
        handler_finished_ = true;
        const auto& error = task_->handle().promise().error;
        if (error) {
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                worker_.server.log(peer().to_string() + ": " + e.what());
            } catch (...) {
                worker_.server.log(peer().to_string() + ": an exception that is not a std::exception");
            }
        }
        // Output queued by the handler still goes out (bounded by the idle timeout).
        if (!lingering_ && !writing_now()) finish();
    }

    // Closes the socket and leaves the worker; the frame goes with the last reference.
    void finish() noexcept {
        finished_ = true;
        lingering_ = false;
        if (linger_timer_) linger_timer_->cancel();
        {
            const std::lock_guard lock(out_mutex_);
            closed_ = true;
        }
        asio::error_code ignored;
        socket_.close(ignored);
        worker_.remove(*this);
    }

    worker& worker_;
    tcp::socket socket_;
    std::optional<task> task_;
    std::coroutine_handle<> waiter_;
    io_request* reader_ = nullptr;
    io_request* sender_ = nullptr;
    std::string input_;
    std::size_t input_pos_ = 0;
    std::size_t read_size_ = first_read_size;
    bool at_end_ = false;
    std::uint64_t waiting_since_tick_ = 0; // the sweep tick the wait began in; 0: not waiting
    bool timed_out_ = false;
    bool handler_finished_ = false;
    bool finished_ = false;
    bool close_after_flush_ = false;
    bool lingering_ = false;
    std::size_t lingered_ = 0;
    std::unique_ptr<asio::steady_timer> linger_timer_; // only while lingering
    std::string discard_buffer_;                        // only while lingering

    std::mutex out_mutex_; // guards the fields below (write() and close() come from any thread)
    std::string pending_;
    std::string sending_; // what async_write is sending now
    bool writing_ = false;
    bool closed_ = false;
};

void worker::adopt(native_handle_type handle, address peer) {
    const tcp protocol = peer.family() == address_family::ipv6 ? tcp::v6() : tcp::v4();
    tcp::socket sock(io);
    asio::error_code aec;
    sock.assign(protocol, static_cast<tcp::socket::native_handle_type>(handle), aec);
    if (!aec) sock.non_blocking(true, aec);
    if (aec || stopping) {
        if (aec) server.log("assign " + peer.to_string() + ": " + from_asio_error(aec).message());
        if (sock.is_open()) sock.close(aec);
        else (void)socket::adopt(handle, aec); // closes it
        server.release_slot();
        return;
    }
    auto s = std::make_shared<async_session>(*this, std::move(sock), std::move(peer));
    s->index = sessions.size();
    sessions.push_back(s);
    s->start();
}

void worker::remove(async_session& s) noexcept {
    const std::size_t i = s.index;
    if (i >= sessions.size() || sessions[i].get() != &s) return;
    const std::shared_ptr<async_session> keep = std::move(sessions[i]); // destroyed on return
    if (i + 1 != sessions.size()) {
        sessions[i] = std::move(sessions.back());
        sessions[i]->index = i;
    }
    sessions.pop_back();
    server.release_slot();
    maybe_finish();
}

void worker::start_sweep() {
    const auto idle = *server.options.idle_timeout;
    sweep.expires_after(std::max<clock::duration>(idle / 4, std::chrono::milliseconds(1)));
    sweep.async_wait([this](const asio::error_code& aec) {
        if (aec || stopping) return;
        ++sweep_ticks;
        for (std::size_t i = 0; i < sessions.size(); ++i) sessions[i]->sweep(sweep_ticks);
        start_sweep();
    });
}

void worker::begin_stop() {
    stopping = true;
    sweep.cancel();
    grace.expires_after(server.options.stop_grace);
    grace.async_wait([this](const asio::error_code& aec) {
        if (aec) return;
        // Copies: closing a session may remove it from the vector.
        const auto open = sessions;
        for (const auto& s : open) s->close_now();
        // A closed socket completes its pending operations; should one not (an OS that
        // loses the completion), the context stops anyway after a second grace period,
        // and serve_async destroys what is left, coroutine frames included.
        grace.expires_after(server.options.stop_grace);
        grace.async_wait([this](const asio::error_code& again) {
            if (again || sessions.empty()) return;
            server.log(std::to_string(sessions.size()) + " sessions did not end after their sockets closed: dropped");
            keep_running.reset();
            io.stop();
        });
    });
    maybe_finish();
}

void worker::maybe_finish() noexcept {
    if (stopping && sessions.empty()) {
        grace.cancel();
        keep_running.reset();
    }
}

} // namespace

void serve_async(tcp_server::state& st, std::error_code& ec) {
    if (st.local.family() != address_family::ipv4 && st.local.family() != address_family::ipv6) {
        ec = make_error_code(errc::address_family_not_supported);
        return;
    }
    std::size_t thread_count = st.options.threads;
    if (thread_count == 0) thread_count = std::max(1u, std::thread::hardware_concurrency());

    std::vector<std::unique_ptr<worker>> workers;
    for (std::size_t i = 0; i < thread_count; ++i) {
        workers.push_back(std::make_unique<worker>(st));
        workers.back()->keep_running.emplace(workers.back()->io.get_executor());
        if (st.options.idle_timeout) workers.back()->start_sweep();
    }
    std::vector<std::thread> threads;
    {
        const platform::async_signals_blocked signals_go_to_the_application;
        for (auto& w : workers) threads.emplace_back([&io = w->io] { io.run(); });
    }

    std::size_t next = 0;
    st.accept_loop(
        [&](accepted client) {
            worker& w = *workers[next];
            next = (next + 1) % workers.size();
            client.connection.set_timeout(timeout_duration::zero()); // released non-blocking
            const native_handle_type handle = client.connection.release();
            asio::post(w.io, [&w, handle, peer = std::move(client.peer)]() mutable { w.adopt(handle, std::move(peer)); });
        },
        ec);
    for (auto& w : workers) asio::post(w->io, [&w = *w] { w.begin_stop(); });
    for (auto& t : threads) t.join();
    // Anything still here had no pending operation left: end it with its frame.
    for (auto& w : workers) w->sessions.clear();
}

} // namespace detail

} // namespace unisock
