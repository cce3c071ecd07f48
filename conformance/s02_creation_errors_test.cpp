// SPDX-License-Identifier: BSL-1.0
// S02 creation errors (seed 000 exercise 2, seeds 001 and 002).
//
// The tutorials wrap socket.socket(AF_INET, SOCK_STREAM) in `try ... except
// socket.error, msg` and print the error code and message. With unisock a family, type
// or protocol the OS cannot combine raises socket_error carrying the portable code
// (the same on every OS), the native code and its namespace, and a message naming the
// call; the error_code overload reports the same without throwing.
#include "support/conformance.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::errc;
using unisock::socket_type;

// Values outside the enumerations, as a caller passing a raw number would produce.
constexpr auto bogus_family = static_cast<address_family>(99);
constexpr auto bogus_type = static_cast<socket_type>(42);
// IANA protocol numbers: TCP cannot carry datagrams and UDP cannot carry a stream.
constexpr int ipproto_tcp = 6;
constexpr int ipproto_udp = 17;

// The socket_error that creating (f, t, protocol) raised; fails the test if none.
unisock::socket_error creation_error(address_family f, socket_type t, int protocol = 0) {
    try {
        unisock::socket sock(f, t, protocol);
    } catch (const unisock::socket_error& e) {
        return e;
    }
    ADD_FAILURE() << "socket(" << to_string(f) << ", " << to_string(t) << ", " << protocol
                  << ") was created";
    return unisock::socket_error(unisock::make_error_code(errc::unknown), "no error");
}

class S02_CreationErrors : public scenario {};

TEST_F(S02_CreationErrors, UnknownFamilyIsAddressFamilyNotSupported) {
    const unisock::socket_error e = creation_error(bogus_family, socket_type::stream);
    EXPECT_EQ(e.portable(), errc::address_family_not_supported) << e.what();
    EXPECT_EQ(e.code(), errc::address_family_not_supported);
}

TEST_F(S02_CreationErrors, UnspecifiedFamilyIsAddressFamilyNotSupported) {
    const unisock::socket_error e = creation_error(address_family::unspecified, socket_type::stream);
    EXPECT_EQ(e.portable(), errc::address_family_not_supported) << e.what();
}

TEST_F(S02_CreationErrors, UnknownTypeIsSocketTypeNotSupported) {
    const unisock::socket_error e = creation_error(address_family::ipv4, bogus_type);
    EXPECT_EQ(e.portable(), errc::socket_type_not_supported) << e.what();
}

// The OS itself refuses these: the exception carries its native code and namespace as
// well as the portable code, like Python's msg[0] (the OS code) and msg[1] (its text).
TEST_F(S02_CreationErrors, ProtocolOfAnotherTypeIsProtocolNotSupported) {
    const struct {
        socket_type type;
        int protocol;
    } mismatches[] = {{socket_type::stream, ipproto_udp}, {socket_type::datagram, ipproto_tcp}};
    for (const auto& mismatch : mismatches) {
        SCOPED_TRACE(to_string(mismatch.type) + " with protocol " + std::to_string(mismatch.protocol));
        const unisock::socket_error e = creation_error(address_family::ipv4, mismatch.type, mismatch.protocol);
        EXPECT_EQ(e.portable(), errc::protocol_not_supported) << e.what();
        EXPECT_NE(e.native_code(), 0);
        EXPECT_NE(e.native_namespace(), unisock::portable_category().name())
            << "the OS refused it: its own code is kept";
        EXPECT_FALSE(e.code().message().empty());
        record_note(std::string(e.what()));
    }
}

TEST_F(S02_CreationErrors, MessageNamesTheCallTheRequestAndTheCode) {
    const unisock::socket_error e = creation_error(address_family::ipv4, socket_type::stream, ipproto_udp);
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("socket ", 0), 0u) << what;
    EXPECT_NE(what.find("ipv4 stream"), std::string::npos) << what;
    EXPECT_NE(what.find(e.code().message()), std::string::npos) << what;
    const std::string native = "[" + std::string(e.native_namespace()) + " " + std::to_string(e.native_code()) + "]";
    EXPECT_NE(what.find(native), std::string::npos) << what;
}

// Caught the way the tutorials catch it: as the general error, or as std::system_error.
TEST_F(S02_CreationErrors, ErrorIsASystemErrorWithTheSameCode) {
    try {
        unisock::socket sock(address_family::ipv4, bogus_type);
        FAIL() << "created a socket of an unknown type";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), errc::socket_type_not_supported);
        EXPECT_NE(dynamic_cast<const unisock::socket_error*>(&e), nullptr);
        EXPECT_EQ(dynamic_cast<const unisock::timeout_error*>(&e), nullptr);
        EXPECT_EQ(dynamic_cast<const unisock::gai_error*>(&e), nullptr);
    }
}

TEST_F(S02_CreationErrors, ErrorCodeOverloadReportsWithoutThrowing) {
    const struct {
        address_family family;
        socket_type type;
        int protocol;
        errc expected;
    } cases[] = {
        {bogus_family, socket_type::stream, 0, errc::address_family_not_supported},
        {address_family::ipv4, bogus_type, 0, errc::socket_type_not_supported},
        {address_family::ipv4, socket_type::stream, ipproto_udp, errc::protocol_not_supported},
    };
    for (const auto& c : cases) {
        std::error_code ec;
        std::optional<unisock::socket> sock;
        EXPECT_NO_THROW(sock.emplace(c.family, c.type, c.protocol, ec));
        EXPECT_EQ(ec, c.expected) << ec.message();
        EXPECT_FALSE(sock->is_open());
        EXPECT_EQ(sock->native_handle(), unisock::invalid_native_handle);
    }
}

// A failed creation leaves nothing behind (the fixture checks descriptors) and the next
// creation, with the tutorial's arguments, succeeds.
TEST_F(S02_CreationErrors, TheTutorialsSocketIsCreatedAfterAFailure) {
    std::error_code ec;
    unisock::socket failed(address_family::ipv4, socket_type::datagram, ipproto_tcp, ec);
    ASSERT_TRUE(ec);
    unisock::socket tcp(address_family::ipv4, socket_type::stream);
    EXPECT_TRUE(tcp.is_open());
    EXPECT_EQ(tcp.family(), address_family::ipv4);
    EXPECT_EQ(tcp.type(), socket_type::stream);
    unisock::socket udp(address_family::ipv4, socket_type::datagram);
    EXPECT_TRUE(udp.is_open());
}

} // namespace
