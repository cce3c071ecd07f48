// SPDX-License-Identifier: BSL-1.0
// S35 Happy Eyeballs (RFC 8305; Python's create_connection, and what every browser does).
//
// A first address that never answers must not hold up a second one that does: the next
// attempt starts 250 ms after the previous one started, and the first to connect wins. The
// dead address is a real blackhole: ::1 with every TCP packet to it dropped by nftables,
// inside a network namespace the test makes for itself (Linux, as root), so nothing leaves
// the machine or touches its network. The native probe records what a plain connect to
// that address does: nothing, until its own timeout.
#include "support/conformance.hpp"

#include <chrono>

#include "native/netns.hpp"

namespace {

using namespace conformance;
using unisock::address;

class S35_HappyEyeballs : public scenario {};

// Every TCP packet to ::1 is dropped where it arrives: a connect there gets no answer.
const std::string blackhole_v6_loopback = native::tcp_blackhole_rules("::1");

TEST_F(S35_HappyEyeballs, ABlackholedFirstAddressLosesToTheSecondFamilyWithin300Ms) {
    std::string skip;
    const std::optional<std::string> refused = native::run_in_private_network(blackhole_v6_loopback, [&] {
        std::error_code ec;
        unisock::socket v6_check = unisock::create_server(address::v6_loopback(0), {}, ec);
        if (ec) {
            skip = "no IPv6 loopback in the network namespace: " + ec.message();
            return;
        }
        v6_check.close();
        unisock::socket server = unisock::create_server(address::v4_loopback(0));
        server.set_timeout(patience);
        const std::uint16_t port = server.local_address().port();
        record_native(native::raw_connect_within("::1", port, 500));

        const auto start = std::chrono::steady_clock::now();
        std::vector<unisock::connection_attempt> attempts;
        unisock::socket client = unisock::create_connection({address::v6_loopback(port), address::v4_loopback(port)},
                                                            {.timeout = patience}, attempts, ec);
        const auto elapsed = std::chrono::steady_clock::now() - start;
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
        record_note("[::1] blackholed, 127.0.0.1 answered: connected to 127.0.0.1 after " + std::to_string(ms) +
                    " ms (attempt delay 250 ms)");
        ASSERT_FALSE(ec) << ec.message();
        EXPECT_EQ(client.peer_address(), address::v4_loopback(port));
        EXPECT_GE(elapsed, 250ms) << "the second attempt started before the attempt delay";
        EXPECT_LT(elapsed, 300ms) << "the second family did not win within 300 ms";
        EXPECT_TRUE(attempts.empty()) << "the blackholed attempt was still running: closed, not a failure";
        EXPECT_TRUE(server.accept().connection.is_open());
    });
    if (refused) CONFORMANCE_SKIP(*refused);
    if (!skip.empty()) CONFORMANCE_SKIP(skip);
}

TEST_F(S35_HappyEyeballs, AFailedFirstAttemptStartsTheNextAtOnce) {
    // Portable: a refused first address (a bound port nobody listens on) is followed at
    // once, not after the attempt delay. Windows retries a refused loopback connect for
    // about 2 s, so there the second attempt starts after the delay instead.
    unisock::socket holder(unisock::address_family::ipv4, unisock::socket_type::stream);
    holder.bind(address::v4_loopback(0));
    unisock::socket server = unisock::create_server(address::v4_loopback(0));
    server.set_timeout(patience);
    const auto start = std::chrono::steady_clock::now();
    unisock::socket client = unisock::create_connection({holder.local_address(), server.local_address()},
                                                        {.timeout = patience, .attempt_delay = 5s});
    const auto elapsed = std::chrono::steady_clock::now() - start;
    record_note("refused first address, second connected after " +
                std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()) +
                " ms with a 5 s attempt delay");
    EXPECT_EQ(client.peer_address(), server.local_address());
    if (unisock::platform_name() != "windows") {
        EXPECT_LT(elapsed, 5s) << "the next attempt waited for the attempt delay after a failure";
    }
    EXPECT_TRUE(server.accept().connection.is_open());
}

} // namespace
