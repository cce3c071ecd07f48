// SPDX-License-Identifier: BSL-1.0
// S03 host resolution (seed 000 exercise 3, seed 001).
//
// The tutorial's client asks `remote_ip = socket.gethostbyname(host)` before it
// connects, and catches socket.gaierror when the name cannot be resolved. Here only
// names that never leave the machine are looked up: "localhost", numeric addresses,
// and a name under .invalid, which RFC 6761 reserves to never resolve.
#include <future>

#include "support/conformance.hpp"

namespace {

using namespace conformance;
using unisock::errc;

constexpr std::string_view unresolvable = "nonexistent.invalid";

unisock::resolve_hints numeric_only(unisock::address_family f = unisock::address_family::unspecified) {
    unisock::resolve_hints hints;
    hints.family = f;
    hints.type = unisock::socket_type::stream;
    hints.numeric_host = true;
    return hints;
}

// What resolving `unresolvable` through the system resolver raised. The lookup runs on
// its own thread so that a resolver slower than `patience` fails the test instead of
// stalling it unnoticed; the thread is joined all the same (getaddrinfo cannot be
// interrupted; the resolver's own timeouts bound it).
struct lookup_outcome {
    bool raised_gai_error = false;
    std::error_code code;
    std::string what;
    std::chrono::milliseconds took{};
};

lookup_outcome look_up_unresolvable() {
    std::promise<lookup_outcome> promise;
    std::future<lookup_outcome> result = promise.get_future();
    std::thread lookup([&promise] {
        lookup_outcome outcome;
        const auto start = std::chrono::steady_clock::now();
        try {
            (void)unisock::gethostbyname(unresolvable);
        } catch (const unisock::gai_error& e) {
            outcome = {true, e.code(), e.what(), {}};
        } catch (const unisock::socket_error& e) {
            outcome = {false, e.code(), e.what(), {}};
        }
        outcome.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        promise.set_value(std::move(outcome));
    });
    const bool in_time = result.wait_for(patience) == std::future_status::ready;
    lookup.join();
    EXPECT_TRUE(in_time) << "the system resolver took longer than " << patience.count() << " s for " << unresolvable;
    return result.get();
}

class S03_Resolution : public scenario {};

TEST_F(S03_Resolution, LocalhostIsTheIpv4Loopback) {
    const unisock::ip_address ip = unisock::gethostbyname("localhost");
    EXPECT_TRUE(ip.is_v4()) << ip.to_string();
    EXPECT_TRUE(ip.is_loopback()) << ip.to_string();
    record_note("gethostbyname(\"localhost\") = " + ip.to_string());
}

TEST_F(S03_Resolution, NumericIpv4NeedsNoLookup) {
    EXPECT_EQ(unisock::gethostbyname("127.0.0.1"), unisock::ip_address::v4_loopback());
    EXPECT_EQ(unisock::gethostbyname("192.0.2.7"), unisock::ip_address::v4({192, 0, 2, 7}));
    // Python: gethostbyname('') is INADDR_ANY.
    EXPECT_EQ(unisock::gethostbyname(""), unisock::ip_address::v4_any());
}

TEST_F(S03_Resolution, NumericIpv6ResolvesToItself) {
    const auto results = unisock::resolve("::1", "8080", numeric_only());
    ASSERT_FALSE(results.empty());
    for (const unisock::resolved_endpoint& r : results) {
        EXPECT_EQ(r.family, unisock::address_family::ipv6);
        EXPECT_EQ(r.endpoint, unisock::address::v6_loopback(8080)) << r.endpoint.to_string();
    }
    const auto scoped = unisock::resolve("2001:db8::5", "80", numeric_only(unisock::address_family::ipv6));
    ASSERT_EQ(scoped.size(), 1u);
    EXPECT_EQ(scoped.front().endpoint.to_string(), "[2001:db8::5]:80");
}

TEST_F(S03_Resolution, LocalhostResolvesToLoopbackEndpoints) {
    unisock::resolve_hints hints;
    hints.type = unisock::socket_type::stream;
    const auto results = unisock::resolve("localhost", "8001", hints);
    ASSERT_FALSE(results.empty());
    for (const unisock::resolved_endpoint& r : results) {
        EXPECT_TRUE(r.endpoint.ip().is_loopback()) << r.endpoint.to_string();
        EXPECT_EQ(r.endpoint.port(), 8001);
        EXPECT_EQ(r.type, unisock::socket_type::stream);
        record_note("localhost -> " + r.endpoint.to_string());
    }
}

// The same code on every OS: EAI_NONAME on POSIX and WSAHOST_NOT_FOUND on Windows are
// both host_not_found, and the exception is Python's gaierror.
TEST_F(S03_Resolution, UnresolvableNameRaisesGaiErrorHostNotFound) {
    const lookup_outcome outcome = look_up_unresolvable();
    record_note(outcome.what + " after " + std::to_string(outcome.took.count()) + " ms");
    if (outcome.code == errc::try_again)
        CONFORMANCE_SKIP("the system resolver is unreachable (" + outcome.what + "): no DNS answer for .invalid");
    EXPECT_TRUE(outcome.raised_gai_error) << outcome.what;
    EXPECT_EQ(outcome.code, errc::host_not_found) << outcome.what;
    EXPECT_NE(outcome.what.find("gethostbyname nonexistent.invalid"), std::string::npos) << outcome.what;
}

// With numeric_host no resolver is asked at all: the outcome is the same everywhere and
// immediate, whatever DNS the machine has.
TEST_F(S03_Resolution, NameRefusedWhenOnlyNumericHostsAreAllowed) {
    try {
        (void)unisock::resolve(unresolvable, "80", numeric_only());
        FAIL() << "a host name resolved with numeric_host";
    } catch (const unisock::gai_error& e) {
        EXPECT_EQ(e.portable(), errc::host_not_found) << e.what();
        EXPECT_NE(e.native_namespace(), unisock::portable_category().name()) << "the resolver's own code is kept";
        EXPECT_NE(std::string(e.what()).find("getaddrinfo nonexistent.invalid:80"), std::string::npos) << e.what();
    }
}

TEST_F(S03_Resolution, ErrorCodeOverloadsReportWithoutThrowing) {
    std::error_code ec;
    std::vector<unisock::resolved_endpoint> results;
    EXPECT_NO_THROW(results = unisock::resolve(unresolvable, "80", numeric_only(), ec));
    EXPECT_EQ(ec, errc::host_not_found) << ec.message();
    EXPECT_TRUE(results.empty());

    const unisock::ip_address ip = unisock::gethostbyname("localhost", ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(ip.is_loopback());
}

// Numeric text is checked by unisock itself, so malformed addresses fail alike everywhere.
// A scope may name an interface, but only one this machine has.
TEST_F(S03_Resolution, MalformedNumericAddressesAreInvalidArguments) {
    for (const std::string_view text : {"256.0.0.1", "127.0.0.01", "1.2.3", "::1::2", "fe80::1%no-such-if9"}) {
        std::error_code ec;
        (void)unisock::ip_address::parse(text, ec);
        EXPECT_EQ(ec, errc::invalid_argument) << text;
    }
    EXPECT_THROW((void)unisock::ip_address::parse("999.1.1.1"), unisock::socket_error);
    EXPECT_EQ(unisock::ip_address::parse("::ffff:127.0.0.1").to_string(), "::ffff:127.0.0.1");
}

// The tutorial's order: resolve the name, then connect to what it gave.
TEST_F(S03_Resolution, ResolvedLocalhostIsConnectable) {
    const unisock::ip_address remote_ip = unisock::gethostbyname("localhost");
    unisock::socket listener = unisock::create_server({remote_ip, 0});
    const std::uint16_t port = listener.local_address().port();
    unisock::socket client(unisock::address_family::ipv4, unisock::socket_type::stream);
    client.set_timeout(patience);
    client.connect({remote_ip, port});
    listener.set_timeout(patience);
    const unisock::accepted connection = listener.accept();
    EXPECT_EQ(connection.peer, client.local_address());
}

} // namespace
