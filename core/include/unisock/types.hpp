// SPDX-License-Identifier: BSL-1.0
#pragma once
/// @file
/// The vocabulary every part of unisock shares: the OS handle as an integer, the socket
/// types, the shutdown directions, what a wait waits for, the timeout type and the
/// listen() backlog constants. No OS header: the values are unisock's own, translated to
/// the native ones inside platform/. Nothing in this file makes a system call.

#include <chrono>
#include <cstdint>
#include <string>

namespace unisock {

/// The OS handle as an integer: a file descriptor on POSIX, a SOCKET on Windows.
using native_handle_type = std::intptr_t;
/// No handle: -1 on POSIX, INVALID_SOCKET (~0) on Windows: the same value as
/// native_handle_type.
inline constexpr native_handle_type invalid_native_handle = -1;

/// The socket types: stream is SOCK_STREAM, datagram SOCK_DGRAM, seqpacket
/// SOCK_SEQPACKET, raw SOCK_RAW. Other values fail with errc::socket_type_not_supported.
enum class socket_type : int { stream = 1, datagram = 2, seqpacket = 3, raw = 4 };
/// The type's name ("stream", "datagram", ...), for messages; no system call.
std::string to_string(socket_type t);

/// The direction shutdown() closes: read is SHUT_RD on POSIX, SD_RECEIVE on Windows;
/// write is SHUT_WR / SD_SEND; both is SHUT_RDWR / SD_BOTH.
enum class shutdown_how { read, write, both };

/// What socket::wait waits for. writable also reports a failed connect (on Windows it
/// watches select()'s except set, which is where Winsock reports one). either returns
/// when the socket is readable or writable.
enum class wait_for { readable, writable, either };

/// The backlog listen() uses when none is given (Python's default: min(SOMAXCONN, 128)).
inline constexpr int default_backlog = 128;
/// Ask for the largest backlog the system allows (SOMAXCONN on POSIX, which the kernel
/// clamps to its limit; SOMAXCONN_HINT(65535) on Windows), which listen_backlog_limit() in
/// system.hpp reports.
inline constexpr int max_backlog = 0x7fffffff;

/// The type of every timeout (socket::set_timeout, socket::wait, create_connection):
/// nanoseconds, so a sub-millisecond timeout keeps its value.
using timeout_duration = std::chrono::nanoseconds;

} // namespace unisock
