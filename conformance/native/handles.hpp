// SPDX-License-Identifier: BSL-1.0
#pragma once
// Raw OS probe: how many descriptors (POSIX) or handles (Windows) the process holds.

namespace conformance::native {

long open_handle_count();

// Whether this Windows process runs under Wine (always false elsewhere).
bool running_under_wine();

} // namespace conformance::native
