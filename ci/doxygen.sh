#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Builds the API reference with Doxygen from the public headers (core/include/unisock/
# and the generated unisock/version.hpp), with every warning an error: an undocumented
# public name or a broken doc command fails the step.
#
#   ci/doxygen.sh [build-dir] [header...]     (default: build/doxygen, every public header)
#
# Writes BUILD_DIR/html/index.html and BUILD_DIR/warnings.log. Naming headers checks
# only those (a header still being converted to /// comments can be left out). The
# configuration is ci/doxygen/Doxyfile. Needs doxygen (Debian: doxygen).
# shellcheck source=ci/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build_dir="$(abs_path "${1:-${unisock_root}/build/doxygen}")"
shift $(($# < 1 ? $# : 1))
command -v doxygen >/dev/null || die "doxygen not found (Debian: apt-get install doxygen)"

# version.hpp comes from CMake: a configure of the library alone, no build.
cmake -S "${unisock_root}" -B "${build_dir}/cmake" -DUNISOCK_BUILD_TESTS=OFF \
    -DUNISOCK_BUILD_CONFORMANCE=OFF -DUNISOCK_BUILD_EXAMPLES=OFF >"${build_dir}/cmake.log" ||
    { cat "${build_dir}/cmake.log"; die "configuring for version.hpp failed"; }
generated="${build_dir}/cmake/include"

if (($# > 0)); then
    headers=()
    for header in "$@"; do headers+=("$(cd "$(dirname "${header}")" && pwd)/$(basename "${header}")"); done
else
    headers=("${unisock_root}"/core/include/unisock/*.hpp "${generated}/unisock/version.hpp")
fi

rm -rf "${build_dir}/html"
log "doxygen: ${#headers[@]} headers -> ${build_dir}/html"
status=0
(cd "${build_dir}" &&
    UNISOCK_DOXYGEN_INPUT="${headers[*]}" UNISOCK_DOXYGEN_OUTPUT="${build_dir}" \
        UNISOCK_DOXYGEN_GENERATED="${generated}" UNISOCK_SOURCE_DIR="${unisock_root}" \
        UNISOCK_VERSION="$(sed -nE 's/^#define UNISOCK_VERSION_STRING "(.*)"/\1/p' "${generated}/unisock/version.hpp")" \
        timeout 600 doxygen "${unisock_root}/ci/doxygen/Doxyfile") 2>&1 | tee "${build_dir}/warnings.log" || status=$?
if ((status != 0)) || [[ -s "${build_dir}/warnings.log" ]]; then
    die "doxygen: $(grep -c . "${build_dir}/warnings.log") warnings (${build_dir}/warnings.log)"
fi
log "API reference: ${build_dir}/html/index.html"
