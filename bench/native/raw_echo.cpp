// SPDX-License-Identifier: BSL-1.0
// The raw blocking echo peer of the pingpong_rawpeer/* benchmarks (bench/raw_echo.hpp).

#include "raw_echo.hpp"

#include <thread>
#include <vector>

#include "native/raw_os.hpp"

namespace unisock::bench {

struct raw_echo_peer::state {
    explicit state(std::size_t size) : message_size(size) {}

    std::size_t message_size;
    raw::socket_handle listener = raw::tcp_listener(0);
    std::uint16_t port = ntohs(raw::local_address(listener.get()).sin_port);
    std::thread echo;
};

namespace {

// Echoes whole messages until the client closes or a call fails; either way the
// connection is closed when this returns, so a waiting client sees the end.
void echo_messages(raw::socket_handle connection, std::size_t message_size) {
    std::vector<char> message(message_size);
    try {
        while (raw::recv_exact(connection.get(), message.data(), message.size())) {
            raw::send_all(connection.get(), message.data(), message.size());
        }
    } catch (const std::exception&) {
        // The client's next recv reports the closed connection.
    }
}

} // namespace

raw_echo_peer::raw_echo_peer(std::size_t message_size) : state_(std::make_unique<state>(message_size)) {}

raw_echo_peer::~raw_echo_peer() {
    if (state_->echo.joinable()) state_->echo.join();
}

std::uint16_t raw_echo_peer::port() const noexcept { return state_->port; }

void raw_echo_peer::start() {
    state_->echo = std::thread(echo_messages, raw::tcp_accept(state_->listener.get(), 0), state_->message_size);
}

} // namespace unisock::bench
