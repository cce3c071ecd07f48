// SPDX-License-Identifier: BSL-1.0
#pragma once
// Raw OS probe: how many descriptors (POSIX) or handles (Windows) the process holds.

#include <optional>
#include <string>

namespace conformance::native {

long open_handle_count();

// Why this OS has no per-process descriptor limit a program can lower (Windows), or
// nullopt where lower_descriptor_limit works.
std::optional<std::string> descriptor_limit_unsupported();

// Lowers this process's limit on open descriptors (RLIMIT_NOFILE's soft limit) to
// limit, for S40's child process. nullopt when done, else why not.
std::optional<std::string> lower_descriptor_limit(long limit);

// Whether this Windows process runs under Wine (always false elsewhere).
bool running_under_wine();

} // namespace conformance::native
