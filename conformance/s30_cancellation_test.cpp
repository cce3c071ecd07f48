// SPDX-License-Identifier: BSL-1.0
// S30 cancellation.
//
// A server stops; a client gives up: the thread blocked in accept, recv, recv_from,
// connect or send must wake now, and know it was told to stop (operation_canceled)
// rather than that the peer went away (connection_reset). OSes wake blocked calls
// differently (shutdown() wakes recv on Linux, not everywhere; closesocket from
// another thread is a race), so unisock waits on the socket together with a wake-up
// handle that cancel() signals, the same way on every OS.
#include <stop_token>
#include <thread>

#include "native/handles.hpp"
#include "native/shutdown_probe.hpp"
#include "support/loopback.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::socket_type;

// Starts call on another thread (each socket has the patience timeout as a backstop, so
// a missed wake-up fails as timed_out instead of hanging), cancels sock from this one
// and returns the call's error.
template <class Call>
std::error_code canceled_from_another_thread(unisock::socket& sock, Call call) {
    std::error_code ec;
    std::thread blocked([&] { call(ec); });
    std::this_thread::sleep_for(100ms); // let the call block; cancel is sticky either way
    sock.cancel();
    blocked.join();
    return ec;
}

unisock::socket listening_socket() {
    unisock::socket listener(address_family::ipv4, socket_type::stream);
    listener.bind(unisock::address::v4_loopback(0));
    listener.listen(5);
    listener.set_timeout(patience);
    return listener;
}

class S30_Cancellation : public scenario {};

TEST_F(S30_Cancellation, CancelWakesABlockedAccept) {
    unisock::socket listener = listening_socket();
    const std::error_code ec =
        canceled_from_another_thread(listener, [&](std::error_code& e) { (void)listener.accept(e); });
    EXPECT_EQ(ec, unisock::errc::operation_canceled) << ec.message();
    EXPECT_TRUE(listener.is_canceled());
}

TEST_F(S30_Cancellation, CancelWakesABlockedRecv) {
    record_native(conformance::native::raw_shutdown_read_wakes_recv());
    tcp_pair pair = connect_tcp_pair();
    const std::error_code ec =
        canceled_from_another_thread(pair.client, [&](std::error_code& e) { (void)pair.client.recv(16, e); });
    EXPECT_EQ(ec, unisock::errc::operation_canceled) << ec.message();
    EXPECT_NE(ec, unisock::errc::connection_reset);
}

TEST_F(S30_Cancellation, CancelWakesABlockedRecvFrom) {
    unisock::socket receiver(address_family::ipv4, socket_type::datagram);
    receiver.bind(unisock::address::v4_loopback(0));
    receiver.set_timeout(patience);
    const std::error_code ec =
        canceled_from_another_thread(receiver, [&](std::error_code& e) { (void)receiver.recv_from(64, e); });
    EXPECT_EQ(ec, unisock::errc::operation_canceled) << ec.message();
}

// A connect blocks only while the server does not answer: a full accept queue on an
// OS that drops the SYN (on Windows a refused loopback connect is retried for about
// 2 s, which blocks too).
TEST_F(S30_Cancellation, CancelWakesABlockedConnect) {
    full_backlog queue = fill_backlog(1, 200ms, 16);
    if (queue.overflow != unisock::errc::timed_out)
        CONFORMANCE_SKIP("a connect to a full accept queue does not block here (" +
                         (queue.overflow ? queue.overflow.message() : std::string("the queue never filled")) +
                         "), so no connect can be caught blocked on loopback");

    unisock::socket client(address_family::ipv4, socket_type::stream);
    client.set_timeout(patience);
    const unisock::address server = queue.listener.local_address();
    const std::error_code ec =
        canceled_from_another_thread(client, [&](std::error_code& e) { client.connect(server, e); });
    EXPECT_EQ(ec, unisock::errc::operation_canceled) << ec.message();
}

TEST_F(S30_Cancellation, CancelWakesABlockedSend) {
    tcp_pair pair = connect_tcp_pair(32 * 1024);
    const std::string payload = pattern(8 * 1024 * 1024); // the peer never reads it
    std::size_t sent = 0;
    const std::error_code ec = canceled_from_another_thread(
        pair.client, [&](std::error_code& e) { sent = pair.client.sendall(payload, e); });
    EXPECT_EQ(ec, unisock::errc::operation_canceled) << ec.message();
    EXPECT_LT(sent, payload.size());
}

TEST_F(S30_Cancellation, CancelWakesABlockedWait) {
    tcp_pair pair = connect_tcp_pair();
    const std::error_code ec = canceled_from_another_thread(
        pair.client, [&](std::error_code& e) { e = pair.client.wait(unisock::wait_for::readable, patience); });
    EXPECT_EQ(ec, unisock::errc::operation_canceled) << ec.message();
}

TEST_F(S30_Cancellation, StopTokenCancelsABlockedRecv) {
    tcp_pair pair = connect_tcp_pair();
    std::stop_source stop;
    const auto cancel_on_stop = pair.client.cancel_on(stop.get_token());
    std::error_code ec;
    std::thread blocked([&] { (void)pair.client.recv(16, ec); });
    std::this_thread::sleep_for(100ms);
    stop.request_stop();
    blocked.join();
    EXPECT_EQ(ec, unisock::errc::operation_canceled) << ec.message();
    EXPECT_TRUE(pair.client.is_canceled());
}

TEST_F(S30_Cancellation, JthreadStopCancelsItsBlockedAccept) {
    unisock::socket listener = listening_socket();
    std::error_code ec;
    {
        std::jthread server([&](std::stop_token token) {
            const auto cancel_on_stop = listener.cancel_on(token);
            (void)listener.accept(ec);
        });
        std::this_thread::sleep_for(100ms);
    } // ~jthread requests stop, then joins
    EXPECT_EQ(ec, unisock::errc::operation_canceled) << ec.message();
}

TEST_F(S30_Cancellation, PeerResetIsConnectionResetNotCanceled) {
    tcp_pair pair = connect_tcp_pair();
    std::error_code ec;
    std::thread blocked([&] { (void)pair.client.recv(16, ec); });
    std::this_thread::sleep_for(100ms);
    pair.server.abort();
    blocked.join();
    if (!ec && native::running_under_wine())
        CONFORMANCE_SKIP("Wine lacks the abortive close: closesocket after SO_LINGER {1, 0} ends the stream in order");
    EXPECT_EQ(ec, unisock::errc::connection_reset) << ec.message();
    EXPECT_NE(ec, unisock::errc::operation_canceled);
    EXPECT_FALSE(pair.client.is_canceled());
}

TEST_F(S30_Cancellation, CancelIsStickyUntilCleared) {
    tcp_pair pair = connect_tcp_pair();
    pair.server.sendall("waiting for you");
    pair.client.cancel();
    EXPECT_TRUE(pair.client.is_canceled());

    // Every blocking call fails at once, even with data ready to read.
    std::error_code ec;
    (void)pair.client.recv(64, ec);
    EXPECT_EQ(ec, unisock::errc::operation_canceled) << ec.message();
    (void)pair.client.send("x", ec);
    EXPECT_EQ(ec, unisock::errc::operation_canceled) << ec.message();
    EXPECT_EQ(pair.client.wait(unisock::wait_for::readable, patience), unisock::errc::operation_canceled);
    EXPECT_THROW((void)pair.client.recv(64), unisock::socket_error);
    EXPECT_FALSE(pair.server.is_canceled()) << "cancel is per socket";

    pair.client.clear_cancel();
    EXPECT_FALSE(pair.client.is_canceled());
    EXPECT_EQ(pair.client.recv(64), "waiting for you") << "nothing was lost";
    pair.client.sendall("back");
    EXPECT_EQ(pair.server.recv(64), "back");

    // And a later cancel still wakes a blocked call: the wake-up handle was drained.
    ec = canceled_from_another_thread(pair.client, [&](std::error_code& e) { (void)pair.client.recv(64, e); });
    EXPECT_EQ(ec, unisock::errc::operation_canceled) << ec.message();
    pair.client.clear_cancel();
    pair.client.set_timeout(100ms);
    (void)pair.client.recv(64, ec);
    EXPECT_EQ(ec, unisock::errc::timed_out) << "blocks normally again once cleared: " << ec.message();
}

} // namespace

// A server that kicks a member closes its socket from another thread while the member's
// thread is blocked in recv: the blocked call must come back at once, told it was
// stopped, and the handle must not be given back to the OS while that call still uses it.
TEST_F(S30_Cancellation, CloseFromAnotherThreadWakesABlockedRecv) {
    tcp_pair pair = connect_tcp_pair();
    std::error_code blocked_ec;
    std::thread member([&] { (void)pair.client.recv(16, blocked_ec); });
    std::this_thread::sleep_for(100ms); // let the call block; the outcome is the same either way
    pair.client.close();
    member.join();
    EXPECT_EQ(blocked_ec, unisock::errc::operation_canceled) << blocked_ec.message();
    std::error_code after;
    (void)pair.client.recv(16, after);
    EXPECT_EQ(after, unisock::errc::bad_descriptor) << after.message();
}

// cancel() needs a wake-up handle only once a call has had to wait, and then exactly
// one: a server with thousands of idle connections must not pay three descriptors each.
TEST_F(S30_Cancellation, AWaitingSocketHoldsAtMostOneExtraHandle) {
    tcp_pair pair = connect_tcp_pair();
    // The accepted end has never waited (the client's connect did, so it has its handle).
    const long before_waiting = conformance::native::open_handle_count();
    std::error_code ec;
    pair.server.set_timeout(20ms);
    (void)pair.server.recv(16, ec);
    ASSERT_EQ(ec, unisock::errc::timed_out) << ec.message();
    const long while_idle = conformance::native::open_handle_count();
    record_native("handles added by a socket's first wait: " + std::to_string(while_idle - before_waiting));
    EXPECT_LE(while_idle - before_waiting, 1);
    pair.client.close();
    pair.server.close();
}
