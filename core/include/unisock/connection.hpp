// SPDX-License-Identifier: BSL-1.0
#pragma once
/// @file
/// Helpers built on socket, as in Python's socket module: create_connection,
/// create_server, socketpair; and exchange, the duplex helper that sends and receives at
/// once so that two peers writing large payloads cannot deadlock.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "unisock/address.hpp"
#include "unisock/socket.hpp"

namespace unisock {

/// Resolves host and tries each address in turn until one connects, under one overall
/// timeout (nullopt = block). No address takes the whole timeout: each attempt gets an
/// equal share of the time that is left (the last one all of it), so a dead first address
/// cannot starve a live second one. The socket keeps the timeout. The error is the last
/// address's error (gai_error if resolution fails). The timeout covers name resolution
/// too (resolve with a timeout: timed_out when the lookup outlasts it, on macOS only
/// checked before the lookup); a zero timeout makes the attempts non-blocking while the
/// lookup blocks, as in Python.
/// POSIX: getaddrinfo(3) (getaddrinfo_a with a timeout), then socket(2), connect(2)
/// and poll(2) per address. Windows: GetAddrInfoExW, then WSASocketW, connect and select
/// per address.
socket create_connection(std::string_view host, std::uint16_t port,
                         std::optional<timeout_duration> timeout = std::nullopt);
/// create_connection(host, port, timeout), reporting a failure in ec instead of throwing.
socket create_connection(std::string_view host, std::uint16_t port,
                         std::optional<timeout_duration> timeout, std::error_code& ec);

/// How create_server() sets up its listener.
struct server_options {
    /// The listen() backlog (max_backlog for the most the system allows).
    int backlog = default_backlog;
    /// A server wants to restart at once over TIME_WAIT, never to share a live port.
    reuse_policy reuse = reuse_policy::rebind_after_close;
    /// For an IPv6 address: also accept IPv4 clients (v6_only = false).
    bool dual_stack = false;
};

/// socket + reuse policy + bind + listen, for IPv4, IPv6 or a Unix path. Fails as those
/// calls do (address_in_use for a taken port). POSIX: socket(2), setsockopt(2), bind(2),
/// listen(2). Windows: WSASocketW, setsockopt, bind, listen.
socket create_server(const address& local, const server_options& options = {});
/// create_server(local, options), reporting a failure in ec instead of throwing.
socket create_server(const address& local, const server_options& options, std::error_code& ec);

/// What socketpair() returns: two sockets connected to each other.
struct socket_pair {
    /// One end.
    socket first;
    /// The other end.
    socket second;
};

/// Two connected sockets. address_family::unspecified picks address_family::local where
/// the OS has a native socketpair (POSIX) and an IPv4 loopback pair elsewhere (Windows,
/// emulated over a listener that accepts only the expected peer). POSIX: socketpair(2)
/// for address_family::local. Elsewhere (Windows, and IP pairs on POSIX): a private
/// listener (socket, bind, listen, connect, accept), or for datagrams two UDP sockets
/// connected to each other.
socket_pair socketpair(address_family f = address_family::unspecified,
                       socket_type t = socket_type::stream);
/// socketpair(f, t), reporting a failure in ec instead of throwing.
socket_pair socketpair(address_family f, socket_type t, std::error_code& ec);

/// Sends all of out while receiving up to expected bytes, whichever way the peer
/// proceeds, until both are done, the peer closes (the bytes so far are returned), or
/// the timeout passes (timed_out). Two peers that both write large payloads before
/// reading complete with exchange where send-then-recv would deadlock. POSIX: send(2),
/// recv(2) and poll(2). Windows: send, recv and select.
std::string exchange(socket& sock, const_bytes out, std::size_t expected,
                     std::optional<timeout_duration> timeout = std::nullopt);
/// exchange(sock, out, expected, timeout), reporting a failure in ec instead of throwing.
std::string exchange(socket& sock, const_bytes out, std::size_t expected,
                     std::optional<timeout_duration> timeout, std::error_code& ec);

} // namespace unisock
