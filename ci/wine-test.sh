#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Runs the Windows build's tests under Wine: the unit tests, the platform tests and the
# conformance suite, each bounded in time, in a fresh Wine prefix made for this run.
#
#   ci/wine-test.sh [build-dir]      (default: build-windows; made by ci/windows-cross-build.sh)
#
# Writes BUILD_DIR/conformance.json (merged into the matrix by ci/test.sh) and the
# Windows conformance report next to it. Fails if any test failed or a binary did not
# finish. Installs wine64 with apt-get when it is missing.
# shellcheck source=ci/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build_dir="$(abs_path "${1:-${unisock_root}/build-windows}")"
bin_dir="${build_dir}/bin"
[[ -f "${bin_dir}/unisock_conformance.exe" ]] || die "${bin_dir} has no Windows build (run ci/windows-cross-build.sh first)"

if ! command -v wine >/dev/null; then
    log "installing wine64"
    apt_install wine wine64
fi

# Headless and quiet, in a prefix of its own that no earlier run has touched.
export WINEPREFIX="${build_dir}/wineprefix"
export WINEDEBUG=-all
# Lets a test of a feature Wine lacks outright skip with that reason (core/tests/wine.hpp).
export UNISOCK_UNDER_WINE=1
export WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY
rm -rf "${WINEPREFIX}"
log "creating a fresh Wine prefix in ${WINEPREFIX}"
timeout 300 wine wineboot --init >/dev/null 2>&1 || die "wineboot failed"

# Bounds per binary: the suites take seconds to a few minutes; a hang ends as a failure.
test_limit=900
failed=0

# run_binary NAME JSON: runs NAME.exe under Wine and prints its one-line summary. The
# program writes its JSON next to itself (a relative path: a Windows program does not
# take the Linux path), and it is moved to JSON afterwards.
run_binary() {
    local name="$1" json="$2" status=0
    log "wine ${name}.exe"
    rm -f "${bin_dir}/${name}.json" "${json}"
    (cd "${bin_dir}" && timeout "${test_limit}" wine "${name}.exe" --gtest_output="json:${name}.json") \
        >"${build_dir}/${name}-wine.log" 2>&1 || status=$?
    [[ -f "${bin_dir}/${name}.json" ]] && mv "${bin_dir}/${name}.json" "${json}"
    grep -E '^\[  (PASSED|FAILED|SKIPPED) ' "${build_dir}/${name}-wine.log" || true
    grep -E '^\[==========\] .* ran' "${build_dir}/${name}-wine.log" || true
    if ((status != 0)); then
        printf '%s.exe: FAILED (exit %s), log: %s\n' "${name}" "${status}" "${build_dir}/${name}-wine.log"
        failed=$((failed + 1))
    else
        printf '%s.exe: ok\n' "${name}"
    fi
}

run_binary unisock_unit_tests "${build_dir}/unit-tests-wine.json"
run_binary unisock_platform_tests "${build_dir}/platform-tests-wine.json"
run_binary unisock_server_tests "${build_dir}/server-tests-wine.json"
run_binary unisock_conformance "${build_dir}/conformance.json"

if [[ -f "${build_dir}/conformance.json" ]]; then
    python3 "${unisock_root}/conformance/report.py" single "${build_dir}/conformance.json" \
        --out "${build_dir}/conformance-report" || failed=$((failed + 1))
fi

((failed == 0)) || die "${failed} Windows test binaries failed under Wine"
log "all Windows tests passed under Wine"
