// SPDX-License-Identifier: BSL-1.0
// Raw OS helper: the process's descriptor limit, raised within what the OS allows or
// lowered.
#include "native/limits.hpp"

#if !defined(_WIN32)
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#endif

namespace conformance::native {

#if defined(_WIN32)

std::optional<long> raise_descriptor_limit() { return std::nullopt; }

std::optional<std::string> descriptor_limit_unsupported() {
    return std::string("Windows has no per-process limit on open handles that a program can lower (no "
                       "RLIMIT_NOFILE; the kernel's fixed cap is 2^24 handles), so there is no WSAEMFILE to provoke");
}

std::optional<std::string> lower_descriptor_limit(long) { return descriptor_limit_unsupported(); }

#else

std::optional<long> raise_descriptor_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
#if defined(__APPLE__)
        // macOS refuses a soft limit above OPEN_MAX, whatever the hard limit says.
        raised.rlim_cur = std::min<rlim_t>(raised.rlim_cur, OPEN_MAX);
#endif
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > static_cast<rlim_t>(LONG_MAX)) return LONG_MAX;
    return static_cast<long>(limit.rlim_cur);
}

std::optional<std::string> descriptor_limit_unsupported() { return std::nullopt; }

std::optional<std::string> lower_descriptor_limit(long limit) {
    rlimit current{};
    if (::getrlimit(RLIMIT_NOFILE, &current) != 0) return std::string("getrlimit: ") + std::strerror(errno);
    current.rlim_cur = static_cast<rlim_t>(limit);
    if (::setrlimit(RLIMIT_NOFILE, &current) != 0) return std::string("setrlimit: ") + std::strerror(errno);
    return std::nullopt;
}

#endif

} // namespace conformance::native
