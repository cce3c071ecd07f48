// SPDX-License-Identifier: BSL-1.0
// POSIX needs no network start-up: these exist so core/ calls the same functions on
// every OS. SIGPIPE is handled per socket (socket.cpp), never by touching the process's
// signal disposition.
#include "platform/platform.hpp"

namespace unisock::platform {

std::error_code network_status() noexcept { return {}; }

std::error_code startup() noexcept { return {}; }

void cleanup() noexcept {}

} // namespace unisock::platform
