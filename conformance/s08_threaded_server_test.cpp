// SPDX-License-Identifier: BSL-1.0
// S08 threaded server (seeds 000, 001, 002 server B).
//
// One thread per connection: the server greets each client with a welcome line, then
// answers every message with "OK..." and the message. Many clients talk at once, each
// with many exchanges, and every one gets exactly its own replies. The server is the
// library's threaded engine, and the same handler on its async engine.
#include "support/conformance.hpp"
#include "support/servers.hpp"

#include <atomic>
#include <latch>
#include <vector>

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::socket_type;

constexpr int client_count = 50;
constexpr int exchanges_per_client = 20;
const std::string welcome = "Welcome to the server!\n";

unisock::task greet_then_echo(unisock::session& client) {
    std::error_code ec;
    co_await client.sendall(welcome, ec);
    while (!ec) {
        const std::string data = co_await client.read(1024, ec);
        if (ec || data.empty()) co_return;
        co_await client.sendall("OK..." + data, ec);
    }
}

unisock::tcp_server_options on(unisock::engine e) {
    unisock::tcp_server_options options;
    options.engine = e;
    options.threads = 2;
    options.idle_timeout = patience;
    return options;
}

class S08_ThreadedServer : public scenario, public ::testing::WithParamInterface<unisock::engine> {};

TEST_P(S08_ThreadedServer, FiftyConcurrentClientsEachGetTheirOwnReplies) {
    running_server server(greet_then_echo, on(GetParam()));
    std::latch all_connected(client_count);
    std::atomic<int> correct_replies{0};
    std::vector<std::string> failures(client_count);
    std::vector<std::thread> clients;
    for (int i = 0; i < client_count; ++i) {
        clients.emplace_back([&, i] {
            bool counted = false;
            try {
                unisock::socket sock(address_family::ipv4, socket_type::stream);
                sock.set_timeout(patience);
                sock.connect(server.address());
                all_connected.count_down();
                counted = true;
                all_connected.wait(); // every client is connected before anyone talks
                if (recv_exactly(sock, welcome.size()) != welcome) failures[i] = "no welcome line";
                for (int k = 0; k < exchanges_per_client && failures[i].empty(); ++k) {
                    const std::string message = "client " + std::to_string(i) + " message " + std::to_string(k);
                    sock.sendall(message);
                    const std::string reply = recv_exactly(sock, 5 + message.size());
                    if (reply == "OK..." + message)
                        ++correct_replies;
                    else
                        failures[i] = "expected OK..." + message + ", got " + reply;
                }
            } catch (const std::exception& e) {
                failures[i] = e.what();
                if (!counted) all_connected.count_down(); // never leave the others waiting
            }
        });
    }
    for (std::thread& t : clients) t.join();
    for (int i = 0; i < client_count; ++i) EXPECT_EQ(failures[i], "") << "client " << i;
    EXPECT_EQ(correct_replies.load(), client_count * exchanges_per_client);
}

TEST_P(S08_ThreadedServer, ASilentClientDoesNotBlockTheOthers) {
    running_server server(greet_then_echo, on(GetParam()));
    unisock::socket silent(address_family::ipv4, socket_type::stream);
    silent.set_timeout(patience);
    silent.connect(server.address());
    EXPECT_EQ(recv_exactly(silent, welcome.size()), welcome);
    // The silent client holds its server thread in recv; another client is served anyway.
    unisock::socket talker(address_family::ipv4, socket_type::stream);
    talker.set_timeout(patience);
    talker.connect(server.address());
    EXPECT_EQ(recv_exactly(talker, welcome.size()), welcome);
    talker.sendall("hello");
    EXPECT_EQ(recv_exactly(talker, 10), "OK...hello");
}

INSTANTIATE_TEST_SUITE_P(Engines, S08_ThreadedServer,
                         ::testing::Values(unisock::engine::threaded, unisock::engine::async),
                         [](const auto& info) {
                             return std::string(info.param == unisock::engine::threaded ? "threaded" : "async");
                         });

} // namespace
