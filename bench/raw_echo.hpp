// SPDX-License-Identifier: BSL-1.0
#pragma once
// The fixed peer of the pingpong_rawpeer/* benchmarks: a thread that echoes messages back
// with raw blocking system calls (bench/native/raw_echo.cpp), so that the variant under
// test is only the client and its own cost is what changes between variants.

#include <cstddef>
#include <cstdint>
#include <memory>

namespace unisock::bench {

class raw_echo_peer {
public:
    // Listens on 127.0.0.1 (an ephemeral port) for one connection; throws
    // std::runtime_error if the OS refuses.
    explicit raw_echo_peer(std::size_t message_size);
    raw_echo_peer(const raw_echo_peer&) = delete;
    raw_echo_peer& operator=(const raw_echo_peer&) = delete;
    // Joins the echo thread: the client must have closed its end (or never connected).
    ~raw_echo_peer();

    std::uint16_t port() const noexcept;
    // Accepts the connection already made to port() (from the backlog), with TCP_NODELAY,
    // and echoes message_size-byte messages on a thread until the client closes.
    void start();

private:
    struct state;
    std::unique_ptr<state> state_;
};

} // namespace unisock::bench
