// SPDX-License-Identifier: BSL-1.0
#pragma once
// Hand-over between unisock and Asio (standalone Asio, ASIO_STANDALONE): a connected
// unisock socket moved into an asio::ip::tcp::socket, and back, and Asio's errors in
// unisock's terms. Include it only where Asio is available: this header, unlike the
// others, includes <asio.hpp>.
//
//   asio::ip::tcp::socket a = unisock::to_asio(std::move(sock), io);
//   unisock::socket back = unisock::from_asio(std::move(a));
//
// What "back" means on Windows: Asio associates the socket with its I/O completion port
// on assign, and an IOCP association cannot be undone before Windows 8.1
// (FileReplaceCompletionInformation); there Asio's release() fails with
// operation_not_supported, from_asio reports it, and the socket stays Asio's.

#include <system_error>
#include <utility>

#include <asio.hpp>

#include "unisock/error.hpp"
#include "unisock/socket.hpp"

namespace unisock {

// An error code that came out of Asio as unisock reports errors: an OS error (Asio's
// system category) keeps its native code in unisock's "errno"/"winsock" category, so it
// compares equal to unisock::errc; asio::error::eof becomes unexpected_eof, and Asio's
// other own codes the closest errc. A false code stays false.
std::error_code from_asio_error(const std::error_code& asio_error) noexcept;

// Moves a connected stream socket (IPv4 or IPv6) into an Asio socket on io: release()
// then assign() (epoll registration on Linux, the completion port on Windows). The
// unisock socket is left closed. On failure the handle is closed and ec says why.
inline asio::ip::tcp::socket to_asio(socket&& sock, asio::io_context& io, std::error_code& ec) {
    asio::ip::tcp::socket result(io);
    ec.clear();
    if (!sock.is_open() || sock.type() != socket_type::stream ||
        (sock.family() != address_family::ipv4 && sock.family() != address_family::ipv6)) {
        ec = make_error_code(sock.is_open() ? errc::invalid_argument : errc::bad_descriptor);
        return result;
    }
    const auto protocol = sock.family() == address_family::ipv6 ? asio::ip::tcp::v6() : asio::ip::tcp::v4();
    sock.set_timeout(timeout_duration::zero(), ec); // released in non-blocking mode, as Asio keeps it
    if (ec) return result;
    const native_handle_type handle = sock.release();
    asio::error_code aec;
    result.assign(protocol, static_cast<asio::ip::tcp::socket::native_handle_type>(handle), aec);
    if (aec) {
        ec = from_asio_error(aec);
        std::error_code ignored;
        (void)socket::adopt(handle, ignored); // closes it
    }
    return result;
}

inline asio::ip::tcp::socket to_asio(socket&& sock, asio::io_context& io) {
    std::error_code ec;
    asio::ip::tcp::socket result = to_asio(std::move(sock), io, ec);
    detail::throw_if(ec, "to_asio");
    return result;
}

// Takes the handle back from Asio (release(): pending Asio operations are canceled) and
// adopts it: blocking timeout, unisock's internal non-blocking mode. The Asio socket is
// left closed. On Windows before 8.1: operation_not_supported, the socket stays Asio's.
inline socket from_asio(asio::ip::tcp::socket&& sock, std::error_code& ec) {
    asio::error_code aec;
    const auto handle = sock.release(aec);
    if (aec) {
        ec = from_asio_error(aec);
        return {};
    }
    return socket::adopt(static_cast<native_handle_type>(handle), ec);
}

inline socket from_asio(asio::ip::tcp::socket&& sock) {
    std::error_code ec;
    socket result = from_asio(std::move(sock), ec);
    detail::throw_if(ec, "from_asio");
    return result;
}

} // namespace unisock
