#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# unisock with LLVM's standard library: clang++ -stdlib=libc++ (Debian's libc++-dev and
# libc++abi-dev, libc++ 14 on Debian 12), as on macOS with an older Xcode. Checks that
#   1. every public header compiles on its own (warnings as errors): libc++ 14 has no
#      <stop_token> or std::jthread, so the headers use them only where the library
#      declares them (__cpp_lib_jthread);
#   2. the library builds (static, warnings as errors) and installs;
#   3. the consumer project of ci/consumers/cmake (find_package, the round trip in an
#      executable and in a shared library) builds against it and runs.
#
#   ci/libcxx.sh [build-dir]        (default: build/libcxx)
#
# The unit tests are not built here: Debian's GoogleTest is compiled against libstdc++.
# ccache and Ninja are used where installed.
# shellcheck source=ci/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

work="$(abs_path "${1:-${unisock_root}/build/libcxx}")"
cxx="${CXX_LIBCXX:-clang++}"
stdlib=-stdlib=libc++

cmake_common=(-DCMAKE_CXX_COMPILER="${cxx}" -DCMAKE_CXX_FLAGS="${stdlib}" -DCMAKE_BUILD_TYPE=Release)
command -v ninja >/dev/null && cmake_common+=(-G Ninja)
command -v ccache >/dev/null && cmake_common+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

log "configuring and building unisock with ${cxx} ${stdlib}"
rm -rf "${work}/prefix"
cmake -S "${unisock_root}" -B "${work}/unisock" "${cmake_common[@]}" -DUNISOCK_WARNINGS_AS_ERRORS=ON \
    -DUNISOCK_BUILD_TESTS=OFF -DUNISOCK_BUILD_CONFORMANCE=OFF -DUNISOCK_BUILD_EXAMPLES=OFF

failed=0
log "compiling each public header alone"
for header in "${unisock_root}"/core/include/unisock/*.hpp "${work}/unisock/include/unisock/version.hpp"; do
    name="unisock/$(basename "${header}")"
    if printf '#include "%s"\n' "${name}" | "${cxx}" -std=c++20 "${stdlib}" -Wall -Wextra -Wpedantic -Werror \
        -fsyntax-only -I "${unisock_root}/core/include" -I "${work}/unisock/include" -x c++ -; then
        printf 'ok      %s\n' "${name}"
    else
        printf 'FAILED  %s\n' "${name}"
        failed=$((failed + 1))
    fi
done

if cmake --build "${work}/unisock" --parallel "${build_jobs}" &&
    cmake --install "${work}/unisock" --prefix "${work}/prefix" >/dev/null; then
    log "building and running the consumer against ${work}/prefix"
    rm -rf "${work}/consumer"
    if cmake -S "${unisock_root}/ci/consumers/cmake" -B "${work}/consumer" "${cmake_common[@]}" \
        -DCONSUMER_UNISOCK_VIA=find_package -DCMAKE_PREFIX_PATH="${work}/prefix" &&
        cmake --build "${work}/consumer" --parallel "${build_jobs}" &&
        timeout 60 "${work}/consumer/roundtrip" && timeout 60 "${work}/consumer/roundtrip_via_plugin"; then
        log "consumer ok"
    else
        printf 'FAILED  the consumer built with %s\n' "${stdlib}"
        failed=$((failed + 1))
    fi
else
    printf 'FAILED  the library built with %s\n' "${stdlib}"
    failed=$((failed + 1))
fi

((failed == 0)) || die "${failed} libc++ checks failed"
log "unisock builds and runs with ${cxx} ${stdlib}"
