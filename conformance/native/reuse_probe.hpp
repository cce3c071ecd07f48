// SPDX-License-Identifier: BSL-1.0
#pragma once
// S14 raw probe: what plain bind(2) does about TIME_WAIT and SO_REUSEADDR on this OS.

#include <cstdint>
#include <string>

namespace conformance::native {

// bind(127.0.0.1:port) without SO_REUSEADDR while an old connection on port sits in
// TIME_WAIT (Linux and macOS refuse; Windows allows it).
std::string raw_bind_over_time_wait(std::uint16_t port);

// Two listeners on one port, both with SO_REUSEADDR (POSIX refuses the second; on Windows
// SO_REUSEADDR lets the second steal the port).
std::string raw_two_listeners_with_reuse_address();

} // namespace conformance::native
