// SPDX-License-Identifier: BSL-1.0
#pragma once
// Raw OS helpers for the probes of S14..S30: IPv4 TCP sockets made with the plain system
// calls (no unisock in between), and names for the native error codes they report, so a
// probe can say "EADDRINUSE (98)" on Linux and "WSAEADDRINUSE (10048)" on Windows.

#include <cstdint>
#include <string>

namespace conformance::native::raw {

// A SOCKET on Windows, a descriptor elsewhere; -1 is INVALID_SOCKET and an invalid fd.
using handle = std::intptr_t;
inline constexpr handle invalid = -1;

// The last socket error of this thread (errno / WSAGetLastError), as a number and named.
int last_error() noexcept;
std::string error_name(int code);
std::string last_error_text();

// socket(AF_INET, SOCK_STREAM): blocking and inheritable, as the OS makes it by default.
handle tcp_socket() noexcept;
void close(handle h) noexcept;
bool set_non_blocking(handle h) noexcept;
bool set_reuse_address(handle h) noexcept;
// bind to 127.0.0.1:port; false with the error left for last_error().
bool bind_loopback(handle h, std::uint16_t port) noexcept;
bool listen(handle h, int backlog) noexcept;
// connect to 127.0.0.1:port; false with the error left for last_error().
bool connect_loopback(handle h, std::uint16_t port) noexcept;
std::uint16_t local_port(handle h) noexcept;
// recv(2) / send(2): the byte count, or -1 with the error left for last_error().
long receive(handle h, char* buffer, int size) noexcept;
long send(handle h, const char* data, int size, int flags) noexcept;

// Both ends of a blocking loopback connection; both invalid (and error set) on failure.
struct pair {
    handle client = invalid;
    handle server = invalid;
};
pair connected_pair(std::string& error);
void close(pair& p) noexcept;

} // namespace conformance::native::raw
