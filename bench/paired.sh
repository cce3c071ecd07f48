#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# CPU ratios to raw that a loaded machine does not blur: each workload and its family's
# raw baseline set up side by side in one process and run in alternating blocks of about
# 20 ms of CPU (unisock_bench --paired=NAME,BASELINE), the order swapped every round;
# prints the median and quartiles of the per-round ratios of process CPU time per
# operation. Whatever else the machine runs slows both halves of a round alike, so the
# ratio holds where the medians of separate repetitions spread by 10-25 %.
#
#   bench/paired.sh [BENCH [OUT_FILE [NAME...]]]
#       BENCH     the unisock_bench program (default: build/bench/bin/unisock_bench)
#       OUT_FILE  the JSON lines (default: next to BENCH, ../paired.jsonl)
#       NAME      workloads (default: every one that is not its family's baseline)
#
# UNISOCK_PAIRED_ROUNDS (default 30) sets the rounds per workload.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${1:-${root}/build/bench/bin/unisock_bench}"
out="${2:-$(dirname "${bench}")/../paired.jsonl}"
shift $(($# < 2 ? $# : 2))

[[ -x "${bench}" ]] || { echo "paired.sh: no program at ${bench} (run ci/bench.sh first)" >&2; exit 1; }

mapfile -t runs < <("${bench}" --list-runs)
# A family's baseline: FAMILY/raw_blocking, else FAMILY/raw, else FAMILY/raw_epoll (select10k).
baseline_of() {
    local family="${1%%/*}" candidate name
    for candidate in "${family}/raw_blocking" "${family}/raw" "${family}/raw_epoll"; do
        for name in "${runs[@]}"; do
            if [[ "${name}" == "${candidate}" ]]; then
                echo "${candidate}"
                return
            fi
        done
    done
}

names=("$@")
if ((${#names[@]} == 0)); then
    for name in "${runs[@]}"; do
        [[ "${name}" == "$(baseline_of "${name}")" ]] || names+=("${name}")
    done
fi

mkdir -p "$(dirname "${out}")"
: >"${out}"
for name in "${names[@]}"; do
    baseline="$(baseline_of "${name}")"
    [[ -n "${baseline}" ]] || { echo "paired.sh: ${name} has no raw baseline" >&2; continue; }
    echo "==> ${name} against ${baseline}"
    timeout --kill-after=10 120 "${bench}" --paired="${name},${baseline}" \
        --rounds="${UNISOCK_PAIRED_ROUNDS:-30}" >>"${out}"
done

python3 "${root}/bench/summarize.py" --paired "${out}"
