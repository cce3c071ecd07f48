// SPDX-License-Identifier: BSL-1.0
// S21 families and types (seed 004's table of address families and socket types).
//
// AF_INET and AF_INET6 with stream and datagram sockets work everywhere; AF_UNIX stream
// sockets on all three OSes (Windows 10 1803+), AF_UNIX datagrams and SOCK_SEQPACKET only
// where the OS has them, and raw sockets only with privileges. What is missing is
// reported by capabilities() and by a clear error, never by a crash.
#include "support/conformance.hpp"

#include <filesystem>
#include <random>

#include "native/families_probe.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::socket_type;

unisock::address loopback(address_family f) {
    return f == address_family::ipv6 ? unisock::address::v6_loopback(0) : unisock::address::v4_loopback(0);
}

// A socket file path in the temporary directory, removed when the test ends.
class temporary_socket_path {
public:
    explicit temporary_socket_path(std::string_view name)
        : path_((std::filesystem::temp_directory_path() /
                 ("unisock-s21-" + std::string(name) + "-" + std::to_string(std::random_device{}()) + ".sock"))
                    .string()) {}
    ~temporary_socket_path() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
};

void expect_stream_echo(address_family f, const unisock::address& where) {
    unisock::socket listener(f, socket_type::stream);
    listener.set_timeout(patience);
    listener.bind(where);
    listener.listen();
    unisock::socket client(f, socket_type::stream);
    client.set_timeout(patience);
    client.connect(listener.local_address());
    unisock::socket server = listener.accept().connection;
    server.set_timeout(patience);
    client.sendall("ping " + unisock::to_string(f));
    EXPECT_EQ(server.recv(64), "ping " + unisock::to_string(f));
    EXPECT_EQ(client.family(), f);
    EXPECT_EQ(client.type(), socket_type::stream);
}

void expect_datagram_echo(address_family f, const unisock::address& receiver_at, const unisock::address& sender_at) {
    unisock::socket receiver(f, socket_type::datagram);
    receiver.set_timeout(patience);
    receiver.bind(receiver_at);
    unisock::socket sender(f, socket_type::datagram);
    sender.set_timeout(patience);
    sender.bind(sender_at);
    sender.send_to("datagram", receiver.local_address());
    const unisock::datagram d = receiver.recv_from(64);
    EXPECT_EQ(d.data, "datagram");
    EXPECT_EQ(d.sender, sender.local_address());
}

class S21_Families : public scenario {};

TEST_F(S21_Families, Ipv4StreamAndDatagram) {
    expect_stream_echo(address_family::ipv4, loopback(address_family::ipv4));
    expect_datagram_echo(address_family::ipv4, loopback(address_family::ipv4), loopback(address_family::ipv4));
}

TEST_F(S21_Families, Ipv6StreamAndDatagram) {
    std::error_code ec;
    unisock::socket probe(address_family::ipv6, socket_type::stream, 0, ec);
    if (!ec) probe.bind(unisock::address::v6_loopback(0), ec);
    if (ec) CONFORMANCE_SKIP("this machine has no IPv6 loopback: " + ec.message());
    probe.close();
    expect_stream_echo(address_family::ipv6, loopback(address_family::ipv6));
    expect_datagram_echo(address_family::ipv6, loopback(address_family::ipv6), loopback(address_family::ipv6));
}

TEST_F(S21_Families, LocalStream) {
    record_native(native::raw_local_socket_kinds());
    if (!unisock::capabilities().local_stream) CONFORMANCE_SKIP("this OS has no AF_UNIX stream sockets");
    temporary_socket_path path("stream");
    expect_stream_echo(address_family::local, unisock::address::local(path.path()));
}

TEST_F(S21_Families, LocalDatagramWhereTheOsHasIt) {
    if (!unisock::capabilities().local_datagram) {
        std::error_code ec;
        unisock::socket s(address_family::local, socket_type::datagram, 0, ec);
        EXPECT_TRUE(ec) << "capabilities() says no AF_UNIX datagrams, yet one was created";
        CONFORMANCE_SKIP("this OS has no AF_UNIX datagram sockets (" + ec.message() + ")");
    }
    temporary_socket_path receiver("dgram-receiver");
    temporary_socket_path sender("dgram-sender");
    expect_datagram_echo(address_family::local, unisock::address::local(receiver.path()),
                         unisock::address::local(sender.path()));
}

TEST_F(S21_Families, SeqpacketKeepsMessageBoundariesWhereTheOsHasIt) {
    if (!unisock::capabilities().seqpacket) {
        std::error_code ec;
        unisock::socket s(address_family::local, socket_type::seqpacket, 0, ec);
        EXPECT_TRUE(ec) << "capabilities() says no SOCK_SEQPACKET, yet one was created";
        CONFORMANCE_SKIP("this OS has no AF_UNIX SOCK_SEQPACKET sockets (" + ec.message() + ")");
    }
    unisock::socket_pair pair = unisock::socketpair(address_family::local, socket_type::seqpacket);
    pair.first.set_timeout(patience);
    pair.second.set_timeout(patience);
    pair.first.send("first");
    pair.first.send("second");
    EXPECT_EQ(pair.second.recv(64), "first") << "one record per recv";
    EXPECT_EQ(pair.second.recv(64), "second");
}

TEST_F(S21_Families, RawSocketNeedsPrivilegeOrWorks) {
    std::error_code ec;
    unisock::socket raw(address_family::ipv4, socket_type::raw, 1 /* ICMP */, ec);
    if (ec) {
        EXPECT_EQ(ec, unisock::errc::permission_denied) << ec.message();
        record_note("raw ICMP socket: " + ec.message());
        return;
    }
    EXPECT_EQ(raw.type(), socket_type::raw);
    record_note("raw ICMP socket created (privileged process)");
}

TEST_F(S21_Families, UnknownFamilyIsAClearError) {
    std::error_code ec;
    unisock::socket s(address_family::unspecified, socket_type::stream, 0, ec);
    EXPECT_EQ(ec, unisock::errc::address_family_not_supported) << ec.message();
    EXPECT_FALSE(s.is_open());
    EXPECT_THROW(unisock::socket(address_family::unspecified, socket_type::stream), unisock::socket_error);
}

} // namespace
