// SPDX-License-Identifier: BSL-1.0
#pragma once
/// @file
/// Helpers built on socket, as in Python's socket module: create_connection (Happy
/// Eyeballs, RFC 8305, with every address's error on failure), create_server, socketpair; and exchange, the duplex helper that sends and receives at
/// once so that two peers writing large payloads cannot deadlock.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "unisock/address.hpp"
#include "unisock/error.hpp"
#include "unisock/socket.hpp"

namespace unisock {

/// How create_connection() connects (Python's create_connection arguments).
struct connection_options {
    /// One limit for the whole call, name resolution included (nullopt = none); the
    /// socket keeps it as its timeout. Zero: each address is tried without waiting, as by
    /// a non-blocking connect (in_progress unless one connects at once), while the lookup
    /// blocks, as in Python. Negative fails with invalid_argument.
    std::optional<timeout_duration> timeout = std::nullopt;
    /// Python's source_address: every attempt binds to it before connecting (port 0: any
    /// port). An address of the other IP family is not tried (address_family_not_supported
    /// in its attempt). With a fixed port only one attempt holds it at a time: another one
    /// of that family started while the first still runs fails with address_in_use.
    std::optional<address> source_address = std::nullopt;
    /// RFC 8305's Connection Attempt Delay: the next address is tried this long after the
    /// previous attempt started, or at once when that attempt fails. The RFC recommends
    /// 250 ms and at least 10 ms; a value below 10 ms is read as 10 ms.
    timeout_duration attempt_delay = std::chrono::milliseconds(250);
};

/// One address create_connection() tried, and how that attempt failed.
struct connection_attempt {
    /// The address tried.
    address endpoint;
    /// Its failure: connection_refused, timed_out (the overall timeout ended it),
    /// in_progress (a zero timeout), network_unreachable, a bind error of source_address...
    std::error_code error;
};

/// What both exceptions of a failed create_connection() carry: each address tried, in the
/// order tried, with its error (Python's all_errors=True). Catch it by this type to see
/// every address's error whichever exception it is.
class connection_failure {
public:
    /// The attempts (shared, so copying the exception never throws).
    explicit connection_failure(std::vector<connection_attempt> attempts);
    /// Every address tried, with its error; never empty.
    const std::vector<connection_attempt>& attempts() const noexcept { return *attempts_; }

private:
    std::shared_ptr<const std::vector<connection_attempt>> attempts_;
};

/// Raised when create_connection() tried addresses and none connected, for a reason
/// other than its timeout: code() is the first address's error (as Python 3.11 raises
/// the first); attempts() has them all.
class connection_error : public socket_error, public connection_failure {
public:
    /// An exception for ec with the given message and attempts.
    connection_error(std::error_code ec, const std::string& what, std::vector<connection_attempt> attempts);
};

/// Raised when create_connection()'s timeout ended it (the first address's error is
/// timed_out): a timeout_error, as before, that also carries every attempt.
class connection_timeout_error : public timeout_error, public connection_failure {
public:
    /// An exception for ec with the given message and attempts.
    connection_timeout_error(std::error_code ec, const std::string& what, std::vector<connection_attempt> attempts);
};

/// Resolves host and connects to one of its addresses by RFC 8305's Happy Eyeballs: the
/// addresses are interleaved by family (IPv6 first, then IPv4, IPv6, ..., each family in
/// the resolver's order), the next attempt starts options.attempt_delay after the
/// previous one started or at once when it fails, attempts run at once (up to 32), the
/// first to connect wins and the others are closed. Name resolution runs inside the
/// timeout and is cancelled when it passes (resolve() with a timeout: gai_cancel on
/// glibc, GetAddrInfoExCancel on Windows; macOS checks the time only before the lookup).
/// Fails with the resolver's gai_error (host_not_found for a name without addresses);
/// when every address tried failed, with connection_error (connection_timeout_error, a
/// timeout_error, when the timeout ended it) whose code() is the error of the first
/// address tried and whose attempts() lists each address's. Addresses not yet tried when
/// the timeout passes are not listed. POSIX: getaddrinfo(3) (getaddrinfo_a with a
/// timeout), socket(2), bind(2) for source_address, connect(2) non-blocking, poll(2) on
/// every attempt at once, getsockopt(2) (SO_ERROR). Windows: GetAddrInfoExW, WSASocketW,
/// bind, connect, select on every attempt at once, getsockopt (SO_ERROR).
socket create_connection(std::string_view host, std::uint16_t port, const connection_options& options);
/// create_connection(host, port, options), reporting a failure in ec instead of throwing:
/// the error of the first address tried (as the exception's code()). Never throws.
socket create_connection(std::string_view host, std::uint16_t port, const connection_options& options,
                         std::error_code& ec) noexcept;
/// create_connection(host, port, options, ec) that also reports every address tried and
/// its error in attempts (cleared first; empty when resolution failed; the failed ones
/// when a later address connected). Never throws: memory it cannot get is
/// no_buffer_space.
socket create_connection(std::string_view host, std::uint16_t port, const connection_options& options,
                         std::vector<connection_attempt>& attempts, std::error_code& ec) noexcept;

/// Connects to one of candidates by Happy Eyeballs as above, in the order given (no
/// lookup, no reordering by family): for a list the caller has resolved and sorted. An
/// empty list fails with invalid_argument. Errors, system calls and exceptions as above.
socket create_connection(const std::vector<address>& candidates, const connection_options& options = {});
/// create_connection(candidates, options), reporting a failure in ec instead of throwing.
socket create_connection(const std::vector<address>& candidates, const connection_options& options,
                         std::error_code& ec) noexcept;
/// create_connection(candidates, options, ec), with every attempt's error in attempts.
socket create_connection(const std::vector<address>& candidates, const connection_options& options,
                         std::vector<connection_attempt>& attempts, std::error_code& ec) noexcept;

/// create_connection(host, port, {.timeout = timeout}) (Python's create_connection((host,
/// port), timeout)): Happy Eyeballs with the default attempt delay, no source address.
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
