// SPDX-License-Identifier: BSL-1.0
// The helpers of connection.hpp: socketpair, create_server, create_connection and the
// duplex exchange that keeps two peers writing large payloads from deadlocking.

#include "unisock/connection.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>
#include <thread>

#include "unisock/system.hpp"

namespace {

using namespace std::chrono_literals;
using unisock::address;
using unisock::address_family;
using unisock::errc;
using unisock::socket;
using unisock::socket_type;

constexpr auto safety_timeout = 10s;

unisock::server_options exclusive_options() {
    unisock::server_options o;
    o.reuse = unisock::reuse_policy::exclusive;
    return o;
}

// A payload whose bytes depend on their position, so a reordering or loss shows.
std::string patterned(std::size_t size, int seed) {
    std::string data(size, '\0');
    for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 31 + static_cast<std::size_t>(seed)) % 253);
    return data;
}

// A fresh name for a Unix socket file or abstract name.
std::string unique_name(const char* prefix) {
    std::random_device random;
    return prefix + std::to_string(random()) + std::to_string(random());
}

void expect_talks_both_ways(socket& a, socket& b) {
    a.set_timeout(safety_timeout);
    b.set_timeout(safety_timeout);
    a.sendall("from a");
    EXPECT_EQ(b.recv(64), "from a");
    b.sendall("from b");
    EXPECT_EQ(a.recv(64), "from b");
}

TEST(socketpair, default_pair_talks_both_ways) {
    unisock::socket_pair p = unisock::socketpair();
    ASSERT_TRUE(p.first.is_open());
    ASSERT_TRUE(p.second.is_open());
    expect_talks_both_ways(p.first, p.second);
}

TEST(socketpair, default_family_follows_the_capability) {
    unisock::socket_pair p = unisock::socketpair();
    const address_family expected =
        unisock::capabilities().native_socketpair ? address_family::local : address_family::ipv4;
    EXPECT_EQ(p.first.family(), expected);
    EXPECT_EQ(p.second.family(), expected);
    EXPECT_EQ(p.first.type(), socket_type::stream);
}

TEST(socketpair, close_gives_end_of_stream) {
    unisock::socket_pair p = unisock::socketpair();
    p.second.set_timeout(safety_timeout);
    p.first.close();
    EXPECT_EQ(p.second.recv(16), "");
}

TEST(socketpair, local_datagram_pair_keeps_boundaries) {
    if (!unisock::capabilities().local_datagram || !unisock::capabilities().native_socketpair)
        GTEST_SKIP() << "no AF_UNIX datagram socketpair on " << unisock::platform_name();
    unisock::socket_pair p = unisock::socketpair(address_family::local, socket_type::datagram);
    p.second.set_timeout(safety_timeout);
    p.first.send("one");
    p.first.send("two");
    EXPECT_EQ(p.second.recv(64), "one");
    EXPECT_EQ(p.second.recv(64), "two");
}

TEST(create_server, and_create_connection_on_ipv4_loopback) {
    socket server = unisock::create_server(address::v4_loopback(0));
    server.set_timeout(safety_timeout);
    const std::uint16_t port = server.local_address().port();
    ASSERT_NE(port, 0);
    socket client = unisock::create_connection("127.0.0.1", port, safety_timeout);
    EXPECT_EQ(client.timeout(), std::optional<unisock::timeout_duration>(safety_timeout));
    unisock::accepted a = server.accept();
    EXPECT_EQ(a.peer, client.local_address());
    expect_talks_both_ways(client, a.connection);
}

TEST(create_server, server_uses_the_requested_reuse_policy) {
    socket server = unisock::create_server(address::v4_loopback(0));
    // Windows keeps SO_EXCLUSIVEADDRUSE under rebind_after_close: it reads back as exclusive.
    const auto expected = unisock::platform_name() == "windows" ? unisock::reuse_policy::exclusive
                                                                 : unisock::reuse_policy::rebind_after_close;
    EXPECT_EQ(server.get_option<unisock::option::reuse>().value, expected);
    socket exclusive = unisock::create_server(address::v4_loopback(0), exclusive_options());
    EXPECT_EQ(exclusive.get_option<unisock::option::reuse>().value, unisock::reuse_policy::exclusive);
}

TEST(create_connection, tries_every_address_of_a_name) {
    // localhost may list ::1 first; the server is IPv4 only, so ::1 is refused and the
    // helper has to go on to 127.0.0.1.
    socket server = unisock::create_server(address::v4_loopback(0));
    server.set_timeout(safety_timeout);
    socket client = unisock::create_connection("localhost", server.local_address().port(), safety_timeout);
    EXPECT_TRUE(server.accept().connection.is_open());
    EXPECT_EQ(client.peer_address(), server.local_address());
}

TEST(create_connection, ipv6_loopback) {
    socket server = unisock::create_server(address::v6_loopback(0));
    server.set_timeout(safety_timeout);
    socket client = unisock::create_connection("::1", server.local_address().port(), safety_timeout);
    EXPECT_EQ(client.family(), address_family::ipv6);
    unisock::accepted a = server.accept();
    expect_talks_both_ways(client, a.connection);
}

TEST(create_connection, closed_port_is_connection_refused) {
    socket holder(address_family::ipv4, socket_type::stream); // bound, not listening
    holder.bind(address::v4_loopback(0));
    const std::uint16_t port = holder.local_address().port();
    std::error_code ec;
    socket s = unisock::create_connection("127.0.0.1", port, safety_timeout, ec);
    EXPECT_EQ(ec, errc::connection_refused) << ec.message();
    EXPECT_FALSE(s.is_open());
    try {
        unisock::create_connection("127.0.0.1", port, safety_timeout);
        FAIL() << "connected to a port nobody listens on";
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), errc::connection_refused) << e.what();
    }
}

TEST(create_connection, unresolvable_host_is_a_gai_error) {
    EXPECT_THROW(unisock::create_connection("no-such-host.invalid", 80, safety_timeout), unisock::gai_error);
}

TEST(create_server, twice_on_one_port_is_address_in_use) {
    socket first = unisock::create_server(address::v4_loopback(0), exclusive_options());
    const address taken = first.local_address();
    std::error_code ec;
    socket second = unisock::create_server(taken, exclusive_options(), ec);
    EXPECT_EQ(ec, errc::address_in_use) << ec.message();
    EXPECT_FALSE(second.is_open());
    EXPECT_THROW(unisock::create_server(taken, exclusive_options()), unisock::socket_error);
}

TEST(create_server, rebind_after_close_never_shares_a_live_port) {
    socket first = unisock::create_server(address::v4_loopback(0));
    std::error_code ec;
    socket second = unisock::create_server(first.local_address(), {}, ec);
    EXPECT_EQ(ec, errc::address_in_use) << ec.message();
}

TEST(create_server, negative_backlog_is_invalid_argument) {
    unisock::server_options o;
    o.backlog = -1;
    std::error_code ec;
    socket s = unisock::create_server(address::v4_loopback(0), o, ec);
    EXPECT_EQ(ec, errc::invalid_argument) << ec.message();
    EXPECT_FALSE(s.is_open());
}

TEST(create_server, v6_only_by_default_refuses_ipv4_clients) {
    std::error_code ec;
    socket server = unisock::create_server(address(unisock::ip_address::v6_any(), 0), {}, ec);
    if (ec) GTEST_SKIP() << "no IPv6 here: " << ec.message();
    EXPECT_TRUE(server.get_option<unisock::option::v6_only>().value);
    socket client(address_family::ipv4, socket_type::stream);
    client.set_timeout(safety_timeout);
    client.connect(address::v4_loopback(server.local_address().port()), ec);
    EXPECT_EQ(ec, errc::connection_refused) << ec.message();
}

TEST(create_server, dual_stack_accepts_ipv4_clients) {
    unisock::server_options o;
    o.dual_stack = true;
    std::error_code ec;
    socket server = unisock::create_server(address(unisock::ip_address::v6_any(), 0), o, ec);
    if (ec) GTEST_SKIP() << "no dual-stack IPv6 here: " << ec.message();
    server.set_timeout(safety_timeout);
    EXPECT_FALSE(server.get_option<unisock::option::v6_only>().value);
    socket client = unisock::create_connection("127.0.0.1", server.local_address().port(), safety_timeout);
    unisock::accepted a = server.accept();
    EXPECT_EQ(a.peer.family(), address_family::ipv6); // ::ffff:127.0.0.1
    EXPECT_EQ(a.peer.ip().to_string(), "::ffff:127.0.0.1");
    expect_talks_both_ways(client, a.connection);
}

TEST(create_server, local_stream_server) {
    if (!unisock::capabilities().local_stream) GTEST_SKIP() << "no AF_UNIX stream sockets on " << unisock::platform_name();
    const std::filesystem::path path = std::filesystem::temp_directory_path() / unique_name("unisock-");
    const std::string text = path.string();
    if (text.size() > unisock::max_local_path) GTEST_SKIP() << "temp path too long: " << text;
    {
        socket server = unisock::create_server(address::local(text));
        server.set_timeout(safety_timeout);
        EXPECT_EQ(server.local_address(), address::local(text));
        socket client(address_family::local, socket_type::stream);
        client.set_timeout(safety_timeout);
        client.connect(address::local(text));
        unisock::accepted a = server.accept();
        EXPECT_EQ(a.connection.family(), address_family::local);
        expect_talks_both_ways(client, a.connection);
    }
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
}

TEST(create_server, abstract_local_server) {
    if (!unisock::capabilities().local_abstract) GTEST_SKIP() << "no abstract AF_UNIX names on " << unisock::platform_name();
    const std::string name = std::string(1, '\0') + unique_name("unisock-");
    socket server = unisock::create_server(address::local(name));
    server.set_timeout(safety_timeout);
    EXPECT_EQ(server.local_address().to_string(), "unix:@" + name.substr(1));
    socket client(address_family::local, socket_type::stream);
    client.set_timeout(safety_timeout);
    client.connect(address::local(name));
    unisock::accepted a = server.accept();
    expect_talks_both_ways(client, a.connection);
}

TEST(exchange, both_peers_writing_four_mebibytes_complete) {
    unisock::socket_pair p = unisock::socketpair();
    const std::size_t size = 4 * 1024 * 1024;
    const std::string from_first = patterned(size, 1);
    const std::string from_second = patterned(size, 2);
    std::string got_by_second;
    std::error_code second_error;
    {
        std::jthread peer([&] { got_by_second = unisock::exchange(p.second, from_second, size, 30s, second_error); });
        std::error_code first_error;
        const std::string got_by_first = unisock::exchange(p.first, from_first, size, 30s, first_error);
        EXPECT_FALSE(first_error) << first_error.message();
        EXPECT_TRUE(got_by_first == from_second) << "first received " << got_by_first.size() << " bytes";
    }
    EXPECT_FALSE(second_error) << second_error.message();
    EXPECT_TRUE(got_by_second == from_first) << "second received " << got_by_second.size() << " bytes";
}

TEST(exchange, sendall_before_recv_on_both_sides_times_out_instead_of_hanging) {
    // The deadlock exchange() exists to avoid: both peers write far more than the socket
    // buffers hold before either reads. With timeouts it ends as timed_out.
    unisock::socket_pair p = unisock::socketpair();
    const std::string payload = patterned(64 * 1024 * 1024, 3);
    p.first.set_timeout(300ms);
    p.second.set_timeout(300ms);
    std::error_code second_error;
    std::size_t second_sent = 0;
    std::error_code first_error;
    std::size_t first_sent = 0;
    {
        std::jthread peer([&] { second_sent = p.second.sendall(payload, second_error); });
        first_sent = p.first.sendall(payload, first_error);
    }
    EXPECT_EQ(first_error, errc::timed_out) << first_error.message();
    EXPECT_EQ(second_error, errc::timed_out) << second_error.message();
    EXPECT_LT(first_sent, payload.size());
    EXPECT_LT(second_sent, payload.size());
}

TEST(exchange, returns_what_arrived_when_the_peer_closes) {
    unisock::socket_pair p = unisock::socketpair();
    p.second.sendall("partial");
    p.second.close();
    std::error_code ec;
    const std::string got = unisock::exchange(p.first, "", 100, safety_timeout, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(got, "partial");
}

TEST(exchange, times_out_when_the_peer_is_silent) {
    unisock::socket_pair p = unisock::socketpair();
    std::error_code ec;
    unisock::exchange(p.first, "hello", 10, 100ms, ec);
    EXPECT_EQ(ec, errc::timed_out) << ec.message();
    EXPECT_THROW(unisock::exchange(p.first, "", 10, 50ms), unisock::timeout_error);
    p.second.set_timeout(safety_timeout);
    EXPECT_EQ(p.second.recv(16), "hello"); // what was to be sent did go
}

} // namespace
