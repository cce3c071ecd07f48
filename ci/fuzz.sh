#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Builds the libFuzzer harnesses of core/fuzz with clang (UNISOCK_BUILD_FUZZERS: the
# library instrumented for coverage, ASan and UBSan) and runs each for SECONDS over a
# copy of its seed corpus (core/fuzz/corpus/<harness>/), so that runs never change the
# repository's corpus. Fails when a harness crashes (a failed check, a sanitizer report,
# a timeout, a leak); the input that did it is kept in BUILD_DIR/fuzz-artifacts/ and its
# path printed. Two harnesses run at a time (2 cores: 4 × 60 s take about 2 minutes).
# BUILD_DIR/fuzz-summary.jsonl gets one line per harness (name, executions, seconds,
# status) for the conformance report's reliability table (conformance/report.py --fuzz).
#
#   ci/fuzz.sh BUILD_DIR [SECONDS]      (SECONDS defaults to 60)
#
# A crash replays with: BUILD_DIR/bin/unisock_fuzz_<harness> ARTIFACT
# shellcheck source=ci/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ $# -ge 1 && $# -le 2 ]] || die "usage: ci/fuzz.sh BUILD_DIR [SECONDS]"
build_dir="$(abs_path "$1")"
seconds="${2:-60}"
[[ "${seconds}" =~ ^[0-9]+$ ]] || die "SECONDS must be a whole number, not '${seconds}'"
harnesses=(address ip_address resolve stream)
parallel=2

# Warnings are the build steps' job; here the library's would only stop the fuzzing
# (the harnesses keep -Werror themselves, core/fuzz/CMakeLists.txt).
"${unisock_root}/ci/build.sh" clang "${build_dir}" \
    -DUNISOCK_BUILD_FUZZERS=ON -DUNISOCK_BUILD_TESTS=OFF -DUNISOCK_BUILD_CONFORMANCE=OFF \
    -DUNISOCK_BUILD_EXAMPLES=OFF -DUNISOCK_BUILD_BENCH=OFF -DUNISOCK_WARNINGS_AS_ERRORS=OFF

artifacts="${build_dir}/fuzz-artifacts"
logs="${build_dir}/fuzz-logs"
mkdir -p "${artifacts}" "${logs}"

# run_harness NAME: one harness over a fresh copy of its corpus; its exit status.
# -timeout: an input that runs 10 s is a hang; -rss_limit_mb: memory that grows without
# bound is a crash too. resolve runs without libFuzzer's per-input leak check: a timed
# lookup is freed by glibc's notification thread (SIGEV_THREAD, platform/posix/resolve.cpp),
# which may run after the call has returned, and that check, run between two inputs, then
# reports it as a leak (seen once in three 60 s runs, never on a replay); the ASan build's
# tests check resolve's leaks at exit.
run_harness() {
    local name="$1" corpus="${build_dir}/fuzz-corpus/$1"
    local leaks=1
    [[ "${name}" == resolve ]] && leaks=0
    rm -rf "${corpus}"
    mkdir -p "${corpus}"
    cp -R "${unisock_root}/core/fuzz/corpus/${name}/." "${corpus}/"
    "${build_dir}/bin/unisock_fuzz_${name}" -max_total_time="${seconds}" -timeout=10 -rss_limit_mb=2048 \
        -detect_leaks="${leaks}" -print_final_stats=1 -artifact_prefix="${artifacts}/${name}-" "${corpus}" \
        >"${logs}/${name}.log" 2>&1
}

# Artifacts of earlier runs are not this run's findings.
rm -f "${artifacts}"/*
summary="${build_dir}/fuzz-summary.jsonl"
: >"${summary}"
log "fuzzing ${harnesses[*]} for ${seconds} s each, ${parallel} at a time (logs: ${logs})"
declare -A pids=()
failed=()
finish() {
    local name="$1" status=0 runs
    wait "${pids[${name}]}" || status=$?
    runs="$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "${logs}/${name}.log" | tail -n 1)"
    printf '{"harness": "%s", "runs": %s, "seconds": %s, "status": "%s"}\n' "${name}" "${runs:-0}" "${seconds}" \
        "$( ((status == 0)) && echo ok || echo failed)" >>"${summary}"
    if ((status == 0)); then
        printf '%-12s ok      %10s runs\n' "${name}" "${runs:-?}"
    else
        printf '%-12s FAILED  exit %s after %s runs (%s):\n' "${name}" "${status}" "${runs:-?}" "${logs}/${name}.log"
        # The harness's own message or the sanitizer's report, then the input's bytes.
        grep -a -E 'fuzz check failed|ERROR: |SUMMARY: |^0x|Test unit written' "${logs}/${name}.log" | head -n 20
        failed+=("${name}")
    fi
}
running=()
for name in "${harnesses[@]}"; do
    run_harness "${name}" &
    pids[${name}]=$!
    running+=("${name}")
    if ((${#running[@]} == parallel)); then
        finish "${running[0]}"
        running=("${running[@]:1}")
    fi
done
for name in "${running[@]}"; do
    finish "${name}"
done

if ((${#failed[@]} > 0)); then
    printf '\ncrashing inputs (replay: %s/bin/unisock_fuzz_<harness> FILE):\n' "${build_dir}"
    find "${artifacts}" -type f -print
    die "harnesses that failed: ${failed[*]}"
fi
log "no harness crashed"
