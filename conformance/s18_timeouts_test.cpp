// SPDX-License-Identifier: BSL-1.0
// S18 timeouts (seeds 000, 004: settimeout, gettimeout, setblocking).
//
// "s.settimeout(timeout): a float in seconds, None means never time out; set it right
// after creating the socket, since connect may use it. s.gettimeout() returns it, None
// if unset. s.setblocking(0) makes recv/send raise when they cannot proceed at once."
// Python's semantics hold on every blocking call: none blocks, zero is non-blocking
// (would_block), a positive timeout fails with timed_out after at least that long, a
// sub-millisecond timeout is honoured (never rounded to zero, which Windows' own
// SO_RCVTIMEO reads as "forever"), and the socket stays usable after a timeout.
#include <condition_variable>
#include <mutex>
#include <thread>

#include "native/timeout_probe.hpp"
#include "support/loopback.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::socket_type;
using clock_type = std::chrono::steady_clock;

constexpr auto short_timeout = 200ms;
constexpr auto sub_millisecond = std::chrono::microseconds(100);

// Runs call, which must fail with timed_out, and checks it took at least timeout.
template <class Call>
void expect_times_out(std::chrono::nanoseconds timeout, Call call) {
    const auto start = clock_type::now();
    std::error_code ec;
    call(ec);
    const auto waited = clock_type::now() - start;
    EXPECT_EQ(ec, unisock::errc::timed_out) << ec.message();
    EXPECT_GE(waited, timeout);
    EXPECT_LT(waited, patience);
}

unisock::socket bound_udp_socket() {
    unisock::socket sock(address_family::ipv4, socket_type::datagram);
    sock.bind(unisock::address::v4_loopback(0));
    return sock;
}

// A peer that never reads, and buffers small enough to fill quickly.
constexpr int small_buffer = 32 * 1024;
constexpr std::size_t more_than_buffers = 8 * 1024 * 1024;

class S18_Timeouts : public scenario {};

TEST_F(S18_Timeouts, GettimeoutReturnsWhatSettimeoutAndSetblockingSet) {
    unisock::socket sock(address_family::ipv4, socket_type::stream);
    EXPECT_EQ(sock.timeout(), std::nullopt) << "a new socket blocks";
    sock.set_timeout(1500ms);
    EXPECT_EQ(sock.timeout(), std::chrono::nanoseconds(1500ms));
    sock.set_timeout(sub_millisecond);
    EXPECT_EQ(sock.timeout(), std::chrono::nanoseconds(sub_millisecond)) << "kept exactly, not rounded";
    sock.set_timeout(0s);
    EXPECT_EQ(sock.timeout(), std::chrono::nanoseconds(0));
    sock.set_timeout(std::nullopt);
    EXPECT_EQ(sock.timeout(), std::nullopt);

    sock.set_blocking(false);
    EXPECT_EQ(sock.timeout(), std::chrono::nanoseconds(0)) << "setblocking(False) is settimeout(0)";
    sock.set_blocking(true);
    EXPECT_EQ(sock.timeout(), std::nullopt) << "setblocking(True) is settimeout(None)";

    std::error_code ec;
    sock.set_timeout(-1ms, ec);
    EXPECT_EQ(ec, unisock::errc::invalid_argument);
    EXPECT_THROW(sock.set_timeout(-1ms), unisock::socket_error);
    EXPECT_EQ(sock.timeout(), std::nullopt) << "a rejected timeout changes nothing";
}

TEST_F(S18_Timeouts, RecvTimesOutAndTheSocketStaysUsable) {
    tcp_pair pair = connect_tcp_pair();
    pair.client.set_timeout(short_timeout);
    expect_times_out(short_timeout, [&](std::error_code& ec) { (void)pair.client.recv(16, ec); });
    EXPECT_THROW((void)pair.client.recv(16), unisock::timeout_error);

    pair.server.sendall("still here");
    EXPECT_EQ(pair.client.recv(16), "still here");
}

TEST_F(S18_Timeouts, RecvFromTimesOutAndTheSocketStaysUsable) {
    unisock::socket receiver = bound_udp_socket();
    receiver.set_timeout(short_timeout);
    expect_times_out(short_timeout, [&](std::error_code& ec) { (void)receiver.recv_from(64, ec); });
    EXPECT_THROW((void)receiver.recv_from(64), unisock::timeout_error);

    unisock::socket sender = bound_udp_socket();
    sender.send_to("datagram", receiver.local_address());
    receiver.set_timeout(patience);
    const unisock::datagram got = receiver.recv_from(64);
    EXPECT_EQ(got.data, "datagram");
    EXPECT_EQ(got.sender, sender.local_address());
}

TEST_F(S18_Timeouts, AcceptTimesOutAndTheListenerStaysUsable) {
    unisock::socket listener(address_family::ipv4, socket_type::stream);
    listener.bind(unisock::address::v4_loopback(0));
    listener.listen(5);
    listener.set_timeout(short_timeout);
    expect_times_out(short_timeout, [&](std::error_code& ec) { (void)listener.accept(ec); });

    unisock::socket client(address_family::ipv4, socket_type::stream);
    client.set_timeout(patience);
    client.connect(listener.local_address());
    listener.set_timeout(patience);
    EXPECT_NO_THROW((void)listener.accept());
}

// A connect times out only if the server does not answer. Locally that is a listener
// whose accept queue is full on an OS that drops the SYN (Linux, macOS).
TEST_F(S18_Timeouts, ConnectTimesOutWhenTheServerDoesNotAnswer) {
    full_backlog queue = fill_backlog(1, short_timeout, 16);
    if (!queue.overflow)
        CONFORMANCE_SKIP("the accept queue never filled within 16 connects, so no connect can be left unanswered");
    if (queue.overflow != unisock::errc::timed_out)
        CONFORMANCE_SKIP("this OS answers a full accept queue with " + queue.overflow.message() +
                         " at once, so a connect timeout cannot be provoked on loopback");
    EXPECT_GE(queue.overflow_after, short_timeout);

    unisock::socket client(address_family::ipv4, socket_type::stream);
    client.set_timeout(short_timeout);
    expect_times_out(short_timeout,
                     [&](std::error_code& ec) { client.connect(queue.listener.local_address(), ec); });
    unisock::socket other(address_family::ipv4, socket_type::stream);
    other.set_timeout(short_timeout);
    EXPECT_THROW(other.connect(queue.listener.local_address()), unisock::timeout_error);
}

TEST_F(S18_Timeouts, SendAndSendallTimeOutWhenThePeerDoesNotRead) {
    tcp_pair pair = connect_tcp_pair(small_buffer);
    pair.client.set_timeout(short_timeout);
    const std::string chunk = pattern(64 * 1024);

    // send: each call sends what fits; once nothing fits it waits, then times out.
    std::size_t sent = 0;
    std::error_code ec;
    while (!ec && sent < more_than_buffers) sent += pair.client.send(chunk, ec);
    EXPECT_EQ(ec, unisock::errc::timed_out) << ec.message() << " after " << sent << " bytes";

    expect_times_out(short_timeout, [&](std::error_code& e) { (void)pair.client.sendall(chunk, e); });

    // Usable afterwards: once the peer reads, sending works again.
    pair.server.set_timeout(short_timeout);
    std::string sink(256 * 1024, '\0');
    std::error_code drained;
    while (!drained) (void)pair.server.recv_into(sink, drained);
    EXPECT_EQ(drained, unisock::errc::timed_out) << "the peer read until nothing was left";
    pair.client.set_timeout(patience);
    EXPECT_EQ(pair.client.send("more"), 4u);
}

TEST_F(S18_Timeouts, ZeroTimeoutIsNonBlocking) {
    tcp_pair pair = connect_tcp_pair();
    pair.client.set_timeout(0s);
    std::error_code ec;
    (void)pair.client.recv(16, ec);
    EXPECT_EQ(ec, unisock::errc::would_block) << ec.message();

    unisock::socket listener(address_family::ipv4, socket_type::stream);
    listener.bind(unisock::address::v4_loopback(0));
    listener.listen(5);
    listener.set_timeout(0s);
    (void)listener.accept(ec);
    EXPECT_EQ(ec, unisock::errc::would_block) << ec.message();

    unisock::socket receiver = bound_udp_socket();
    receiver.set_blocking(false);
    (void)receiver.recv_from(16, ec);
    EXPECT_EQ(ec, unisock::errc::would_block) << ec.message();
}

// None blocks until the data comes, however long that takes; a watchdog turns a hang
// into a failure (it cancels the socket only if recv has not returned by then).
TEST_F(S18_Timeouts, NoTimeoutBlocksUntilDataArrives) {
    tcp_pair pair = connect_tcp_pair();
    pair.client.set_timeout(std::nullopt);

    std::mutex mutex;
    std::condition_variable done_signal;
    bool done = false;
    // Taken before the peer starts its sleep, so the wait cannot look shorter than it was.
    const auto start = clock_type::now();
    std::thread peer([&] {
        std::this_thread::sleep_for(300ms); // longer than any timeout this test could mistake
        pair.server.sendall("late data");
        std::unique_lock lock(mutex);
        if (!done_signal.wait_for(lock, patience, [&] { return done; })) pair.client.cancel();
    });
    std::error_code ec;
    const std::string got = pair.client.recv(16, ec);
    const auto waited = clock_type::now() - start;
    {
        std::lock_guard lock(mutex);
        done = true;
    }
    done_signal.notify_one();
    peer.join();
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(got, "late data");
    EXPECT_GE(waited, 300ms);
}

// 100 us is a real timeout: timed_out (not would_block, not a hang), on every call.
TEST_F(S18_Timeouts, SubMillisecondTimeoutTimesOut) {
    record_native(conformance::native::raw_receive_timeout_100us());

    tcp_pair pair = connect_tcp_pair();
    pair.client.set_timeout(sub_millisecond);
    expect_times_out(sub_millisecond, [&](std::error_code& ec) { (void)pair.client.recv(16, ec); });

    unisock::socket listener(address_family::ipv4, socket_type::stream);
    listener.bind(unisock::address::v4_loopback(0));
    listener.listen(5);
    listener.set_timeout(sub_millisecond);
    expect_times_out(sub_millisecond, [&](std::error_code& ec) { (void)listener.accept(ec); });

    unisock::socket receiver = bound_udp_socket();
    receiver.set_timeout(sub_millisecond);
    expect_times_out(sub_millisecond, [&](std::error_code& ec) { (void)receiver.recv_from(16, ec); });

    pair.server.sendall("after");
    pair.client.set_timeout(patience);
    EXPECT_EQ(pair.client.recv(16), "after") << "still usable";
}

} // namespace
