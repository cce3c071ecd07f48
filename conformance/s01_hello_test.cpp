// SPDX-License-Identifier: BSL-1.0
// S01 hello exchange (seed 000, exercise 1).
//
// The tutorial's server accepts one client at a time, gives each connection a 5 s
// timeout, reads one message and answers "welcome to server!" to "1" and
// "please go out!" to anything else; a silent client only costs it the timeout. The
// server is the library's sequential engine (one client at a time, the next ones wait
// in the listen(5) backlog); the connection's timeout is its idle_timeout, shortened
// here so the suite stays fast.
#include "support/conformance.hpp"
#include "support/servers.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::socket_type;

constexpr auto silent_client_timeout = 200ms;

// The tutorial's server loop body: one message in, one answer out; the engine closes
// the connection when the handler returns.
unisock::task hello(unisock::session& connection, std::atomic<int>& timeouts) {
    std::error_code ec;
    const std::string message = co_await connection.read(1024, ec);
    if (ec == unisock::errc::timed_out) {
        ++timeouts; // the tutorial prints 'time out' and moves on
        co_return;
    }
    if (ec) co_return;
    co_await connection.sendall(message == "1" ? "welcome to server!" : "please go out!", ec);
}

// sock.listen(5), connection.settimeout(5) (here 200 ms), one client at a time.
struct hello_server {
    std::atomic<int> timeouts{0};
    running_server server{[this](unisock::session& s) { return hello(s, timeouts); }, options()};

    static unisock::tcp_server_options options() {
        unisock::tcp_server_options o;
        o.engine = unisock::engine::sequential;
        o.backlog = 5;
        o.idle_timeout = silent_client_timeout;
        return o;
    }
    const unisock::address& address() const noexcept { return server.address(); }
};

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
    hello_server server;
    EXPECT_EQ(hello_client(server.address(), "1"), "welcome to server!");
    EXPECT_EQ(server.timeouts.load(), 0);
}

TEST_F(S01_Hello, AnyOtherMessageIsSentAway) {
    hello_server server;
    EXPECT_EQ(hello_client(server.address(), "2"), "please go out!");
    EXPECT_EQ(hello_client(server.address(), "hello"), "please go out!");
}

TEST_F(S01_Hello, ServerKeepsServingAfterASilentClient) {
    hello_server server;

    unisock::socket silent(address_family::ipv4, socket_type::stream);
    silent.set_timeout(patience);
    const auto start = std::chrono::steady_clock::now(); // before the server can accept
    silent.connect(server.address());
    // The server gives up on us after its timeout and closes: we read end of stream.
    EXPECT_EQ(silent.recv(1024), "");
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(server.timeouts.load(), 1);
    // The close came from the idle timeout, not sooner (20 ms for a coarse timer).
    EXPECT_GE(waited, silent_client_timeout - 20ms);

    EXPECT_EQ(hello_client(server.address(), "1"), "welcome to server!");
}

} // namespace
