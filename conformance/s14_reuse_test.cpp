// SPDX-License-Identifier: BSL-1.0
// S14 SO_REUSEADDR (seed 003, "设置socket选项").
//
// The tutorial's server sets SO_REUSEADDR before bind so that it can be restarted at
// once, while the port's old connections still sit in TIME_WAIT. The option means
// different things per OS (on Windows SO_REUSEADDR lets another socket steal a live
// port), so unisock names the intent instead: reuse_policy::rebind_after_close
// restarts over TIME_WAIT on POSIX (Windows: see options.hpp), and neither it nor the default
// reuse_policy::exclusive ever lets two live listeners share a port.
#include "native/reuse_probe.hpp"
#include "native/udp_probe.hpp"
#include "support/conformance.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::reuse_policy;
using unisock::socket_type;

unisock::socket tcp_socket(reuse_policy policy) {
    unisock::socket sock(address_family::ipv4, socket_type::stream);
    sock.set_option(unisock::option::reuse{policy});
    return sock;
}

// Serves one client on 127.0.0.1:port and closes the connection first, so that the
// TIME_WAIT lands on the server's side of the port, as when a server stops. Returns
// the port.
std::uint16_t serve_once_and_close_first(std::uint16_t port, reuse_policy policy) {
    unisock::socket server = tcp_socket(policy);
    server.bind(unisock::address::v4_loopback(port));
    server.listen(5);
    server.set_timeout(patience);

    unisock::socket client(address_family::ipv4, socket_type::stream);
    client.set_timeout(patience);
    client.connect(server.local_address());
    auto [connection, peer] = server.accept();
    connection.sendall("bye");
    connection.close(); // the server's FIN goes first: TIME_WAIT is ours
    EXPECT_EQ(client.recv(16), "bye");
    EXPECT_EQ(client.recv(16), "") << "the client sees the server's close";
    client.close();
    const std::uint16_t bound = server.local_address().port();
    server.close();
    return bound;
}

class S14_Reuse : public scenario {};

TEST_F(S14_Reuse, RebindAfterCloseRestartsAServerOverTimeWait) {
    const std::uint16_t port = serve_once_and_close_first(0, reuse_policy::rebind_after_close);
    record_native(conformance::native::raw_bind_over_time_wait(port));
    {
        // What the default policy does here differs (Linux refuses, Windows may not):
        // recorded, not asserted; a server that wants to restart asks for it by name.
        unisock::socket exclusive = tcp_socket(reuse_policy::exclusive);
        std::error_code ec;
        exclusive.bind(unisock::address::v4_loopback(port), ec);
        record_note(std::string("exclusive bind over TIME_WAIT: ") + (ec ? ec.message() : "succeeded"));
    }

    if (unisock::platform_name() == "windows") {
        // Windows keeps SO_EXCLUSIVEADDRUSE under rebind_after_close, and Microsoft
        // documents that an exclusive bind may fail while the old connection terminates
        // (options.hpp): recorded, and only address_in_use is allowed.
        unisock::socket restarted = tcp_socket(reuse_policy::rebind_after_close);
        std::error_code ec;
        restarted.bind(unisock::address::v4_loopback(port), ec);
        record_note(std::string("rebind_after_close over TIME_WAIT on Windows: ") + (ec ? ec.message() : "succeeded"));
        EXPECT_TRUE(!ec || ec == unisock::errc::address_in_use) << ec.message();
        return;
    }
    // The restarted server binds the same port at once and serves again.
    const std::uint16_t again = serve_once_and_close_first(port, reuse_policy::rebind_after_close);
    EXPECT_EQ(again, port);
}

// UDP has no TIME_WAIT, and Linux's SO_REUSEADDR would let a second live UDP socket take
// the port and every datagram sent to it: under rebind_after_close a second live socket
// is refused, and a closed one's port is free at once.
TEST_F(S14_Reuse, DatagramPortIsNeverSharedAndRebindsAtOnce) {
    record_native(conformance::native::raw_two_udp_sockets_with_reuse_address());
    unisock::socket first(address_family::ipv4, socket_type::datagram);
    first.set_option(unisock::option::reuse{reuse_policy::rebind_after_close});
    first.bind(unisock::address::v4_loopback(0));
    const unisock::address port = first.local_address();
    unisock::socket second(address_family::ipv4, socket_type::datagram);
    second.set_option(unisock::option::reuse{reuse_policy::rebind_after_close});
    std::error_code ec;
    second.bind(port, ec);
    EXPECT_EQ(ec, unisock::errc::address_in_use) << ec.message();
    first.close();
    second.bind(port, ec);
    EXPECT_FALSE(ec) << ec.message();
}

TEST_F(S14_Reuse, PolicyReadsBackAsSet) {
    for (const reuse_policy policy : {reuse_policy::exclusive, reuse_policy::rebind_after_close}) {
        unisock::socket sock = tcp_socket(policy);
        // Windows has no option between the two: rebind_after_close keeps
        // SO_EXCLUSIVEADDRUSE and reads back as exclusive.
        const bool exclusive_anyway = unisock::platform_name() == "windows";
        EXPECT_EQ(sock.get_option<unisock::option::reuse>().value, exclusive_anyway ? reuse_policy::exclusive : policy);
    }
    unisock::socket fresh(address_family::ipv4, socket_type::stream);
    EXPECT_EQ(fresh.get_option<unisock::option::reuse>().value, reuse_policy::exclusive)
        << "exclusive is the default on every OS";
}

// Every pairing of the two policies: the second listener on a live port fails with
// address_in_use (at bind on every OS we know; listen is checked too in case one
// defers the check).
TEST_F(S14_Reuse, TwoLiveListenersOnOnePortFailUnderEveryPolicy) {
    record_native(conformance::native::raw_two_listeners_with_reuse_address());
    for (const reuse_policy first_policy : {reuse_policy::exclusive, reuse_policy::rebind_after_close}) {
        for (const reuse_policy second_policy : {reuse_policy::exclusive, reuse_policy::rebind_after_close}) {
            SCOPED_TRACE("first " + std::to_string(static_cast<int>(first_policy)) + ", second " +
                         std::to_string(static_cast<int>(second_policy)));
            unisock::socket first = tcp_socket(first_policy);
            first.bind(unisock::address::v4_loopback(0));
            first.listen(5);

            unisock::socket second = tcp_socket(second_policy);
            std::error_code ec;
            second.bind(first.local_address(), ec);
            if (!ec) second.listen(5, ec);
            EXPECT_EQ(ec, unisock::errc::address_in_use) << ec.message();
        }
    }
}

TEST_F(S14_Reuse, ThrowingFormNamesTheAddressInUse) {
    unisock::socket first = tcp_socket(reuse_policy::rebind_after_close);
    first.bind(unisock::address::v4_loopback(0));
    first.listen(5);
    unisock::socket second = tcp_socket(reuse_policy::rebind_after_close);
    try {
        second.bind(first.local_address());
        second.listen(5);
        FAIL() << "a second live listener on " << first.local_address().to_string();
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), unisock::errc::address_in_use);
        EXPECT_NE(std::string(e.what()).find(first.local_address().to_string()), std::string::npos) << e.what();
    }
}

} // namespace
