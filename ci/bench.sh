#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Builds bench/ (Release, Google Benchmark) and measures, for raw system calls, unisock
# (blocking and timeout mode) and Asio's sync operations, the same loopback operations:
# pair64, bulk64k, pingpong, pingpong_rawpeer, udp64 and readline100, and select10k and
# select10k_64ready against raw epoll and CPython's selectors (README.md, Benchmarks).
# Prints one table: CPU per operation (medians of repetitions interleaved at random),
# ratio to raw, the same ratio measured in alternating blocks in one process
# (bench/paired.sh: steady on a loaded machine), system calls per operation
# (bench/syscalls.sh: strace -c -f, where strace is installed) and user-space
# instructions per operation (bench/callgrind.sh, where valgrind is installed).
#
#   ci/bench.sh [build-dir] [benchmark arguments...]      (default: build/bench)
#
# Results: BUILD_DIR/bench.json (Google Benchmark's JSON), BUILD_DIR/paired.jsonl,
# BUILD_DIR/syscalls/ and BUILD_DIR/callgrind/; `bench/summarize.py BUILD_DIR/bench.json
# --paired BUILD_DIR/paired.jsonl --syscalls BUILD_DIR/syscalls --callgrind
# BUILD_DIR/callgrind` prints the table again. About 7 minutes on 2 cores.
# UNISOCK_BENCH_REPETITIONS (default 12) and UNISOCK_BENCH_MIN_TIME (seconds per
# repetition, default 0.2) size the timed run. Needs libbenchmark-dev (on Debian:
# ci/setup-debian.sh --linux). Measures, never asserts: the figures are for reading.
# shellcheck source=ci/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build_dir="$(abs_path "${1:-${unisock_root}/build/bench}")"
shift $(($# < 1 ? $# : 1))

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
CMAKE_BUILD_TYPE=Release "${unisock_root}/ci/build.sh" "${CXX:-gcc}" "${build_dir}" \
    -DUNISOCK_BUILD_BENCH=ON -DUNISOCK_BUILD_TESTS=OFF -DUNISOCK_BUILD_CONFORMANCE=OFF \
    -DUNISOCK_BUILD_EXAMPLES=OFF ${launcher[@]+"${launcher[@]}"}

bench="${build_dir}/bin/unisock_bench"
results="${build_dir}/bench.json"

log "running ${bench}"
timeout --kill-after=30 900 "${bench}" \
    --benchmark_repetitions="${UNISOCK_BENCH_REPETITIONS:-12}" \
    --benchmark_enable_random_interleaving=true \
    --benchmark_report_aggregates_only=true \
    --benchmark_min_time="${UNISOCK_BENCH_MIN_TIME:-0.2}" \
    --benchmark_out="${results}" --benchmark_out_format=json \
    "$@"

log "CPU ratios to raw in alternating blocks"
"${unisock_root}/bench/paired.sh" "${bench}" "${build_dir}/paired.jsonl" >/dev/null
log "CPython's selectors on the select10k shape"
python3 "${unisock_root}/bench/python_selectors.py" --baseline-json "${build_dir}/paired.jsonl" |
    tee "${build_dir}/python_selectors.txt"
summary=("${results}" --paired "${build_dir}/paired.jsonl")
if command -v strace >/dev/null; then
    log "counting system calls per operation (strace)"
    "${unisock_root}/bench/syscalls.sh" "${bench}" "${build_dir}/syscalls" >/dev/null
    summary+=(--syscalls "${build_dir}/syscalls")
else
    log "strace not installed: no system call counts"
fi
if command -v valgrind >/dev/null; then
    log "counting user-space instructions per operation (callgrind)"
    "${unisock_root}/bench/callgrind.sh" "${bench}" "${build_dir}/callgrind" >/dev/null
    summary+=(--callgrind "${build_dir}/callgrind")
else
    log "valgrind not installed: no instruction counts"
fi

echo
python3 "${unisock_root}/bench/summarize.py" "${summary[@]}"
