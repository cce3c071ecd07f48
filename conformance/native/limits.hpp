// SPDX-License-Identifier: BSL-1.0
#pragma once
// Raw OS helper: this process's limit on open descriptors, raised (S46 connect flood) or
// lowered (S40 out of descriptors, in a child process).

#include <optional>
#include <string>

namespace conformance::native {

// Raises the soft limit on open descriptors to the hard limit (getrlimit/setrlimit
// RLIMIT_NOFILE on POSIX; macOS caps the soft limit at OPEN_MAX) and returns the limit
// now in force (0 if it cannot be read). nullopt on Windows, which has no per-process
// limit on sockets.
std::optional<long> raise_descriptor_limit();

// Why this OS has no per-process descriptor limit a program can lower (Windows), or
// nullopt where lower_descriptor_limit works.
std::optional<std::string> descriptor_limit_unsupported();

// Lowers this process's limit on open descriptors (RLIMIT_NOFILE's soft limit) to
// limit. nullopt when done, else why not.
std::optional<std::string> lower_descriptor_limit(long limit);

} // namespace conformance::native
