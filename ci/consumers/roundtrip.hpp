// SPDX-License-Identifier: BSL-1.0
#pragma once
// The consumer's own interface: plain C++ with no unisock type, so that the shared
// library built from roundtrip.cpp hides the static unisock inside it.

// Exported from the consumer's shared library (roundtrip_plugin) on ELF and Mach-O by
// default visibility; 0 when the round trip and the version check passed.
int unisock_roundtrip();
