// SPDX-License-Identifier: BSL-1.0
#pragma once
// The select10k family's shape, shared by the raw baseline and unisock's variant.

#include <cstdint>
#include <span>

namespace unisock::bench {

// Idle registered sockets (UDP, one descriptor each, never readable) and ready ones (the
// receiving ends of TCP connections holding a byte nobody reads: level-triggered, they
// stay ready for every select): 4 in select10k, 64 in select10k_64ready, whose ratio is
// the cost per ready event once the per-call cost is spread over many.
inline constexpr int idle_sockets = 10'000;
inline constexpr int few_ready = 4;
inline constexpr int many_ready = 64;

// The idle sockets, opened once (raw socket calls, bench/native/raw_selector_bench.cpp)
// and registered by both variants: a paired run holds both at once, and two sets of
// 10,000 would not fit a 20,000-descriptor limit.
std::span<const std::intptr_t> idle_socket_pool();

} // namespace unisock::bench
