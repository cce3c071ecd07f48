// SPDX-License-Identifier: BSL-1.0
// S24 shutdown and close (seed 004: "s.close() 关闭套接字").
//
// The tutorial closes sockets when the transfer is done. Around that: a half-close
// (shutdown(write): the peer reads end of stream while the other direction still
// works), end of stream at the peer after close, every call on a closed socket fails
// with bad_descriptor, close is idempotent, sending to a closed peer is an error
// (broken_pipe or connection_reset) and never a SIGPIPE that kills the process, and an
// abortive close (abort) gives the peer connection_reset.
#include "native/handles.hpp"
#include "native/sigpipe_probe.hpp"
#include "support/loopback.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::shutdown_how;
using unisock::socket_type;

bool is_closed_peer_error(const std::error_code& ec) {
    return ec == unisock::errc::broken_pipe || ec == unisock::errc::connection_reset;
}

// Sends to a peer that has gone until the error shows (the first send after the peer
// closed may still be accepted by the local buffer), then a few more times: every
// send fails with a closed-peer error and the process lives on.
void expect_sends_fail_without_a_signal(unisock::socket& sock) {
    std::error_code ec;
    int sends = 0;
    const auto give_up = std::chrono::steady_clock::now() + patience;
    while (!ec && std::chrono::steady_clock::now() < give_up) {
        (void)sock.send("are you there?", ec);
        ++sends;
    }
    EXPECT_TRUE(is_closed_peer_error(ec)) << ec.message() << " after " << sends << " sends";
    for (int again = 0; again < 5; ++again) {
        (void)sock.send("still there?", ec);
        EXPECT_TRUE(is_closed_peer_error(ec)) << ec.message();
    }
    EXPECT_THROW((void)sock.send("x"), unisock::socket_error);
}

class S24_ShutdownClose : public scenario {};

TEST_F(S24_ShutdownClose, HalfCloseLeavesTheOtherDirectionWorking) {
    tcp_pair pair = connect_tcp_pair();
    pair.client.sendall("request");
    pair.client.shutdown(shutdown_how::write);

    EXPECT_EQ(pair.server.recv(64), "request");
    EXPECT_EQ(pair.server.recv(64), "") << "end of stream after the client's half-close";
    pair.server.sendall("reply after your half-close");
    EXPECT_EQ(pair.client.recv(64), "reply after your half-close");

    std::error_code ec;
    (void)pair.client.send("too late", ec);
    EXPECT_EQ(ec, unisock::errc::broken_pipe) << "sending after shutdown(write): " << ec.message();
}

TEST_F(S24_ShutdownClose, PeerSeesEndOfStreamAfterClose) {
    tcp_pair pair = connect_tcp_pair();
    pair.client.sendall("last words");
    pair.client.close();
    EXPECT_EQ(pair.server.recv(64), "last words");
    EXPECT_EQ(pair.server.recv(64), "");
    EXPECT_EQ(pair.server.recv(64), "") << "end of stream stays end of stream";
}

TEST_F(S24_ShutdownClose, ShutdownBothEndsBothDirections) {
    tcp_pair pair = connect_tcp_pair();
    pair.client.shutdown(shutdown_how::both);
    EXPECT_EQ(pair.server.recv(64), "");
    std::error_code ec;
    (void)pair.client.send("x", ec);
    EXPECT_EQ(ec, unisock::errc::broken_pipe) << ec.message();
}

// Every call on a closed socket (closed by close(), or never opened) fails the same way.
TEST_F(S24_ShutdownClose, UseAfterCloseIsBadDescriptor) {
    unisock::socket closed(address_family::ipv4, socket_type::stream);
    closed.close();
    unisock::socket never_opened;
    const unisock::address somewhere = unisock::address::v4_loopback(9);

    for (unisock::socket* sock : {&closed, &never_opened}) {
        EXPECT_FALSE(sock->is_open());
        EXPECT_EQ(sock->native_handle(), unisock::invalid_native_handle);
        std::string buffer(16, '\0');
        std::error_code ec;
        const auto expect_bad = [&](const char* call) {
            EXPECT_EQ(ec, unisock::errc::bad_descriptor) << call << ": " << ec.message();
            ec.clear();
        };
        sock->bind(somewhere, ec);
        expect_bad("bind");
        sock->listen(5, ec);
        expect_bad("listen");
        (void)sock->accept(ec);
        expect_bad("accept");
        sock->connect(somewhere, ec);
        expect_bad("connect");
        ec = sock->connect_ex(somewhere);
        expect_bad("connect_ex");
        (void)sock->send("x", ec);
        expect_bad("send");
        (void)sock->sendall("x", ec);
        expect_bad("sendall");
        (void)sock->recv(16, ec);
        expect_bad("recv");
        (void)sock->recv_into(buffer, ec);
        expect_bad("recv_into");
        (void)sock->send_to("x", somewhere, ec);
        expect_bad("send_to");
        (void)sock->recv_from(16, ec);
        expect_bad("recv_from");
        sock->shutdown(shutdown_how::both, ec);
        expect_bad("shutdown");
        (void)sock->local_address(ec);
        expect_bad("local_address");
        (void)sock->peer_address(ec);
        expect_bad("peer_address");
        sock->set_option(unisock::option::no_delay{true}, ec);
        expect_bad("set_option");
        (void)sock->get_option<unisock::option::no_delay>(ec);
        expect_bad("get_option");
        ec = sock->wait(unisock::wait_for::readable, 0s);
        expect_bad("wait");
        ec = sock->pending_error();
        expect_bad("pending_error");

        try {
            (void)sock->recv(16);
            ADD_FAILURE() << "recv on a closed socket returned";
        } catch (const unisock::socket_error& e) {
            EXPECT_EQ(e.portable(), unisock::errc::bad_descriptor);
        }
        sock->cancel(); // harmless on a closed socket
        EXPECT_FALSE(sock->is_canceled());
    }
}

TEST_F(S24_ShutdownClose, CloseIsIdempotent) {
    unisock::socket sock(address_family::ipv4, socket_type::stream);
    EXPECT_NO_THROW(sock.close());
    EXPECT_NO_THROW(sock.close());
    std::error_code ec;
    sock.close(ec);
    EXPECT_FALSE(ec) << ec.message();
    sock.abort(); // also harmless once closed
    EXPECT_FALSE(sock.is_open());
}

TEST_F(S24_ShutdownClose, SendingToAClosedPeerIsAnErrorNotASignal) {
    record_native(conformance::native::sigpipe_suppression());
    record_native(conformance::native::raw_send_to_reset_peer());

    tcp_pair client_side = connect_tcp_pair();
    client_side.server.close();
    expect_sends_fail_without_a_signal(client_side.client);

    // Accepted sockets too (on Apple, SO_NOSIGPIPE must be set on them as well).
    tcp_pair server_side = connect_tcp_pair();
    server_side.client.close();
    expect_sends_fail_without_a_signal(server_side.server);
}

TEST_F(S24_ShutdownClose, AbortGivesThePeerConnectionReset) {
    tcp_pair pair = connect_tcp_pair();
    pair.client.abort();
    EXPECT_FALSE(pair.client.is_open());
    std::error_code ec;
    EXPECT_EQ(pair.server.recv(64, ec), "");
    if (!ec && native::running_under_wine())
        CONFORMANCE_SKIP("Wine lacks the abortive close: closesocket after SO_LINGER {1, 0} ends the stream in order");
    EXPECT_EQ(ec, unisock::errc::connection_reset) << "an abortive close is not an orderly end: " << ec.message();
    EXPECT_NE(ec, unisock::errc::operation_canceled);
}

} // namespace
