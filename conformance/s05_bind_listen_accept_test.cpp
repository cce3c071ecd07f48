// SPDX-License-Identifier: BSL-1.0
// S05 bind/listen/accept (seed 000 exercise 4, seeds 001, 002 and 004).
//
// The tutorials' servers bind(('', PORT)) - '' meaning every interface - then
// listen(10) and `conn, addr = s.accept()`, printing addr as ('127.0.0.1', 50318). A
// taken port raises socket.error, which they catch as "Bind failed". Here the port is 0
// (the OS picks a free one, read back with getsockname) and clients use the loopback.
#include "native/bind_probe.hpp"
#include "support/conformance.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::errc;
using unisock::reuse_policy;
using unisock::socket_type;

unisock::socket tcp_socket(address_family f = address_family::ipv4) { return {f, socket_type::stream}; }

// Python's bind(('', port)): the passive lookup of the empty host is the wildcard address.
unisock::address all_interfaces(std::uint16_t port) {
    unisock::resolve_hints hints;
    hints.family = address_family::ipv4;
    hints.type = socket_type::stream;
    hints.passive = true;
    const auto results = unisock::resolve("", std::to_string(port), hints);
    EXPECT_FALSE(results.empty());
    return results.empty() ? unisock::address::v4_any(port) : results.front().endpoint;
}

class S05_BindListenAccept : public scenario {};

TEST_F(S05_BindListenAccept, EmptyHostBindsAllInterfaces) {
    const unisock::address everywhere = all_interfaces(0);
    EXPECT_EQ(everywhere, unisock::address::v4_any(0)) << everywhere.to_string();

    unisock::socket s = tcp_socket();
    s.bind(everywhere);
    s.listen(10);
    const unisock::address bound = s.local_address();
    EXPECT_TRUE(bound.ip().is_unspecified()) << bound.to_string();
    EXPECT_NE(bound.port(), 0);

    // Reachable through the loopback, one of "all interfaces".
    unisock::socket client = tcp_socket();
    client.set_timeout(patience);
    client.connect(unisock::address::v4_loopback(bound.port()));
    s.set_timeout(patience);
    const unisock::accepted conn = s.accept();
    EXPECT_EQ(conn.connection.local_address(), unisock::address::v4_loopback(bound.port()));
}

TEST_F(S05_BindListenAccept, PortZeroPicksAFreePortReadBackWithGetsockname) {
    unisock::socket first = tcp_socket();
    unisock::socket second = tcp_socket();
    first.bind(unisock::address::v4_loopback(0));
    second.bind(unisock::address::v4_loopback(0));
    const unisock::address a = first.local_address();
    const unisock::address b = second.local_address();
    EXPECT_EQ(a.ip(), unisock::ip_address::v4_loopback());
    EXPECT_NE(a.port(), 0);
    EXPECT_NE(b.port(), 0);
    EXPECT_NE(a.port(), b.port());
}

TEST_F(S05_BindListenAccept, AcceptReturnsTheConnectionAndThePeerAddress) {
    unisock::socket s = tcp_socket();
    s.bind(unisock::address::v4_loopback(0));
    s.listen(10);
    s.set_timeout(patience);

    unisock::socket client = tcp_socket();
    client.set_timeout(patience);
    client.connect(s.local_address());
    auto [conn, addr] = s.accept();

    EXPECT_EQ(addr, client.local_address()) << addr.to_string();
    EXPECT_EQ(addr.ip(), unisock::ip_address::v4_loopback());
    EXPECT_NE(addr.port(), 0);
    EXPECT_EQ(conn.peer_address(), addr);
    EXPECT_EQ(conn.local_address(), s.local_address());
    EXPECT_EQ(conn.family(), address_family::ipv4);
    EXPECT_EQ(conn.type(), socket_type::stream);

    // The tutorial's server: data = conn.recv(1024); conn.sendall(data).
    client.sendall("hello world!");
    conn.sendall(conn.recv(1024));
    EXPECT_EQ(client.recv(1024), "hello world!");
}

TEST_F(S05_BindListenAccept, AcceptOverIpv6ReturnsAnIpv6Peer) {
    std::error_code ec;
    unisock::socket s(address_family::ipv6, socket_type::stream, 0, ec);
    if (!ec) s.bind(unisock::address::v6_loopback(0), ec);
    if (ec == errc::address_not_available || ec == errc::address_family_not_supported)
        CONFORMANCE_SKIP("no IPv6 loopback on this machine: " + ec.message());
    ASSERT_FALSE(ec) << ec.message();
    s.listen(10);
    s.set_timeout(patience);
    unisock::socket client = tcp_socket(address_family::ipv6);
    client.set_timeout(patience);
    client.connect(s.local_address());
    const unisock::accepted a = s.accept();
    EXPECT_EQ(a.peer, client.local_address());
    EXPECT_EQ(a.peer.ip(), unisock::ip_address::v6_loopback());
    EXPECT_EQ(a.peer.to_string(), "[::1]:" + std::to_string(a.peer.port()));
}

// The tutorial's "Bind failed": a port another socket holds, with the portable code
// and the address in the message. The raw OS gives its own code (recorded).
TEST_F(S05_BindListenAccept, TakenPortIsAddressInUse) {
    record_native(conformance::native::raw_second_bind_same_address());
    unisock::socket holder = tcp_socket();
    holder.bind(unisock::address::v4_loopback(0));
    const unisock::address taken = holder.local_address();

    unisock::socket s = tcp_socket();
    try {
        s.bind(taken);
        FAIL() << "bound " << taken.to_string() << " twice";
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), errc::address_in_use) << e.what();
        EXPECT_NE(std::string(e.what()).find("bind " + taken.to_string()), std::string::npos) << e.what();
        EXPECT_NE(e.native_code(), 0);
    }
    std::error_code ec;
    EXPECT_NO_THROW(s.bind(taken, ec));
    EXPECT_EQ(ec, errc::address_in_use) << ec.message();

    // The port frees up with its holder, and the same socket can then take it.
    holder.close();
    s.bind(taken);
    EXPECT_EQ(s.local_address(), taken);
}

// Binds first_address with first_policy and listens, then tries second_address on the
// same port with second_policy: the error of the second bind (or of its listen).
std::error_code second_listener_on_the_port(const unisock::ip_address& first_address, reuse_policy first_policy,
                                            const unisock::ip_address& second_address, reuse_policy second_policy) {
    unisock::socket first = tcp_socket();
    first.set_option(unisock::option::reuse{first_policy});
    first.bind({first_address, 0});
    first.listen(10);

    unisock::socket second = tcp_socket();
    second.set_option(unisock::option::reuse{second_policy});
    std::error_code ec;
    second.bind({second_address, first.local_address().port()}, ec);
    if (!ec) second.listen(10, ec);
    return ec;
}

constexpr reuse_policy listener_policies[] = {reuse_policy::exclusive, reuse_policy::rebind_after_close};

std::string describe(const std::error_code& ec) {
    return ec.message() + " [" + ec.category().name() + " " + std::to_string(ec.value()) + "]";
}

// A listener on all interfaces owns the port on the loopback too: a second socket that
// names 127.0.0.1 on that port is refused under every reuse policy. Raw Windows lets it
// in (the more specific address wins) unless the first asked for exclusive use, and
// then says WSAEACCES rather than WSAEADDRINUSE: recorded.
TEST_F(S05_BindListenAccept, SpecificAddressOnAWildcardListenersPortIsAddressInUse) {
    record_native(conformance::native::raw_second_bind_specific_over_wildcard());
    for (const reuse_policy first_policy : listener_policies) {
        for (const reuse_policy second_policy : listener_policies) {
            SCOPED_TRACE("first policy " + std::to_string(static_cast<int>(first_policy)) + ", second policy " +
                         std::to_string(static_cast<int>(second_policy)));
            const std::error_code ec = second_listener_on_the_port(
                unisock::ip_address::v4_any(), first_policy, unisock::ip_address::v4_loopback(), second_policy);
            EXPECT_EQ(ec, errc::address_in_use) << describe(ec);
        }
    }
}

// The other order: a listener on 127.0.0.1 keeps a later wildcard socket off its port.
TEST_F(S05_BindListenAccept, WildcardOnASpecificListenersPortIsAddressInUse) {
    record_native(conformance::native::raw_second_bind_wildcard_over_specific());
    for (const reuse_policy first_policy : listener_policies) {
        for (const reuse_policy second_policy : listener_policies) {
            SCOPED_TRACE("first policy " + std::to_string(static_cast<int>(first_policy)) + ", second policy " +
                         std::to_string(static_cast<int>(second_policy)));
            const std::error_code ec = second_listener_on_the_port(
                unisock::ip_address::v4_loopback(), first_policy, unisock::ip_address::v4_any(), second_policy);
            EXPECT_EQ(ec, errc::address_in_use) << describe(ec);
        }
    }
}

// A connect to a loopback port nobody listens on is refused; Windows would retry the
// refused SYN for about 2 s, which unisock switches off on loopback connects
// (SIO_TCP_INITIAL_RTO): the time is recorded, not asserted.
TEST_F(S05_BindListenAccept, RefusedLoopbackConnectIsRefused) {
    record_native(conformance::native::raw_refused_loopback_connect());
    unisock::socket probe = tcp_socket();
    probe.bind(unisock::address::v4_loopback(0));
    const unisock::address nobody = probe.local_address();
    probe.close();
    unisock::socket client = tcp_socket();
    client.set_timeout(patience);
    const auto start = std::chrono::steady_clock::now();
    std::error_code ec;
    client.connect(nobody, ec);
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    record_note("unisock connect to a closed loopback port: " + ec.message() + " after " +
                std::to_string(elapsed.count()) + " ms");
    EXPECT_EQ(ec, errc::connection_refused) << ec.message();
}

// Uniform argument checks, whatever the OS would say (EINVAL, EAFNOSUPPORT, WSAEFAULT).
TEST_F(S05_BindListenAccept, AddressOfTheOtherFamilyIsRefused) {
    unisock::socket v4 = tcp_socket();
    std::error_code ec;
    v4.bind(unisock::address::v6_loopback(0), ec);
    EXPECT_EQ(ec, errc::address_family_not_supported) << ec.message();
    EXPECT_THROW(v4.bind(unisock::address::v6_loopback(0)), unisock::socket_error);
}

TEST_F(S05_BindListenAccept, BindingABoundSocketAgainIsInvalidArgument) {
    unisock::socket s = tcp_socket();
    s.bind(unisock::address::v4_loopback(0));
    std::error_code ec;
    s.bind(unisock::address::v4_loopback(0), ec);
    EXPECT_EQ(ec, errc::invalid_argument) << ec.message();
}

TEST_F(S05_BindListenAccept, AcceptOnASocketThatDoesNotListenFails) {
    unisock::socket s = tcp_socket();
    s.bind(unisock::address::v4_loopback(0));
    s.set_timeout(patience);
    std::error_code ec;
    (void)s.accept(ec);
    EXPECT_EQ(ec, errc::invalid_argument) << ec.message();
}

} // namespace
