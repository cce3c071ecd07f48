// SPDX-License-Identifier: BSL-1.0
// S15 blocking accept (seed 003, "接受连接").
//
// "accept() only returns once a client has connected; meanwhile the program stops and
// uses no CPU." The tutorial's server loops on a blocking accept. Here: accept waits
// for a client that arrives later from another thread, a timeout bounds the wait
// (timed_out, and the listener still works afterwards), a server stop (cancel() from
// another thread) releases it with operation_canceled, and the wait costs no CPU.
#include <thread>

#include "native/cpu_time.hpp"
#include "support/conformance.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::socket_type;
using clock_type = std::chrono::steady_clock;

unisock::socket loopback_listener() {
    unisock::socket listener(address_family::ipv4, socket_type::stream);
    listener.bind(unisock::address::v4_loopback(0));
    listener.listen(5);
    return listener;
}

class S15_BlockingAccept : public scenario {};

TEST_F(S15_BlockingAccept, AcceptWaitsForAClientThatArrivesLater) {
    unisock::socket listener = loopback_listener();
    ASSERT_FALSE(listener.timeout().has_value()) << "a new socket blocks (Python's default)";
    const unisock::address server = listener.local_address();

    std::atomic<clock_type::rep> client_started{0};
    std::thread client_thread([&] {
        std::this_thread::sleep_for(100ms); // arrive once the server is waiting
        client_started = clock_type::now().time_since_epoch().count();
        unisock::socket client(address_family::ipv4, socket_type::stream);
        client.set_timeout(patience);
        std::error_code ec;
        client.connect(server, ec);
        if (!ec) client.sendall("hello", ec);
        if (ec) listener.cancel(); // never leave the server blocked
    });

    std::error_code ec;
    auto [connection, peer] = listener.accept(ec);
    const auto accepted_at = clock_type::now().time_since_epoch().count();
    client_thread.join();
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_GE(accepted_at, client_started.load()) << "accept returned before the client started";
    connection.set_timeout(patience);
    EXPECT_EQ(connection.recv(16), "hello");
    EXPECT_EQ(connection.recv(16), "") << "the client has closed";
}

TEST_F(S15_BlockingAccept, AcceptHonoursTheTimeout) {
    unisock::socket listener = loopback_listener();
    constexpr auto timeout = 200ms;
    listener.set_timeout(timeout);

    const auto start = clock_type::now();
    std::error_code ec;
    (void)listener.accept(ec);
    const auto waited = clock_type::now() - start;
    EXPECT_EQ(ec, unisock::errc::timed_out) << ec.message();
    EXPECT_GE(waited, timeout);
    EXPECT_LT(waited, patience);

    EXPECT_THROW((void)listener.accept(), unisock::timeout_error);

    // The listener still works after a timeout.
    unisock::socket client(address_family::ipv4, socket_type::stream);
    client.set_timeout(patience);
    client.connect(listener.local_address());
    listener.set_timeout(patience);
    auto [connection, peer] = listener.accept();
    EXPECT_EQ(peer, client.local_address());
}

TEST_F(S15_BlockingAccept, ServerStopReleasesABlockedAccept) {
    unisock::socket listener = loopback_listener();
    listener.set_timeout(patience); // a hang would show as timed_out, not block the run

    std::error_code ec;
    std::thread server([&] { (void)listener.accept(ec); });
    std::this_thread::sleep_for(100ms); // let accept block; cancel is sticky either way
    const auto stopped_at = clock_type::now();
    listener.cancel();
    server.join();
    EXPECT_EQ(ec, unisock::errc::operation_canceled) << ec.message();
    EXPECT_LT(clock_type::now() - stopped_at, patience);
    EXPECT_NE(ec, unisock::errc::timed_out);
}

// The wait is a kernel wait, not a spin: the process uses a small fraction of the wall
// time while accept blocks (measured with the OS's process CPU clock).
TEST_F(S15_BlockingAccept, BlockedAcceptUsesNoCpu) {
    unisock::socket listener = loopback_listener();
    constexpr auto blocked_for = 300ms;
    listener.set_timeout(blocked_for);

    const auto cpu_before = conformance::native::process_cpu_time();
    if (!cpu_before) CONFORMANCE_SKIP("this OS does not report process CPU time");
    const auto start = clock_type::now();
    std::error_code ec;
    (void)listener.accept(ec);
    const auto wall = std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - start);
    const auto cpu = *conformance::native::process_cpu_time() - *cpu_before;

    EXPECT_EQ(ec, unisock::errc::timed_out);
    record_note("blocked accept: " + std::to_string(cpu.count()) + " us CPU in " +
                std::to_string(wall.count()) + " us wall");
    EXPECT_LT(cpu * 2, wall) << "accept used more than half the wall time in CPU";
}

} // namespace
