// SPDX-License-Identifier: BSL-1.0
// Raw OS helper: the process's descriptor limit, raised within what the OS allows.
#include "native/limits.hpp"

#if !defined(_WIN32)
#include <algorithm>
#include <climits>
#include <sys/resource.h>
#endif

namespace conformance::native {

#if defined(_WIN32)

std::optional<long> raise_descriptor_limit() { return std::nullopt; }

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

#endif

} // namespace conformance::native
