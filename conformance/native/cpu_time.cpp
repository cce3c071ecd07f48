// SPDX-License-Identifier: BSL-1.0
// S15 raw probe: process CPU time from the OS.
#include "native/cpu_time.hpp"

#if defined(_WIN32)
#include <windows.h>
#else
#include <sys/resource.h>
#endif

namespace conformance::native {

#if defined(_WIN32)

std::optional<std::chrono::microseconds> process_cpu_time() {
    FILETIME created, exited, kernel, user;
    if (!GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user)) return std::nullopt;
    const auto ticks = [](const FILETIME& t) { // 100 ns units
        return (static_cast<unsigned long long>(t.dwHighDateTime) << 32) | t.dwLowDateTime;
    };
    return std::chrono::microseconds((ticks(kernel) + ticks(user)) / 10);
}

#else

std::optional<std::chrono::microseconds> process_cpu_time() {
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) != 0) return std::nullopt;
    const auto as_duration = [](const timeval& t) {
        return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec);
    };
    return as_duration(usage.ru_utime) + as_duration(usage.ru_stime);
}

#endif

} // namespace conformance::native
