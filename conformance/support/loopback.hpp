// SPDX-License-Identifier: BSL-1.0
#pragma once
// Loopback set-ups shared by the scenarios that need a real TCP connection (not a
// socketpair) or a listener whose accept queue is full. Public unisock API only.

#include <chrono>
#include <optional>
#include <system_error>
#include <vector>

#include "support/conformance.hpp"

namespace conformance {

// Both ends of one TCP connection over 127.0.0.1, each with the patience timeout.
struct tcp_pair {
    unisock::socket client;
    unisock::socket server;
};

// buffer_size, when given, sets both socket buffers on both ends before the connection
// is made, so that "the peer is not reading" fills them after a few hundred kilobytes.
inline tcp_pair connect_tcp_pair(std::optional<int> buffer_size = std::nullopt) {
    using unisock::address_family;
    using unisock::socket_type;
    unisock::socket listener(address_family::ipv4, socket_type::stream);
    tcp_pair pair{unisock::socket(address_family::ipv4, socket_type::stream), {}};
    if (buffer_size) {
        for (unisock::socket* s : {&listener, &pair.client}) {
            s->set_option(unisock::option::receive_buffer_size{*buffer_size});
            s->set_option(unisock::option::send_buffer_size{*buffer_size});
        }
    }
    listener.bind(unisock::address::v4_loopback(0));
    listener.listen(1);
    listener.set_timeout(patience);
    pair.client.set_timeout(patience);
    pair.client.connect(listener.local_address());
    pair.server = listener.accept().connection;
    pair.server.set_timeout(patience);
    return pair;
}

// A listener nobody accepts from, and the clients that filled its accept queue.
struct full_backlog {
    unisock::socket listener;
    std::vector<unisock::socket> queued; // the clients whose connect completed
    std::error_code overflow;            // how the first connect past the queue failed
    std::chrono::milliseconds overflow_after{0};
};

// listen(backlog) on 127.0.0.1, then connects clients one after another (each with
// connect_timeout) until one fails or max_attempts have completed. Linux and macOS
// drop the SYNs of a full queue (the connect times out); Windows refuses them.
inline full_backlog fill_backlog(int backlog, std::chrono::milliseconds connect_timeout, int max_attempts) {
    full_backlog result{unisock::socket(unisock::address_family::ipv4, unisock::socket_type::stream), {}, {}};
    result.listener.bind(unisock::address::v4_loopback(0));
    result.listener.listen(backlog);
    const unisock::address server = result.listener.local_address();
    for (int attempt = 0; attempt < max_attempts; ++attempt) {
        unisock::socket client(unisock::address_family::ipv4, unisock::socket_type::stream);
        client.set_timeout(connect_timeout);
        const auto start = std::chrono::steady_clock::now();
        client.connect(server, result.overflow);
        if (result.overflow) {
            result.overflow_after = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start);
            break;
        }
        result.queued.push_back(std::move(client));
    }
    return result;
}

} // namespace conformance
