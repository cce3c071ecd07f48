# SPDX-License-Identifier: BSL-1.0
# CMake toolchain: cross-compile unisock for 64-bit Windows with mingw-w64 (the posix
# thread model, for std::thread) and run what it builds under Wine.
#
#   cmake -S . -B build-windows -DCMAKE_TOOLCHAIN_FILE=ci/mingw-w64.cmake \
#         -DUNISOCK_MINGW_PREFIX=/path/to/windows/deps
#
# UNISOCK_MINGW_PREFIX (or the environment variable of that name) is a private install
# prefix holding Windows builds of the dependencies (GoogleTest, Asio's headers);
# ci/windows-cross-build.sh fills one in.

set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(UNISOCK_MINGW_TRIPLET x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${UNISOCK_MINGW_TRIPLET}-gcc-posix)
set(CMAKE_CXX_COMPILER ${UNISOCK_MINGW_TRIPLET}-g++-posix)
set(CMAKE_RC_COMPILER ${UNISOCK_MINGW_TRIPLET}-windres)

# libgcc, libstdc++ and winpthread linked in statically: the .exe runs under Wine (or on
# Windows) without copying the mingw runtime DLLs next to it. The Windows system DLLs
# (ws2_32, kernel32) stay dynamic: their import libraries are what -static finds.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++")

# Test executables (gtest_discover_tests, ctest) run through Wine.
find_program(UNISOCK_WINE NAMES wine wine64)
if(UNISOCK_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${UNISOCK_WINE})
endif()

# Look for libraries and headers only in the mingw sysroot and the private prefix, never
# in the build machine's /usr; build tools still come from the host.
if(NOT UNISOCK_MINGW_PREFIX AND DEFINED ENV{UNISOCK_MINGW_PREFIX})
  set(UNISOCK_MINGW_PREFIX $ENV{UNISOCK_MINGW_PREFIX})
endif()
set(CMAKE_FIND_ROOT_PATH /usr/${UNISOCK_MINGW_TRIPLET} ${UNISOCK_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
