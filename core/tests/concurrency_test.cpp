// SPDX-License-Identifier: BSL-1.0
// What may run at once on one socket (socket.hpp, "Thread safety"): close(), cancel()
// and blocked calls on different threads. These are stress tests for ThreadSanitizer
// and AddressSanitizer as much as for the assertions: a use of freed state, a write to
// a closed wake-up handle (SIGPIPE under the default disposition kills the process) or
// a call on a reused handle number shows up there.

#include "unisock/connection.hpp"
#include "unisock/socket.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using unisock::errc;

constexpr auto backstop_timeout = 20s; // ends a call that nothing woke: the test fails, not hangs

bool is_woken(const std::error_code& ec) {
    return ec == errc::operation_canceled || ec == errc::bad_descriptor;
}

TEST(concurrency, close_racing_cancel_and_a_blocked_recv) {
    constexpr int rounds = 300;
    for (int round = 0; round < rounds; ++round) {
        unisock::socket_pair pair = unisock::socketpair();
        pair.first.set_timeout(backstop_timeout);
        std::error_code reader_ec;
        std::atomic<bool> stop_cancelling{false};
        std::thread reader([&] { (void)pair.first.recv(64, reader_ec); });
        std::thread canceller([&] {
            while (!stop_cancelling.load()) pair.first.cancel();
        });
        // Vary where close() lands: before, during and after the reader starts waiting.
        std::this_thread::sleep_for(std::chrono::microseconds(round % 7 * 50));
        pair.first.close();
        reader.join();
        stop_cancelling = true;
        canceller.join();
        ASSERT_TRUE(is_woken(reader_ec)) << "round " << round << ": " << reader_ec.message();
        EXPECT_FALSE(pair.first.is_open());
    }
}

TEST(concurrency, close_racing_a_reader_and_a_writer) {
    constexpr int rounds = 200;
    for (int round = 0; round < rounds; ++round) {
        unisock::socket_pair pair = unisock::socketpair();
        pair.first.set_timeout(backstop_timeout);
        pair.second.set_timeout(backstop_timeout);
        std::error_code reader_ec;
        std::error_code writer_ec;
        // The writer fills the socket buffer until it has to wait; the peer never reads.
        const std::string chunk(64 * 1024, 'x');
        std::thread reader([&] { (void)pair.first.recv(64, reader_ec); });
        std::thread writer([&] {
            while (!writer_ec) (void)pair.first.send(chunk, writer_ec);
        });
        std::this_thread::sleep_for(std::chrono::microseconds(round % 5 * 100));
        pair.first.close();
        reader.join();
        writer.join();
        ASSERT_TRUE(is_woken(reader_ec)) << "round " << round << ": " << reader_ec.message();
        ASSERT_TRUE(is_woken(writer_ec)) << "round " << round << ": " << writer_ec.message();
    }
}

TEST(concurrency, many_cancellers_and_clear_cancel_leave_the_socket_usable) {
    unisock::socket_pair pair = unisock::socketpair();
    pair.first.set_timeout(backstop_timeout);
    for (int round = 0; round < 100; ++round) {
        std::error_code ec;
        std::thread reader([&] { (void)pair.first.recv(64, ec); });
        std::vector<std::thread> cancellers;
        for (int i = 0; i < 3; ++i) cancellers.emplace_back([&] { pair.first.cancel(); });
        for (std::thread& t : cancellers) t.join();
        reader.join();
        ASSERT_EQ(ec, errc::operation_canceled) << ec.message();
        pair.first.clear_cancel();
        // A stale wake-up left by the cancellers must not end the next wait.
        pair.second.sendall("y");
        std::error_code after;
        EXPECT_EQ(pair.first.recv(64, after), "y");
        ASSERT_FALSE(after) << after.message();
    }
}

unisock::socket* signalled_socket = nullptr;

extern "C" void cancel_on_signal(int) { signalled_socket->cancel(); }

// cancel() is lock-free and async-signal-safe: a signal handler may stop a server.
TEST(concurrency, cancel_from_a_signal_handler_wakes_a_blocked_recv) {
    unisock::socket_pair pair = unisock::socketpair();
    pair.first.set_timeout(backstop_timeout);
    signalled_socket = &pair.first;
    const auto previous = std::signal(SIGTERM, cancel_on_signal);
    ASSERT_NE(previous, SIG_ERR);
    std::error_code ec;
    std::thread reader([&] { (void)pair.first.recv(64, ec); });
    std::this_thread::sleep_for(50ms);
    std::raise(SIGTERM);
    reader.join();
    std::signal(SIGTERM, previous);
    signalled_socket = nullptr;
    EXPECT_EQ(ec, errc::operation_canceled) << ec.message();
}

static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "cancel() is a lock-free atomic");

} // namespace
