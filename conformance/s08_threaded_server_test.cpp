// S08 threaded server (seeds 000, 001, 002 server B).
//
// One thread per connection: the server greets each client with a welcome line, then
// answers every message with "OK..." and the message. Many clients talk at once, each
// with many exchanges, and every one gets exactly its own replies.
#include "support/conformance.hpp"
#include "support/threaded_server.hpp"

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

void greet_then_echo(unisock::socket& connection, const unisock::address&) {
    std::error_code ec;
    connection.sendall(welcome, ec);
    while (!ec) {
        const std::string data = connection.recv(1024, ec);
        if (ec || data.empty()) return;
        connection.sendall("OK..." + data, ec);
    }
}

class S08_ThreadedServer : public scenario {};

TEST_F(S08_ThreadedServer, FiftyConcurrentClientsEachGetTheirOwnReplies) {
    threaded_server server(greet_then_echo);
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

TEST_F(S08_ThreadedServer, ASilentClientDoesNotBlockTheOthers) {
    threaded_server server(greet_then_echo);
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

} // namespace
