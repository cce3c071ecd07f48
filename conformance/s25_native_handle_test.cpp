// SPDX-License-Identifier: BSL-1.0
// S25 native handle (seed 004: "s.fileno() 返回套接字的文件描述").
//
// fileno() gives the OS handle, for code that needs the socket itself: native_handle()
// while unisock owns it, release() to hand it over (the unisock socket is then closed
// and the handle keeps working), adopt() to take one back. The handle travels to Asio
// and back within one connection, data flowing at every stage.
#include <array>

#include <asio.hpp>

#include "unisock/asio.hpp"

#include "support/loopback.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::socket_type;

// One message each way between a and b.
void expect_exchange(unisock::socket& a, unisock::socket& b, const std::string& tag) {
    a.sendall("ping " + tag);
    EXPECT_EQ(recv_exactly(b, 5 + tag.size()), "ping " + tag);
    b.sendall("pong " + tag);
    EXPECT_EQ(recv_exactly(a, 5 + tag.size()), "pong " + tag);
}

class S25_NativeHandle : public scenario {};

TEST_F(S25_NativeHandle, NativeHandleIsValidWhileOpen) {
    unisock::socket first(address_family::ipv4, socket_type::stream);
    unisock::socket second(address_family::ipv4, socket_type::datagram);
    EXPECT_NE(first.native_handle(), unisock::invalid_native_handle);
    EXPECT_NE(second.native_handle(), unisock::invalid_native_handle);
    EXPECT_NE(first.native_handle(), second.native_handle());
    first.close();
    EXPECT_EQ(first.native_handle(), unisock::invalid_native_handle);
    EXPECT_EQ(unisock::socket().native_handle(), unisock::invalid_native_handle);
}

TEST_F(S25_NativeHandle, ReleaseHandsOverOwnershipAndAdoptTakesItBack) {
    tcp_pair pair = connect_tcp_pair();
    const unisock::native_handle_type handle = pair.client.release();
    ASSERT_NE(handle, unisock::invalid_native_handle);

    // The released socket looks closed, and closing it does not touch the handle.
    EXPECT_FALSE(pair.client.is_open());
    EXPECT_EQ(pair.client.native_handle(), unisock::invalid_native_handle);
    std::error_code ec;
    (void)pair.client.send("x", ec);
    EXPECT_EQ(ec, unisock::errc::bad_descriptor);
    pair.client.close();
    EXPECT_EQ(pair.client.release(), unisock::invalid_native_handle) << "nothing left to release";

    // The handle still carries the connection: adopt it and talk.
    unisock::socket adopted = unisock::socket::adopt(handle);
    EXPECT_EQ(adopted.native_handle(), handle);
    EXPECT_EQ(adopted.family(), address_family::ipv4);
    EXPECT_EQ(adopted.type(), socket_type::stream);
    EXPECT_EQ(adopted.timeout(), std::nullopt) << "an adopted socket blocks";
    EXPECT_EQ(adopted.peer_address(), pair.server.local_address());
    adopted.set_timeout(patience);
    expect_exchange(adopted, pair.server, "adopted");

    // And the other way round: released again, adopted again.
    unisock::socket again = unisock::socket::adopt(adopted.release());
    again.set_timeout(patience);
    expect_exchange(pair.server, again, "adopted twice");
}

TEST_F(S25_NativeHandle, AdoptReadsTheFamilyAndTypeFromTheOs) {
    unisock::socket udp(address_family::ipv4, socket_type::datagram);
    unisock::socket adopted_udp = unisock::socket::adopt(udp.release());
    EXPECT_EQ(adopted_udp.family(), address_family::ipv4);
    EXPECT_EQ(adopted_udp.type(), socket_type::datagram);

    std::error_code ec;
    unisock::socket tcp6(address_family::ipv6, socket_type::stream, 0, ec);
    if (ec) CONFORMANCE_SKIP("this machine has no IPv6 sockets: " + ec.message());
    unisock::socket adopted_tcp6 = unisock::socket::adopt(tcp6.release());
    EXPECT_EQ(adopted_tcp6.family(), address_family::ipv6);
    EXPECT_EQ(adopted_tcp6.type(), socket_type::stream);
}

TEST_F(S25_NativeHandle, AdoptRejectsTheInvalidHandle) {
    std::error_code ec;
    const unisock::socket none = unisock::socket::adopt(unisock::invalid_native_handle, ec);
    EXPECT_EQ(ec, unisock::errc::bad_descriptor);
    EXPECT_FALSE(none.is_open());
    EXPECT_THROW((void)unisock::socket::adopt(unisock::invalid_native_handle), unisock::socket_error);
}

// unisock -> Asio -> unisock on one connection.
TEST_F(S25_NativeHandle, HandOverToAsioAndBack) {
    tcp_pair pair = connect_tcp_pair();
    using asio_handle = asio::ip::tcp::socket::native_handle_type;

    asio::io_context io;
    asio::ip::tcp::socket asio_socket(io);
    asio::error_code aec;
    asio_socket.assign(asio::ip::tcp::v4(), static_cast<asio_handle>(pair.client.release()), aec);
    ASSERT_FALSE(aec) << "asio assign: " << aec.message();
    EXPECT_EQ(asio_socket.remote_endpoint().port(), pair.server.local_address().port());

    asio::write(asio_socket, asio::buffer(std::string_view("from asio")), aec);
    ASSERT_FALSE(aec) << "asio write: " << aec.message();
    EXPECT_EQ(recv_exactly(pair.server, 9), "from asio");
    pair.server.sendall("to asio");
    std::string from_server(7, '\0');
    asio::read(asio_socket, asio::buffer(from_server), aec);
    ASSERT_FALSE(aec) << "asio read: " << aec.message();
    EXPECT_EQ(from_server, "to asio");

    const asio_handle handle = asio_socket.release(aec);
    if (aec == asio::error::operation_not_supported)
        CONFORMANCE_SKIP("this Windows cannot detach a socket from Asio's completion port (needs 8.1)");
    ASSERT_FALSE(aec) << "asio release: " << aec.message();

    unisock::socket back = unisock::socket::adopt(static_cast<unisock::native_handle_type>(handle));
    back.set_timeout(patience);
    expect_exchange(back, pair.server, "back from asio");
}

} // namespace

namespace {

using namespace conformance;

// The public hand-over (unisock/asio.hpp): to_asio moves a connected socket into an
// asio::ip::tcp::socket, from_asio takes it back; data flows at every stage, and
// Asio's errors come out as unisock's.
TEST_F(S25_NativeHandle, ToAsioAndFromAsioArePublicApi) {
    tcp_pair pair = connect_tcp_pair();
    asio::io_context io;
    asio::ip::tcp::socket in_asio = unisock::to_asio(std::move(pair.client), io);
    EXPECT_FALSE(pair.client.is_open()) << "the unisock socket gave its handle away";
    asio::write(in_asio, asio::buffer(std::string_view("via asio")));
    EXPECT_EQ(recv_exactly(pair.server, 8), "via asio");

    std::error_code ec;
    unisock::socket back = unisock::from_asio(std::move(in_asio), ec);
    if (ec == unisock::errc::operation_not_supported) {
        // What "back" means where the completion port association cannot be undone (Windows
        // before 8.1, Wine): from_asio says so, and the socket stays Asio's, still working.
        record_note("from_asio: " + ec.message() + "; the socket stays Asio's (IOCP association is permanent here)");
        ASSERT_TRUE(in_asio.is_open());
        asio::write(in_asio, asio::buffer(std::string_view("still asio")));
        EXPECT_EQ(recv_exactly(pair.server, 10), "still asio");
        return;
    }
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_FALSE(in_asio.is_open());
    back.set_timeout(patience);
    back.sendall("back");
    EXPECT_EQ(recv_exactly(pair.server, 4), "back");
    pair.server.sendall("to unisock");
    EXPECT_EQ(recv_exactly(back, 10), "to unisock");
}

TEST_F(S25_NativeHandle, AsioErrorsComeOutAsUnisockErrors) {
    tcp_pair pair = connect_tcp_pair();
    asio::io_context io;
    asio::ip::tcp::socket in_asio = unisock::to_asio(std::move(pair.client), io);
    pair.server.abort(); // the peer resets the connection
    asio::error_code aec;
    std::array<char, 16> buffer{};
    for (int i = 0; i < 100 && !aec; ++i) {
        asio::write(in_asio, asio::buffer(std::string_view("x")), aec);
        if (!aec) (void)in_asio.read_some(asio::buffer(buffer), aec);
    }
    const std::error_code ec = unisock::from_asio_error(aec);
    record_native("asio reported " + aec.message() + " [" + aec.category().name() + " " + std::to_string(aec.value()) + "]");
    EXPECT_TRUE(ec == unisock::errc::connection_reset || ec == unisock::errc::broken_pipe ||
                ec == unisock::errc::connection_aborted || ec == unisock::errc::unexpected_eof)
        << ec.message() << " [" << ec.category().name() << " " << ec.value() << "]";
    if (aec.category() == asio::error::get_system_category()) {
        EXPECT_EQ(ec.value(), aec.value()) << "the native code is kept";
    }
    EXPECT_FALSE(unisock::from_asio_error({}));
    EXPECT_EQ(unisock::from_asio_error(asio::error::eof), unisock::errc::unexpected_eof);
    EXPECT_EQ(unisock::from_asio_error(asio::error::operation_aborted), unisock::errc::operation_canceled);
}

} // namespace
