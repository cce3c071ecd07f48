// SPDX-License-Identifier: BSL-1.0
// S37 fault: blackholed connect.
//
// An address whose packets are dropped (a firewall, a dead route) never answers a SYN:
// no refusal, no reset, nothing. The OS on its own keeps retransmitting for a minute or
// two (Linux: about 130 s with tcp_syn_retries 6), so a program that wants an answer
// sooner needs its own limit. With a timeout, connect fails with timed_out (a
// timeout_error) when the timeout has passed, not before and not much after; cancel()
// from another thread ends the wait at once with operation_canceled; create_connection
// keeps its deadline the same way. The blackhole is 127.0.0.1 with every TCP packet to it
// dropped by nftables, inside a network namespace the test makes for itself (Linux, as
// root), so no packet leaves the machine; the native probe records what a plain connect
// there does.
#include "support/conformance.hpp"

#include <chrono>

#include "native/netns.hpp"

namespace {

using namespace conformance;
using unisock::address;
using unisock::errc;

class S37_BlackholedConnect : public scenario {};

// Every TCP packet to 127.0.0.1 is dropped where it arrives: a connect there gets no
// answer at all, whatever the port.
const std::string blackhole_v4_loopback = native::tcp_blackhole_rules("127.0.0.1");

constexpr std::uint16_t blackholed_port = 9;
// Past the deadline, a loaded 2-core machine (or a sanitizer) may still take a while to
// run the thread again; a broken deadline overruns by far more (the OS's own 2 minutes).
constexpr auto overrun_allowed = 4s;


TEST_F(S37_BlackholedConnect, ConnectTimesOutOnTime) {
    const std::optional<std::string> refused = native::run_in_private_network(blackhole_v4_loopback, [] {
        record_native(native::raw_connect_within("127.0.0.1", blackholed_port, 500));
        unisock::socket client(unisock::address_family::ipv4, unisock::socket_type::stream);
        client.set_timeout(1s);
        const auto start = std::chrono::steady_clock::now();
        std::error_code ec;
        client.connect(address::v4_loopback(blackholed_port), ec);
        const auto elapsed = std::chrono::steady_clock::now() - start;
        record_note("connect with a 1 s timeout: " + ec.message() + " after " + milliseconds_text(elapsed));
        EXPECT_EQ(ec, errc::timed_out) << ec.message();
        EXPECT_GE(elapsed, 1s) << "the timeout ended the connect early";
        EXPECT_LT(elapsed, 1s + overrun_allowed) << "the connect overran its timeout";

        // The exception form: a timeout_error, as Python raises socket.timeout.
        unisock::socket again(unisock::address_family::ipv4, unisock::socket_type::stream);
        again.set_timeout(300ms);
        EXPECT_THROW(again.connect(address::v4_loopback(blackholed_port)), unisock::timeout_error);
    });
    if (refused) CONFORMANCE_SKIP(*refused);
}

TEST_F(S37_BlackholedConnect, CancelWakesABlockedConnect) {
    const std::optional<std::string> refused = native::run_in_private_network(blackhole_v4_loopback, [] {
        unisock::socket client(unisock::address_family::ipv4, unisock::socket_type::stream);
        client.set_timeout(patience); // a cancel that does not work fails here, not by hanging
        std::error_code ec;
        std::chrono::steady_clock::duration elapsed{};
        {
            peer_thread blocked([&] {
                const auto start = std::chrono::steady_clock::now();
                client.connect(address::v4_loopback(blackholed_port), ec);
                elapsed = std::chrono::steady_clock::now() - start;
            });
            std::this_thread::sleep_for(300ms); // the connect is waiting for an answer by now
            client.cancel();
        }
        record_note("cancel() 300 ms into a blackholed connect: " + ec.message() + " after " + milliseconds_text(elapsed));
        EXPECT_EQ(ec, errc::operation_canceled) << ec.message();
        EXPECT_LT(elapsed, 300ms + overrun_allowed) << "cancel() did not wake the connect promptly";
        client.close(); // a canceled socket closes cleanly
        EXPECT_FALSE(client.is_open());
    });
    if (refused) CONFORMANCE_SKIP(*refused);
}

TEST_F(S37_BlackholedConnect, CreateConnectionKeepsItsDeadline) {
    const std::optional<std::string> refused = native::run_in_private_network(blackhole_v4_loopback, [] {
        const auto start = std::chrono::steady_clock::now();
        std::vector<unisock::connection_attempt> attempts;
        std::error_code ec;
        unisock::socket none =
            unisock::create_connection({address::v4_loopback(blackholed_port)}, {.timeout = 1s}, attempts, ec);
        const auto elapsed = std::chrono::steady_clock::now() - start;
        record_note("create_connection with a 1 s timeout: " + ec.message() + " after " + milliseconds_text(elapsed));
        EXPECT_FALSE(none.is_open());
        EXPECT_EQ(ec, errc::timed_out) << ec.message();
        EXPECT_GE(elapsed, 1s) << "the deadline ended the call early";
        EXPECT_LT(elapsed, 1s + overrun_allowed) << "create_connection overran its deadline";
        ASSERT_EQ(attempts.size(), 1u);
        EXPECT_EQ(attempts[0].error, errc::timed_out) << attempts[0].error.message();

        // By name: the lookup of "127.0.0.1" is inside the same deadline.
        EXPECT_THROW(unisock::create_connection("127.0.0.1", blackholed_port, {.timeout = 300ms}),
                     unisock::connection_timeout_error);
    });
    if (refused) CONFORMANCE_SKIP(*refused);
}

} // namespace
