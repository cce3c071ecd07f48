// SPDX-License-Identifier: BSL-1.0
#include "roundtrip.hpp"

int main() { return unisock_roundtrip(); }
