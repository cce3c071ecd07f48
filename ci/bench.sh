#!/usr/bin/env bash
# Builds bench/ (Release, Google Benchmark) and runs it: the same loopback TCP transfers
# through raw system calls, unisock (blocking and timeout mode) and Asio, in one run with
# repetitions interleaved at random, then prints each one's ratio to raw (medians). Where
# strace is installed it also counts the system calls per send+recv pair.
#
#   ci/bench.sh [build-dir] [benchmark arguments...]      (default: build/bench)
#
# Results: BUILD_DIR/bench.json (Google Benchmark's JSON). Needs libbenchmark-dev (on
# Debian: ci/setup-debian.sh --linux). Timings, never asserts: the ratios are for reading.
# shellcheck source=ci/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build_dir="$(abs_path "${1:-${unisock_root}/build/bench}")"
shift $(($# < 1 ? $# : 1))

CMAKE_BUILD_TYPE=Release "${unisock_root}/ci/build.sh" "${CXX:-gcc}" "${build_dir}" \
    -DUNISOCK_BUILD_BENCH=ON -DUNISOCK_BUILD_TESTS=OFF -DUNISOCK_BUILD_CONFORMANCE=OFF \
    -DUNISOCK_BUILD_EXAMPLES=OFF

bench="${build_dir}/bin/unisock_bench"
results="${build_dir}/bench.json"

log "running ${bench}"
timeout --kill-after=30 1200 "${bench}" \
    --benchmark_repetitions=15 \
    --benchmark_enable_random_interleaving=true \
    --benchmark_report_aggregates_only=true \
    --benchmark_min_time=0.3 \
    --benchmark_out="${results}" --benchmark_out_format=json \
    "$@"

syscall_counts=()
if command -v strace >/dev/null; then
    for name in pair64/raw_blocking pair64/raw_poll_then_call pair64/unisock_blocking \
        pair64/unisock_timeout pair64/asio_sync; do
        summary="${build_dir}/strace-${name//\//-}.txt"
        log "counting system calls of ${name}"
        timeout 300 strace -f -c -o "${summary}" "${bench}" --benchmark_filter="^${name}\$" \
            --benchmark_min_time=0.2 >/dev/null
        syscall_counts+=("${name}=${summary}")
    done
else
    log "strace not installed: no system call counts"
fi

python3 "${unisock_root}/bench/summarize.py" "${results}" \
    ${syscall_counts[@]+--syscalls "${syscall_counts[@]}"}
