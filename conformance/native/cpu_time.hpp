// SPDX-License-Identifier: BSL-1.0
#pragma once
// S15 raw probe: the CPU time this process has used (user + system, all threads).
// std::clock() is not it everywhere: on Windows it measures wall time.

#include <chrono>
#include <optional>

namespace conformance::native {

// getrusage(RUSAGE_SELF) on POSIX, GetProcessTimes on Windows; nullopt if unavailable.
std::optional<std::chrono::microseconds> process_cpu_time();

} // namespace conformance::native
