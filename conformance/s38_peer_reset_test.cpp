// SPDX-License-Identifier: BSL-1.0
// S38 fault: peer reset.
//
// A peer that resets the connection (a crash, a load balancer giving up, an abortive
// close: SO_LINGER {1, 0}, which unisock's abort() does) ends it at once, whatever we are
// in the middle of. A recv waiting for data fails with connection_reset; a sendall of a
// large buffer fails with connection_reset or broken_pipe (the socket.hpp contract: which
// one depends on whether the reset arrived before or during the send), and tells how many
// bytes went before it: the no-throw form returns the count, the exception's message
// says "N of M bytes sent". Neither hangs, neither raises SIGPIPE, and the dead socket
// still closes cleanly without leaking its descriptor.
#include "native/handles.hpp"
#include "native/sigpipe_probe.hpp"
#include "support/loopback.hpp"

namespace {

using namespace conformance;
using unisock::errc;

class S38_PeerReset : public scenario {};

constexpr auto wine_lacks_abort =
    "Wine lacks the abortive close: closesocket after SO_LINGER {1, 0} ends the stream in order";

bool reset_or_broken_pipe(const std::error_code& ec) { return ec == errc::connection_reset || ec == errc::broken_pipe; }

TEST_F(S38_PeerReset, ARecvWaitingForDataFailsWithConnectionReset) {
    tcp_pair pair = connect_tcp_pair();
    std::error_code ec;
    std::string got;
    const auto start = std::chrono::steady_clock::now();
    {
        peer_thread resetter([&] {
            std::this_thread::sleep_for(200ms); // the recv is waiting by now
            pair.server.abort();
        });
        got = pair.client.recv(16, ec);
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    record_note("recv while the peer resets: " + (ec ? ec.message() : "end of stream"));
    if (!ec && native::running_under_wine()) CONFORMANCE_SKIP(wine_lacks_abort);
    EXPECT_EQ(ec, errc::connection_reset) << ec.message();
    EXPECT_EQ(got, "");
    EXPECT_LT(elapsed, patience) << "the recv did not notice the reset";
    std::error_code close_ec;
    pair.client.close(close_ec);
    EXPECT_FALSE(close_ec) << "a reset socket did not close cleanly: " << close_ec.message();
}

// The client sends much more than the socket buffers hold; the server reads the first
// MiB, then resets. What the sendall reports as sent covers at least what was read.
struct reset_during_sendall {
    static constexpr std::size_t read_before_reset = std::size_t{1} << 20;
    static constexpr std::size_t total = std::size_t{32} << 20;
    tcp_pair pair = connect_tcp_pair(64 * 1024);
    std::string data = std::string(total, 'x'); // only how much goes matters
    std::size_t read_by_peer = 0;

    peer_thread reader() {
        return peer_thread([this] {
            read_by_peer = recv_exactly(pair.server, read_before_reset).size();
            pair.server.abort();
        });
    }
};

TEST_F(S38_PeerReset, SendallToAPeerThatResetsReturnsTheCountSent) {
    record_native(native::raw_send_to_reset_peer());
    reset_during_sendall fault;
    std::error_code ec;
    std::size_t sent = 0;
    {
        const peer_thread reader = fault.reader();
        sent = fault.pair.client.sendall(fault.data, ec);
    }
    record_note("sendall of 32 MiB to a peer that reset after reading 1 MiB: " + ec.message() + ", " +
                std::to_string(sent) + " bytes sent");
    EXPECT_TRUE(reset_or_broken_pipe(ec)) << ec.message();
    EXPECT_EQ(fault.read_by_peer, reset_during_sendall::read_before_reset);
    EXPECT_GE(sent, fault.read_by_peer) << "fewer bytes reported sent than the peer read";
    EXPECT_LT(sent, fault.data.size()) << "the whole buffer reported sent to a peer that reset";
    std::error_code close_ec;
    fault.pair.client.close(close_ec);
    EXPECT_FALSE(close_ec) << close_ec.message();
}

TEST_F(S38_PeerReset, SendallsExceptionNamesTheCountSent) {
    reset_during_sendall fault;
    try {
        const peer_thread reader = fault.reader();
        fault.pair.client.sendall(fault.data);
        ADD_FAILURE() << "sendall to a peer that reset succeeded";
    } catch (const unisock::socket_error& e) {
        record_note(std::string("sendall raised socket_error: ") + e.what());
        EXPECT_TRUE(reset_or_broken_pipe(e.code())) << e.what();
        EXPECT_NE(std::string(e.what()).find(" of " + std::to_string(fault.data.size()) + " bytes sent"),
                  std::string::npos)
            << e.what();
    }
    // The socket is dead but still ours to close.
    EXPECT_TRUE(fault.pair.client.is_open());
    fault.pair.client.close();
}

} // namespace
