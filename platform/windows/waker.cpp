// SPDX-License-Identifier: BSL-1.0
// The wake-up handle on Windows: a UDP socket on the loopback connected to itself. A
// byte sent to it makes it readable, which select() watches next to the socket.
// select() accepts nothing but sockets, and a UDP socket is the cheapest one: one handle
// and one port of the UDP ephemeral range (which TCP connections do not draw from),
// opened only by sockets that wait. Servers at scale wait through the async engine
// (IOCP), not through this.
#include <winsock2.h>

#include "platform/platform.hpp"
#include "platform/windows/sockaddr.hpp"

namespace unisock::platform {

handle open_waker(std::error_code& ec) noexcept {
    const handle h = open_socket(address_family::ipv4, socket_type::datagram, 0, ec);
    if (ec) return invalid_native_handle;
    native_address self;
    ec = bind_socket(h, address::v4_loopback(0));
    if (!ec && ::getsockname(as_socket(h), self.get(), &self.length) == SOCKET_ERROR) ec = last_error();
    // A plain connect, not start_connect: ICMP resets stay off, none can come from itself.
    if (!ec && ::connect(as_socket(h), self.get(), self.length) == SOCKET_ERROR) ec = last_error();
    if (ec) {
        ::closesocket(as_socket(h));
        return invalid_native_handle;
    }
    return h;
}

void signal_waker(handle waker) noexcept {
    // A full buffer (WSAEWOULDBLOCK) means it is signalled already.
    const char byte = 1;
    ::send(as_socket(waker), &byte, 1, 0);
}

void drain_waker(handle waker) noexcept {
    char bytes[64];
    while (::recv(as_socket(waker), bytes, sizeof bytes, 0) > 0) {
    }
}

void close_waker(handle waker) noexcept { ::closesocket(as_socket(waker)); }

} // namespace unisock::platform
