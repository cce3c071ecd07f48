// SPDX-License-Identifier: BSL-1.0
#pragma once
// What the Windows backend files share beyond platform/sockaddr.hpp (the address
// conversion written once for both backends): the SOCKET behind a handle, Winsock's
// start-up and select()'s timeout. Header-only, so the backend keeps the same file list as POSIX's.

#include <algorithm>
#include <chrono>
#include <system_error>

#include "platform/platform.hpp"
#include "platform/sockaddr.hpp"

namespace unisock::platform {

// Starts Winsock once per process (init.cpp) and returns its state. Called by each entry
// point that needs the stack (open_socket, adopt_socket, the lookups, the probes), so
// core/ never has to.
std::error_code ensure_initialized() noexcept;

// The "winsock" codes of a connect() that has not finished: the same as system_category()
// except that WSAEWOULDBLOCK, which Winsock reports there, reads as errc::in_progress.
const std::error_category& connect_category() noexcept;

// Which call failed, for transfer_error_of.
enum class transfer_call { send, receive };

// The portable reading of a failed send/recv's WSA code, where Winsock's differs from
// POSIX's. A datagram socket's WSAECONNRESET is an ICMP port-unreachable: POSIX calls it
// ECONNREFUSED, and so does this. A send to a peer that has gone can fail with
// WSAECONNABORTED, which the contract's send row (broken_pipe or connection_reset) reads
// as WSAECONNRESET. Every other code is kept as it is.
std::error_code transfer_error_of(int native, transfer_call call, bool datagram) noexcept;

// The WSAIoctl codes that switch ICMP error reporting on a UDP socket (SIO_UDP_CONNRESET,
// SIO_UDP_NETRESET), and the switch itself: off while unconnected, on once connected.
extern const unsigned long udp_reset_controls[2];
std::error_code report_udp_resets(SOCKET s, bool report) noexcept;

// SOCKET is an unsigned pointer-sized integer; INVALID_SOCKET (~0) becomes -1.
inline SOCKET as_socket(handle h) noexcept { return as_native(h); }
inline handle as_handle(SOCKET s) noexcept { return static_cast<handle>(s); }

// select()'s timeout: the time left rounded up to the microsecond, so that a positive
// remainder never becomes a zero timeout (which would poll instead of waiting). At most a
// day: a far deadline is reached in several waits, each of which fits timeval's 32-bit
// seconds.
inline timeval select_timeout(const deadline& until) noexcept {
    constexpr std::chrono::hours longest_select{24};
    const auto left = std::min<deadline::duration>(until.remaining(), longest_select);
    const auto micro = std::chrono::ceil<std::chrono::microseconds>(left);
    timeval tv{};
    tv.tv_sec = static_cast<long>(micro.count() / 1'000'000);
    tv.tv_usec = static_cast<long>(micro.count() % 1'000'000);
    return tv;
}

} // namespace unisock::platform
