// SPDX-License-Identifier: BSL-1.0
#pragma once
// S30 raw probe: whether shutdown(read) from another thread wakes a blocked recv.

#include <string>

namespace conformance::native {

// A raw blocking recv, bounded by a 2 s SO_RCVTIMEO, while another thread calls
// shutdown(SHUT_RD / SD_RECEIVE) on the same socket after 100 ms: what recv returned
// and when (Linux returns 0 at once; other systems may keep it blocked).
std::string raw_shutdown_read_wakes_recv();

} // namespace conformance::native
