// SPDX-License-Identifier: BSL-1.0
// S06 sequential server (seeds 000, 001).
//
// The tutorial's first server serves one client at a time: while it talks to the first,
// a second client's connect completes in the listen backlog and waits there; it is
// served as soon as the first one leaves. The server is the library's sequential engine.
#include "support/conformance.hpp"
#include "support/servers.hpp"

#include <mutex>
#include <vector>

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::socket_type;

// Greets, then echoes each message until the client closes; logs who it served, in order.
struct greeting_server {
    std::mutex mutex;
    std::vector<std::string> served_in_order;

    unisock::task serve(unisock::session& client) {
        co_await client.sendall("welcome\n");
        std::string name;
        for (std::string data = co_await client.read(1024); !data.empty(); data = co_await client.read(1024)) {
            if (name.empty()) name = data;
            co_await client.sendall("OK..." + data);
        }
        const std::lock_guard lock(mutex);
        served_in_order.push_back(name);
    }
    unisock::handler handler() {
        return [this](unisock::session& client) { return serve(client); };
    }
};

unisock::tcp_server_options sequential(int backlog = unisock::max_backlog) {
    unisock::tcp_server_options options;
    options.engine = unisock::engine::sequential;
    options.backlog = backlog;
    options.idle_timeout = patience;
    return options;
}

unisock::socket connect_to(const unisock::address& server) {
    unisock::socket sock(address_family::ipv4, socket_type::stream);
    sock.set_timeout(patience);
    sock.connect(server);
    return sock;
}

class S06_SequentialServer : public scenario {};

TEST_F(S06_SequentialServer, SecondClientWaitsInTheBacklogUntilTheFirstLeaves) {
    greeting_server logic;
    running_server server(logic.handler(), sequential(5));

    unisock::socket first = connect_to(server.address());
    EXPECT_EQ(first.recv(1024), "welcome\n");

    // The second connect completes in the backlog, but nobody talks to it yet.
    unisock::socket second = connect_to(server.address());
    second.sendall("second");
    second.set_timeout(300ms);
    EXPECT_THROW(second.recv(1024), unisock::timeout_error) << "served while the first client is still there";

    first.sendall("first");
    EXPECT_EQ(first.recv(1024), "OK...first");
    first.close();

    // Now the server gets to the second client: the greeting, then its waiting message.
    second.set_timeout(patience);
    std::string received;
    const std::string expected = "welcome\nOK...second";
    while (received.size() < expected.size()) {
        const std::string part = second.recv(1024);
        ASSERT_FALSE(part.empty()) << "closed after " << received;
        received += part;
    }
    EXPECT_EQ(received, expected);
    second.close();

    // Wait until the server has logged both: it goes back to accept only after that.
    unisock::socket third = connect_to(server.address());
    EXPECT_EQ(third.recv(1024), "welcome\n");
    third.close();
    const std::lock_guard lock(logic.mutex);
    ASSERT_GE(logic.served_in_order.size(), 2u);
    EXPECT_EQ(logic.served_in_order[0], "first");
    EXPECT_EQ(logic.served_in_order[1], "second");
}

TEST_F(S06_SequentialServer, ServesManyClientsOneAfterAnother) {
    greeting_server logic;
    running_server server(logic.handler(), sequential());
    for (int i = 0; i < 20; ++i) {
        unisock::socket client = connect_to(server.address());
        EXPECT_EQ(client.recv(1024), "welcome\n");
        const std::string name = "client" + std::to_string(i);
        client.sendall(name);
        EXPECT_EQ(client.recv(1024), "OK..." + name);
    }
}

} // namespace
