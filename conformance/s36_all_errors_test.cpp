// SPDX-License-Identifier: BSL-1.0
// S36 every address dead (Python's create_connection(..., all_errors=True)).
//
// When no address connects, the error names every address tried and how each failed: a
// connection_error (a connection_timeout_error, also a timeout_error, when the timeout
// ended it) whose code is the first address's error, and the same list from the
// error_code form. Refused addresses are ports nobody listens on; a blackholed one (no
// answer at all) lives in a network namespace the test makes itself (Linux, as root).
#include "support/conformance.hpp"

#include <chrono>

#include "native/netns.hpp"

namespace {

using namespace conformance;
using unisock::address;
using unisock::errc;

class S36_AllErrors : public scenario {};

std::string describe(const std::vector<unisock::connection_attempt>& attempts) {
    std::string text;
    for (const auto& a : attempts) text += (text.empty() ? "" : "; ") + a.endpoint.to_string() + " " + a.error.message();
    return text;
}

TEST_F(S36_AllErrors, EveryRefusedAddressIsReported) {
    // Two ports nobody listens on (bound, so nobody else takes them), one per family where
    // this machine has IPv6 loopback.
    unisock::socket v4(unisock::address_family::ipv4, unisock::socket_type::stream);
    v4.bind(address::v4_loopback(0));
    std::vector<address> candidates{v4.local_address()};
    std::error_code ec;
    unisock::socket v6(unisock::address_family::ipv6, unisock::socket_type::stream, 0, ec);
    if (!ec) v6.bind(address::v6_loopback(0), ec);
    if (!ec) {
        candidates.insert(candidates.begin(), v6.local_address());
    } else {
        unisock::socket second(unisock::address_family::ipv4, unisock::socket_type::stream);
        second.bind(address::v4_loopback(0));
        candidates.push_back(second.local_address());
        v6 = std::move(second);
        record_note("no IPv6 loopback: two IPv4 ports instead");
    }
    try {
        unisock::create_connection(candidates, {.timeout = patience});
        FAIL() << "connected to ports nobody listens on";
    } catch (const unisock::connection_error& e) {
        record_note(std::string("connection_error: ") + e.what());
        EXPECT_EQ(e.portable(), errc::connection_refused);
        ASSERT_EQ(e.attempts().size(), candidates.size());
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            EXPECT_EQ(e.attempts()[i].endpoint, candidates[i]);
            EXPECT_EQ(e.attempts()[i].error, errc::connection_refused) << e.attempts()[i].error.message();
        }
    }
    std::vector<unisock::connection_attempt> attempts;
    unisock::socket none = unisock::create_connection(candidates, {.timeout = patience}, attempts, ec);
    EXPECT_FALSE(none.is_open());
    EXPECT_EQ(ec, errc::connection_refused);
    EXPECT_EQ(attempts.size(), candidates.size()) << describe(attempts);
}

// ::1 is blackholed, 127.0.0.1 refuses: the timeout ends the call, and the list has both.
const std::string blackhole_v6_loopback = native::tcp_blackhole_rules("::1");

TEST_F(S36_AllErrors, ABlackholedAndARefusedAddressAreBothReportedAtTheTimeout) {
    std::string skip;
    const std::optional<std::string> refused = native::run_in_private_network(blackhole_v6_loopback, [&] {
        std::error_code ec;
        unisock::socket v6(unisock::address_family::ipv6, unisock::socket_type::stream, 0, ec);
        if (!ec) v6.bind(address::v6_loopback(0), ec);
        if (ec) {
            skip = "no IPv6 loopback in the network namespace: " + ec.message();
            return;
        }
        const std::uint16_t port = v6.local_address().port();
        unisock::socket v4(unisock::address_family::ipv4, unisock::socket_type::stream);
        v4.bind(address::v4_loopback(port), ec); // the same port, refused: nobody listens
        if (ec) v4.bind(address::v4_loopback(0));
        const std::vector<address> candidates{v6.local_address(), v4.local_address()};
        record_native(native::raw_connect_within("::1", port, 300));
        record_native(native::raw_connect_within("127.0.0.1", candidates[1].port(), 300));

        const auto start = std::chrono::steady_clock::now();
        try {
            unisock::create_connection(candidates, {.timeout = 1s});
            ADD_FAILURE() << "connected to a blackhole or a closed port";
        } catch (const unisock::connection_timeout_error& e) {
            const auto elapsed = std::chrono::steady_clock::now() - start;
            record_note(std::string("connection_timeout_error after ") +
                        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()) +
                        " ms: " + e.what());
            EXPECT_GE(elapsed, 1s);
            EXPECT_LT(elapsed, patience);
            EXPECT_EQ(e.portable(), errc::timed_out); // the first address's error
            ASSERT_EQ(e.attempts().size(), 2u) << describe(e.attempts());
            EXPECT_EQ(e.attempts()[0].endpoint, candidates[0]);
            EXPECT_EQ(e.attempts()[0].error, errc::timed_out);
            EXPECT_EQ(e.attempts()[1].endpoint, candidates[1]);
            EXPECT_EQ(e.attempts()[1].error, errc::connection_refused);
            const unisock::connection_failure& failure = e; // the list, whichever exception
            EXPECT_EQ(&failure.attempts(), &e.attempts());
        }
        std::vector<unisock::connection_attempt> attempts;
        unisock::socket none = unisock::create_connection(candidates, {.timeout = 500ms}, attempts, ec);
        EXPECT_EQ(ec, errc::timed_out);
        EXPECT_EQ(attempts.size(), 2u) << describe(attempts);
    });
    if (refused) CONFORMANCE_SKIP(*refused);
    if (!skip.empty()) CONFORMANCE_SKIP(skip);
}

} // namespace
