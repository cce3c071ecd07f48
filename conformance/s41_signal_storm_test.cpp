// SPDX-License-Identifier: BSL-1.0
// S41 fault: signal storm.
//
// A POSIX signal whose handler was installed without SA_RESTART interrupts whatever
// blocking system call the thread is in: poll, accept, send and recv fail with EINTR.
// Programs get signals all the time (SIGCHLD, SIGWINCH, timers, profilers), so a socket
// call must not pass EINTR on as an error, nor start its timeout over after each one (a
// signal every second would then make a 2 s timeout never end): it retries with the time
// that is left. Here a thread sends the waiting thread SIGUSR1 every ~100 microseconds,
// thousands of times during one call; recv, accept and sendall still end with timed_out
// after their timeout, not earlier and not much later, and data that arrives during the
// storm is received. Windows has no POSIX signals: skipped there, with the reason.
#include "native/signals.hpp"
#include "support/loopback.hpp"

namespace {

using namespace conformance;
using unisock::errc;

class S41_SignalStorm : public scenario {};

// A loaded 2-core machine (or a sanitizer) may be slow to run the thread again after the
// deadline; a timeout restarted by each signal would overrun by far more, or never end.
constexpr auto overrun_allowed = 4s;
// Fewer signals than this during a call would not be a storm: the test proves nothing.
constexpr long least_signals_handled = 100;


// What a call under a storm gave: its error, how long it took, and how many signals were
// sent and handled meanwhile.
struct stormed_call {
    std::error_code ec;
    std::chrono::steady_clock::duration elapsed{};
    long sent = 0;
    long handled = 0;
};

// Runs call on this thread while the storm is aimed at it.
template <class Call>
stormed_call under_storm(Call call) {
    native::signal_storm storm;
    stormed_call result;
    storm.start();
    const auto start = std::chrono::steady_clock::now();
    call(result.ec);
    result.elapsed = std::chrono::steady_clock::now() - start;
    result.sent = storm.stop();
    result.handled = storm.handled();
    return result;
}

void expect_on_time(const stormed_call& r, std::chrono::milliseconds timeout, const std::string& what) {
    record_note(what + " with a " + milliseconds_text(timeout) + " timeout under " + std::to_string(r.handled) +
                " signals (" + std::to_string(r.sent) + " sent): " + r.ec.message() + " after " +
                milliseconds_text(r.elapsed));
    EXPECT_EQ(r.ec, errc::timed_out) << what << ": " << r.ec.message();
    EXPECT_NE(r.ec, errc::interrupted) << "EINTR leaked out of " << what;
    EXPECT_GE(r.elapsed, timeout) << what << " returned before its timeout";
    EXPECT_LT(r.elapsed, timeout + overrun_allowed) << what << " overran its timeout";
    EXPECT_GE(r.handled, least_signals_handled) << "too few signals arrived during " << what;
}

TEST_F(S41_SignalStorm, RecvKeepsItsTwoSecondDeadline) {
    if (const auto unsupported = native::signal_storm::unsupported()) CONFORMANCE_SKIP(*unsupported);
    tcp_pair pair = connect_tcp_pair();
    pair.client.set_timeout(2s);
    const stormed_call r = under_storm([&](std::error_code& ec) { (void)pair.client.recv(16, ec); });
    expect_on_time(r, 2000ms, "recv");
}

TEST_F(S41_SignalStorm, DataArrivingDuringTheStormIsReceived) {
    if (const auto unsupported = native::signal_storm::unsupported()) CONFORMANCE_SKIP(*unsupported);
    tcp_pair pair = connect_tcp_pair();
    std::string got;
    const peer_thread late_sender([&] {
        std::this_thread::sleep_for(300ms);
        pair.server.sendall("after the storm began");
    });
    const stormed_call r = under_storm([&](std::error_code&) { got = recv_exactly(pair.client, 21); });
    record_note("recv under " + std::to_string(r.handled) + " signals got \"" + got + "\" after " + milliseconds_text(r.elapsed));
    EXPECT_EQ(got, "after the storm began");
    EXPECT_LT(r.elapsed, patience);
}

TEST_F(S41_SignalStorm, AcceptKeepsItsDeadline) {
    if (const auto unsupported = native::signal_storm::unsupported()) CONFORMANCE_SKIP(*unsupported);
    unisock::socket listener = unisock::create_server(unisock::address::v4_loopback(0));
    listener.set_timeout(1s);
    const stormed_call r = under_storm([&](std::error_code& ec) { (void)listener.accept(ec); });
    expect_on_time(r, 1000ms, "accept");
}

TEST_F(S41_SignalStorm, SendallToAPeerThatDoesNotReadKeepsItsDeadline) {
    if (const auto unsupported = native::signal_storm::unsupported()) CONFORMANCE_SKIP(*unsupported);
    tcp_pair pair = connect_tcp_pair(64 * 1024);
    pair.client.set_timeout(1s);
    const std::string data(std::size_t{16} << 20, 'x'); // far more than the buffers hold
    std::size_t sent = 0;
    const stormed_call r = under_storm([&](std::error_code& ec) { sent = pair.client.sendall(data, ec); });
    expect_on_time(r, 1000ms, "sendall");
    EXPECT_GT(sent, 0u);
    EXPECT_LT(sent, data.size());
}

} // namespace
