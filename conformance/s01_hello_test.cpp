// SPDX-License-Identifier: BSL-1.0
// S01 hello exchange (seed 000, exercise 1).
//
// The tutorial's server accepts one client at a time, gives each connection a 5 s
// timeout, reads one message and answers "welcome to server!" to "1" and
// "please go out!" to anything else; a silent client only costs it the timeout. The
// timeout is shortened here so the suite stays fast.
#include "support/conformance.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::socket_type;

constexpr auto silent_client_timeout = 200ms;

// The tutorial's server loop body: one message in, one answer out, then close.
void hello_server_connection(unisock::socket& connection, std::atomic<int>& timeouts) {
    connection.set_timeout(silent_client_timeout);
    try {
        const std::string message = connection.recv(1024);
        connection.send(message == "1" ? "welcome to server!" : "please go out!");
    } catch (const unisock::timeout_error&) {
        ++timeouts; // the tutorial prints 'time out' and moves on
    }
    connection.close();
}

std::string hello_client(const unisock::address& server, std::string_view message) {
    unisock::socket sock(address_family::ipv4, socket_type::stream);
    sock.set_timeout(patience);
    sock.connect(server);
    sock.send(message);
    std::string reply = sock.recv(1024);
    sock.close();
    return reply;
}

class S01_Hello : public scenario {};

TEST_F(S01_Hello, ClientSendingOneIsWelcomed) {
    std::atomic<int> timeouts{0};
    sequential_server server([&](unisock::socket& c, const unisock::address&) { hello_server_connection(c, timeouts); },
                             unisock::address::v4_loopback(0), 5);
    EXPECT_EQ(hello_client(server.address(), "1"), "welcome to server!");
    EXPECT_EQ(timeouts.load(), 0);
}

TEST_F(S01_Hello, AnyOtherMessageIsSentAway) {
    std::atomic<int> timeouts{0};
    sequential_server server([&](unisock::socket& c, const unisock::address&) { hello_server_connection(c, timeouts); },
                             unisock::address::v4_loopback(0), 5);
    EXPECT_EQ(hello_client(server.address(), "2"), "please go out!");
    EXPECT_EQ(hello_client(server.address(), "hello"), "please go out!");
}

TEST_F(S01_Hello, ServerKeepsServingAfterASilentClient) {
    std::atomic<int> timeouts{0};
    sequential_server server([&](unisock::socket& c, const unisock::address&) { hello_server_connection(c, timeouts); },
                             unisock::address::v4_loopback(0), 5);

    unisock::socket silent(address_family::ipv4, socket_type::stream);
    silent.set_timeout(patience);
    silent.connect(server.address());
    // The server gives up on us after its timeout and closes: we read end of stream.
    EXPECT_EQ(silent.recv(1024), "");
    EXPECT_EQ(timeouts.load(), 1);

    EXPECT_EQ(hello_client(server.address(), "1"), "welcome to server!");
}

} // namespace
