// SPDX-License-Identifier: BSL-1.0
// Name and service lookups. Only names every machine knows without a network are used
// (localhost, numeric addresses, the services file); the one unresolvable name is in
// the reserved .invalid domain, which a sandbox without DNS may report as try_again.

#include "unisock/resolver.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "wine.hpp"

namespace {

using unisock::address;
using unisock::address_family;
using unisock::errc;
using unisock::ip_address;
using unisock::resolve_hints;
using unisock::socket_type;

constexpr const char* unresolvable = "no-such-host.invalid";

resolve_hints numeric(address_family f = address_family::unspecified) {
    resolve_hints h;
    h.family = f;
    h.numeric_host = true;
    return h;
}

TEST(resolver, localhost_resolves_to_loopback_only) {
    const std::vector<unisock::resolved_endpoint> found = unisock::resolve("localhost", "80");
    ASSERT_FALSE(found.empty());
    for (const auto& e : found) {
        EXPECT_TRUE(e.endpoint.ip().is_loopback()) << e.endpoint.to_string();
        EXPECT_EQ(e.endpoint.port(), 80);
        EXPECT_EQ(e.family, e.endpoint.family());
    }
}

TEST(resolver, family_hint_filters) {
    resolve_hints h;
    h.family = address_family::ipv4;
    const auto found = unisock::resolve("localhost", "8080", h);
    ASSERT_FALSE(found.empty());
    for (const auto& e : found) {
        EXPECT_EQ(e.family, address_family::ipv4);
        EXPECT_TRUE(e.endpoint.ip().is_v4());
    }
}

TEST(resolver, type_hint_filters) {
    resolve_hints h;
    h.type = socket_type::datagram;
    const auto found = unisock::resolve("127.0.0.1", "53", h);
    ASSERT_FALSE(found.empty());
    for (const auto& e : found) EXPECT_EQ(e.type, socket_type::datagram);
}

TEST(resolver, numeric_v4) {
    const auto found = unisock::resolve("127.0.0.1", "8080", numeric());
    ASSERT_FALSE(found.empty());
    for (const auto& e : found) EXPECT_EQ(e.endpoint, address::v4_loopback(8080));
}

TEST(resolver, numeric_v6) {
    const auto found = unisock::resolve("::1", "443", numeric());
    ASSERT_FALSE(found.empty());
    for (const auto& e : found) {
        EXPECT_EQ(e.family, address_family::ipv6);
        EXPECT_EQ(e.endpoint.ip(), ip_address::v6_loopback());
        EXPECT_EQ(e.endpoint.port(), 443);
    }
}

// A numeric host of the other family than the hint has no address to give: the same
// host_not_found on every OS (glibc says EAI_ADDRFAMILY; GetAddrInfoW documents
// WSAHOST_NOT_FOUND for a name that "does not resolve for the supplied parameters").
TEST(resolver, a_numeric_host_of_the_other_family_is_host_not_found) {
    for (const auto& [host, family] : {std::pair{"::1", address_family::ipv4}, std::pair{"127.0.0.1", address_family::ipv6}}) {
        resolve_hints hints = numeric();
        hints.family = family;
        std::error_code ec;
        const auto found = unisock::resolve(host, "80", hints, ec);
        EXPECT_TRUE(found.empty()) << host;
        if (unisock::test::running_under_wine() && ec.value() == -9)
            GTEST_SKIP() << "Wine's GetAddrInfoW passes glibc's EAI_ADDRFAMILY (-9) through instead of a WSA code";
        EXPECT_EQ(ec, errc::host_not_found) << host << ": " << ec.message();
    }
}

// resolve with a timeout: within it the lookup answers as without one; with no time
// left it is timed_out before any lookup starts. (A resolver that never answers is not
// tested: that needs a network namespace with its own resolv.conf, more than a unit
// test should set up.)
TEST(resolver, lookup_within_a_timeout_answers) {
    using namespace std::chrono_literals;
    for (const char* host : {"127.0.0.1", "localhost"}) {
        std::error_code ec;
        const auto results = unisock::resolve(host, "80", {}, std::optional<unisock::timeout_duration>(10s), ec);
        EXPECT_FALSE(ec) << host << ": " << ec.message();
        ASSERT_FALSE(results.empty()) << host;
        EXPECT_TRUE(results.front().endpoint.ip().is_loopback()) << results.front().endpoint.to_string();
    }
}

TEST(resolver, lookup_with_no_time_left_is_timed_out) {
    using namespace std::chrono_literals;
    for (const unisock::timeout_duration timeout : {unisock::timeout_duration::zero(), unisock::timeout_duration(-1s)}) {
        std::error_code ec;
        const auto results = unisock::resolve("127.0.0.1", "80", {}, std::optional(timeout), ec);
        EXPECT_EQ(ec, errc::timed_out) << ec.message();
        EXPECT_TRUE(results.empty());
    }
}

TEST(resolver, checks_come_before_the_timeout) {
    std::error_code ec;
    unisock::resolve("127.0.0.1", "70000", {}, std::optional(unisock::timeout_duration::zero()), ec);
    EXPECT_EQ(ec, errc::service_not_found) << ec.message();
}

TEST(resolver, numeric_host_refuses_names) {
    std::error_code ec;
    const auto found = unisock::resolve("localhost", "80", numeric(), ec);
    EXPECT_EQ(ec, errc::host_not_found) << ec.message();
    EXPECT_TRUE(found.empty());
    EXPECT_THROW(unisock::resolve("localhost", "80", numeric()), unisock::gai_error);
}

TEST(resolver, service_names_resolve_to_ports) {
    resolve_hints h = numeric(address_family::ipv4);
    h.type = socket_type::stream;
    const auto found = unisock::resolve("127.0.0.1", "http", h);
    ASSERT_FALSE(found.empty());
    EXPECT_EQ(found.front().endpoint.port(), 80);
}

TEST(resolver, unknown_service_is_a_gai_error) {
    resolve_hints h = numeric(address_family::ipv4);
    h.type = socket_type::stream;
    std::error_code ec;
    unisock::resolve("127.0.0.1", "no-such-service-unisock", h, ec);
    EXPECT_EQ(ec, errc::service_not_found) << ec.message();
    EXPECT_THROW(unisock::resolve("127.0.0.1", "no-such-service-unisock", h), unisock::gai_error);
}

TEST(resolver, passive_empty_host_is_the_wildcard) {
    resolve_hints h;
    h.family = address_family::ipv4;
    h.passive = true;
    const auto found = unisock::resolve("", "0", h);
    ASSERT_FALSE(found.empty());
    EXPECT_TRUE(found.front().endpoint.ip().is_unspecified()) << found.front().endpoint.to_string();
}

TEST(resolver, active_empty_host_is_the_loopback) {
    resolve_hints h;
    h.family = address_family::ipv4;
    const auto found = unisock::resolve("", "7", h);
    ASSERT_FALSE(found.empty());
    EXPECT_TRUE(found.front().endpoint.ip().is_loopback()) << found.front().endpoint.to_string();
    EXPECT_EQ(found.front().endpoint.port(), 7);
}

TEST(resolver, canonical_name_when_asked) {
    resolve_hints h;
    h.family = address_family::ipv4;
    h.canonical_name = true;
    const auto found = unisock::resolve("localhost", "80", h);
    ASSERT_FALSE(found.empty());
    EXPECT_FALSE(found.front().canonical_name.empty());
}

TEST(resolver, unresolvable_name_is_a_gai_error) {
    try {
        unisock::resolve(unresolvable, "80");
        FAIL() << unresolvable << " resolved";
    } catch (const unisock::gai_error& e) {
        EXPECT_TRUE(e.portable() == errc::host_not_found || e.portable() == errc::try_again) << e.what();
        EXPECT_NE(std::string(e.what()).find(unresolvable), std::string::npos) << e.what();
    }
}

TEST(resolver, unresolvable_name_error_code_form) {
    std::error_code ec;
    const auto found = unisock::resolve(unresolvable, "80", {}, ec);
    EXPECT_TRUE(ec == errc::host_not_found || ec == errc::try_again) << ec.message();
    EXPECT_TRUE(found.empty());
}

TEST(resolver, gethostbyname_localhost_is_v4_loopback) {
    const ip_address ip = unisock::gethostbyname("localhost");
    EXPECT_TRUE(ip.is_v4());
    EXPECT_TRUE(ip.is_loopback()) << ip.to_string();
}

TEST(resolver, gethostbyname_numeric) {
    EXPECT_EQ(unisock::gethostbyname("127.0.0.1"), ip_address::v4_loopback());
    EXPECT_EQ(unisock::gethostbyname("10.1.2.3"), ip_address::v4({10, 1, 2, 3}));
}

TEST(resolver, gethostbyname_unresolvable_is_a_gai_error) {
    EXPECT_THROW(unisock::gethostbyname(unresolvable), unisock::gai_error);
    std::error_code ec;
    unisock::gethostbyname(unresolvable, ec);
    EXPECT_TRUE(ec == errc::host_not_found || ec == errc::try_again) << ec.message();
}

TEST(resolver, gethostname_is_a_name) {
    const std::string name = unisock::gethostname();
    EXPECT_FALSE(name.empty());
    EXPECT_EQ(name.find('\0'), std::string::npos);
    std::error_code ec;
    EXPECT_EQ(unisock::gethostname(ec), name);
    EXPECT_FALSE(ec);
}

TEST(resolver, gethostbyaddr_of_loopback) {
    std::error_code ec;
    const std::string name = unisock::gethostbyaddr(ip_address::v4_loopback(), ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_FALSE(name.empty());
}

TEST(resolver, getservbyname_known_services) {
    EXPECT_EQ(unisock::getservbyname("http", "tcp"), 80);
    EXPECT_EQ(unisock::getservbyname("domain", "udp"), 53);
    EXPECT_EQ(unisock::getservbyname("http"), 80); // any protocol
}

TEST(resolver, getservbyname_unknown_is_service_not_found) {
    std::error_code ec;
    unisock::getservbyname("no-such-service-unisock", "tcp", ec);
    EXPECT_EQ(ec, errc::service_not_found) << ec.message();
    try {
        unisock::getservbyname("no-such-service-unisock", "tcp");
        FAIL() << "an unknown service has a port";
    } catch (const unisock::gai_error& e) {
        EXPECT_EQ(e.portable(), errc::service_not_found);
    }
}

TEST(resolver, getservbyport_known_ports) {
    EXPECT_EQ(unisock::getservbyport(80, "tcp"), "http");
    EXPECT_EQ(unisock::getservbyport(53, "udp"), "domain");
}

// getaddrinfo keeps the low 16 bits of a numeric service on glibc ("70000" was port
// 4464, "65536" port 0): out of range is an error on every OS instead.
TEST(resolver, numeric_service_out_of_range_is_service_not_found) {
    for (const char* service : {"65536", "70000", "4294967376", "99999999999999999999999"}) {
        std::error_code ec;
        const auto found = unisock::resolve("127.0.0.1", service, numeric(), ec);
        EXPECT_EQ(ec, errc::service_not_found) << service << ": " << ec.message();
        EXPECT_TRUE(found.empty()) << service << " gave port " << found.front().endpoint.port();
    }
    EXPECT_THROW(unisock::resolve("127.0.0.1", "70000", numeric()), unisock::gai_error);
}

TEST(resolver, numeric_service_at_the_top_of_the_range_resolves) {
    for (const auto& [service, port] : {std::pair{"65535", 65535}, std::pair{"0", 0}, std::pair{"0080", 80}}) {
        const auto found = unisock::resolve("127.0.0.1", service, numeric());
        ASSERT_FALSE(found.empty()) << service;
        EXPECT_EQ(found.front().endpoint.port(), port) << service;
    }
}

} // namespace
