// SPDX-License-Identifier: BSL-1.0
#pragma once
// S24 raw probe: how this OS lets a program send to a closed peer without SIGPIPE.

#include <string>

namespace conformance::native {

// Which of MSG_NOSIGNAL (per call, Linux) and SO_NOSIGPIPE (per socket, Apple) exist.
std::string sigpipe_suppression();

// Two raw sends to a peer that reset the connection, each with SIGPIPE suppressed (a
// raw send without that would kill this process on POSIX): the codes the OS returns.
std::string raw_send_to_reset_peer();

} // namespace conformance::native
