// SPDX-License-Identifier: BSL-1.0
#pragma once
// S18 raw probe: what the kernel's own receive timeout does with 100 microseconds.

#include <string>

namespace conformance::native {

// Sets SO_RCVTIMEO to 100 us the way a direct port would (a timeval on POSIX; whole
// milliseconds in a DWORD on Windows, where 100 us becomes 0 = no timeout at all) and
// reads it back. Nothing is received: on Windows that would block forever.
std::string raw_receive_timeout_100us();

} // namespace conformance::native
