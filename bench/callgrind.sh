#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# User-space instructions per operation: runs each workload alone, a fixed number of
# operations (unisock_bench --run=NAME --count=N), under `valgrind --tool=callgrind`,
# twice (N1 and N2 operations), and prints (Ir(N2) - Ir(N1)) / (N2 - N1): the
# instructions of one operation without the program's start-up. Callgrind counts user
# space only (the kernel's share of a system call is not in Ir), the same for every
# variant; under the table, the inclusive cost of the calls made (send_to, readline, ...)
# and of unisock's address formatting, per operation.
#
#   bench/callgrind.sh [BENCH [OUT_DIR [NAME...]]]
#       BENCH    the unisock_bench program (default: build/bench/bin/unisock_bench)
#       OUT_DIR  where the profiles go (default: next to BENCH, ../callgrind)
#       NAME     workloads (default: pair64, readline100 and udp64, each variant)
#
# UNISOCK_CALLGRIND_COUNTS="N1 N2" overrides the counts (default "1000 11000").
# Deterministic: the same build gives the same figures on a loaded machine.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${1:-${root}/build/bench/bin/unisock_bench}"
out="${2:-$(dirname "${bench}")/../callgrind}"
shift $(($# < 2 ? $# : 2))
read -r -a counts <<<"${UNISOCK_CALLGRIND_COUNTS:-1000 11000}"

command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 1; }
[[ -x "${bench}" ]] || { echo "callgrind.sh: no program at ${bench} (run ci/bench.sh first)" >&2; exit 1; }
mkdir -p "${out}"

names=("$@")
if ((${#names[@]} == 0)); then
    while read -r name; do
        case "${name}" in pair64/* | readline100/* | udp64/*) names+=("${name}") ;; esac
    done < <("${bench}" --list-runs)
fi

for name in "${names[@]}"; do
    rm -f "${out}/${name//\//.}".*.callgrind
    for count in "${counts[@]}"; do
        echo "==> callgrind ${name} --count=${count}"
        timeout --kill-after=10 300 valgrind --tool=callgrind -q \
            --callgrind-out-file="${out}/${name//\//.}.${count}.callgrind" \
            "${bench}" --run="${name}" --count="${count}"
    done
done

python3 "${root}/bench/summarize.py" --callgrind "${out}"
