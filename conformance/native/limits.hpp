// SPDX-License-Identifier: BSL-1.0
#pragma once
// Raw OS helper (S46 connect flood): this process's limit on open descriptors.

#include <optional>

namespace conformance::native {

// Raises the soft limit on open descriptors to the hard limit (getrlimit/setrlimit
// RLIMIT_NOFILE on POSIX; macOS caps the soft limit at OPEN_MAX) and returns the limit
// now in force (0 if it cannot be read). nullopt on Windows, which has no per-process
// limit on sockets.
std::optional<long> raise_descriptor_limit();

} // namespace conformance::native
