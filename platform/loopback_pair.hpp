// SPDX-License-Identifier: BSL-1.0
#pragma once
// Connected socket pairs built from ordinary sockets over the loopback, for the pairs an
// OS has no socketpair() for (all of them on Windows, IP families on POSIX). Written once
// against platform.hpp, so both backends share it.

#include <system_error>

#include "platform/platform.hpp"

namespace unisock::platform {

// A connected stream pair through a private listener bound to listen_on, closed
// afterwards. With verify_peer, only the connection whose address matches the client's
// is accepted: anyone else who connects to the port first is dropped.
void stream_pair_through(address_family f, const address& listen_on, bool verify_peer, handle out[2],
                         std::error_code& ec) noexcept;

// Two loopback UDP sockets, each connected to the other.
void loopback_datagram_pair(address_family f, handle out[2], std::error_code& ec) noexcept;

// 127.0.0.1 or ::1, port 0.
address loopback_for(address_family f) noexcept;

} // namespace unisock::platform
