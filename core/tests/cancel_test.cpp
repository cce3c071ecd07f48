// SPDX-License-Identifier: BSL-1.0
// cancel(): a call blocked in another thread is woken and reports operation_canceled,
// which is distinct from a peer's reset. Cancellation is sticky, so these tests are
// correct whether cancel() lands before or after the other thread starts waiting; the
// short pause before cancelling only makes the "already waiting" case the usual one.
// Every blocked call also has a timeout far longer than the test, so a wake-up that
// never comes fails as timed_out instead of hanging.

#include "wine.hpp"
#include "loopback_connection.hpp"
#include "unisock/socket.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <stop_token>
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
using clock_type = std::chrono::steady_clock;

constexpr auto backstop_timeout = 20s; // ends a call cancel() failed to wake
constexpr auto woken_within = 5s;      // a working cancel() is far faster

using unisock::test::tcp_connection;

tcp_connection connect_loopback() { return unisock::test::connect_loopback(backstop_timeout); }

struct outcome {
    std::error_code ec;
    clock_type::duration took{};
};

// Runs blocking_call in a thread, cancels target once the thread is running, and
// returns the call's error and how long the cancel took to take effect. If the call is
// still blocked after woken_within, rescue() ends it another way so the test can fail
// instead of hanging.
template <class F, class Rescue = void (*)()>
outcome cancel_while_blocked(socket& target, F blocking_call, Rescue rescue = [] {}) {
    std::promise<void> started;
    auto result = std::async(std::launch::async, [&] {
        started.set_value();
        std::error_code ec;
        blocking_call(ec);
        return ec;
    });
    started.get_future().wait();
    std::this_thread::sleep_for(20ms); // see the file comment: not needed for correctness
    const auto cancel_time = clock_type::now();
    target.cancel();
    if (result.wait_for(woken_within) == std::future_status::timeout) rescue();
    outcome o;
    o.ec = result.get();
    o.took = clock_type::now() - cancel_time;
    return o;
}

void expect_canceled(const outcome& o) {
    EXPECT_EQ(o.ec, errc::operation_canceled) << o.ec.message();
    EXPECT_NE(o.ec, errc::connection_reset);
    EXPECT_LT(o.took, woken_within);
}

TEST(cancel, wakes_recv) {
    tcp_connection c = connect_loopback();
    expect_canceled(cancel_while_blocked(c.server, [&](std::error_code& ec) { c.server.recv(16, ec); }));
}

TEST(cancel, wakes_accept) {
    tcp_connection c = connect_loopback();
    expect_canceled(cancel_while_blocked(c.listener, [&](std::error_code& ec) { c.listener.accept(ec); }));
}

TEST(cancel, wakes_recv_from) {
    socket udp(address_family::ipv4, socket_type::datagram);
    udp.bind(address::v4_loopback(0));
    udp.set_timeout(backstop_timeout);
    expect_canceled(cancel_while_blocked(udp, [&](std::error_code& ec) { udp.recv_from(64, ec); }));
}

TEST(cancel, wakes_recv_without_a_timeout) {
    tcp_connection c = connect_loopback();
    c.server.set_timeout(std::nullopt); // blocks for ever unless cancel() works
    // If cancel() fails, closing the peer ends the recv (with an empty result, which
    // the expectation below reports as errc::unknown).
    const outcome o = cancel_while_blocked(
        c.server,
        [&](std::error_code& ec) {
            c.server.recv(16, ec);
            if (!ec) ec = unisock::make_error_code(errc::unknown);
        },
        [&] { c.client.close(); });
    expect_canceled(o);
}

TEST(cancel, wakes_sendall) {
    tcp_connection c = connect_loopback();
    const std::string payload(64 * 1024 * 1024, 'x'); // the peer never reads
    expect_canceled(cancel_while_blocked(c.client, [&](std::error_code& ec) { c.client.sendall(payload, ec); }));
}

TEST(cancel, wakes_wait) {
    tcp_connection c = connect_loopback();
    expect_canceled(cancel_while_blocked(c.server, [&](std::error_code& ec) {
        ec = c.server.wait(unisock::wait_for::readable, backstop_timeout);
    }));
}

TEST(cancel, wakes_connect) {
    // A connect only blocks on loopback when the listener's queue is full and the OS
    // drops SYNs (Linux, macOS). Fill it, then cancel a connect that waits.
    socket listener(address_family::ipv4, socket_type::stream);
    listener.bind(address::v4_loopback(0));
    listener.listen(1);
    std::vector<socket> queued;
    bool blocks = false;
    for (int i = 0; i < 64 && !blocks; ++i) {
        socket probe(address_family::ipv4, socket_type::stream);
        probe.set_timeout(300ms);
        std::error_code ec;
        probe.connect(listener.local_address(), ec);
        if (ec == errc::connection_refused) GTEST_SKIP() << "a full backlog refuses here instead of queuing";
        if (ec == errc::timed_out) blocks = true;
        else if (!ec) queued.push_back(std::move(probe));
        else FAIL() << "connect: " << ec.message();
    }
    if (!blocks) GTEST_SKIP() << "the backlog never filled, so no connect blocks";
    socket client(address_family::ipv4, socket_type::stream);
    client.set_timeout(backstop_timeout);
    expect_canceled(cancel_while_blocked(client, [&](std::error_code& ec) {
        client.connect(listener.local_address(), ec);
    }));
}

TEST(cancel, is_sticky_until_cleared) {
    tcp_connection c = connect_loopback();
    c.client.sendall("waiting");
    c.server.cancel();
    EXPECT_TRUE(c.server.is_canceled());
    std::error_code ec;
    // Even with data ready, a canceled socket reports the cancel.
    c.server.recv(16, ec);
    EXPECT_EQ(ec, errc::operation_canceled);
    c.server.recv(16, ec);
    EXPECT_EQ(ec, errc::operation_canceled);
    c.server.clear_cancel();
    EXPECT_FALSE(c.server.is_canceled());
    EXPECT_EQ(c.server.recv(16, ec), "waiting");
    EXPECT_FALSE(ec) << ec.message();
}

TEST(cancel, cleared_cancel_leaves_no_wake_up_behind) {
    tcp_connection c = connect_loopback();
    // Make the socket wait once (so its wake-up handle exists), cancel, then clear.
    expect_canceled(cancel_while_blocked(c.server, [&](std::error_code& ec) { c.server.recv(16, ec); }));
    c.server.clear_cancel();
    // A stale signal would end this wait at once with operation_canceled.
    c.server.set_timeout(50ms);
    std::error_code ec;
    c.server.recv(16, ec);
    EXPECT_EQ(ec, errc::timed_out) << ec.message();
    // And a second cancel works like the first.
    c.server.set_timeout(backstop_timeout);
    expect_canceled(cancel_while_blocked(c.server, [&](std::error_code& ec2) { c.server.recv(16, ec2); }));
}

TEST(cancel, before_the_call_fails_it_at_once) {
    socket listener(address_family::ipv4, socket_type::stream);
    listener.bind(address::v4_loopback(0));
    listener.listen();
    listener.cancel();
    std::error_code ec;
    listener.accept(ec);
    EXPECT_EQ(ec, errc::operation_canceled);
}

TEST(cancel, throwing_form_raises_socket_error_not_timeout) {
    tcp_connection c = connect_loopback();
    c.server.cancel();
    try {
        c.server.recv(16);
        FAIL() << "recv on a canceled socket returned";
    } catch (const unisock::timeout_error&) {
        FAIL() << "a cancel is not a timeout";
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), errc::operation_canceled) << e.what();
    }
}

TEST(cancel, peer_reset_is_connection_reset_not_canceled) {
    tcp_connection c = connect_loopback();
    c.client.abort();
    EXPECT_FALSE(c.client.is_open());
    std::error_code ec;
    c.server.recv(16, ec);
    if (unisock::test::running_under_wine() && !ec)
        GTEST_SKIP() << "Wine's closesocket after SO_LINGER {1, 0} closes in order instead of sending a reset";
    EXPECT_EQ(ec, errc::connection_reset) << ec.message();
    EXPECT_NE(ec, errc::operation_canceled);
    EXPECT_FALSE(c.server.is_canceled());
}

TEST(cancel, of_a_closed_socket_does_nothing) {
    socket never_opened;
    never_opened.cancel();
    never_opened.clear_cancel();
    EXPECT_FALSE(never_opened.is_canceled());
    socket closed(address_family::ipv4, socket_type::stream);
    closed.close();
    closed.cancel();
    std::error_code ec;
    closed.recv(1, ec);
    EXPECT_EQ(ec, errc::bad_descriptor);
}

TEST(cancel, stop_token_wakes_a_blocked_call) {
    tcp_connection c = connect_loopback();
    std::stop_source stop;
    auto registration = c.server.cancel_on(stop.get_token());
    std::promise<void> started;
    auto result = std::async(std::launch::async, [&] {
        started.set_value();
        std::error_code ec;
        c.server.recv(16, ec);
        return ec;
    });
    started.get_future().wait();
    std::this_thread::sleep_for(20ms);
    stop.request_stop();
    EXPECT_EQ(result.get(), errc::operation_canceled);
    EXPECT_TRUE(c.server.is_canceled());
}

TEST(cancel, stop_token_already_stopped_cancels_at_once) {
    tcp_connection c = connect_loopback();
    std::stop_source stop;
    stop.request_stop();
    auto registration = c.server.cancel_on(stop.get_token());
    EXPECT_TRUE(c.server.is_canceled());
}

TEST(cancel, stop_token_after_the_registration_ends_does_nothing) {
    tcp_connection c = connect_loopback();
    std::stop_source stop;
    {
        auto registration = c.server.cancel_on(stop.get_token());
    }
    stop.request_stop();
    EXPECT_FALSE(c.server.is_canceled());
}

} // namespace
