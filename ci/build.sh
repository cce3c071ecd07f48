#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Configures and builds unisock (library, unit tests, conformance suite, examples) with
# warnings as errors. Installs nothing: works wherever the dependencies are already there
# (ci/setup-debian.sh on Debian/Ubuntu; Homebrew or vcpkg elsewhere, see README.md).
#
#   ci/build.sh [compiler] [build-dir] [extra cmake arguments...]
#       compiler: gcc (default), clang, default (CMake's own choice: AppleClang on macOS,
#       MSVC on Windows) or a compiler command; build-dir defaults to build/<compiler>.
#   ci/build.sh --preset NAME
#       uses a configure and build preset of CMakePresets.json (build/NAME).
#
# CMAKE_BUILD_TYPE (default RelWithDebInfo) picks the configuration.
# shellcheck source=ci/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build_type="${CMAKE_BUILD_TYPE:-RelWithDebInfo}"

if [[ "${1:-}" == --preset ]]; then
    [[ -n "${2:-}" ]] || die "usage: ci/build.sh --preset NAME"
    cd "${unisock_root}"
    log "configuring with preset $2"
    cmake --preset "$2"
    log "building with preset $2 (${build_jobs} jobs)"
    cmake --build --preset "$2" --parallel "${build_jobs}"
    exit
fi

compiler="${1:-gcc}"
build_dir="$(abs_path "${2:-${unisock_root}/build/${compiler##*/}}")"
shift $(($# < 2 ? $# : 2))

case "${compiler}" in
    gcc | g++) cxx=(-DCMAKE_CXX_COMPILER=g++) ;;
    clang | clang++) cxx=(-DCMAKE_CXX_COMPILER=clang++) ;;
    default) cxx=() ;;
    *) cxx=(-DCMAKE_CXX_COMPILER="${compiler}") ;;
esac

# Ninja when it is there and the build directory was not made with another generator.
generator=()
if [[ -z "${CMAKE_GENERATOR:-}" && ! -f "${build_dir}/CMakeCache.txt" ]] && command -v ninja >/dev/null; then
    generator=(-G Ninja)
fi

# ccache where it is installed, unless the caller chose a launcher.
launcher=()
if [[ -z "${CMAKE_CXX_COMPILER_LAUNCHER:-}" ]] && command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

log "configuring ${build_dir} (${compiler}, ${build_type})"
# ${a[@]+"${a[@]}"}: an empty array under set -u on macOS's bash 3.2.
cmake -S "${unisock_root}" -B "${build_dir}" ${generator[@]+"${generator[@]}"} ${cxx[@]+"${cxx[@]}"} \
    ${launcher[@]+"${launcher[@]}"} \
    -DCMAKE_BUILD_TYPE="${build_type}" \
    -DUNISOCK_WARNINGS_AS_ERRORS=ON \
    "$@"

log "building (${build_jobs} jobs)"
cmake --build "${build_dir}" --config "${build_type}" --parallel "${build_jobs}"
