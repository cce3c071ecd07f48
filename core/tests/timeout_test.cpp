// SPDX-License-Identifier: BSL-1.0
// Python's settimeout semantics on every blocking call: none blocks, zero is
// non-blocking (would_block / in_progress), a positive duration fails with timed_out
// after at least that long on a monotonic clock, and the socket stays usable. Elapsed
// times are checked from below only: loaded machines are slow, never early.

#include "loopback_connection.hpp"
#include "unisock/connection.hpp"
#include "unisock/socket.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using unisock::address;
using unisock::address_family;
using unisock::errc;
using unisock::socket;
using unisock::socket_type;
using unisock::timeout_duration;
using clock_type = std::chrono::steady_clock;

constexpr auto safety_timeout = 10s;
// An upper bound only to catch a call that ignored its timeout altogether.
constexpr auto far_too_long = 8s;

using unisock::test::tcp_connection;

tcp_connection connect_loopback() { return unisock::test::connect_loopback(safety_timeout); }

socket bound_udp() {
    socket s(address_family::ipv4, socket_type::datagram);
    s.bind(address::v4_loopback(0));
    return s;
}

// How long f took.
template <class F>
clock_type::duration time_of(F&& f) {
    const auto start = clock_type::now();
    std::forward<F>(f)();
    return clock_type::now() - start;
}

TEST(timeout, default_is_none) {
    socket s(address_family::ipv4, socket_type::stream);
    EXPECT_EQ(s.timeout(), std::nullopt);
}

TEST(timeout, set_timeout_is_read_back_exactly) {
    socket s(address_family::ipv4, socket_type::stream);
    s.set_timeout(1500ms);
    EXPECT_EQ(s.timeout(), std::optional<unisock::timeout_duration>(1500ms));
    s.set_timeout(100us);
    EXPECT_EQ(s.timeout(), std::optional<unisock::timeout_duration>(100us));
    s.set_timeout(0s);
    EXPECT_EQ(s.timeout(), std::optional<unisock::timeout_duration>(0s));
    s.set_timeout(std::nullopt);
    EXPECT_EQ(s.timeout(), std::nullopt);
}

TEST(timeout, set_blocking_maps_to_timeouts) {
    socket s(address_family::ipv4, socket_type::stream);
    s.set_timeout(2s);
    s.set_blocking(false);
    EXPECT_EQ(s.timeout(), std::optional<unisock::timeout_duration>(0s));
    s.set_blocking(true);
    EXPECT_EQ(s.timeout(), std::nullopt);
}

TEST(timeout, negative_is_invalid_argument) {
    socket s(address_family::ipv4, socket_type::stream);
    s.set_timeout(2s);
    std::error_code ec;
    s.set_timeout(-1ms, ec);
    EXPECT_EQ(ec, errc::invalid_argument);
    EXPECT_EQ(s.timeout(), std::optional<unisock::timeout_duration>(2s)); // unchanged
    try {
        s.set_timeout(-1ns);
        FAIL() << "a negative timeout was accepted";
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), errc::invalid_argument);
    }
}

TEST(timeout, zero_makes_recv_would_block) {
    tcp_connection c = connect_loopback();
    c.server.set_timeout(0s);
    std::error_code ec;
    const auto took = time_of([&] { c.server.recv(16, ec); });
    EXPECT_EQ(ec, errc::would_block) << ec.message();
    EXPECT_LT(took, far_too_long);
    try {
        c.server.recv(16);
        FAIL() << "recv on an empty non-blocking socket returned";
    } catch (const unisock::timeout_error&) {
        FAIL() << "would_block must not be raised as a timeout";
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), errc::would_block);
    }
}

TEST(timeout, zero_makes_recv_return_what_is_there) {
    tcp_connection c = connect_loopback();
    c.client.sendall("abc");
    ASSERT_FALSE(c.server.wait(unisock::wait_for::readable, safety_timeout));
    c.server.set_blocking(false);
    EXPECT_EQ(c.server.recv(16), "abc");
}

TEST(timeout, zero_makes_accept_would_block) {
    socket listener(address_family::ipv4, socket_type::stream);
    listener.bind(address::v4_loopback(0));
    listener.listen();
    listener.set_blocking(false);
    std::error_code ec;
    const unisock::accepted a = listener.accept(ec);
    EXPECT_EQ(ec, errc::would_block) << ec.message();
    EXPECT_FALSE(a.connection.is_open());
}

TEST(timeout, zero_makes_recv_from_would_block) {
    socket s = bound_udp();
    s.set_timeout(0s);
    std::error_code ec;
    s.recv_from(64, ec);
    EXPECT_EQ(ec, errc::would_block) << ec.message();
}

TEST(timeout, zero_makes_connect_in_progress_then_wait_completes_it) {
    socket listener(address_family::ipv4, socket_type::stream);
    listener.bind(address::v4_loopback(0));
    listener.listen();
    listener.set_timeout(safety_timeout);
    socket client(address_family::ipv4, socket_type::stream);
    client.set_timeout(0s);
    std::error_code ec;
    client.connect(listener.local_address(), ec);
    // Loopback may complete at once; otherwise the result is in_progress on every OS
    // (Windows' WSAEWOULDBLOCK included).
    EXPECT_TRUE(!ec || ec == errc::in_progress) << ec.message();
    if (ec) {
        EXPECT_FALSE(client.wait(unisock::wait_for::writable, safety_timeout));
        EXPECT_FALSE(client.pending_error());
    }
    EXPECT_EQ(client.peer_address(), listener.local_address());
    EXPECT_TRUE(listener.accept().connection.is_open());
}

TEST(timeout, zero_makes_send_would_block_when_the_buffer_is_full) {
    tcp_connection c = connect_loopback();
    c.client.set_timeout(0s);
    const std::string chunk(64 * 1024, 'x');
    std::error_code ec;
    std::size_t total = 0;
    // The peer never reads, so the buffers fill; bounded at 1 GiB.
    for (int i = 0; i < 16384 && !ec; ++i) total += c.client.send(chunk, ec);
    EXPECT_EQ(ec, errc::would_block) << ec.message() << " after " << total << " bytes";
    EXPECT_GT(total, 0u);
}

TEST(timeout, zero_wait_is_timed_out_when_not_ready) {
    tcp_connection c = connect_loopback();
    EXPECT_EQ(c.server.wait(unisock::wait_for::readable, 0s), errc::timed_out);
}

TEST(timeout, recv_times_out) {
    tcp_connection c = connect_loopback();
    c.server.set_timeout(50ms);
    std::error_code ec;
    std::string data;
    const auto took = time_of([&] { data = c.server.recv(16, ec); });
    EXPECT_EQ(ec, errc::timed_out) << ec.message();
    EXPECT_TRUE(data.empty());
    EXPECT_GE(took, 50ms);
    EXPECT_LT(took, far_too_long);
}

TEST(timeout, recv_timeout_throws_timeout_error) {
    tcp_connection c = connect_loopback();
    c.server.set_timeout(50ms);
    EXPECT_THROW(c.server.recv(16), unisock::timeout_error);
    try {
        c.server.recv(16);
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), errc::timed_out);
    }
}

TEST(timeout, recv_returns_available_data_without_waiting_for_more) {
    tcp_connection c = connect_loopback();
    c.client.sendall("abc");
    c.server.set_timeout(5s);
    std::string data;
    const auto took = time_of([&] { data = c.server.recv(100); });
    EXPECT_EQ(data, "abc");
    EXPECT_LT(took, 5s); // it did not sit out the timeout waiting for 100 bytes
}

TEST(timeout, accept_times_out) {
    socket listener(address_family::ipv4, socket_type::stream);
    listener.bind(address::v4_loopback(0));
    listener.listen();
    listener.set_timeout(50ms);
    std::error_code ec;
    const auto took = time_of([&] { listener.accept(ec); });
    EXPECT_EQ(ec, errc::timed_out) << ec.message();
    EXPECT_GE(took, 50ms);
    EXPECT_LT(took, far_too_long);
    EXPECT_THROW(listener.accept(), unisock::timeout_error);
}

TEST(timeout, recv_from_times_out) {
    socket s = bound_udp();
    s.set_timeout(50ms);
    std::error_code ec;
    const auto took = time_of([&] { s.recv_from(64, ec); });
    EXPECT_EQ(ec, errc::timed_out) << ec.message();
    EXPECT_GE(took, 50ms);
    EXPECT_THROW(s.recv_from(64), unisock::timeout_error);
}

TEST(timeout, socket_is_usable_after_a_timeout) {
    tcp_connection c = connect_loopback();
    c.server.set_timeout(30ms);
    std::error_code ec;
    c.server.recv(16, ec);
    ASSERT_EQ(ec, errc::timed_out);
    c.client.sendall("after");
    c.server.set_timeout(safety_timeout);
    EXPECT_EQ(c.server.recv(16), "after");
    c.server.sendall("reply");
    EXPECT_EQ(c.client.recv(16), "reply");
}

TEST(timeout, sub_millisecond_timeout_times_out_instead_of_hanging) {
    tcp_connection c = connect_loopback();
    c.server.set_timeout(100us);
    std::error_code ec;
    const auto took = time_of([&] { c.server.recv(16, ec); });
    EXPECT_EQ(ec, errc::timed_out) << ec.message(); // not would_block, not a hang
    EXPECT_GE(took, 100us);
    EXPECT_LT(took, far_too_long);
}

TEST(timeout, one_nanosecond_is_a_timeout_not_non_blocking) {
    socket s = bound_udp();
    s.set_timeout(1ns);
    std::error_code ec;
    const auto took = time_of([&] { s.recv_from(64, ec); });
    EXPECT_EQ(ec, errc::timed_out) << ec.message();
    EXPECT_LT(took, far_too_long);
}

TEST(timeout, sendall_times_out_on_a_peer_that_never_reads) {
    tcp_connection c = connect_loopback();
    c.client.set_timeout(200ms);
    // Far more than loopback buffers hold; the peer never reads.
    const std::string payload(64 * 1024 * 1024, 'x');
    std::error_code ec;
    std::size_t sent = 0;
    const auto took = time_of([&] { sent = c.client.sendall(payload, ec); });
    EXPECT_EQ(ec, errc::timed_out) << ec.message();
    EXPECT_GT(sent, 0u);
    EXPECT_LT(sent, payload.size());
    EXPECT_GE(took, 200ms);
    EXPECT_LT(took, far_too_long);
}

// One deadline for the whole buffer, also when the peer does read, only slowly: a
// reader that drains 64 KiB every 100 ms lets every chunk go eventually, so a deadline
// that restarted per chunk would let sendall run for seconds and succeed.
TEST(timeout, sendall_keeps_one_deadline_against_a_trickling_reader) {
    tcp_connection c = connect_loopback();
    c.client.set_option(unisock::option::send_buffer_size{16 * 1024});
    c.server.set_option(unisock::option::receive_buffer_size{16 * 1024});
    c.client.set_timeout(300ms);
    const std::string payload(4 * 1024 * 1024, 'x'); // about 6.5 s at the reader's pace
    std::atomic<bool> sender_done{false};
    std::thread trickle([&] {
        std::vector<std::byte> buffer(64 * 1024);
        for (int ticks = 0; !sender_done && ticks < 200; ++ticks) {
            std::error_code ignored;
            c.server.set_timeout(0s);
            (void)c.server.recv_into(buffer, ignored);
            std::this_thread::sleep_for(100ms);
        }
    });
    std::error_code ec;
    std::size_t sent = 0;
    const auto took = time_of([&] { sent = c.client.sendall(payload, ec); });
    sender_done = true;
    trickle.join();
    EXPECT_EQ(ec, errc::timed_out) << ec.message() << " after " << sent << " bytes";
    EXPECT_LT(sent, payload.size());
    EXPECT_GE(took, 300ms);
}

// A timeout too large to add to the clock means "no limit", never an overflow into the
// past (which would time out at once) or undefined behaviour.
TEST(timeout, the_largest_timeout_waits_like_no_timeout) {
    tcp_connection c = connect_loopback();
    c.server.set_timeout(timeout_duration::max());
    std::thread late_sender([&] {
        std::this_thread::sleep_for(50ms);
        c.client.sendall("late");
    });
    std::error_code ec;
    EXPECT_EQ(c.server.wait(unisock::wait_for::readable, timeout_duration::max()), std::error_code{});
    EXPECT_EQ(c.server.recv(16, ec), "late");
    EXPECT_FALSE(ec) << ec.message();
    late_sender.join();
}

TEST(timeout, the_largest_timeout_works_in_the_helpers) {
    socket listener(address_family::ipv4, socket_type::stream);
    listener.bind(address::v4_loopback(0));
    listener.listen();
    std::error_code ec;
    socket client = unisock::create_connection("127.0.0.1", listener.local_address().port(),
                                               timeout_duration::max(), ec);
    ASSERT_FALSE(ec) << ec.message();
    socket server = listener.accept().connection;
    std::thread replier([&] {
        std::this_thread::sleep_for(50ms);
        server.sendall("pong");
    });
    EXPECT_EQ(unisock::exchange(client, "ping", 4, timeout_duration::max(), ec), "pong");
    EXPECT_FALSE(ec) << ec.message();
    replier.join();
    EXPECT_EQ(server.recv(16), "ping");
}

TEST(timeout, sendall_throwing_form_raises_timeout_error) {
    tcp_connection c = connect_loopback();
    c.client.set_timeout(100ms);
    const std::string payload(64 * 1024 * 1024, 'x');
    EXPECT_THROW(c.client.sendall(payload), unisock::timeout_error);
}

TEST(timeout, send_times_out_when_the_buffer_stays_full) {
    tcp_connection c = connect_loopback();
    c.client.set_timeout(0s);
    const std::string chunk(64 * 1024, 'x');
    std::error_code ec;
    for (int i = 0; i < 16384 && !ec; ++i) c.client.send(chunk, ec);
    ASSERT_EQ(ec, errc::would_block);
    c.client.set_timeout(50ms);
    const auto took = time_of([&] { c.client.send(chunk, ec); });
    EXPECT_EQ(ec, errc::timed_out) << ec.message();
    EXPECT_GE(took, 50ms);
}

TEST(timeout, connect_to_a_full_backlog_times_out_or_is_refused) {
    // With nobody accepting, Linux and macOS drop further SYNs (the connect times out)
    // and Windows refuses them; either way the call ends within its timeout.
    socket listener(address_family::ipv4, socket_type::stream);
    listener.bind(address::v4_loopback(0));
    listener.listen(1);
    std::vector<socket> queued;
    std::error_code ec;
    for (int i = 0; i < 64 && !ec; ++i) {
        socket client(address_family::ipv4, socket_type::stream);
        client.set_timeout(300ms);
        const auto took = time_of([&] { client.connect(listener.local_address(), ec); });
        EXPECT_LT(took, far_too_long);
        if (!ec) queued.push_back(std::move(client));
    }
    if (!ec) GTEST_SKIP() << "listen(1) queued 64 connections: this stack does not bound the queue";
    EXPECT_TRUE(ec == errc::timed_out || ec == errc::connection_refused) << ec.message();
    EXPECT_GE(queued.size(), 1u);
}

} // namespace
