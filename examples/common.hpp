#pragma once
// What the tutorial programs share: the command line, the address a server listens on,
// printing from several threads, one thread per connection, and a clean stop on Ctrl+C
// (SIGINT) or SIGTERM. Only the public unisock API and standard C++ are used here, so
// every program builds unchanged on Windows, Linux and macOS.

#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <initializer_list>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "unisock/unisock.hpp"

namespace examples {

using namespace std::chrono_literals;

// ---- output -----------------------------------------------------------------------------

inline std::mutex& output_mutex() {
    static std::mutex mutex;
    return mutex;
}

// Prints one whole line (threads never interleave their lines) and flushes it, so that a
// program reading this one's output through a pipe sees each line as soon as it is said.
template <class... Parts>
void say(const Parts&... parts) {
    const std::lock_guard lock(output_mutex());
    (std::cout << ... << parts) << std::endl;
}

// Runs a program's body: an error ends it with its message on stderr and exit status 1.
template <class Body>
int run(Body body) {
    try {
        return body();
    } catch (const std::exception& e) {
        const std::lock_guard lock(output_mutex());
        std::cerr << "error: " << e.what() << std::endl;
        return 1;
    }
}

// ---- command line -------------------------------------------------------------------------

// "--name value" options (only those the program names) and positional arguments. A bad
// command line prints the usage and exits with status 2.
class arguments {
public:
    arguments(int argc, char** argv, std::string usage, std::initializer_list<std::string_view> options)
        : usage_(std::move(usage)) {
        for (int i = 1; i < argc; ++i) {
            const std::string_view arg = argv[i];
            if (arg == "-h" || arg == "--help") fail({});
            if (!arg.starts_with("--")) {
                positional_.emplace_back(arg);
                continue;
            }
            bool known = false;
            for (const auto name : options) known = known || name == arg;
            if (!known) fail("unknown option " + std::string(arg));
            if (i + 1 == argc) fail("missing value after " + std::string(arg));
            options_[std::string(arg)] = argv[++i];
        }
    }

    std::string option(const std::string& name, std::string_view fallback) const {
        const auto found = options_.find(name);
        return found != options_.end() ? found->second : std::string(fallback);
    }

    // The n-th positional argument, or fallback.
    std::string positional(std::size_t n, std::string_view fallback) const {
        return n < positional_.size() ? positional_[n] : std::string(fallback);
    }

    // A port number 0..65535 from text (0 lets the OS pick a free one).
    std::uint16_t port(const std::string& text) const {
        unsigned value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc() || end != text.data() + text.size() || value > 65535) fail("bad port " + text);
        return static_cast<std::uint16_t>(value);
    }

    [[noreturn]] void fail(const std::string& problem) const {
        if (!problem.empty()) std::cerr << problem << "\n";
        std::cerr << "usage: " << usage_ << std::endl;
        std::exit(2);
    }

private:
    std::string usage_;
    std::map<std::string, std::string> options_;
    std::vector<std::string> positional_;
};

// The address a server binds: "" is every IPv4 interface (Python's ''), anything else is
// resolved for a passive socket of that type and its first address is used.
inline unisock::address listen_address(const std::string& host, std::uint16_t port,
                                       unisock::socket_type type = unisock::socket_type::stream) {
    if (host.empty()) return unisock::address::v4_any(port);
    const auto found = unisock::resolve(host, std::to_string(port), {.type = type, .passive = true});
    return found.front().endpoint; // resolve reports "no address" as a gai_error, never empty
}

// ---- stopping on a signal ------------------------------------------------------------------

// Turns SIGINT (Ctrl+C) and SIGTERM into a std::stop_token that the program's sockets
// follow with socket::cancel_on: their blocked accept/recv/send then fail with
// operation_canceled and the program unwinds and exits normally (status 0).
//
// Why a watcher thread: a signal handler may only touch lock-free atomics (anything else
// is not async-signal-safe). socket::cancel() locks a mutex, and a handler that interrupted
// the thread holding it would deadlock; a self-pipe would need a socket send from the
// handler, which is no safer. So the handler only sets a flag, and the watcher thread (an
// ordinary thread that may do anything) looks at it every 50 ms and requests the stop.
// std::signal with SIGINT/SIGTERM is standard C++ and behaves the same on every OS
// (Windows raises SIGINT for Ctrl+C on a thread of its own; it never sends SIGTERM).
//
// Destroying it requests the stop too, so that a server leaving main by an error also
// cancels its connections: declare a connection_threads before it, and that destructor
// (which joins the threads) runs after this one.
class stop_on_signal {
public:
    stop_on_signal() {
        std::signal(SIGINT, on_signal);
        std::signal(SIGTERM, on_signal);
        watcher_ = std::jthread([this](std::stop_token finished) {
            while (!finished.stop_requested()) {
                if (signalled.load()) {
                    stop_.request_stop(); // runs the cancel_on callbacks on this thread
                    return;
                }
                std::this_thread::sleep_for(50ms);
            }
        });
    }
    ~stop_on_signal() { stop_.request_stop(); }
    stop_on_signal(const stop_on_signal&) = delete;
    stop_on_signal& operator=(const stop_on_signal&) = delete;

    std::stop_token token() const noexcept { return stop_.get_token(); }

private:
    static_assert(std::atomic<bool>::is_always_lock_free, "a signal handler may only use lock-free atomics");
    static inline std::atomic<bool> signalled{false};
    static void on_signal(int) { signalled.store(true); }

    std::stop_source stop_;
    std::jthread watcher_; // declared last: stopped and joined before stop_ goes away
};

// ---- serving ----------------------------------------------------------------------------------

// accept(), or nullopt once the server stops (the listener was canceled). A client that
// gave up before it was accepted is skipped; other errors end the server.
inline std::optional<unisock::accepted> next_client(unisock::socket& listener) {
    for (;;) {
        std::error_code ec;
        unisock::accepted client = listener.accept(ec);
        if (!ec) return client;
        if (ec == unisock::errc::operation_canceled) return std::nullopt;
        if (ec != unisock::errc::connection_aborted && ec != unisock::errc::connection_reset)
            throw unisock::socket_error(ec, "accept: " + ec.message());
    }
}

// One thread per connection, like the tutorial's start_new_thread, but never detached: a
// thread that finished is joined when the next one starts, and the destructor joins those
// still running (declared before the stop_on_signal, it runs after that has canceled
// their sockets).
class connection_threads {
public:
    connection_threads() = default;
    connection_threads(const connection_threads&) = delete;
    connection_threads& operator=(const connection_threads&) = delete;
    ~connection_threads() { join(take_all()); }

    template <class Work>
    void start(Work work) {
        join(take_finished());
        const std::lock_guard lock(mutex_);
        const std::uint64_t id = next_id_++;
        running_.emplace(id, std::thread([this, id, work = std::move(work)]() mutable {
            work();
            const std::lock_guard done(mutex_);
            finished_.push_back(id);
        }));
    }

private:
    std::vector<std::thread> take_finished() {
        const std::lock_guard lock(mutex_);
        std::vector<std::thread> threads;
        for (const auto id : finished_) {
            threads.push_back(std::move(running_.at(id)));
            running_.erase(id);
        }
        finished_.clear();
        return threads;
    }
    std::vector<std::thread> take_all() {
        const std::lock_guard lock(mutex_);
        std::vector<std::thread> threads;
        for (auto& [id, thread] : running_) threads.push_back(std::move(thread));
        running_.clear();
        finished_.clear();
        return threads;
    }
    static void join(std::vector<std::thread> threads) {
        for (auto& thread : threads) thread.join();
    }

    std::mutex mutex_;
    std::map<std::uint64_t, std::thread> running_;
    std::vector<std::uint64_t> finished_;
    std::uint64_t next_id_ = 0;
};

} // namespace examples
