// SPDX-License-Identifier: BSL-1.0
// S26 text encoding (seed 002).
//
// Sockets carry bytes; Python makes the tutorial encode text to UTF-8 before sending and
// decode after receiving. In C++ a std::string of UTF-8 is already those bytes: Chinese
// text round-trips unchanged, and the byte API and the text API move the same bytes.
#include "support/conformance.hpp"

#include <array>
#include <cstddef>
#include <cstring>

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::socket_type;

// "你好，世界" (hello, world) and a mixed line, spelled as UTF-8 bytes so the test does not
// depend on the compiler's source character set.
const std::string hello_world = "\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x8C\xE4\xB8\x96\xE7\x95\x8C";
const std::string mixed_line = "server says: \xE6\xAC\xA2\xE8\xBF\x8E (welcome) \xF0\x9F\x98\x80";

unisock::socket_pair bounded_pair() {
    unisock::socket_pair pair = unisock::socketpair(address_family::ipv4);
    pair.first.set_timeout(patience);
    pair.second.set_timeout(patience);
    return pair;
}

class S26_Text : public scenario {};

TEST_F(S26_Text, ChineseTextRoundTripsOverTcp) {
    unisock::socket_pair pair = bounded_pair();
    EXPECT_EQ(hello_world.size(), 15u) << "five CJK characters are 15 UTF-8 bytes";
    EXPECT_EQ(pair.first.send(hello_world), hello_world.size());
    EXPECT_EQ(recv_exactly(pair.second, hello_world.size()), hello_world);
}

TEST_F(S26_Text, ChineseTextRoundTripsOverUdp) {
    unisock::socket receiver(address_family::ipv4, socket_type::datagram);
    receiver.set_timeout(patience);
    receiver.bind(unisock::address::v4_loopback(0));
    unisock::socket sender(address_family::ipv4, socket_type::datagram);
    sender.set_timeout(patience);
    EXPECT_EQ(sender.send_to(mixed_line, receiver.local_address()), mixed_line.size());
    const unisock::datagram d = receiver.recv_from(1024);
    EXPECT_EQ(d.data, mixed_line);
    EXPECT_EQ(d.sender.port(), sender.local_address().port());
}

TEST_F(S26_Text, ReadlineSplitsUtf8LinesOnNewlinesOnly) {
    unisock::socket_pair pair = bounded_pair();
    unisock::stream writer(pair.first);
    writer.write(hello_world + "\n" + mixed_line + "\n");
    writer.flush();
    pair.first.shutdown(unisock::shutdown_how::write);
    unisock::stream reader(pair.second);
    EXPECT_EQ(reader.readline(), hello_world + "\n");
    EXPECT_EQ(reader.readline(), mixed_line + "\n");
    EXPECT_EQ(reader.readline(), "") << "end of stream";
}

TEST_F(S26_Text, ByteAndTextApisCarryTheSameBytes) {
    unisock::socket_pair pair = bounded_pair();
    std::array<std::byte, 15> bytes{};
    std::memcpy(bytes.data(), hello_world.data(), bytes.size());
    pair.first.sendall(bytes); // bytes in
    EXPECT_EQ(recv_exactly(pair.second, bytes.size()), hello_world); // text out

    pair.second.sendall(hello_world); // text in
    std::array<std::byte, 15> received{};
    std::size_t got = 0;
    while (got < received.size()) {
        const std::size_t n = pair.first.recv_into(unisock::mutable_bytes(received.data() + got, received.size() - got));
        ASSERT_GT(n, 0u);
        got += n;
    }
    EXPECT_EQ(received, bytes); // bytes out
}

TEST_F(S26_Text, InvalidUtf8IsCarriedAsItIs) {
    // The socket never interprets the bytes: a lone continuation byte and a NUL arrive intact.
    unisock::socket_pair pair = bounded_pair();
    const std::string odd("\x80\x00\xFF" "abc", 6);
    pair.first.sendall(odd);
    EXPECT_EQ(recv_exactly(pair.second, odd.size()), odd);
}

} // namespace
