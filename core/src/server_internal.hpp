// SPDX-License-Identifier: BSL-1.0
#pragma once
// What the server engines share: the server's state, the stop wake-up, logging, and the
// accept loop that the threaded and async engines both run on a thread of their own.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

#include "unisock/connection.hpp"
#include "unisock/server.hpp"
#include "unisock/socket.hpp"

namespace unisock {

struct tcp_server::state {
    state(socket listening, handler serve_with, tcp_server_options opts);

    socket listener;
    address local;
    handler serve;
    tcp_server_options options;
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> active{0};
    // stop() and finished sessions wake an accept loop that waits for a free slot: a
    // plain send on a non-blocking socket, which a signal handler may do.
    socket_pair wake;
    std::atomic<bool> running{false};
    // stop() may cancel the listener from a signal handler while the accept loop closes
    // it: the closer raises listener_closing, then waits until no stop() is inside.
    std::atomic<bool> listener_closing{false};
    std::atomic<int> stops_inside{0};

    void cancel_listener() noexcept;
    void close_listener() noexcept;

    void log(std::string_view line) const;
    // A finished session frees its slot; wakes the accept loop if it waits for one.
    void release_slot() noexcept;
    void signal_wake() noexcept;
    // Waits for a wake-up byte (or until timeout), and drains what is there. Needs no new
    // descriptor: the constructor opened the wait's wake-up handle.
    void wait_for_wake(std::optional<timeout_duration> timeout) noexcept;

    // Accepts until stop(), respecting max_connections and when_full; each accepted
    // client goes to start (which takes a slot's ownership). A process out of descriptors
    // or buffers pauses accepting (the clients already served go on, and the backlog
    // waits) and retries every accept_retry_delay. Any other listener error but a
    // client's own (connection_aborted/reset) ends it in ec.
    void accept_loop(const std::function<void(accepted)>& start, std::error_code& ec);
};

namespace detail {
// How long the accept loop pauses when the process is out of descriptors or buffers
// before it tries again (a stop(), or a session ending while the server is full, ends the
// pause early).
inline constexpr std::chrono::milliseconds accept_retry_delay{100};

// A client whose line was too long gets the reply, a FIN, and this long to stop sending
// (and at most this much more input read and dropped) before its socket is closed.
inline constexpr std::chrono::seconds linger_time{1};
inline constexpr std::size_t linger_bytes = std::size_t{1} << 20;

// The async engine (server_async.cpp): serves state until it stops.
void serve_async(tcp_server::state& st, std::error_code& ec);
} // namespace detail

} // namespace unisock
