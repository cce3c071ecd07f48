// SPDX-License-Identifier: BSL-1.0
#pragma once
// The select10k family's shape, shared by the raw baseline and unisock's variant.

namespace unisock::bench {

// Idle registered sockets (UDP, one descriptor each, never readable) and ready ones (the
// receiving ends of TCP connections holding a byte nobody reads: level-triggered, they
// stay ready for every select).
inline constexpr int idle_sockets = 10'000;
inline constexpr int ready_sockets = 4;

} // namespace unisock::bench
