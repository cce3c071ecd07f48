#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Runs a build's tests with ctest (unit tests, platform tests and the conformance suite,
# each bounded in time) and turns the conformance suite's JSON into the report. Installs
# nothing and works on Linux, macOS and Windows (Git Bash) alike.
#
#   ci/run-tests.sh BUILD_DIR [ctest arguments...]
#
# Writes, in BUILD_DIR: ctest.log (the whole ctest output), conformance.json (written by
# the suite) and conformance-report.md / .html. Fails if a test or the report fails.
# CMAKE_BUILD_TYPE (default RelWithDebInfo) names the configuration of a multi-config
# build (Visual Studio).
# shellcheck source=ci/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ -n "${1:-}" ]] || die "usage: ci/run-tests.sh BUILD_DIR [ctest arguments...]"
build_dir="$(abs_path "$1")"
shift
[[ -f "${build_dir}/CTestTestfile.cmake" ]] || die "${build_dir} is not a configured build (run ci/build.sh first)"

# Python 3 is python3 on Linux and macOS, often only python on Windows runners.
find_python() {
    local candidate
    for candidate in python3 python; do
        if "${candidate}" -c 'import sys; sys.exit(sys.version_info < (3, 8))' 2>/dev/null; then
            echo "${candidate}"
            return
        fi
    done
    die "Python 3 not found (the report generator needs it)"
}
python="$(find_python)"

# A whole-run bound on top of ctest's per-test one, where coreutils' timeout exists.
bounded=()
command -v timeout >/dev/null && bounded=(timeout --kill-after=30 1500)

results="${build_dir}/conformance.json"
rm -f "${results}"

log "running the tests of ${build_dir}"
status=0
${bounded[@]+"${bounded[@]}"} ctest --test-dir "${build_dir}" -C "${CMAKE_BUILD_TYPE:-RelWithDebInfo}" \
    --output-on-failure --timeout 600 "$@" 2>&1 | tee "${build_dir}/ctest.log" || status=$?

if [[ -f "${results}" ]]; then
    "${python}" "${unisock_root}/conformance/report.py" single "${results}" \
        --out "${build_dir}/conformance-report" || status=1
    log "conformance report: ${build_dir}/conformance-report.html (and .md)"
else
    log "no ${results}: the conformance suite did not run"
    status=1
fi
exit "${status}"
