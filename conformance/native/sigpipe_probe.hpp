// SPDX-License-Identifier: BSL-1.0
#pragma once
// S24, S42 raw probe: how this OS lets a program send to a closed peer without SIGPIPE,
// and what happens without that care.

#include <string>

namespace conformance::native {

// Which of MSG_NOSIGNAL (per call, Linux) and SO_NOSIGPIPE (per socket, Apple) exist.
std::string sigpipe_suppression();

// Two raw sends to a peer that reset the connection, each with SIGPIPE suppressed (a
// raw send without that would kill this process on POSIX): the codes the OS returns.
std::string raw_send_to_reset_peer();

// For S42's child: puts SIGPIPE back to its default disposition (ending the process) and
// tells what it was before; on Windows, that there is no SIGPIPE.
std::string restore_default_sigpipe();

// For S42's child: plain send(2)s, nothing suppressed, to a peer that reset the
// connection. Under the default disposition a POSIX process does not return from this:
// SIGPIPE ends it (its exit status tells). Returns the errors where it survives (Windows).
std::string raw_unsuppressed_sends_to_reset_peer();

} // namespace conformance::native
