// SPDX-License-Identifier: BSL-1.0
#pragma once
// The POSIX side of the backend code written once in platform/ (sockaddr.cpp, lookup.cpp,
// option_table.cpp, error_category.cpp): the socket headers, and the few facts in which
// POSIX and Windows differ. platform/CMakeLists.txt puts this directory on the include
// path, so "native.hpp" is this file in a POSIX build.

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "platform/platform.hpp"

namespace unisock::platform {

// The descriptor behind a handle, and the type of sockaddr lengths.
using native_socket = int;
using native_length = socklen_t;
inline native_socket as_native(handle h) noexcept { return static_cast<native_socket>(h); }

#ifdef __linux__
// A Unix-domain name may start with NUL: Linux's abstract namespace.
inline constexpr bool abstract_local_names = true;
// Linux reserves twice the buffer size asked for (the rest is its bookkeeping) and
// reports the doubled figure; unisock reports what was asked for, as other OSes do.
inline constexpr bool kernel_doubles_buffer_sizes = true;
#else
inline constexpr bool abstract_local_names = false;
inline constexpr bool kernel_doubles_buffer_sizes = false;
#endif

} // namespace unisock::platform
