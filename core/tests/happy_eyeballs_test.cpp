// SPDX-License-Identifier: BSL-1.0
// create_connection grown up: Happy Eyeballs (RFC 8305) ordering and racing, source_address,
// and every address's error when none connects. A blackholed address (no answer at all)
// needs a network namespace: conformance S35 and S36 do that part.

#include "unisock/connection.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <system_error>
#include <vector>

#include "unisock/resolver.hpp"

namespace {

using namespace std::chrono_literals;
using unisock::address;
using unisock::address_family;
using unisock::connection_attempt;
using unisock::errc;
using unisock::socket;
using unisock::socket_type;

constexpr auto safety_timeout = 10s;

// A port on 127.0.0.1 (or ::1) that refuses: bound by this socket, which never listens.
struct refusing_port {
    explicit refusing_port(const address& where = address::v4_loopback(0))
        : holder(where.family(), socket_type::stream) {
        holder.bind(where);
    }
    address at() const { return holder.local_address(); }
    socket holder;
};

TEST(happy_eyeballs, the_first_address_that_connects_wins) {
    refusing_port dead;
    socket server = unisock::create_server(address::v4_loopback(0));
    server.set_timeout(safety_timeout);
    std::vector<connection_attempt> attempts;
    std::error_code ec;
    socket client = unisock::create_connection({dead.at(), server.local_address()}, {.timeout = safety_timeout},
                                               attempts, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(client.peer_address(), server.local_address());
    EXPECT_EQ(client.timeout(), std::optional<unisock::timeout_duration>(safety_timeout));
    // Only failures are listed: the refused first address, when it failed before the win
    // (Windows retries a refused loopback connect for about 2 s; the second starts after 250 ms).
    for (const connection_attempt& a : attempts) {
        EXPECT_EQ(a.endpoint, dead.at());
        EXPECT_EQ(a.error, errc::connection_refused) << a.error.message();
    }
    EXPECT_TRUE(server.accept().connection.is_open());
}

TEST(happy_eyeballs, every_refused_address_is_reported) {
    refusing_port first;
    refusing_port second;
    const std::vector<address> candidates{first.at(), second.at()};
    std::vector<connection_attempt> attempts;
    std::error_code ec;
    socket s = unisock::create_connection(candidates, {.timeout = safety_timeout}, attempts, ec);
    EXPECT_FALSE(s.is_open());
    EXPECT_EQ(ec, errc::connection_refused) << ec.message();
    ASSERT_EQ(attempts.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(attempts[i].endpoint, candidates[i]);
        EXPECT_EQ(attempts[i].error, errc::connection_refused) << attempts[i].error.message();
    }
    try {
        unisock::create_connection(candidates, {.timeout = safety_timeout});
        FAIL() << "connected to ports nobody listens on";
    } catch (const unisock::connection_error& e) {
        EXPECT_EQ(e.portable(), errc::connection_refused);
        ASSERT_EQ(e.attempts().size(), 2u);
        EXPECT_EQ(e.attempts()[1].endpoint, candidates[1]);
        const std::string what = e.what();
        EXPECT_NE(what.find(candidates[0].to_string()), std::string::npos) << what;
        EXPECT_NE(what.find(candidates[1].to_string()), std::string::npos) << what;
    }
}

TEST(happy_eyeballs, a_host_name_reports_every_address_ipv6_first) {
    refusing_port v4; // ::1 of the same port, if localhost has it, refuses: nobody listens there
    const std::uint16_t port = v4.at().port();
    std::error_code ec;
    const auto resolved = unisock::resolve("localhost", std::to_string(port), {.type = socket_type::stream}, ec);
    ASSERT_FALSE(ec) << ec.message();
    std::vector<connection_attempt> attempts;
    socket s = unisock::create_connection("localhost", port, {.timeout = safety_timeout}, attempts, ec);
    EXPECT_FALSE(s.is_open());
    ASSERT_EQ(attempts.size(), resolved.size());
    EXPECT_EQ(ec, attempts.front().error);
    bool any_v6 = false;
    for (const auto& r : resolved) {
        any_v6 = any_v6 || r.endpoint.family() == address_family::ipv6;
        EXPECT_TRUE(std::any_of(attempts.begin(), attempts.end(),
                                [&](const connection_attempt& a) { return a.endpoint == r.endpoint && a.error; }))
            << r.endpoint.to_string() << " not reported";
    }
    if (any_v6) {
        EXPECT_EQ(attempts.front().endpoint.family(), address_family::ipv6);
    }
}

TEST(happy_eyeballs, source_address_is_bound_before_connecting) {
    socket server = unisock::create_server(address::v4_loopback(0));
    server.set_timeout(safety_timeout);
    // A free port to connect from: bound once, then let go.
    std::uint16_t source_port = 0;
    {
        socket probe(address_family::ipv4, socket_type::stream);
        probe.bind(address::v4_loopback(0));
        source_port = probe.local_address().port();
    }
    socket client = unisock::create_connection("127.0.0.1", server.local_address().port(),
                                               {.timeout = safety_timeout,
                                                .source_address = address::v4_loopback(source_port)});
    EXPECT_EQ(client.local_address(), address::v4_loopback(source_port));
    EXPECT_EQ(server.accept().peer, address::v4_loopback(source_port));
}

TEST(happy_eyeballs, source_address_of_the_other_family_is_not_tried) {
    socket server = unisock::create_server(address::v4_loopback(0));
    std::vector<connection_attempt> attempts;
    std::error_code ec;
    socket s = unisock::create_connection({server.local_address()},
                                          {.timeout = safety_timeout, .source_address = address::v6_loopback(0)},
                                          attempts, ec);
    EXPECT_FALSE(s.is_open());
    EXPECT_EQ(ec, errc::address_family_not_supported) << ec.message();
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_EQ(attempts[0].error, errc::address_family_not_supported);
}

TEST(happy_eyeballs, a_source_address_in_use_fails_that_attempt) {
    socket server = unisock::create_server(address::v4_loopback(0));
    std::error_code ec;
    socket s = unisock::create_connection({server.local_address()},
                                          {.timeout = safety_timeout, .source_address = server.local_address()}, ec);
    EXPECT_FALSE(s.is_open());
    EXPECT_EQ(ec, errc::address_in_use) << ec.message();
}

TEST(happy_eyeballs, bad_arguments_are_invalid_argument_without_throwing) {
    std::error_code ec;
    std::vector<connection_attempt> attempts{{address::v4_loopback(1), {}}};
    socket s = unisock::create_connection(std::vector<address>{}, {}, attempts, ec);
    EXPECT_EQ(ec, errc::invalid_argument);
    EXPECT_TRUE(attempts.empty());
    s = unisock::create_connection("127.0.0.1", 80, {.timeout = -1s}, ec);
    EXPECT_EQ(ec, errc::invalid_argument);
    EXPECT_THROW(unisock::create_connection(std::vector<address>{}), unisock::socket_error);
}

TEST(happy_eyeballs, resolution_failure_lists_no_attempt) {
    std::vector<connection_attempt> attempts;
    std::error_code ec;
    socket s = unisock::create_connection("no-such-host.invalid", 80, {.timeout = safety_timeout}, attempts, ec);
    EXPECT_TRUE(ec);
    EXPECT_TRUE(attempts.empty());
    EXPECT_THROW(unisock::create_connection("no-such-host.invalid", 80, unisock::connection_options{}),
                 unisock::gai_error);
}

TEST(happy_eyeballs, zero_timeout_tries_without_waiting) {
    socket server = unisock::create_server(address::v4_loopback(0));
    std::error_code ec;
    socket s = unisock::create_connection({server.local_address()}, {.timeout = 0s}, ec);
    // A loopback connect may finish at once; otherwise it is still in progress, as a
    // non-blocking connect reports.
    if (ec) {
        EXPECT_EQ(ec, errc::in_progress) << ec.message();
    } else {
        EXPECT_EQ(s.timeout(), std::optional<unisock::timeout_duration>(0s));
    }
}

} // namespace
