#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# System calls per operation: runs each workload alone, a fixed number of operations
# (unisock_bench --run=NAME --count=N), under `strace -c -f -q`, twice (N1 and N2
# operations), and prints (calls(N2) - calls(N1)) / (N2 - N1) for every system call of
# the process, all threads included, so that set-up and thread start-up cancel out.
#
#   bench/syscalls.sh [BENCH [OUT_DIR [NAME...]]]
#       BENCH    the unisock_bench program (default: build/bench/bin/unisock_bench)
#       OUT_DIR  where the strace summaries go (default: next to BENCH, ../syscalls)
#       NAME     workloads (default: every one but bulk64k/*; --list-runs lists them)
#
# UNISOCK_SYSCALL_COUNTS="N1 N2" overrides the counts (default "2000 12000": multiples of
# readline100's batch of 100 lines). A count of system calls does not move with the
# machine's load as a timing does, except where a call has to wait: whether a recv finds
# data already there depends on the other thread (pingpong).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${1:-${root}/build/bench/bin/unisock_bench}"
out="${2:-$(dirname "${bench}")/../syscalls}"
shift $(($# < 2 ? $# : 2))
read -r -a counts <<<"${UNISOCK_SYSCALL_COUNTS:-2000 12000}"

command -v strace >/dev/null || { echo "syscalls.sh: strace is not installed" >&2; exit 1; }
[[ -x "${bench}" ]] || { echo "syscalls.sh: no program at ${bench} (run ci/bench.sh first)" >&2; exit 1; }
mkdir -p "${out}"

names=("$@")
if ((${#names[@]} == 0)); then
    while read -r name; do
        [[ "${name}" == bulk64k/* ]] || names+=("${name}")
    done < <("${bench}" --list-runs)
fi

for name in "${names[@]}"; do
    rm -f "${out}/${name//\//.}".*.strace
    for count in "${counts[@]}"; do
        echo "==> strace ${name} --count=${count}"
        timeout --kill-after=10 300 strace -c -f -q -o "${out}/${name//\//.}.${count}.strace" \
            "${bench}" --run="${name}" --count="${count}"
    done
done

python3 "${root}/bench/summarize.py" --syscalls "${out}"
