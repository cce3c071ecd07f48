// SPDX-License-Identifier: BSL-1.0
#pragma once
// What the tutorial programs share: the command line, the address a server listens on,
// printing from several threads, and a clean stop on Ctrl+C (SIGINT) or SIGTERM. The
// servers themselves run on unisock's server layer (unisock/server.hpp). Only the public unisock API and standard C++ are used here, so
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
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "unisock/server.hpp"
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

    // A server's port: --port PORT, or the first positional argument (`hello_server
    // 9000`), or fallback.
    std::uint16_t server_port(std::string_view fallback) const {
        return port(option("--port", positional(0, fallback)));
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

// While it lives, SIGINT (Ctrl+C) and SIGTERM call stop() on the target directly from
// the signal handler: tcp_server::stop() and socket::cancel() are async-signal-safe (an
// atomic store and a plain write). std::signal with SIGINT/SIGTERM is standard C++ and
// behaves the same on every OS (Windows raises SIGINT for Ctrl+C on a thread of its own).
template <class Stoppable>
class stop_on_signal {
public:
    explicit stop_on_signal(Stoppable& target) {
        target_.store(&target);
        std::signal(SIGINT, on_signal);
        std::signal(SIGTERM, on_signal);
    }
    ~stop_on_signal() {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        target_.store(nullptr);
    }
    stop_on_signal(const stop_on_signal&) = delete;
    stop_on_signal& operator=(const stop_on_signal&) = delete;

private:
    static_assert(std::atomic<Stoppable*>::is_always_lock_free, "a signal handler may only use lock-free atomics");
    static inline std::atomic<Stoppable*> target_{nullptr};
    static void on_signal(int) {
        if (Stoppable* target = target_.load()) stop(*target);
    }
    static void stop(unisock::tcp_server& server) { server.stop(); }
    static void stop(unisock::udp_server& server) { server.stop(); }
    static void stop(unisock::socket& sock) { sock.cancel(); }
    // Anything else with an async-signal-safe stop() (the selector example's loop).
    template <class Other>
    static void stop(Other& other) {
        other.stop();
    }
};

} // namespace examples
