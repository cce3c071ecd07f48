# SPDX-License-Identifier: BSL-1.0
# shellcheck shell=bash
# shellcheck disable=SC2034 # unisock_root and build_jobs are for the scripts that source this file
# Shared pieces of the ci/ scripts: sourced, never run on its own.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
#
# Gives: unisock_root (the repository), build_jobs (parallel build jobs), log, die,
# as_root (runs a command as root, through sudo when needed), apt_install, abs_path, and
# run_step / print_step_summary, which time the steps of a longer script and keep
# going after a failure so that one run shows every broken step.

set -euo pipefail

unisock_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_jobs="$(nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)"

log() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
    if ((EUID == 0)); then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "'$*' needs root and sudo is not installed"
    fi
}

# apt_install PACKAGE...: apt-get update, then install without the recommended extras, as
# root. Another apt-get or dpkg holding the lock is waited for, up to 10 minutes: dpkg's
# lock through DPkg::Lock::Timeout, the package lists' (which apt-get update does not
# wait for) by trying again every 10 seconds.
apt_install() {
    local apt_get=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600) tries=0
    until as_root "${apt_get[@]}" update; do
        ((++tries < 60)) || die "apt-get update failed ${tries} times"
        log "apt-get update failed (another apt-get holding the lock?): again in 10 s"
        sleep 10
    done
    as_root "${apt_get[@]}" install -y --no-install-recommends "$@"
}

# An absolute path for a directory that may not exist yet (made on the way).
abs_path() {
    mkdir -p "$1"
    (cd "$1" && pwd)
}

# run_step NAME COMMAND...: runs one step, times it and records the outcome; a failed
# step is reported and the script goes on (print_step_summary gives the verdict). When
# step_log_dir is set, each step's output is also kept there as NAME.log.
step_names=()
step_results=()
step_seconds=()

run_step() {
    local name="$1"
    shift
    local start=$SECONDS status=0
    printf '\n==> [%s] %s\n' "${name}" "$*"
    if [[ -n "${step_log_dir:-}" ]]; then
        mkdir -p "${step_log_dir}"
        "$@" 2>&1 | tee "${step_log_dir}/${name}.log" || status=$?
    else
        "$@" || status=$?
    fi
    local took=$((SECONDS - start))
    step_names+=("${name}")
    step_seconds+=("${took}")
    if ((status == 0)); then
        step_results+=("ok")
        printf '==> [%s] ok in %ss\n' "${name}" "${took}"
    else
        step_results+=("FAILED (exit ${status})")
        printf '==> [%s] FAILED (exit %s) after %ss\n' "${name}" "${status}" "${took}"
    fi
    return 0
}

# skip_step NAME REASON: records a step that could not run because an earlier one failed.
skip_step() {
    step_names+=("$1")
    step_seconds+=(0)
    step_results+=("FAILED (not run: $2)")
    printf '\n==> [%s] not run: %s\n' "$1" "$2"
}

# True when the named step ran and succeeded.
step_ok() {
    local i
    for i in "${!step_names[@]}"; do
        if [[ "${step_names[i]}" == "$1" ]]; then
            [[ "${step_results[i]}" == ok ]]
            return
        fi
    done
    return 1
}

# Prints one line per step with its time; returns 1 if any step failed.
print_step_summary() {
    local i failed=0 total=0
    printf '\n%-24s %8s  %s\n' step seconds result
    for i in "${!step_names[@]}"; do
        printf '%-24s %8s  %s\n' "${step_names[i]}" "${step_seconds[i]}" "${step_results[i]}"
        total=$((total + step_seconds[i]))
        [[ "${step_results[i]}" == ok ]] || failed=$((failed + 1))
    done
    printf '%-24s %8s\n' total "${total}"
    ((failed == 0))
}
