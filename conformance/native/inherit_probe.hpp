// SPDX-License-Identifier: BSL-1.0
#pragma once
// S29 raw probe: whether a child process keeps a port open through an inherited socket.

#include <string>
#include <vector>

namespace conformance::native {

// Opens a listener with plain socket() (inheritable: no SOCK_CLOEXEC, no
// WSA_FLAG_NO_HANDLE_INHERIT), starts program with args while it is open, closes it in
// this process, then tries to bind and listen on the same port again while the child
// still runs: whether the port stayed held. The child is terminated before returning.
std::string raw_inherited_listener_holds_port(const std::string& program,
                                              const std::vector<std::string>& args);

} // namespace conformance::native
