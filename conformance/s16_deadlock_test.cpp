// SPDX-License-Identifier: BSL-1.0
// S16 deadlock avoidance (seed 003, "避免死锁").
//
// "A deadlock happens when server and client both write to a connection at once: the
// outgoing buffers fill and neither can do anything. Careful protocols and timeouts
// make it rarer; or send and receive at the same time." Both peers here write 8 MiB,
// more than the socket buffers hold, before reading anything. With timeouts that is a
// timed_out on both sides, not a hang; with unisock::exchange (send and receive
// together) the same transfer completes.
#include <thread>

#include "support/loopback.hpp"

namespace {

using namespace conformance;
using clock_type = std::chrono::steady_clock;

constexpr std::size_t payload_size = 8 * 1024 * 1024;
// Small explicit buffers: 8 MiB is then far more than both ends can hold, whatever the
// OS's buffer autotuning would have done.
constexpr int buffer_size = 64 * 1024;

struct sendall_outcome {
    std::size_t sent = 0;
    std::error_code ec;
};

class S16_Deadlock : public scenario {};

TEST_F(S16_Deadlock, BothWritingFirstTimesOutOnBothSides) {
    tcp_pair pair = connect_tcp_pair(buffer_size);
    constexpr auto timeout = 500ms;
    pair.client.set_timeout(timeout);
    pair.server.set_timeout(timeout);
    const std::string client_out = pattern(payload_size, 'a');
    const std::string server_out = pattern(payload_size, 'A');

    sendall_outcome client_result;
    sendall_outcome server_result;
    const auto start = clock_type::now();
    std::thread server_thread([&] { server_result.sent = pair.server.sendall(server_out, server_result.ec); });
    client_result.sent = pair.client.sendall(client_out, client_result.ec);
    server_thread.join();
    const auto elapsed = clock_type::now() - start;

    for (const sendall_outcome* side : {&client_result, &server_result}) {
        EXPECT_EQ(side->ec, unisock::errc::timed_out) << side->ec.message();
        EXPECT_LT(side->sent, payload_size) << "the buffers cannot hold the whole payload";
    }
    EXPECT_GE(elapsed, timeout);
    EXPECT_LT(elapsed, patience) << "a timeout, not a hang";
    record_note("sendall went " + std::to_string(client_result.sent) + " and " +
                std::to_string(server_result.sent) + " bytes of " + std::to_string(payload_size) +
                " before timing out");
}

TEST_F(S16_Deadlock, ExchangeCompletesTheSameTransfer) {
    tcp_pair pair = connect_tcp_pair(buffer_size);
    const std::string client_out = pattern(payload_size, 'a');
    const std::string server_out = pattern(payload_size, 'A');

    std::string server_in;
    std::error_code server_ec;
    std::thread server_thread([&] {
        server_in = unisock::exchange(pair.server, server_out, payload_size, patience, server_ec);
    });
    std::error_code client_ec;
    const std::string client_in = unisock::exchange(pair.client, client_out, payload_size, patience, client_ec);
    server_thread.join();

    EXPECT_FALSE(client_ec) << client_ec.message();
    EXPECT_FALSE(server_ec) << server_ec.message();
    EXPECT_EQ(client_in.size(), payload_size);
    EXPECT_EQ(server_in.size(), payload_size);
    EXPECT_TRUE(client_in == server_out) << "the client received the server's bytes in order";
    EXPECT_TRUE(server_in == client_out) << "the server received the client's bytes in order";
}

TEST_F(S16_Deadlock, ExchangeReturnsWhatArrivedWhenThePeerCloses) {
    tcp_pair pair = connect_tcp_pair();
    std::thread server_thread([&] {
        pair.server.sendall("short answer");
        pair.server.shutdown(unisock::shutdown_how::write);
    });
    const std::string got = unisock::exchange(pair.client, "request", 1024, patience);
    server_thread.join();
    EXPECT_EQ(got, "short answer");
    EXPECT_EQ(pair.server.recv(64), "request");
}

TEST_F(S16_Deadlock, ExchangeTimesOutWhenThePeerNeverAnswers) {
    tcp_pair pair = connect_tcp_pair();
    constexpr auto timeout = 200ms;
    const auto start = clock_type::now();
    std::error_code ec;
    const std::string got = unisock::exchange(pair.client, "request", 1024, timeout, ec);
    EXPECT_EQ(ec, unisock::errc::timed_out) << ec.message();
    EXPECT_GE(clock_type::now() - start, timeout);
    EXPECT_EQ(got, "");
    EXPECT_THROW(unisock::exchange(pair.client, "", 1024, timeout), unisock::timeout_error);
}

} // namespace
