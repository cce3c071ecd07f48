// SPDX-License-Identifier: BSL-1.0
// Address parsing and formatting. It is portable code, so every case here must give the
// same answer on every OS: the same text accepted, the same text rejected, the same
// canonical spelling (RFC 5952 for IPv6).

#include "unisock/address.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>

#include "unisock/error.hpp"
#include "unisock/socket.hpp"
#include "unisock/system.hpp"
#include "wine.hpp"

namespace {

using unisock::address;
using unisock::address_family;
using unisock::errc;
using unisock::ip_address;

// Parses text that must be valid and returns its canonical spelling.
std::string canonical_ip(std::string_view text) {
    std::error_code ec;
    const ip_address ip = ip_address::parse(text, ec);
    EXPECT_FALSE(ec) << "'" << text << "': " << ec.message();
    return ip.to_string();
}

// The error the no-throw form gives for text, after checking the throwing form raises
// socket_error with the same portable code.
errc ip_parse_error(std::string_view text) {
    std::error_code ec;
    ip_address::parse(text, ec);
    try {
        ip_address::parse(text);
        ADD_FAILURE() << "'" << text << "' parsed without an exception";
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), unisock::portable_error(ec)) << text;
    }
    return unisock::portable_error(ec);
}

errc address_parse_error(std::string_view text) {
    std::error_code ec;
    address::parse(text, ec);
    try {
        address::parse(text);
        ADD_FAILURE() << "'" << text << "' parsed without an exception";
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), unisock::portable_error(ec)) << text;
    }
    return unisock::portable_error(ec);
}

errc local_error(std::string_view path) {
    std::error_code ec;
    address::local(path, ec);
    try {
        address::local(path);
        ADD_FAILURE() << "a local path of " << path.size() << " bytes was accepted";
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), unisock::portable_error(ec));
    }
    return unisock::portable_error(ec);
}

TEST(ip_address, default_is_v4_any) {
    const ip_address ip;
    EXPECT_TRUE(ip.is_v4());
    EXPECT_TRUE(ip.is_unspecified());
    EXPECT_EQ(ip.to_string(), "0.0.0.0");
    EXPECT_EQ(ip, ip_address::v4_any());
}

TEST(ip_address, v4_round_trips) {
    for (const char* text : {"0.0.0.0", "127.0.0.1", "10.0.0.1", "192.168.1.254", "255.255.255.255",
                             "1.2.3.4", "100.64.0.0"}) {
        EXPECT_EQ(canonical_ip(text), text);
    }
}

TEST(ip_address, v4_bytes_and_family) {
    const ip_address ip = ip_address::parse("192.168.1.254");
    EXPECT_EQ(ip.family(), address_family::ipv4);
    EXPECT_TRUE(ip.is_v4());
    EXPECT_FALSE(ip.is_v6());
    EXPECT_EQ(ip.to_v4(), (ip_address::v4_bytes{192, 168, 1, 254}));
    EXPECT_EQ(ip, ip_address::v4({192, 168, 1, 254}));
    EXPECT_FALSE(ip.is_loopback());
}

TEST(ip_address, v4_loopback_and_any) {
    EXPECT_TRUE(ip_address::v4_loopback().is_loopback());
    EXPECT_EQ(ip_address::v4_loopback().to_string(), "127.0.0.1");
    EXPECT_TRUE(ip_address::parse("127.1.2.3").is_loopback()); // all of 127/8
    EXPECT_TRUE(ip_address::v4_any().is_unspecified());
    EXPECT_FALSE(ip_address::v4_loopback().is_unspecified());
}

TEST(ip_address, rejects_malformed_v4) {
    for (const char* text : {"256.1.1.1", "1.2.3", "01.2.3.4", "1.2.3.04", "1.2.3.4.5", "1..2.3",
                             " 1.2.3.4", "1.2.3.4 ", "1.2.3.-4", "a.b.c.d", "1.2.3.4/8", "1.2.3.",
                             ".1.2.3", "1.2.3.1000", "4294967297.0.0.1", "0x7f.0.0.1"}) {
        EXPECT_EQ(ip_parse_error(text), errc::invalid_argument) << "'" << text << "'";
    }
}

TEST(ip_address, rejects_empty_text) {
    EXPECT_EQ(ip_parse_error(""), errc::invalid_argument);
}

TEST(ip_address, rejects_embedded_nul) {
    EXPECT_EQ(ip_parse_error(std::string_view("127.0.0.1\0", 10)), errc::invalid_argument);
    EXPECT_EQ(ip_parse_error(std::string_view("::1\0", 4)), errc::invalid_argument);
}

TEST(ip_address, v6_loopback_and_any) {
    const ip_address loopback = ip_address::v6_loopback();
    EXPECT_TRUE(loopback.is_v6());
    EXPECT_TRUE(loopback.is_loopback());
    EXPECT_EQ(loopback.bytes()[15], 1);
    EXPECT_EQ(loopback.to_string(), "::1");
    EXPECT_EQ(ip_address::parse("::1"), loopback);
    EXPECT_TRUE(ip_address::v6_any().is_unspecified());
    EXPECT_EQ(ip_address::v6_any().to_string(), "::");
    EXPECT_FALSE(ip_address::v6_any().is_loopback());
}

TEST(ip_address, v6_formats_in_rfc5952_form) {
    struct sample {
        const char* input;
        const char* canonical;
    };
    const sample samples[] = {
        {"::1", "::1"},
        {"::", "::"},
        {"0:0:0:0:0:0:0:1", "::1"},
        {"0:0:0:0:0:0:0:0", "::"},
        {"2001:DB8:0:0:0:0:0:1", "2001:db8::1"},       // lower case, zero run compressed
        {"2001:0db8::0001", "2001:db8::1"},            // leading zeros dropped
        {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"}, // equal runs: the first one
        {"1:0:0:2:0:0:0:3", "1:0:0:2::3"},             // the longest run
        {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, // a single zero field stays
        {"fe80::", "fe80::"},
        {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
        {"1::", "1::"},
        {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
    };
    for (const sample& s : samples) EXPECT_EQ(canonical_ip(s.input), s.canonical) << s.input;
}

TEST(ip_address, v6_bytes_are_network_order) {
    const ip_address ip = ip_address::parse("2001:db8::ff00:42");
    const ip_address::v6_bytes expected{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0x00, 0x42};
    EXPECT_EQ(ip.bytes(), expected);
    EXPECT_EQ(ip_address::v6(expected), ip);
}

TEST(ip_address, v4_mapped_v6) {
    const ip_address ip = ip_address::parse("::ffff:1.2.3.4");
    EXPECT_TRUE(ip.is_v6());
    ip_address::v6_bytes expected{};
    expected[10] = 0xff;
    expected[11] = 0xff;
    expected[12] = 1;
    expected[13] = 2;
    expected[14] = 3;
    expected[15] = 4;
    EXPECT_EQ(ip.bytes(), expected);
    // RFC 5952 section 5: IPv4-mapped addresses keep the dotted quad.
    EXPECT_EQ(ip.to_string(), "::ffff:1.2.3.4");
    EXPECT_EQ(ip_address::v6(expected).to_string(), "::ffff:1.2.3.4");
}

TEST(ip_address, v6_scope_id) {
    const ip_address ip = ip_address::parse("fe80::1%3");
    EXPECT_TRUE(ip.is_v6());
    EXPECT_EQ(ip.scope_id(), 3u);
    EXPECT_EQ(ip.to_string(), "fe80::1%3");
    EXPECT_NE(ip, ip_address::parse("fe80::1")); // the scope is part of the value
    EXPECT_EQ(ip_address::parse("fe80::1").scope_id(), 0u);
    EXPECT_EQ(ip_address::v6(ip.bytes(), 7).to_string(), "fe80::1%7");
}

TEST(ip_address, rejects_bad_scope) {
    // An interface name that no machine has is as bad as a malformed number.
    for (const char* text : {"fe80::1%no-such-if9", "fe80::1%", "fe80::1%-1", "fe80::1%1x", "fe80::1%%1",
                             "fe80::1%99999999999", "fe80::1%lo\x01"}) {
        EXPECT_EQ(ip_parse_error(text), errc::invalid_argument) << "'" << text << "'";
    }
}

// The loopback interface's name on each OS: Linux "lo", macOS "lo0", Windows the
// interface name of the loopback pseudo-interface.
std::string loopback_interface_name() {
    const std::string_view os = unisock::platform_name();
    if (os == "linux") return "lo";
    if (os == "windows") return "loopback_0";
    return "lo0";
}

TEST(ip_address, scope_may_name_an_interface) {
    const std::string text = "fe80::1%" + loopback_interface_name();
    std::error_code ec;
    const ip_address ip = ip_address::parse(text, ec);
    if (ec && unisock::test::running_under_wine())
        GTEST_SKIP() << "Wine names its interfaces differently: " << text << " is unknown there";
    ASSERT_FALSE(ec) << text << ": " << ec.message();
    EXPECT_NE(ip.scope_id(), 0u) << text;
    EXPECT_EQ(ip.bytes(), ip_address::parse("fe80::1").bytes());
    // Printed with the index, which parses back to the same value.
    EXPECT_EQ(ip_address::parse(ip.to_string()), ip) << ip.to_string();
    // And inside a socket address.
    const address a = address::parse("[" + text + "]:80");
    EXPECT_EQ(a.ip(), ip);
    EXPECT_EQ(a.port(), 80);
}

TEST(ip_address, rejects_malformed_v6) {
    for (const char* text : {":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7",
                             ":1::2", "1::2:", "::ffff:1.2.3", "::ffff:256.1.1.1", "[::1]", "::1 ",
                             "1:2:3:4:5:6:7:8::", "::1.2.3.4.5"}) {
        EXPECT_EQ(ip_parse_error(text), errc::invalid_argument) << "'" << text << "'";
    }
}

TEST(address, default_is_v4_any_port_zero) {
    const address a;
    EXPECT_EQ(a.family(), address_family::ipv4);
    EXPECT_EQ(a.port(), 0);
    EXPECT_EQ(a.to_string(), "0.0.0.0:0");
}

TEST(address, parses_v4_with_port) {
    const address a = address::parse("127.0.0.1:80");
    EXPECT_EQ(a.family(), address_family::ipv4);
    EXPECT_EQ(a.ip(), ip_address::v4_loopback());
    EXPECT_EQ(a.port(), 80);
    EXPECT_EQ(a.to_string(), "127.0.0.1:80");
    EXPECT_EQ(a, address::v4_loopback(80));
}

TEST(address, parses_port_limits) {
    EXPECT_EQ(address::parse("1.2.3.4:0").port(), 0);
    EXPECT_EQ(address::parse("1.2.3.4:65535").port(), 65535);
    EXPECT_EQ(address::parse("[::1]:65535").port(), 65535);
}

TEST(address, parses_bracketed_v6) {
    const address a = address::parse("[::1]:8080");
    EXPECT_EQ(a.family(), address_family::ipv6);
    EXPECT_EQ(a.ip(), ip_address::v6_loopback());
    EXPECT_EQ(a.port(), 8080);
    EXPECT_EQ(a.to_string(), "[::1]:8080");
    EXPECT_EQ(a, address::v6_loopback(8080));
    EXPECT_EQ(address::parse("[2001:DB8::0:1]:443").to_string(), "[2001:db8::1]:443");
}

TEST(address, parses_v6_scope_in_brackets) {
    const address a = address::parse("[fe80::1%2]:80");
    EXPECT_EQ(a.ip().scope_id(), 2u);
    EXPECT_EQ(a.port(), 80);
    EXPECT_EQ(a.to_string(), "[fe80::1%2]:80");
}

TEST(address, rejects_bad_ports) {
    for (const char* text : {"1.2.3.4:65536", "1.2.3.4:99999", "1.2.3.4:4294967376", "1.2.3.4:-1",
                             "1.2.3.4:+80", "1.2.3.4:http", "1.2.3.4:8 0", "1.2.3.4:80 ", "1.2.3.4:0x50",
                             "[::1]:65536", "[::1]:-1", "1.2.3.4:100000000000000000000"}) {
        EXPECT_EQ(address_parse_error(text), errc::invalid_argument) << "'" << text << "'";
    }
}

TEST(address, rejects_missing_port) {
    for (const char* text : {"1.2.3.4", "1.2.3.4:", "[::1]", "[::1]:", "::1", ":80", "[::1]80"}) {
        EXPECT_EQ(address_parse_error(text), errc::invalid_argument) << "'" << text << "'";
    }
}

TEST(address, rejects_unterminated_brackets) {
    for (const char* text : {"[::1:80", "[::1", "::1]:80", "[[::1]]:80", "[1.2.3.4]:80x"}) {
        EXPECT_EQ(address_parse_error(text), errc::invalid_argument) << "'" << text << "'";
    }
}

TEST(address, rejects_empty_and_bad_hosts) {
    for (const char* text : {"", ":", "256.0.0.1:80", "localhost:80", "1.2.3:80", "[fe80::1%x]:80"}) {
        EXPECT_EQ(address_parse_error(text), errc::invalid_argument) << "'" << text << "'";
    }
}

TEST(address, local_path) {
    const address a = address::local("/tmp/unisock.sock");
    EXPECT_EQ(a.family(), address_family::local);
    EXPECT_EQ(a.path(), "/tmp/unisock.sock");
    EXPECT_EQ(a.to_string(), "unix:/tmp/unisock.sock");
    EXPECT_NE(a, address::local("/tmp/other.sock"));
}

TEST(address, parses_unix_prefix) {
    const address a = address::parse("unix:/tmp/unisock.sock");
    EXPECT_EQ(a.family(), address_family::local);
    EXPECT_EQ(a.path(), "/tmp/unisock.sock");
    EXPECT_EQ(a, address::local("/tmp/unisock.sock"));
}

TEST(address, local_path_at_the_limit_is_accepted) {
    const std::string path(unisock::max_local_path, 'a');
    std::error_code ec;
    const address a = address::local(path, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(a.path(), path);
    EXPECT_EQ(a.path().size(), unisock::max_local_path);
}

TEST(address, local_path_over_the_limit_is_name_too_long) {
    EXPECT_EQ(local_error(std::string(unisock::max_local_path + 1, 'a')), errc::name_too_long);
    EXPECT_EQ(local_error(std::string(4096, 'a')), errc::name_too_long);
}

TEST(address, parsed_unix_path_over_the_limit_fails) {
    const std::string text = "unix:" + std::string(unisock::max_received_local_name + 1, 'a');
    std::error_code ec;
    address::parse(text, ec);
    EXPECT_EQ(ec, errc::name_too_long) << ec.message();
    EXPECT_THROW(address::parse(text), unisock::socket_error);
}

TEST(address, local_rejects_empty_and_embedded_nul) {
    EXPECT_EQ(local_error(""), errc::invalid_argument);
    EXPECT_EQ(local_error(std::string_view("a\0b", 3)), errc::invalid_argument);
    EXPECT_EQ(local_error(std::string_view("/tmp/x\0", 7)), errc::invalid_argument);
}

TEST(address, abstract_name_formats_with_at_sign) {
    const std::string_view name("\0unisock-test", 13);
    const address a = address::local(name);
    EXPECT_EQ(a.family(), address_family::local);
    EXPECT_EQ(a.path(), std::string(name));
    EXPECT_EQ(a.to_string(), "unix:@unisock-test");
}

// The text form round-trips for every name the OS can hand back: a filesystem path
// beginning with '@' must not read back as an abstract name, and NULs, '%' and control
// bytes are escaped as %HH.
TEST(address, odd_local_names_round_trip_through_text) {
    const struct {
        std::string name;
        const char* text;
    } rows[] = {
        {"@x", "unix:%40x"},
        {"/tmp/@x", "unix:/tmp/@x"},
        {std::string("\0x", 2), "unix:@x"},
        {std::string("\0@x", 3), "unix:@@x"},
        {std::string("\0a\0b", 4), "unix:@a%00b"},
        {std::string("\0", 1), "unix:@"},
        {"/tmp/100%", "unix:/tmp/100%25"},
        {"/tmp/a\nb", "unix:/tmp/a%0ab"},
        {"/tmp/\xc3\xa9", "unix:/tmp/\xc3\xa9"},
        {std::string(unisock::max_received_local_name, 'p'), nullptr},
    };
    for (const auto& row : rows) {
        const address a = address::local_as_received(row.name);
        const std::string text = a.to_string();
        if (row.text != nullptr) {
            EXPECT_EQ(text, row.text);
        }
        std::error_code ec;
        const address back = address::parse(text, ec);
        EXPECT_FALSE(ec) << text << ": " << ec.message();
        EXPECT_EQ(back, a) << text;
    }
}

TEST(address, malformed_escapes_are_invalid_argument) {
    for (const char* text : {"unix:%", "unix:/a%4", "unix:/a%zz", "unix:/a%00b", "unix:%00"}) {
        EXPECT_EQ(address_parse_error(text), errc::invalid_argument) << text;
    }
}

TEST(address, received_names_are_held_as_they_are) {
    const std::string long_path(unisock::max_local_path + 4, 'q');
    EXPECT_EQ(address::local_as_received(long_path).path(), long_path);
    const std::string with_nul("\0a\0b", 4);
    EXPECT_EQ(address::local_as_received(with_nul).path(), with_nul);
    EXPECT_EQ(address::local_as_received(""), address::local_unnamed());
    // The creation rule stays: address::local refuses both.
    EXPECT_EQ(local_error(long_path), errc::name_too_long);
    EXPECT_EQ(local_error(with_nul), errc::invalid_argument);
}

TEST(address, flow_info_is_kept_but_not_formatted) {
    address a = address::v6_loopback(80);
    a.set_flow_info(0x12345);
    EXPECT_EQ(a.flow_info(), 0x12345u);
    EXPECT_EQ(a.to_string(), "[::1]:80");
    EXPECT_NE(a, address::v6_loopback(80));
}

TEST(address, family_names) {
    EXPECT_EQ(unisock::to_string(address_family::ipv4), "ipv4");
    EXPECT_EQ(unisock::to_string(address_family::ipv6), "ipv6");
    EXPECT_EQ(unisock::to_string(address_family::local), "local");
    EXPECT_EQ(unisock::to_string(address_family::unspecified), "unspecified");
    EXPECT_EQ(unisock::to_string(static_cast<address_family>(999)), "family(999)");
}

TEST(address, error_message_names_the_text) {
    try {
        address::parse("1.2.3.4:65536");
        FAIL() << "no exception";
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), errc::invalid_argument);
        EXPECT_NE(std::string(e.what()).find("1.2.3.4:65536"), std::string::npos) << e.what();
    }
}

// A sender or peer whose name is legal on Linux but that address::local would not make
// (an abstract name with a NUL inside, a 104..107-byte path): recv_from returns the
// datagram and the name as it is, accept reports the peer by that name, and a reply
// to the sender reaches it.
std::string unique_suffix() {
    return std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

TEST(address, recv_from_and_accept_hold_a_sender_name_with_a_nul) {
    if (!unisock::capabilities().local_abstract || !unisock::capabilities().local_datagram)
        GTEST_SKIP() << "no abstract Unix-domain datagram sockets on " << unisock::platform_name();
    using namespace std::chrono_literals;
    const std::string suffix = unique_suffix();
    const address odd = address::local_as_received(std::string("\0unisock\0odd-", 13) + suffix);
    unisock::socket receiver(address_family::local, unisock::socket_type::datagram);
    receiver.set_timeout(10s);
    receiver.bind(address::local(std::string(1, '\0') + "unisock-receiver-" + suffix));
    unisock::socket sender(address_family::local, unisock::socket_type::datagram);
    sender.set_timeout(10s);
    sender.bind(odd);
    sender.send_to(std::string("ping"), receiver.local_address());
    const unisock::datagram got = receiver.recv_from(64);
    EXPECT_EQ(got.data, "ping");
    EXPECT_EQ(got.sender, odd) << got.sender.to_string();
    receiver.send_to(std::string("pong"), got.sender);
    EXPECT_EQ(sender.recv_from(64).data, "pong");

    unisock::socket listener(address_family::local, unisock::socket_type::stream);
    listener.set_timeout(10s);
    listener.bind(address::local(std::string(1, '\0') + "unisock-listener-" + suffix));
    listener.listen();
    unisock::socket client(address_family::local, unisock::socket_type::stream);
    client.set_timeout(10s);
    client.bind(odd);
    client.connect(listener.local_address());
    const unisock::accepted a = listener.accept();
    EXPECT_EQ(a.peer, odd) << a.peer.to_string();
    EXPECT_EQ(a.connection.peer_address(), odd);
}

TEST(address, recv_from_holds_a_107_byte_sender_path) {
    if (!unisock::capabilities().local_datagram)
        GTEST_SKIP() << "no Unix-domain datagram sockets on " << unisock::platform_name();
    using namespace std::chrono_literals;
    const std::string suffix = unique_suffix();
    const std::string prefix = "/tmp/unisock-" + suffix + "-";
    const std::string path = prefix + std::string(107 - prefix.size(), 'p');
    unisock::socket sender(address_family::local, unisock::socket_type::datagram);
    std::error_code ec;
    sender.bind(address::local_as_received(path), ec);
    if (ec == errc::name_too_long) GTEST_SKIP() << "a 107-byte path does not fit sun_path on " << unisock::platform_name();
    ASSERT_FALSE(ec) << ec.message();
    unisock::socket receiver(address_family::local, unisock::socket_type::datagram);
    receiver.set_timeout(10s);
    const std::string receiver_path = "/tmp/unisock-" + suffix + "-r";
    receiver.bind(address::local(receiver_path));
    sender.send_to(std::string("ping"), receiver.local_address());
    const unisock::datagram got = receiver.recv_from(64);
    std::remove(path.c_str());
    std::remove(receiver_path.c_str());
    EXPECT_EQ(got.data, "ping");
    EXPECT_EQ(got.sender.path(), path);
    EXPECT_EQ(address::parse(got.sender.to_string()), got.sender);
}

} // namespace
