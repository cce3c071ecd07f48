// SPDX-License-Identifier: BSL-1.0
// S19 connect_ex (seed 004).
//
// connect_ex is connect that returns the error instead of raising it: a false code on
// success, the portable code of the failure otherwise, never an exception.
#include "support/conformance.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::socket_type;

// A loopback port that was bound a moment ago and is closed now: nobody listens there.
unisock::address closed_port() {
    unisock::socket probe(address_family::ipv4, socket_type::stream);
    probe.bind(unisock::address::v4_loopback(0));
    return probe.local_address();
}

unisock::socket bounded_client(address_family f = address_family::ipv4) {
    unisock::socket sock(f, socket_type::stream);
    sock.set_timeout(patience);
    return sock;
}

class S19_ConnectEx : public scenario {};

TEST_F(S19_ConnectEx, SuccessIsAFalseCode) {
    unisock::socket listener = unisock::create_server(unisock::address::v4_loopback(0));
    unisock::socket client = bounded_client();
    std::error_code result;
    EXPECT_NO_THROW(result = client.connect_ex(listener.local_address()));
    EXPECT_FALSE(result) << result.message();
    EXPECT_EQ(client.peer_address(), listener.local_address());
}

TEST_F(S19_ConnectEx, RefusedPortIsConnectionRefusedNotAnException) {
    const unisock::address target = closed_port();
    unisock::socket client = bounded_client();
    std::error_code result;
    EXPECT_NO_THROW(result = client.connect_ex(target));
    EXPECT_EQ(result, unisock::errc::connection_refused) << result.message();
    record_note("connect_ex to a closed port: " + result.message() + " [" + result.category().name() + " " +
                std::to_string(result.value()) + "]");
}

TEST_F(S19_ConnectEx, ConnectRaisesWhatConnectExReturns) {
    const unisock::address target = closed_port();
    unisock::socket client = bounded_client();
    try {
        client.connect(target);
        ADD_FAILURE() << "connect to a closed port succeeded";
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), unisock::errc::connection_refused);
        EXPECT_NE(std::string(e.what()).find(target.to_string()), std::string::npos) << e.what();
    }
}

TEST_F(S19_ConnectEx, FamilyMismatchIsAddressFamilyNotSupported) {
    unisock::socket client = bounded_client(address_family::ipv4);
    std::error_code result;
    // What Linux says natively (EAFNOSUPPORT), checked by unisock before the OS sees it.
    EXPECT_NO_THROW(result = client.connect_ex(unisock::address::v6_loopback(80)));
    EXPECT_EQ(result, unisock::errc::address_family_not_supported) << result.message();
}

TEST_F(S19_ConnectEx, ClosedSocketIsBadDescriptor) {
    unisock::socket client = bounded_client();
    client.close();
    EXPECT_EQ(client.connect_ex(unisock::address::v4_loopback(80)), unisock::errc::bad_descriptor);
}

TEST_F(S19_ConnectEx, NonBlockingConnectExReportsInProgressOrSuccess) {
    unisock::socket listener = unisock::create_server(unisock::address::v4_loopback(0));
    unisock::socket client(address_family::ipv4, socket_type::stream);
    client.set_blocking(false);
    const std::error_code started = client.connect_ex(listener.local_address());
    if (started) {
        EXPECT_EQ(started, unisock::errc::in_progress) << started.message();
        EXPECT_FALSE(client.wait(unisock::wait_for::writable, patience));
        EXPECT_FALSE(client.pending_error());
    }
    record_note(started ? "non-blocking connect_ex: in_progress" : "non-blocking connect_ex: done at once");
    EXPECT_EQ(client.peer_address(), listener.local_address());
}

} // namespace
