// SPDX-License-Identifier: BSL-1.0
// S23 send vs sendall (seed 004).
//
// "s.send(string): returns the number of bytes sent, which may be less than the size of
// string. s.sendall(string): tries to send all the data before returning; None on
// success, an exception on failure." send reports a partial send; sendall sends all of
// it, or (its error_code form) says how many bytes went before the error.
#include <thread>

#include "support/loopback.hpp"

namespace {

using namespace conformance;
using unisock::wait_for;

constexpr int small_buffer = 32 * 1024;
constexpr std::size_t large_payload = 8 * 1024 * 1024;

// Reads until end of stream (or an error, reported through ec).
std::string read_to_end(unisock::socket& sock, std::error_code& ec) {
    std::string all;
    std::string chunk(256 * 1024, '\0');
    for (;;) {
        const std::size_t n = sock.recv_into(chunk, ec);
        if (ec || n == 0) return all;
        all.append(chunk, 0, n);
    }
}

class S23_SendSendall : public scenario {};

// A send bigger than the free buffer space sends what fits and says so.
TEST_F(S23_SendSendall, SendReportsAPartialSend) {
    tcp_pair pair = connect_tcp_pair(small_buffer);
    pair.client.set_blocking(false);
    const std::string chunk = pattern(256 * 1024);
    const std::string expected_stream = pattern(64 * 1024 * 1024);

    std::string sent_stream;
    bool saw_partial = false;
    std::error_code ec;
    while (!ec && sent_stream.size() + chunk.size() <= expected_stream.size()) {
        const std::string next = expected_stream.substr(sent_stream.size(), chunk.size());
        const std::size_t n = pair.client.send(next, ec);
        if (!ec && n < next.size()) saw_partial = true;
        sent_stream.append(next, 0, n);
    }
    EXPECT_EQ(ec, unisock::errc::would_block) << "once nothing fits: " << ec.message();
    record_note(std::string("filling the peer's buffer: ") +
                (saw_partial ? "send returned a short count, then would_block" : "would_block without a short count") +
                " after " + std::to_string(sent_stream.size()) + " bytes");

    // Exactly the bytes send reported went through, in order.
    pair.client.shutdown(unisock::shutdown_how::write);
    std::error_code read_ec;
    const std::string received = read_to_end(pair.server, read_ec);
    EXPECT_FALSE(read_ec) << read_ec.message();
    EXPECT_EQ(received.size(), sent_stream.size());
    EXPECT_TRUE(received == sent_stream);
}

TEST_F(S23_SendSendall, SendallSendsEverything) {
    tcp_pair pair = connect_tcp_pair(small_buffer);
    const std::string payload = pattern(large_payload);

    std::string received;
    std::error_code read_ec;
    std::thread reader([&] { received = read_to_end(pair.server, read_ec); });
    std::error_code ec;
    const std::size_t sent = pair.client.sendall(payload, ec);
    pair.client.shutdown(unisock::shutdown_how::write);
    reader.join();

    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(sent, payload.size());
    EXPECT_FALSE(read_ec) << read_ec.message();
    EXPECT_EQ(received.size(), payload.size());
    EXPECT_TRUE(received == payload);

    // The throwing form returns normally once everything went.
    std::thread reader_again([&] { received = read_to_end(pair.client, read_ec); });
    EXPECT_NO_THROW(pair.server.sendall(payload));
    pair.server.shutdown(unisock::shutdown_how::write);
    reader_again.join();
    EXPECT_TRUE(received == payload);
}

// When the peer stops reading, the error_code form says how much went before the
// timeout: exactly what the peer can then read.
TEST_F(S23_SendSendall, SendallReportsHowMuchWentBeforeATimeout) {
    tcp_pair pair = connect_tcp_pair(small_buffer);
    const std::string payload = pattern(large_payload);
    pair.client.set_timeout(300ms);

    std::error_code ec;
    const std::size_t sent = pair.client.sendall(payload, ec);
    EXPECT_EQ(ec, unisock::errc::timed_out) << ec.message();
    EXPECT_GT(sent, 0u);
    EXPECT_LT(sent, payload.size());

    pair.client.shutdown(unisock::shutdown_how::write);
    std::error_code read_ec;
    const std::string received = read_to_end(pair.server, read_ec);
    EXPECT_FALSE(read_ec) << read_ec.message();
    EXPECT_EQ(received.size(), sent);
    EXPECT_TRUE(received == payload.substr(0, sent));
    record_note("sendall to a peer that stopped reading: " + std::to_string(sent) + " of " +
                std::to_string(payload.size()) + " bytes went before timed_out");
}

TEST_F(S23_SendSendall, ThrowingSendallSaysHowMuchWent) {
    tcp_pair pair = connect_tcp_pair(small_buffer);
    const std::string payload = pattern(large_payload);
    pair.client.set_timeout(200ms);
    try {
        pair.client.sendall(payload);
        FAIL() << "sendall of 8 MiB to a peer that does not read returned";
    } catch (const unisock::timeout_error& e) {
        EXPECT_NE(std::string(e.what()).find("of " + std::to_string(payload.size()) + " bytes"), std::string::npos)
            << e.what();
    }
}

TEST_F(S23_SendSendall, SendallToAClosedPeerFailsWithoutASignal) {
    tcp_pair pair = connect_tcp_pair(small_buffer);
    pair.server.abort();
    std::error_code ec;
    const std::size_t sent = pair.client.sendall(pattern(large_payload), ec);
    EXPECT_TRUE(ec == unisock::errc::connection_reset || ec == unisock::errc::broken_pipe) << ec.message();
    EXPECT_LT(sent, large_payload);
}

} // namespace
