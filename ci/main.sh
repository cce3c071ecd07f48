#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The main job: on Debian or Ubuntu, installs what the Linux build needs, builds unisock
# with g++, runs its tests and the conformance suite, and prints where the conformance
# report is.
#
#   ci/main.sh [build-dir]        (default: build/main)
#
# On other systems, with the dependencies already installed: ci/build.sh, then
# ci/run-tests.sh (what this script runs after the install).
# shellcheck source=ci/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build_dir="$(abs_path "${1:-${unisock_root}/build/main}")"

"${unisock_root}/ci/setup-debian.sh" --linux
"${unisock_root}/ci/build.sh" gcc "${build_dir}"
status=0
"${unisock_root}/ci/run-tests.sh" "${build_dir}" || status=$?

printf '\nconformance report: %s\n' "${build_dir}/conformance-report.html"
printf '                    %s\n' "${build_dir}/conformance-report.md"
printf 'raw results:        %s\n' "${build_dir}/conformance.json"
exit "${status}"
