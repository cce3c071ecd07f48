// SPDX-License-Identifier: BSL-1.0
#pragma once
// S31..S33 raw probes: what the OS's own readiness calls report, nothing normalized.
// Linux: epoll_wait; macOS: kevent; Windows: select() and WSAPoll.

#include <string>

namespace conformance::native {

// S31: `count` loopback connections each with a byte to read, watched by the OS's
// readiness call as a program would write it by hand: how many it reports ready in one
// call (Windows: a plain fd_set holds FD_SETSIZE sockets, and FD_SET drops the rest).
std::string raw_many_ready(int count);

// S32: a non-blocking connect to a loopback port nobody listens on: what the readiness
// calls report (Windows: select()'s sets; WSAPoll with POLLOUT; WSAPoll with POLLERR in
// events, which Windows refuses with WSAEINVAL).
std::string raw_failed_connect();

// S33: what the readiness call reports on a connection whose peer closed (FIN) and on one
// whose peer reset it (RST, SO_LINGER {1, 0}).
std::string raw_peer_closed();
std::string raw_peer_reset();

} // namespace conformance::native
