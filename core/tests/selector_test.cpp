// SPDX-License-Identifier: BSL-1.0
// selector: readiness, modify, remove, wake-ups (another thread, a signal handler, a stop
// token), the timeout's limits, closed sockets, many sockets and bad input. Every wait
// is bounded by `patience`, so a missed wake-up fails instead of hanging.

#include "unisock/connection.hpp"
#include "unisock/selector.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <stop_token>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using unisock::errc;
using unisock::selector;
using unisock::selector_event;
using unisock::socket;
using unisock::wait_for;
using clock_type = std::chrono::steady_clock;

constexpr auto patience = 10s;

unisock::socket_pair make_pair() {
    unisock::socket_pair p = unisock::socketpair();
    p.first.set_timeout(patience);
    p.second.set_timeout(patience);
    return p;
}

// The events of one select() that waits at most `patience`, copied out.
std::vector<selector_event> select_once(selector& sel, std::optional<unisock::timeout_duration> timeout = patience) {
    const auto events = sel.select(timeout);
    return {events.begin(), events.end()};
}

TEST(selector, reports_readable_once_data_arrives_with_the_user_data) {
    selector sel;
    unisock::socket_pair p = make_pair();
    int tag = 0;
    sel.add(p.first, wait_for::readable, &tag);
    EXPECT_EQ(sel.size(), 1u);
    EXPECT_TRUE(select_once(sel, 0s).empty()) << "nothing to read yet";

    p.second.sendall("x");
    const auto events = select_once(sel);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].sock, &p.first);
    EXPECT_EQ(events[0].data, &tag);
    EXPECT_TRUE(events[0].readable);
    EXPECT_FALSE(events[0].writable) << "not registered for it";
    EXPECT_FALSE(events[0].error);
    EXPECT_FALSE(events[0].hang_up);
    EXPECT_EQ(p.first.recv(16), "x");
    EXPECT_TRUE(select_once(sel, 0s).empty()) << "level-triggered: drained, so not ready";
}

TEST(selector, reports_writable_and_either) {
    selector sel;
    unisock::socket_pair p = make_pair();
    sel.add(p.first, wait_for::writable);
    auto events = select_once(sel);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_TRUE(events[0].writable);
    EXPECT_FALSE(events[0].readable);

    p.second.sendall("x");
    sel.modify(p.first, wait_for::either);
    events = select_once(sel);
    ASSERT_EQ(events.size(), 1u) << "one event per socket, both directions in it";
    EXPECT_TRUE(events[0].readable);
    EXPECT_TRUE(events[0].writable);
}

TEST(selector, modify_changes_the_interest_and_the_data) {
    selector sel;
    unisock::socket_pair p = make_pair();
    int first = 1;
    int second = 2;
    sel.add(p.first, wait_for::readable, &first);
    EXPECT_TRUE(select_once(sel, 0s).empty());
    sel.modify(p.first, wait_for::writable, &second);
    const auto events = select_once(sel);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].data, &second);
    EXPECT_TRUE(events[0].writable);
    sel.modify(p.first, wait_for::readable, &first);
    EXPECT_TRUE(select_once(sel, 0s).empty()) << "no longer waiting for writable";
}

TEST(selector, remove_stops_reporting_and_clears_its_pending_event) {
    selector sel;
    unisock::socket_pair a = make_pair();
    unisock::socket_pair b = make_pair();
    sel.add(a.first, wait_for::writable);
    sel.add(b.first, wait_for::writable);
    const auto events = sel.select(patience);
    ASSERT_EQ(events.size(), 2u);
    sel.remove(b.first);
    EXPECT_EQ(sel.size(), 1u);
    int left = 0;
    for (const selector_event& e : events) {
        if (e.sock == nullptr) {
            EXPECT_FALSE(e.readable || e.writable || e.error || e.hang_up);
            continue;
        }
        EXPECT_EQ(e.sock, &a.first);
        ++left;
    }
    EXPECT_EQ(left, 1) << "the removed socket's event leads nowhere";
    const auto after = select_once(sel);
    ASSERT_EQ(after.size(), 1u);
    EXPECT_EQ(after[0].sock, &a.first);
    // Its slot is used again by the next socket.
    sel.add(b.first, wait_for::writable);
    EXPECT_EQ(select_once(sel).size(), 2u);
}

TEST(selector, timeout_zero_polls_and_a_positive_one_returns_empty_when_it_passes) {
    selector sel;
    unisock::socket_pair p = make_pair();
    sel.add(p.first, wait_for::readable);
    std::error_code ec;
    auto start = clock_type::now();
    EXPECT_TRUE(sel.select(0s, ec).empty());
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_LT(clock_type::now() - start, 1s);

    start = clock_type::now();
    EXPECT_TRUE(sel.select(100ms, ec).empty());
    EXPECT_FALSE(ec) << "a timeout is an empty result, as in Python: " << ec.message();
    EXPECT_GE(clock_type::now() - start, 100ms);

    // A sub-millisecond timeout waits (never rounded to 0, never an error).
    EXPECT_TRUE(sel.select(1ns, ec).empty());
    EXPECT_FALSE(ec) << ec.message();
}

TEST(selector, no_timeout_and_the_largest_timeout_wait_until_ready) {
    selector sel;
    unisock::socket_pair p = make_pair();
    sel.add(p.first, wait_for::readable);
    for (const std::optional<unisock::timeout_duration> timeout :
         {std::optional<unisock::timeout_duration>{}, std::optional(unisock::timeout_duration::max())}) {
        std::thread writer([&] {
            std::this_thread::sleep_for(50ms);
            p.second.sendall("x");
        });
        std::error_code ec;
        const auto events = sel.select(timeout, ec);
        writer.join();
        EXPECT_FALSE(ec) << "timeout_duration::max() must not overflow: " << ec.message();
        ASSERT_EQ(events.size(), 1u);
        EXPECT_TRUE(events[0].readable);
        EXPECT_EQ(p.first.recv(16), "x");
    }
}

TEST(selector, wake_from_another_thread_returns_an_empty_result) {
    selector sel;
    unisock::socket_pair p = make_pair();
    sel.add(p.first, wait_for::readable);
    std::thread waker([&] {
        std::this_thread::sleep_for(50ms);
        sel.wake();
    });
    const auto start = clock_type::now();
    std::error_code ec;
    EXPECT_TRUE(sel.select(patience, ec).empty());
    waker.join();
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_LT(clock_type::now() - start, patience / 2);
}

TEST(selector, wakes_before_a_select_wake_it_once) {
    selector sel;
    sel.wake();
    sel.wake();
    sel.wake();
    auto start = clock_type::now();
    EXPECT_TRUE(select_once(sel).empty());
    EXPECT_LT(clock_type::now() - start, patience / 2) << "returned at once";
    start = clock_type::now();
    EXPECT_TRUE(select_once(sel, 100ms).empty());
    EXPECT_GE(clock_type::now() - start, 100ms) << "the wake-ups were drained";
}

std::atomic<selector*> signal_target{nullptr};
extern "C" void wake_on_signal(int) {
    if (selector* s = signal_target.load()) s->wake();
}

TEST(selector, wake_from_a_signal_handler) {
    selector sel;
    signal_target = &sel;
    const auto previous = std::signal(SIGINT, wake_on_signal);
    ASSERT_NE(previous, SIG_ERR);
    // std::raise runs the handler on the raising thread, while this one waits.
    std::thread raiser([] {
        std::this_thread::sleep_for(50ms);
        std::raise(SIGINT);
    });
    const auto start = clock_type::now();
    std::error_code ec;
    EXPECT_TRUE(sel.select(patience, ec).empty());
    raiser.join();
    std::signal(SIGINT, previous);
    signal_target = nullptr;
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_LT(clock_type::now() - start, patience / 2);
}

TEST(selector, stop_token_cancels_before_and_during_the_wait) {
    selector sel;
    unisock::socket_pair p = make_pair();
    sel.add(p.first, wait_for::writable);
    std::stop_source stopped;
    stopped.request_stop();
    std::error_code ec;
    EXPECT_TRUE(sel.select(patience, stopped.get_token(), ec).empty());
    EXPECT_EQ(ec, errc::operation_canceled) << "even with a socket ready";
    EXPECT_THROW((void)sel.select(patience, stopped.get_token()), unisock::socket_error);

    sel.modify(p.first, wait_for::readable);
    std::stop_source stop;
    std::thread stopper([&] {
        std::this_thread::sleep_for(50ms);
        stop.request_stop();
    });
    const auto start = clock_type::now();
    EXPECT_TRUE(sel.select(patience, stop.get_token(), ec).empty());
    stopper.join();
    EXPECT_EQ(ec, errc::operation_canceled) << ec.message();
    EXPECT_LT(clock_type::now() - start, patience / 2);

    std::stop_source unused;
    p.second.sendall("x");
    const auto events = sel.select(patience, unused.get_token(), ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(events.size(), 1u) << "a token that is not stopped changes nothing";
}

// The events stay valid until the next select(), whatever add() does meanwhile: a loop
// over them adds each connection it accepts (examples/selector_echo_server), and 64 more
// registrations grow every buffer the selector has. ASan reports a moved one.
TEST(selector, adding_sockets_while_going_through_the_events_leaves_them_in_place) {
    selector sel;
    unisock::socket_pair p = make_pair();
    int marker = 0;
    sel.add(p.first, wait_for::writable, &marker);
    const auto events = sel.select(patience);
    ASSERT_EQ(events.size(), 1u);
    std::vector<unisock::socket_pair> more;
    more.reserve(64); // a registered socket must not move
    for (int i = 0; i < 64; ++i) {
        more.push_back(make_pair());
        sel.add(more.back().first, wait_for::readable);
    }
    EXPECT_EQ(events[0].sock, &p.first);
    EXPECT_EQ(events[0].data, &marker);
    EXPECT_TRUE(events[0].writable);
    more.front().second.sendall("x");
    EXPECT_EQ(select_once(sel, patience).size(), 2u) << "p writable, the first of the others readable";
}

TEST(selector, closed_sockets) {
    selector sel;
    unisock::socket_pair p = make_pair();
    socket closed;
    std::error_code ec;
    sel.add(closed, wait_for::readable, nullptr, ec);
    EXPECT_EQ(ec, errc::bad_descriptor) << ec.message();
    EXPECT_THROW(sel.add(closed, wait_for::readable), unisock::socket_error);

    // Closed while registered: no OS reports it any more, and it stays until remove().
    unisock::socket_pair q = make_pair();
    sel.add(p.first, wait_for::writable);
    sel.add(q.first, wait_for::writable);
    p.first.close();
    const auto events = select_once(sel, 100ms);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].sock, &q.first);
    sel.modify(p.first, wait_for::readable, nullptr, ec);
    EXPECT_EQ(ec, errc::bad_descriptor) << ec.message();
    sel.remove(p.first, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(sel.size(), 1u);
}

TEST(selector, many_sockets_with_a_few_ready) {
    selector sel;
    std::vector<unisock::socket_pair> pairs;
    pairs.reserve(1000);
    // A small descriptor limit (macOS: 256 by default) ends the set early.
    for (int i = 0; i < 1000; ++i) {
        std::error_code ec;
        unisock::socket_pair p = unisock::socketpair(unisock::address_family::unspecified,
                                                     unisock::socket_type::stream, ec);
        if (ec == errc::too_many_open_files) break;
        ASSERT_FALSE(ec) << ec.message();
        pairs.push_back(std::move(p));
    }
    ASSERT_GT(pairs.size(), 64u) << "more than FD_SETSIZE on Windows";
    for (std::size_t i = 0; i < pairs.size(); ++i)
        sel.add(pairs[i].first, wait_for::readable, reinterpret_cast<void*>(i + 1));
    EXPECT_TRUE(select_once(sel, 0s).empty());
    const std::size_t ready[] = {0, pairs.size() / 2, pairs.size() - 1};
    for (const std::size_t i : ready) pairs[i].second.sendall("x");
    std::vector<std::size_t> seen;
    const auto deadline = clock_type::now() + patience;
    while (seen.size() < 3 && clock_type::now() < deadline) {
        for (const selector_event& e : sel.select(patience)) {
            const auto i = reinterpret_cast<std::size_t>(e.data) - 1;
            EXPECT_EQ(e.sock, &pairs[i].first);
            EXPECT_TRUE(e.readable);
            (void)pairs[i].first.recv(16);
            seen.push_back(i);
        }
    }
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, std::vector<std::size_t>(std::begin(ready), std::end(ready)));
    for (unisock::socket_pair& p : pairs) sel.remove(p.first);
    EXPECT_EQ(sel.size(), 0u);
}

TEST(selector, bad_input_is_a_clear_error_and_never_throws_in_the_error_code_form) {
    selector sel;
    unisock::socket_pair p = make_pair();
    std::error_code ec;
    sel.add(p.first, static_cast<wait_for>(7), nullptr, ec);
    EXPECT_EQ(ec, errc::invalid_argument) << ec.message();
    EXPECT_EQ(sel.size(), 0u);
    sel.add(p.first, wait_for::readable, nullptr, ec);
    ASSERT_FALSE(ec) << ec.message();
    sel.add(p.first, wait_for::writable, nullptr, ec);
    EXPECT_EQ(ec, errc::invalid_argument) << "registered already: " << ec.message();
    sel.modify(p.first, static_cast<wait_for>(-1), nullptr, ec);
    EXPECT_EQ(ec, errc::invalid_argument) << ec.message();
    sel.modify(p.second, wait_for::readable, nullptr, ec);
    EXPECT_EQ(ec, errc::invalid_argument) << "not registered: " << ec.message();
    sel.remove(p.second, ec);
    EXPECT_EQ(ec, errc::invalid_argument) << "not registered: " << ec.message();
    (void)sel.select(-1ms, ec);
    EXPECT_EQ(ec, errc::invalid_argument) << ec.message();
    try {
        sel.add(p.first, wait_for::readable);
        FAIL() << "a second add did not throw";
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), errc::invalid_argument);
        EXPECT_NE(std::string(e.what()).find("registered already"), std::string::npos) << e.what();
    }

    // A moved-from selector answers bad_descriptor to everything, and wake() is harmless.
    selector moved = std::move(sel);
    EXPECT_EQ(moved.size(), 1u);
    sel.wake();
    (void)sel.select(0s, ec);
    EXPECT_EQ(ec, errc::bad_descriptor) << ec.message();
    sel.add(p.second, wait_for::readable, nullptr, ec);
    EXPECT_EQ(ec, errc::bad_descriptor) << ec.message();
    sel.remove(p.first, ec);
    EXPECT_EQ(ec, errc::bad_descriptor) << ec.message();
    EXPECT_EQ(sel.size(), 0u);
    EXPECT_TRUE(select_once(moved, 0s).empty()) << "still registered, nothing to read";
}

// Under ThreadSanitizer: wake() from other threads while the loop selects, adds and
// removes.
TEST(selector, wake_races_with_the_loop) {
    selector sel;
    unisock::socket_pair p = make_pair();
    std::atomic<bool> done{false};
    std::vector<std::thread> wakers;
    for (int i = 0; i < 2; ++i) {
        wakers.emplace_back([&] {
            while (!done.load()) {
                sel.wake();
                std::this_thread::yield();
            }
        });
    }
    for (int round = 0; round < 500; ++round) {
        sel.add(p.first, wait_for::readable);
        std::error_code ec;
        (void)sel.select(10ms, ec);
        EXPECT_FALSE(ec) << ec.message();
        sel.remove(p.first);
    }
    done = true;
    for (std::thread& t : wakers) t.join();
}

} // namespace
