// SPDX-License-Identifier: BSL-1.0
// S10 service and name lookups (seed 003).
//
// The tutorial looks the HTTP port up with socket.getservbyname("http", "tcp") instead
// of writing 80, notes that a UDP client asks for the "udp" entry, and prints
// s.getsockname() and s.getpeername() once connected. The services database is local
// (/etc/services, or Windows' drivers\etc\services): nothing leaves the machine.
#include "support/conformance.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::errc;
using unisock::socket_type;

constexpr std::string_view unknown_service = "no-such-service-unisock";

class S10_Lookups : public scenario {};

TEST_F(S10_Lookups, HttpOverTcpIsPort80) {
    EXPECT_EQ(unisock::getservbyname("http", "tcp"), 80);
}

TEST_F(S10_Lookups, DomainOverUdpIsPort53) {
    EXPECT_EQ(unisock::getservbyname("domain", "udp"), 53);
}

TEST_F(S10_Lookups, EmptyProtocolMatchesAny) {
    EXPECT_EQ(unisock::getservbyname("http"), 80);
    EXPECT_EQ(unisock::getservbyname("domain", ""), 53);
}

TEST_F(S10_Lookups, PortLooksUpItsServiceName) {
    EXPECT_EQ(unisock::getservbyport(80, "tcp"), "http");
    EXPECT_EQ(unisock::getservbyport(53, "udp"), "domain");
}

TEST_F(S10_Lookups, UnknownServiceIsServiceNotFound) {
    try {
        (void)unisock::getservbyname(unknown_service, "tcp");
        FAIL() << "found a port for " << unknown_service;
    } catch (const unisock::gai_error& e) {
        EXPECT_EQ(e.portable(), errc::service_not_found) << e.what();
        EXPECT_NE(std::string(e.what()).find("getservbyname no-such-service-unisock/tcp"), std::string::npos)
            << e.what();
    }
    std::error_code ec;
    std::uint16_t port = 1;
    EXPECT_NO_THROW(port = unisock::getservbyname(unknown_service, "udp", ec));
    EXPECT_EQ(ec, errc::service_not_found) << ec.message();
    EXPECT_EQ(port, 0);

    // A known service under a protocol that does not carry it, and an empty name.
    (void)unisock::getservbyname("http", "no-such-protocol", ec);
    EXPECT_EQ(ec, errc::service_not_found) << ec.message();
    (void)unisock::getservbyname("", "tcp", ec);
    EXPECT_EQ(ec, errc::service_not_found) << ec.message();
}

TEST_F(S10_Lookups, UnknownPortIsServiceNotFound) {
    std::error_code ec;
    // Port 1 over a made-up protocol cannot be in any services file.
    const std::string name = unisock::getservbyport(1, "no-such-protocol", ec);
    EXPECT_EQ(ec, errc::service_not_found) << ec.message();
    EXPECT_TRUE(name.empty());
    EXPECT_THROW((void)unisock::getservbyport(1, "no-such-protocol"), unisock::gai_error);
}

// getaddrinfo reads service names from the same database.
TEST_F(S10_Lookups, ResolveTranslatesAServiceName) {
    unisock::resolve_hints hints;
    hints.type = socket_type::stream;
    hints.numeric_host = true;
    const auto results = unisock::resolve("127.0.0.1", "http", hints);
    ASSERT_FALSE(results.empty());
    EXPECT_EQ(results.front().endpoint, unisock::address::v4_loopback(80));

    std::error_code ec;
    (void)unisock::resolve("127.0.0.1", unknown_service, hints, ec);
    EXPECT_EQ(ec, errc::service_not_found) << ec.message();
}

// The tutorial's connect.py: "Connected from" getsockname(), "Connected to" getpeername().
TEST_F(S10_Lookups, SocknameAndPeernameMirrorEachOther) {
    unisock::socket listener = unisock::create_server(unisock::address::v4_loopback(0));
    listener.set_timeout(patience);
    unisock::socket client(address_family::ipv4, socket_type::stream);
    client.set_timeout(patience);
    client.connect(listener.local_address());
    const unisock::accepted server_side = listener.accept();

    EXPECT_EQ(client.peer_address(), listener.local_address());
    EXPECT_EQ(client.local_address(), server_side.connection.peer_address());
    EXPECT_EQ(server_side.connection.local_address(), listener.local_address());
    EXPECT_EQ(server_side.peer, client.local_address());
    record_note("connected from " + client.local_address().to_string() + " to " +
                client.peer_address().to_string());
}

TEST_F(S10_Lookups, PeernameOfAnUnconnectedSocketIsNotConnected) {
    unisock::socket s(address_family::ipv4, socket_type::stream);
    s.bind(unisock::address::v4_loopback(0));
    std::error_code ec;
    (void)s.peer_address(ec);
    EXPECT_EQ(ec, errc::not_connected) << ec.message();
    try {
        (void)s.peer_address();
        FAIL() << "an unconnected socket has a peer";
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), errc::not_connected);
        EXPECT_EQ(std::string(e.what()).rfind("getpeername", 0), 0u) << e.what();
    }
}

TEST_F(S10_Lookups, NamesOfAClosedSocketAreBadDescriptor) {
    unisock::socket s(address_family::ipv4, socket_type::stream);
    s.close();
    std::error_code ec;
    (void)s.local_address(ec);
    EXPECT_EQ(ec, errc::bad_descriptor) << ec.message();
    (void)s.peer_address(ec);
    EXPECT_EQ(ec, errc::bad_descriptor) << ec.message();
}

TEST_F(S10_Lookups, HostNameIsKnown) {
    const std::string name = unisock::gethostname();
    EXPECT_FALSE(name.empty());
    EXPECT_EQ(name.find('\0'), std::string::npos);
    record_note("gethostname() = " + name);
}

// The loopback's name comes from the hosts file (or the OS itself on Windows).
TEST_F(S10_Lookups, LoopbackAddressHasAName) {
    std::error_code ec;
    const std::string name = unisock::gethostbyaddr(unisock::ip_address::v4_loopback(), ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_FALSE(name.empty());
    record_note("gethostbyaddr(127.0.0.1) = " + name);
}

} // namespace
