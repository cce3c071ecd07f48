// SPDX-License-Identifier: BSL-1.0
// What Windows sockets offer, and their limits.
#include <winsock2.h>

#include "platform/platform.hpp"
#include "platform/windows/sockaddr.hpp"

namespace unisock::platform {

namespace {

// AF_UNIX stream sockets exist from Windows 10 1803 on: creating one (no bind, so nothing
// appears on disk) is the only reliable test.
bool can_create_local_stream() noexcept {
    if (ensure_initialized()) return false;
    const SOCKET probe = WSASocketW(AF_UNIX, SOCK_STREAM, 0, nullptr, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (probe == INVALID_SOCKET) return false;
    ::closesocket(probe);
    return true;
}

platform_capabilities probe_capabilities() noexcept {
    platform_capabilities result;
    result.local_stream = can_create_local_stream();
    // No AF_UNIX datagrams, abstract names, SOCK_SEQPACKET, SO_REUSEPORT or socketpair().
    return result;
}

} // namespace

platform_capabilities query_capabilities() noexcept {
    static const platform_capabilities probed = probe_capabilities(); // once, at the first query
    return probed;
}

std::string_view os_name() noexcept { return "windows"; }

// listen() passes SOMAXCONN_HINT for large backlogs (socket.cpp), which Microsoft
// documents as clamped to 65535. Windows has no call that reports a provider's actual
// queue limit, so the documented ceiling is what can be known.
int backlog_limit() noexcept { return 65535; }

// Windows delivers no asynchronous signal to a chosen thread (Ctrl+C runs its handler on
// a thread of its own): nothing to block.
async_signals_blocked::async_signals_blocked() noexcept : saved_mask_{} {}
async_signals_blocked::~async_signals_blocked() = default;

} // namespace unisock::platform
