// SPDX-License-Identifier: BSL-1.0
// S13 UDP client/server (seeds 003 and 004).
//
// The tutorial's UDP server binds and calls recvfrom(), which returns the data and the
// sender's address; the client sendto()s each datagram to an address. It warns that a
// UDP client cannot tell whether a reply will ever come: here that is a timeout. When
// the datagram hits a closed port the ICMP port-unreachable that comes back is one
// uniform thing: ignored on an unconnected socket, connection_refused on a connected
// one (raw Windows reports it as WSAECONNRESET on any recvfrom: recorded).
#include "native/udp_probe.hpp"
#include "support/conformance.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::errc;
using unisock::socket_type;

// How long a test waits for a datagram that must not come. Loopback delivers in
// microseconds, so an ICMP error or a stray datagram would show well within it.
constexpr auto quiet_period = 200ms;

unisock::socket udp_socket_on_loopback() {
    unisock::socket sock(address_family::ipv4, socket_type::datagram);
    sock.bind(unisock::address::v4_loopback(0));
    sock.set_timeout(patience);
    return sock;
}

// A loopback UDP address where nobody receives: bound, read back and released (UDP
// ports have no TIME_WAIT, so no one else holds it afterwards but by chance).
unisock::address closed_udp_port() {
    unisock::socket sock = udp_socket_on_loopback();
    const unisock::address address = sock.local_address();
    sock.close();
    return address;
}

class S13_Udp : public scenario {};

// The tutorial's pair: a server answering each datagram to its sender, a client that
// sends and reads the answer with recvfrom.
TEST_F(S13_Udp, ServerAnswersEachSenderAtItsAddress) {
    unisock::socket server = udp_socket_on_loopback();
    const unisock::address server_address = server.local_address();
    constexpr int messages = 3;
    peer_thread serving([&] {
        for (int i = 0; i < messages; ++i) {
            const unisock::datagram request = server.recv_from(1024);
            server.send_to("echo:" + request.data, request.sender);
        }
    });

    for (int i = 0; i < messages; ++i) {
        unisock::socket client(address_family::ipv4, socket_type::datagram);
        client.set_timeout(patience);
        const std::string message = "client " + std::to_string(i);
        EXPECT_EQ(client.send_to(message, server_address), message.size());
        const unisock::datagram reply = client.recv_from(1024);
        EXPECT_EQ(reply.data, "echo:" + message);
        EXPECT_EQ(reply.sender, server_address);
        // The first sendto bound the client to an ephemeral port of its own.
        EXPECT_NE(client.local_address().port(), 0);
    }
}

TEST_F(S13_Udp, RecvfromNamesTheSender) {
    unisock::socket a = udp_socket_on_loopback();
    unisock::socket b = udp_socket_on_loopback();
    a.send_to("from a", b.local_address());
    const unisock::datagram got = b.recv_from(64);
    EXPECT_EQ(got.data, "from a");
    EXPECT_EQ(got.sender, a.local_address());
}

// Datagrams are never merged or split, whatever their sizes and however they queue up.
TEST_F(S13_Udp, DatagramBoundariesAreKept) {
    unisock::socket sender = udp_socket_on_loopback();
    unisock::socket receiver = udp_socket_on_loopback();
    const std::string messages[] = {"x", pattern(100, 'A'), pattern(1000, 'b'), pattern(8000, 'k'), "yz"};
    for (const std::string& m : messages) sender.send_to(m, receiver.local_address());
    for (const std::string& m : messages) {
        const unisock::datagram got = receiver.recv_from(65536);
        EXPECT_EQ(got.data.size(), m.size());
        EXPECT_TRUE(got.data == m) << "datagram of " << m.size() << " bytes differs";
    }
}

// A datagram larger than the buffer is reported, not silently cut (Python would
// truncate on POSIX and raise on Windows); the next datagram is intact.
TEST_F(S13_Udp, DatagramLargerThanTheBufferIsMessageSize) {
    unisock::socket sender = udp_socket_on_loopback();
    unisock::socket receiver = udp_socket_on_loopback();
    sender.send_to(pattern(100), receiver.local_address());
    sender.send_to("next", receiver.local_address());
    std::error_code ec;
    (void)receiver.recv_from(10, ec);
    EXPECT_EQ(ec, errc::message_size) << ec.message();
    EXPECT_EQ(receiver.recv_from(64).data, "next");
}

// "The server may never answer": with a timeout the client learns so as a timeout_error,
// and the socket is still usable afterwards.
TEST_F(S13_Udp, NoReplyIsTimedOut) {
    unisock::socket silent = udp_socket_on_loopback();
    unisock::socket client = udp_socket_on_loopback();
    client.send_to("anyone there?", silent.local_address());
    client.set_timeout(quiet_period);
    try {
        (void)client.recv_from(1024);
        FAIL() << "a reply came from nowhere";
    } catch (const unisock::timeout_error& e) {
        EXPECT_EQ(e.portable(), errc::timed_out);
        EXPECT_EQ(std::string(e.what()).rfind("recvfrom", 0), 0u) << e.what();
    }
    client.set_timeout(patience);
    silent.send_to("late answer", client.local_address());
    EXPECT_EQ(client.recv_from(1024).data, "late answer");
}

// Unconnected: the ICMP port-unreachable of an earlier sendto is ignored, as on POSIX.
// Waiting for nothing is a timeout (not connection_refused or connection_reset), and a
// live peer's datagram behind it is received normally.
TEST_F(S13_Udp, PortUnreachableIsIgnoredOnAnUnconnectedSocket) {
    record_native(conformance::native::raw_udp_unreachable_unconnected());
    unisock::socket sock = udp_socket_on_loopback();
    const unisock::address closed = closed_udp_port();
    EXPECT_EQ(sock.send_to("ping", closed), 4u);

    sock.set_timeout(quiet_period);
    std::error_code ec;
    (void)sock.recv_from(64, ec);
    EXPECT_EQ(ec, errc::timed_out) << ec.message() << " [" << ec.category().name() << " " << ec.value() << "]";

    unisock::socket peer = udp_socket_on_loopback();
    EXPECT_EQ(sock.send_to("ping again", closed), 10u) << "later sends are not failed either";
    peer.send_to("live", sock.local_address());
    sock.set_timeout(patience);
    const unisock::datagram got = sock.recv_from(64, ec);
    EXPECT_FALSE(ec) << ec.message() << " [" << ec.category().name() << " " << ec.value() << "]";
    EXPECT_EQ(got.data, "live");
    EXPECT_EQ(got.sender, peer.local_address());
}

// Connected: the same ICMP is connection_refused on every OS (POSIX: ECONNREFUSED;
// Windows: WSAECONNRESET, translated), raised as a socket_error and not as a timeout.
TEST_F(S13_Udp, PortUnreachableIsConnectionRefusedOnAConnectedSocket) {
    const auto raw = conformance::native::raw_udp_unreachable_connected();
    record_native(raw.description);
    // unisock translates what the OS reports; it cannot invent an error the OS drops.
    if (!raw.error_reported)
        CONFORMANCE_SKIP("this OS does not report ICMP port-unreachable on a connected UDP socket (" +
                         raw.description + ")");
    unisock::socket sock = udp_socket_on_loopback();
    const unisock::address closed = closed_udp_port();
    sock.connect(closed);
    EXPECT_EQ(sock.peer_address(), closed);
    EXPECT_EQ(sock.send("ping"), 4u);
    try {
        (void)sock.recv(64);
        FAIL() << "received a datagram from a closed port";
    } catch (const unisock::timeout_error& e) {
        FAIL() << "the port-unreachable was not reported within " << patience.count() << " s: " << e.what();
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), errc::connection_refused) << e.what();
        EXPECT_NE(e.portable(), errc::connection_reset);
    }
}

// A connected UDP socket exchanges with its peer through plain send and recv.
TEST_F(S13_Udp, ConnectedSocketTalksToItsPeer) {
    unisock::socket server = udp_socket_on_loopback();
    unisock::socket client = udp_socket_on_loopback();
    client.connect(server.local_address());
    client.send("hello");
    const unisock::datagram request = server.recv_from(64);
    EXPECT_EQ(request.data, "hello");
    EXPECT_EQ(request.sender, client.local_address());
    server.send_to("hi", request.sender);
    EXPECT_EQ(client.recv(64), "hi");
}

TEST_F(S13_Udp, UdpOverIpv6) {
    std::error_code ec;
    unisock::socket a(address_family::ipv6, socket_type::datagram, 0, ec);
    if (!ec) a.bind(unisock::address::v6_loopback(0), ec);
    if (ec == errc::address_not_available || ec == errc::address_family_not_supported)
        CONFORMANCE_SKIP("no IPv6 loopback on this machine: " + ec.message());
    ASSERT_FALSE(ec) << ec.message();
    unisock::socket b(address_family::ipv6, socket_type::datagram);
    b.bind(unisock::address::v6_loopback(0));
    b.set_timeout(patience);
    a.send_to("over ::1", b.local_address());
    const unisock::datagram got = b.recv_from(64);
    EXPECT_EQ(got.data, "over ::1");
    EXPECT_EQ(got.sender, a.local_address());
}

} // namespace
