// SPDX-License-Identifier: BSL-1.0
#pragma once
// The Windows side of the backend code written once in platform/ (sockaddr.cpp,
// lookup.cpp, option_table.cpp, error_category.cpp): the Winsock headers, and the few
// facts in which Windows and POSIX differ. platform/CMakeLists.txt puts this directory
// on the include path, so "native.hpp" is this file in a Windows build.

#include <winsock2.h>
#include <ws2tcpip.h>
#include <afunix.h>

#include "platform/platform.hpp"

namespace unisock::platform {

// The SOCKET behind a handle (an unsigned pointer-sized integer; INVALID_SOCKET, ~0,
// is handle -1), and the type of sockaddr lengths.
using native_socket = SOCKET;
using native_length = int;
inline native_socket as_native(handle h) noexcept { return static_cast<native_socket>(h); }

// Windows has no abstract Unix-domain names; an unnamed socket's path is all NULs.
inline constexpr bool abstract_local_names = false;
// SO_RCVBUF / SO_SNDBUF read back as set.
inline constexpr bool kernel_doubles_buffer_sizes = false;

} // namespace unisock::platform
