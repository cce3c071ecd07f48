// SPDX-License-Identifier: BSL-1.0
#pragma once
// S21 raw probe: which Unix-domain socket kinds the OS's socket() creates by itself.

#include <string>

namespace conformance::native {

// socket(AF_UNIX, SOCK_STREAM / SOCK_DGRAM / SOCK_SEQPACKET) with the plain call, each
// closed at once: "stream ok, datagram EAFNOSUPPORT (...)..." for the report.
std::string raw_local_socket_kinds();

} // namespace conformance::native
