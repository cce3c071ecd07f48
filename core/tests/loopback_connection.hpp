// SPDX-License-Identifier: BSL-1.0
#pragma once
// A connected TCP pair over the loopback, shared by the unit tests: a listener, a client
// connected to it and the accepted server side, every one bounded by `limit` so that a
// hang becomes a failure. The kernel completes a loopback handshake before accept(), so
// one thread is enough.

#include <utility>

#include "unisock/socket.hpp"

namespace unisock::test {

struct tcp_connection {
    socket listener;
    socket client;
    socket server;
    address peer_seen_by_server;
};

inline tcp_connection connect_loopback(timeout_duration limit, address_family f = address_family::ipv4) {
    tcp_connection c;
    c.listener = socket(f, socket_type::stream);
    c.listener.set_timeout(limit);
    c.listener.bind(f == address_family::ipv6 ? address::v6_loopback(0) : address::v4_loopback(0));
    c.listener.listen();
    c.client = socket(f, socket_type::stream);
    c.client.set_timeout(limit);
    c.client.connect(c.listener.local_address());
    accepted a = c.listener.accept();
    c.server = std::move(a.connection);
    c.server.set_timeout(limit);
    c.peer_seen_by_server = a.peer;
    return c;
}

} // namespace unisock::test
