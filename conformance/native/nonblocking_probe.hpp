// SPDX-License-Identifier: BSL-1.0
#pragma once
// S22 raw probe: the codes the OS itself gives in non-blocking mode.

#include <string>

namespace conformance::native {

// recv on an empty non-blocking socket (EAGAIN on POSIX, WSAEWOULDBLOCK on Windows).
std::string raw_non_blocking_recv();

// connect on a non-blocking socket to a loopback listener (EINPROGRESS on POSIX,
// WSAEWOULDBLOCK on Windows, or done at once).
std::string raw_non_blocking_connect();

} // namespace conformance::native
