// SPDX-License-Identifier: BSL-1.0
// S11 file-like stream (seeds 003 and 004: s.makefile()).
//
// Besides send and recv, the tutorial offers a file-like object with read(), readline()
// and write() that "works well for TCP". unisock::stream is that object: buffered in
// both directions, readline bounded, write kept until flush(), and the socket's timeout
// applies to every read and write.
#include "support/conformance.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::errc;
using unisock::socket_type;

// Both ends of a loopback TCP connection, made the tutorial's way, with timeouts.
struct connection_pair {
    unisock::socket client;
    unisock::socket server;
};

connection_pair connect_pair() {
    unisock::socket listener = unisock::create_server(unisock::address::v4_loopback(0));
    listener.set_timeout(patience);
    connection_pair pair{{address_family::ipv4, socket_type::stream}, {}};
    pair.client.set_timeout(patience);
    pair.client.connect(listener.local_address());
    pair.server = listener.accept().connection;
    pair.server.set_timeout(patience);
    return pair;
}

class S11_Stream : public scenario {};

TEST_F(S11_Stream, ReadlineReturnsOneLineAtATime) {
    connection_pair pair = connect_pair();
    pair.server.sendall("first\nsecond\n");
    pair.server.sendall("third\nlast without newline");
    pair.server.shutdown(unisock::shutdown_how::write);

    unisock::stream file(pair.client);
    EXPECT_EQ(file.readline(), "first\n");
    EXPECT_EQ(file.readline(), "second\n");
    EXPECT_EQ(file.readline(), "third\n");
    EXPECT_EQ(file.readline(), "last without newline") << "the partial last line at end of stream";
    EXPECT_EQ(file.readline(), "") << "then empty, like Python's readline at EOF";
}

// A line arriving a byte at a time is put together; a line split over two sends too.
TEST_F(S11_Stream, ReadlineJoinsALineSentInPieces) {
    connection_pair pair = connect_pair();
    unisock::stream file(pair.client);
    peer_thread writer([&] {
        for (const char c : std::string_view("piece by piece\n")) pair.server.sendall(std::string(1, c));
    });
    const std::string line = file.readline();
    writer.join();
    EXPECT_EQ(line, "piece by piece\n");
}

// A peer that never sends a newline cannot make readline buffer without limit: a line
// longer than the limit comes back in pieces of the limit.
TEST_F(S11_Stream, ReadlineIsBounded) {
    connection_pair pair = connect_pair();
    pair.server.sendall(std::string(100, 'x') + "\nnext\n");
    unisock::stream file(pair.client);
    EXPECT_EQ(file.readline(40), std::string(40, 'x'));
    EXPECT_EQ(file.readline(40), std::string(40, 'x'));
    EXPECT_EQ(file.readline(40), std::string(20, 'x') + "\n");
    EXPECT_EQ(file.readline(40), "next\n");

    std::error_code ec;
    (void)file.readline(0, ec);
    EXPECT_EQ(ec, errc::invalid_argument) << ec.message();
}

TEST_F(S11_Stream, ReadWaitsForTheCountOrTheEnd) {
    connection_pair pair = connect_pair();
    peer_thread writer([&] {
        pair.server.sendall("abc");
        pair.server.sendall("def");
        pair.server.sendall("ghijk");
        pair.server.shutdown(unisock::shutdown_how::write);
    });
    unisock::stream file(pair.client);
    EXPECT_EQ(file.read(9), "abcdefghi") << "read(n) collects n bytes across sends";
    EXPECT_EQ(file.read(100), "jk") << "fewer only at end of stream";
    EXPECT_EQ(file.read(100), "");
    writer.join();
}

TEST_F(S11_Stream, ReadExactFailsWithUnexpectedEofWhenThePeerStopsShort) {
    connection_pair pair = connect_pair();
    pair.server.sendall("12345");
    pair.server.close();
    unisock::stream file(pair.client);
    std::error_code ec;
    const std::string partial = file.read_exact(10, ec);
    EXPECT_EQ(ec, errc::unexpected_eof) << ec.message();
    EXPECT_EQ(partial, "12345") << "the no-throw form hands back what did arrive";
    EXPECT_THROW((void)file.read_exact(1), unisock::socket_error);
}

// write() keeps small writes until flush(): nothing reaches the peer before.
TEST_F(S11_Stream, WriteIsSentOnFlush) {
    connection_pair pair = connect_pair();
    unisock::stream file(pair.client);
    file.write("hello ");
    file.write("world\n");

    pair.server.set_timeout(100ms);
    std::error_code ec;
    const std::string early = pair.server.recv(64, ec);
    EXPECT_EQ(ec, errc::timed_out) << "received before flush: " << early;

    file.flush();
    pair.server.set_timeout(patience);
    unisock::stream peer(pair.server);
    EXPECT_EQ(peer.readline(), "hello world\n");
}

// A write much larger than the buffer and the socket buffers goes out whole, read back
// by a concurrent reader through its own stream.
TEST_F(S11_Stream, LargeWriteArrivesIntact) {
    connection_pair pair = connect_pair();
    const std::string payload = pattern(3 * 1024 * 1024);
    std::string received;
    peer_thread reader([&] {
        unisock::stream in(pair.server);
        received = in.read_exact(payload.size());
    });
    unisock::stream out(pair.client);
    // One byte that stays buffered, then the rest, which must go out after it.
    out.write(std::string_view(payload).substr(0, 1));
    out.write(std::string_view(payload).substr(1));
    out.flush();
    reader.join();
    EXPECT_EQ(received.size(), payload.size());
    EXPECT_TRUE(received == payload) << "the bytes differ";
}

// The tutorial's line echo ("OK..." + data) spoken through streams on both ends.
TEST_F(S11_Stream, LineEchoThroughStreamsOnBothEnds) {
    connection_pair pair = connect_pair();
    peer_thread server([&] {
        unisock::stream file(pair.server);
        for (std::string line = file.readline(); !line.empty(); line = file.readline()) {
            file.write("OK..." + line);
            file.flush();
        }
        pair.server.shutdown(unisock::shutdown_how::write);
    });
    unisock::stream file(pair.client);
    for (const std::string_view message : {"hello\n", "你好，服务器\n", "bye\n"}) {
        file.write(message);
        file.flush();
        EXPECT_EQ(file.readline(), "OK..." + std::string(message));
    }
    pair.client.shutdown(unisock::shutdown_how::write);
    EXPECT_EQ(file.readline(), "") << "the server stops at our end of stream and closes";
    server.join();
}

// The socket's timeout applies to readline; what was buffered before stays there and the
// stream goes on once the rest arrives.
TEST_F(S11_Stream, ReadlineHonoursTheSocketTimeoutAndStaysUsable) {
    connection_pair pair = connect_pair();
    pair.client.set_timeout(100ms);
    unisock::stream file(pair.client);
    pair.server.sendall("half a ");
    EXPECT_THROW((void)file.readline(), unisock::timeout_error);

    pair.server.sendall("line\n");
    pair.client.set_timeout(patience);
    EXPECT_EQ(file.readline(), "half a line\n");
}

} // namespace
