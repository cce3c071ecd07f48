#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Cross-builds unisock for Windows x86-64 with mingw-w64 (tests and examples included), so
# that the .exe files can run under Wine or be copied to a Windows machine.
#
#   ci/windows-cross-build.sh [build-dir]      (default: build-windows)
#
# Installs what it needs with apt-get when it is missing, builds GoogleTest from
# /usr/src/googletest with the same toolchain into a prefix inside the build directory
# (once: later runs reuse it), and exposes Asio's headers to the cross compiler through
# that prefix instead of adding the host's /usr/include.
# shellcheck source=ci/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${1:-${source_dir}/build-windows}"
mkdir -p "${build_dir}"
build_dir="$(cd "${build_dir}" && pwd)"
toolchain="${source_dir}/ci/mingw-w64.cmake"
deps_dir="${build_dir}/mingw-deps"
prefix="${deps_dir}/prefix"
build_type="${CMAKE_BUILD_TYPE:-RelWithDebInfo}"
jobs="$(nproc 2>/dev/null || echo 2)"

install_missing_packages() {
    local missing=()
    command -v x86_64-w64-mingw32-g++-posix >/dev/null || missing+=(g++-mingw-w64-x86-64-posix)
    [[ -f /usr/src/googletest/CMakeLists.txt ]] || missing+=(googletest)
    [[ -f /usr/include/asio.hpp ]] || missing+=(libasio-dev)
    command -v cmake >/dev/null || missing+=(cmake)
    if ((${#missing[@]} == 0)); then return; fi
    log "installing ${missing[*]}"
    apt_install "${missing[@]}"
}

build_googletest() {
    if [[ -f "${prefix}/lib/cmake/GTest/GTestConfig.cmake" ]]; then
        log "GoogleTest for Windows already built in ${prefix}"
        return
    fi
    log "building GoogleTest for Windows into ${prefix}"
    cmake -S /usr/src/googletest -B "${deps_dir}/googletest-build" \
        -DCMAKE_TOOLCHAIN_FILE="${toolchain}" \
        -DCMAKE_BUILD_TYPE="${build_type}" \
        -DCMAKE_INSTALL_PREFIX="${prefix}" \
        -DBUILD_GMOCK=ON -DINSTALL_GTEST=ON
    cmake --build "${deps_dir}/googletest-build" -j "${jobs}"
    cmake --install "${deps_dir}/googletest-build"
}

# Only Asio (header-only) is linked into the prefix: putting the host's /usr/include on
# the cross compiler's path would mix Linux headers into the Windows build.
expose_asio_headers() {
    mkdir -p "${prefix}/include"
    ln -sfn /usr/include/asio.hpp "${prefix}/include/asio.hpp"
    ln -sfn /usr/include/asio "${prefix}/include/asio"
}

install_missing_packages
build_googletest
expose_asio_headers

log "configuring unisock for Windows in ${build_dir}"
cmake -S "${source_dir}" -B "${build_dir}" \
    -DCMAKE_TOOLCHAIN_FILE="${toolchain}" \
    -DUNISOCK_MINGW_PREFIX="${prefix}" \
    -DCMAKE_BUILD_TYPE="${build_type}" \
    -DUNISOCK_WARNINGS_AS_ERRORS=ON

log "building"
cmake --build "${build_dir}" -j "${jobs}"
log "done: Windows executables in ${build_dir}/bin"
