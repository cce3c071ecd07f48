// SPDX-License-Identifier: BSL-1.0
#pragma once
// S05 raw probe: what plain bind(2) does on a port another socket already holds, with no
// socket option set on either socket (the OS defaults, nothing normalized).

#include <string>

namespace conformance::native {

// A second socket binds 127.0.0.1:port while a first one is bound there, not listening
// (EADDRINUSE on Linux and macOS, WSAEADDRINUSE on Windows).
std::string raw_second_bind_same_address();

// A second socket binds 127.0.0.1:port while a first one listens on 0.0.0.0:port
// (Linux and macOS refuse; Windows lets a more specific address in unless the first
// socket asked for SO_EXCLUSIVEADDRUSE).
std::string raw_second_bind_specific_over_wildcard();

// A second socket binds 0.0.0.0:port while a first one listens on 127.0.0.1:port
// (Linux refuses; Windows lets the wildcard in beside the specific address).
std::string raw_second_bind_wildcard_over_specific();

// A blocking connect to a loopback port nobody listens on, timed (Linux and macOS refuse
// at once; Windows retries the refused SYN for about 2 s before WSAECONNREFUSED).
std::string raw_refused_loopback_connect();

} // namespace conformance::native
