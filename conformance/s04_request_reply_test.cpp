// SPDX-License-Identifier: BSL-1.0
// S04 client request/reply (seed 001).
//
// The tutorial's client: create a socket, connect, sendall an HTTP request, recv(4096)
// the reply, close. Instead of www.google.com the server is a small HTTP-like responder
// on the loopback, so the test never leaves the machine: a handler on the library's
// sequential engine, serving one client after another.
#include "support/conformance.hpp"
#include "support/servers.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::errc;
using unisock::socket_type;

constexpr std::string_view request = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
constexpr std::string_view end_of_headers = "\r\n\r\n";

// Reads until the blank line that ends an HTTP request (or the client closes) into
// received. Only the newly received bytes (and the three before them) are searched, so
// a large request costs linear time.
unisock::task read_request(unisock::session& connection, std::string& received, std::error_code& ec) {
    for (;;) {
        const std::string piece = co_await connection.read(64 * 1024, ec);
        if (ec || piece.empty()) co_return;
        const std::size_t search_from = received.size() < 3 ? 0 : received.size() - 3;
        received += piece;
        if (received.find(end_of_headers, search_from) != std::string::npos) co_return;
    }
}

// Answers every request with a short HTTP response naming how many bytes it got; the
// engine closes the connection when the handler returns.
unisock::task http_responder(unisock::session& connection) {
    std::error_code ec;
    std::string received;
    co_await read_request(connection, received, ec);
    if (ec) co_return;
    const std::string body = "got " + std::to_string(received.size()) + " bytes";
    const std::string reply = "HTTP/1.0 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    co_await connection.sendall(reply, ec);
}

// Reads the request, then answers with reply (which outlives the server).
unisock::task fixed_reply(unisock::session& connection, const std::string& reply) {
    std::error_code ec;
    std::string received;
    co_await read_request(connection, received, ec);
    if (!ec) co_await connection.sendall(reply, ec);
}

// The tutorial's server side: one client at a time, on the library's sequential engine.
unisock::tcp_server_options sequential() {
    unisock::tcp_server_options options;
    options.engine = unisock::engine::sequential;
    options.idle_timeout = patience;
    return options;
}

std::string expected_reply(std::size_t request_size) {
    const std::string body = "got " + std::to_string(request_size) + " bytes";
    return "HTTP/1.0 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// recv(4096) until the server's orderly close: the whole reply.
std::string read_until_close(unisock::socket& sock) {
    std::string reply;
    for (std::string piece = sock.recv(4096); !piece.empty(); piece = sock.recv(4096)) reply += piece;
    return reply;
}

class S04_RequestReply : public scenario {};

TEST_F(S04_RequestReply, TutorialClientGetsTheReply) {
    running_server server(http_responder, sequential());

    unisock::socket s(address_family::ipv4, socket_type::stream);
    s.set_timeout(patience);
    const unisock::ip_address remote_ip = unisock::gethostbyname("127.0.0.1");
    s.connect({remote_ip, server.address().port()});
    s.sendall(request);
    const std::string reply = s.recv(4096);
    s.close();

    EXPECT_EQ(reply.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << reply;
    EXPECT_FALSE(s.is_open());
}

TEST_F(S04_RequestReply, WholeReplyArrivesBeforeTheOrderlyClose) {
    running_server server(http_responder, sequential());
    unisock::socket s(address_family::ipv4, socket_type::stream);
    s.set_timeout(patience);
    s.connect(server.address());
    s.sendall(request);
    EXPECT_EQ(read_until_close(s), expected_reply(request.size()));
}

// sendall hands over every byte of a request far larger than the socket buffers.
TEST_F(S04_RequestReply, LargeRequestIsSentWhole) {
    running_server server(http_responder, sequential());
    const std::string large = std::string("POST / HTTP/1.1\r\nX-Fill: ") + pattern(4 * 1024 * 1024) + "\r\n\r\n";
    unisock::socket s(address_family::ipv4, socket_type::stream);
    s.set_timeout(patience);
    s.connect(server.address());
    s.sendall(large);
    EXPECT_EQ(read_until_close(s), expected_reply(large.size()));
}

// recv(4096) returns at most 4096 bytes, and something as soon as any bytes are there.
TEST_F(S04_RequestReply, RecvReturnsAtMostTheSizeAsked) {
    const std::string big_reply = pattern(64 * 1024);
    running_server server([&](unisock::session& connection) { return fixed_reply(connection, big_reply); },
                          sequential());
    unisock::socket s(address_family::ipv4, socket_type::stream);
    s.set_timeout(patience);
    s.connect(server.address());
    s.sendall(request);
    std::string reply;
    while (reply.size() < big_reply.size()) {
        const std::string piece = s.recv(4096);
        ASSERT_FALSE(piece.empty()) << "closed after " << reply.size() << " bytes";
        EXPECT_LE(piece.size(), 4096u);
        reply += piece;
    }
    EXPECT_EQ(reply, big_reply);
}

TEST_F(S04_RequestReply, SeveralClientsInTurnEachGetTheirReply) {
    running_server server(http_responder, sequential());
    for (int client = 0; client < 5; ++client) {
        unisock::socket s(address_family::ipv4, socket_type::stream);
        s.set_timeout(patience);
        s.connect(server.address());
        const std::string numbered = "GET /" + std::to_string(client) + " HTTP/1.1\r\n\r\n";
        s.sendall(numbered);
        EXPECT_EQ(read_until_close(s), expected_reply(numbered.size()));
    }
}

// create_connection does socket + resolve + connect in one call, as Python's does.
TEST_F(S04_RequestReply, CreateConnectionByNameReachesTheServer) {
    running_server server(http_responder, sequential());
    unisock::socket s = unisock::create_connection("localhost", server.address().port(), patience);
    EXPECT_EQ(s.timeout(), unisock::timeout_duration(patience));
    EXPECT_EQ(s.peer_address(), server.address());
    s.sendall(request);
    EXPECT_EQ(read_until_close(s), expected_reply(request.size()));
}

// No server on the port: connect raises socket_error connection_refused naming the
// address, on every OS (Windows retries a refused loopback connect for about 2 s first).
TEST_F(S04_RequestReply, NoServerIsConnectionRefusedNamingTheAddress) {
    // A bound socket that never listens keeps the port from being given to anyone else.
    unisock::socket holder(address_family::ipv4, socket_type::stream);
    holder.bind(unisock::address::v4_loopback(0));
    const unisock::address nobody = holder.local_address();

    unisock::socket s(address_family::ipv4, socket_type::stream);
    s.set_timeout(patience);
    try {
        s.connect(nobody);
        FAIL() << "connected to " << nobody.to_string() << " where nobody listens";
    } catch (const unisock::timeout_error& e) {
        FAIL() << "a refusal must not read as a timeout: " << e.what();
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), errc::connection_refused) << e.what();
        EXPECT_NE(std::string(e.what()).find("connect " + nobody.to_string()), std::string::npos) << e.what();
    }
    // A socket whose connect failed is spent on Windows: each attempt uses a new one.
    unisock::socket fresh(address_family::ipv4, socket_type::stream);
    fresh.set_timeout(patience);
    EXPECT_EQ(fresh.connect_ex(nobody), errc::connection_refused);
}

} // namespace
