// SPDX-License-Identifier: BSL-1.0
#include "unisock/version.hpp"

namespace unisock {

// Compiled into the library: the version of the binary, whatever headers the caller has.
std::string_view version() noexcept { return UNISOCK_VERSION_STRING; }

} // namespace unisock
