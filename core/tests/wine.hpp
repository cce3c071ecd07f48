// SPDX-License-Identifier: BSL-1.0
#pragma once
// ci/wine-test.sh sets UNISOCK_UNDER_WINE when it runs the Windows build under Wine, so
// that a test of a feature Wine lacks outright can skip with that reason (and only there:
// on real Windows the same test runs).

#include <cstdlib>

namespace unisock::test {

inline bool running_under_wine() { return std::getenv("UNISOCK_UNDER_WINE") != nullptr; }

} // namespace unisock::test
