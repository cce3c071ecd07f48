#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Uses unisock the ways a user does: installs the library (static and shared) into
# prefixes, then builds and runs the consumer projects of ci/consumers/ against them:
#
#   find_package-static    find_package, the static library, no C++ standard set
#   find_package-shared    find_package, the shared library, no C++ standard set
#   find_package-cxx20     find_package, the shared library, CMAKE_CXX_STANDARD 20
#   fetch_content          FetchContent from a tarball of the sources (a file:// URL)
#   add_subdirectory       add_subdirectory of the source tree, no standard set
#   pkg-config-shared      a plain Makefile with pkg-config, the shared library
#   pkg-config-static      the same with pkg-config --static, the static library
#
# Each CMake consumer runs its program and the same code built into its own shared
# library (which then contains the static unisock). Every consumer runs even when an
# earlier one failed; the script exits 1 if any failed. No network: the sources come
# from this checkout.
#
#   ci/consumers.sh [build-dir]        (default: build/consumers)
#
# CXX (default g++) is the compiler: g++ 12's default standard is gnu++17, which is what
# the consumers that set none are for. ccache and Ninja are used where installed.
# shellcheck source=ci/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

work="$(abs_path "${1:-${unisock_root}/build/consumers}")"
consumers="${unisock_root}/ci/consumers"
cxx="${CXX:-g++}"

cmake_common=(-DCMAKE_CXX_COMPILER="${cxx}" -DCMAKE_BUILD_TYPE=Release)
command -v ninja >/dev/null && cmake_common+=(-G Ninja)
command -v ccache >/dev/null && cmake_common+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# The library alone, as a user who wants only that configures it (README.md).
library_only=(-DUNISOCK_BUILD_TESTS=OFF -DUNISOCK_BUILD_CONFORMANCE=OFF -DUNISOCK_BUILD_EXAMPLES=OFF)

# install_unisock static|shared: a fresh build and install into ${work}/prefix-KIND.
install_unisock() {
    local kind="$1" shared=OFF
    [[ "${kind}" == shared ]] && shared=ON
    log "installing unisock (${kind}) into ${work}/prefix-${kind}"
    rm -rf "${work}/prefix-${kind}"
    local log="${work}/unisock-${kind}.log"
    if ! {
        cmake -S "${unisock_root}" -B "${work}/unisock-${kind}" "${cmake_common[@]}" "${library_only[@]}" \
            -DBUILD_SHARED_LIBS="${shared}" &&
            cmake --build "${work}/unisock-${kind}" --parallel "${build_jobs}" &&
            cmake --install "${work}/unisock-${kind}" --prefix "${work}/prefix-${kind}"
    } >"${log}" 2>&1; then
        cat "${log}"
        return 1
    fi
}

# cmake_consumer NAME CMAKE_ARGS...: configures ci/consumers/cmake, builds, runs both programs.
cmake_consumer() {
    local name="$1" dir="${work}/$1"
    shift
    rm -rf "${dir}"
    cmake -S "${consumers}/cmake" -B "${dir}" "${cmake_common[@]}" "$@" &&
        cmake --build "${dir}" --parallel "${build_jobs}" &&
        timeout 60 "${dir}/roundtrip" &&
        timeout 60 "${dir}/roundtrip_via_plugin"
}

# pkg_config_consumer NAME KIND [--static]: the plain Makefile against prefix-KIND.
pkg_config_consumer() {
    local name="$1" prefix="${work}/prefix-$2" dir="${work}/$1"
    rm -rf "${dir}" && mkdir -p "${dir}"
    PKG_CONFIG_PATH="${prefix}/lib/pkgconfig" make -f "${consumers}/pkg-config/Makefile" \
        CXX="${cxx}" OUT="${dir}/roundtrip" PKG_CONFIG_FLAGS="${3:-}" &&
        LD_LIBRARY_PATH="${prefix}/lib" timeout 60 "${dir}/roundtrip"
}

# A release-style tarball of this checkout (tracked files and new ones git does not
# ignore), for FetchContent's URL.
make_source_tarball() {
    (cd "${unisock_root}" && git ls-files -z --cached --others --exclude-standard |
        tar --null --files-from=- --ignore-failed-read --transform='s,^,unisock/,' -czf "${work}/unisock-src.tar.gz")
}

results=()
failed=0
# consumer NAME COMMAND...: runs one consumer and records its outcome.
consumer() {
    local name="$1"
    shift
    printf '\n==> consumer %s\n' "${name}"
    if "$@"; then
        results+=("ok      ${name}")
    else
        results+=("FAILED  ${name}")
        failed=$((failed + 1))
    fi
}

for kind in static shared; do
    consumer "install-${kind}" install_unisock "${kind}"
done
consumer find_package-static cmake_consumer find_package-static \
    -DCONSUMER_UNISOCK_VIA=find_package -DCMAKE_PREFIX_PATH="${work}/prefix-static"
consumer find_package-shared cmake_consumer find_package-shared \
    -DCONSUMER_UNISOCK_VIA=find_package -DCMAKE_PREFIX_PATH="${work}/prefix-shared"
consumer find_package-cxx20 cmake_consumer find_package-cxx20 \
    -DCONSUMER_UNISOCK_VIA=find_package -DCMAKE_PREFIX_PATH="${work}/prefix-shared" -DCONSUMER_SET_CXX20=ON
consumer source-tarball make_source_tarball
consumer fetch_content cmake_consumer fetch_content \
    -DCONSUMER_UNISOCK_VIA=fetch_content -DCONSUMER_UNISOCK_URL="file://${work}/unisock-src.tar.gz"
consumer add_subdirectory cmake_consumer add_subdirectory \
    -DCONSUMER_UNISOCK_VIA=add_subdirectory -DCONSUMER_UNISOCK_SOURCE_DIR="${unisock_root}"
consumer pkg-config-shared pkg_config_consumer pkg-config-shared shared
consumer pkg-config-static pkg_config_consumer pkg-config-static static --static

printf '\n'
printf '%s\n' "${results[@]}"
((failed == 0)) || die "${failed} consumer steps failed"
log "every consumer built and ran"
