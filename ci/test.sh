#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# THE test command (README.md, .ci/run): on a fresh Debian machine it installs what is
# missing, then builds and tests unisock with g++ and with clang (unit tests and the
# conformance suite) and under ThreadSanitizer and ASan+UBSan (clang), runs the libFuzzer
# harnesses for a minute each, installs it and
# builds consumer projects against it, builds it with clang and libc++, builds the API
# reference, cross-builds it for Windows with mingw-w64 and runs the same tests under
# Wine, writes the Linux conformance report and the Linux + Windows matrix (and checks
# that they fit a 1,280 px window), checks the licence lines and validates the GitHub
# Actions workflow.
#
#   ci/test.sh
#
# Every step runs even when an earlier one failed (except those that need its output),
# each is timed, and the script exits non-zero if any step failed. Builds and reports go
# to $UNISOCK_BUILD_ROOT (default: build/ in the repository); each step's output is
# also kept in $UNISOCK_BUILD_ROOT/logs/STEP.log.
# shellcheck disable=SC2317 # functions below are called through run_step
# shellcheck source=ci/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build_root="$(abs_path "${UNISOCK_BUILD_ROOT:-${unisock_root}/build}")"
step_log_dir="${build_root}/logs"
rm -rf "${step_log_dir}"
ci="${unisock_root}/ci"
cd "${unisock_root}"

# Bounds for the steps that have no bound of their own (ctest bounds each test run).
install_limit=1800
build_limit=1800
wine_limit=1800

run_step setup timeout "${install_limit}" "${ci}/setup-debian.sh"
run_step spdx "${ci}/spdx.sh" --check

for compiler in gcc clang; do
    run_step "build-${compiler}" timeout "${build_limit}" "${ci}/build.sh" "${compiler}" "${build_root}/${compiler}"
    if step_ok "build-${compiler}"; then
        run_step "test-${compiler}" "${ci}/run-tests.sh" "${build_root}/${compiler}"
    else
        skip_step "test-${compiler}" "build-${compiler} failed"
    fi
done

# The unit tests and the conformance suite again under ThreadSanitizer and under
# AddressSanitizer + UndefinedBehaviorSanitizer (clang): close, cancel and blocked calls
# on several threads, sizes and timeouts at their limits. Any report fails the test.
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for sanitizer in tsan:thread asan:address,undefined; do
    name="${sanitizer%%:*}"
    flags="-fsanitize=${sanitizer#*:} -fno-sanitize-recover=all -fno-omit-frame-pointer"
    run_step "build-${name}" timeout "${build_limit}" "${ci}/build.sh" clang "${build_root}/${name}" \
        -DCMAKE_CXX_FLAGS="${flags}" -DUNISOCK_BUILD_BENCH=OFF
    if step_ok "build-${name}"; then
        run_step "test-${name}" "${ci}/run-tests.sh" "${build_root}/${name}"
    else
        skip_step "test-${name}" "build-${name} failed"
    fi
done

# The libFuzzer harnesses (core/fuzz, clang, ASan + UBSan), 60 s each over a copy of
# their seed corpus; a crash fails the step and its input is kept in fuzz/fuzz-artifacts/.
run_step fuzz timeout 600 "${ci}/fuzz.sh" "${build_root}/fuzz" 60

# The library installed (static, shared) and used by consumer projects as a user does;
# the library and a consumer with clang and LLVM's libc++; the API reference (Doxygen,
# warnings as errors).
run_step consumers timeout "${build_limit}" "${ci}/consumers.sh" "${build_root}/consumers"
run_step libcxx timeout "${build_limit}" "${ci}/libcxx.sh" "${build_root}/libcxx"
run_step doxygen timeout 600 "${ci}/doxygen.sh" "${build_root}/doxygen"

windows_dir="${build_root}/windows"
run_step windows-build timeout "${build_limit}" "${ci}/windows-cross-build.sh" "${windows_dir}"
if step_ok windows-build; then
    run_step wine-test timeout "${wine_limit}" "${ci}/wine-test.sh" "${windows_dir}"
else
    skip_step wine-test "windows-build failed"
fi

# The Linux report (g++ build, the README's reference) is written by run-tests.sh next
# to its results; the matrix puts every platform's results side by side.
merge_reports() {
    local results=() json
    for json in "${build_root}/gcc/conformance.json" "${build_root}/clang/conformance.json" \
        "${windows_dir}/conformance.json"; do
        if [[ -f "${json}" ]]; then
            results+=("${json}")
        else
            printf 'missing %s: that run left no results\n' "${json}"
        fi
    done
    ((${#results[@]} > 0)) || return 1
    # report.py also exits 1 when a run had failures: those fail their own test step, so
    # this step only checks that the matrix was written and every platform is in it.
    local matrix="${build_root}/conformance-matrix"
    rm -f "${matrix}.md" "${matrix}.html"
    # The reliability table adds the fuzzing summary and the suite's runs under the
    # sanitizers, where those steps left them.
    local extra=()
    [[ -f "${build_root}/fuzz/fuzz-summary.jsonl" ]] && extra+=(--fuzz "${build_root}/fuzz/fuzz-summary.jsonl")
    [[ -f "${build_root}/tsan/conformance.json" ]] && extra+=(--sanitized "ThreadSanitizer=${build_root}/tsan/conformance.json")
    [[ -f "${build_root}/asan/conformance.json" ]] &&
        extra+=(--sanitized "ASan + UBSan=${build_root}/asan/conformance.json")
    python3 "${unisock_root}/conformance/report.py" merge "${results[@]}" --out "${matrix}" \
        ${extra[@]+"${extra[@]}"} || true
    [[ -f "${matrix}.md" && -f "${matrix}.html" ]] && ((${#results[@]} == 3))
}
run_step conformance-matrix merge_reports

# The HTML reports fit a 1,280 px window (headless Chromium): the Linux report, the
# matrix, and a matrix as wide as the workflow's (five platforms, the results at hand
# repeated), so that the widest page is checked too.
check_report_layout() {
    local reports=() results=() json page
    for json in "${build_root}/gcc/conformance.json" "${build_root}/clang/conformance.json" \
        "${windows_dir}/conformance.json"; do
        [[ -f "${json}" ]] && results+=("${json}")
    done
    ((${#results[@]} > 0)) || { printf 'no conformance results to lay out\n'; return 1; }
    mkdir -p "${build_root}/report-layout"
    local widest=("${results[@]}" "${results[@]}" "${results[@]}" "${results[@]}" "${results[@]}")
    python3 "${unisock_root}/conformance/report.py" merge "${widest[@]:0:5}" \
        --out "${build_root}/report-layout/five-platforms" >/dev/null 2>&1 || true
    for page in "${build_root}/gcc/conformance-report.html" "${build_root}/conformance-matrix.html" \
        "${build_root}/report-layout/five-platforms.html"; do
        [[ -f "${page}" ]] && reports+=("${page}")
    done
    timeout 600 "${ci}/report-layout.sh" "${reports[@]}"
}
run_step report-layout check_report_layout

run_step validate-workflow timeout 600 npx --yes @action-validator/cli .github/workflows/ci.yml

# ctest's closing lines ("95% tests passed, 2 tests failed out of 40") of the Linux test
# steps and GoogleTest's ("[  PASSED  ] 38 tests.", "[  FAILED  ] 2 tests, listed below:")
# of the Wine run, added up into one line.
count_tests() {
    local log line passed=0 failed=0 total fail
    if [[ -f "${step_log_dir}/wine-test.log" ]]; then
        while read -r line; do
            passed=$((passed + $(sed -E 's/^\[  PASSED  \] ([0-9]+) .*/\1/' <<<"${line}")))
        done < <(grep -E '^\[  PASSED  \] [0-9]+ tests?\.' "${step_log_dir}/wine-test.log")
        while read -r line; do
            failed=$((failed + $(sed -E 's/^\[  FAILED  \] ([0-9]+) .*/\1/' <<<"${line}")))
        done < <(grep -E '^\[  FAILED  \] [0-9]+ tests?, listed below' "${step_log_dir}/wine-test.log")
    fi
    for log in "${step_log_dir}"/test-*.log; do
        [[ -f "${log}" ]] || continue
        while read -r line; do
            fail="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"${line}")"
            total="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"${line}")"
            passed=$((passed + total - fail))
            failed=$((failed + fail))
        done < <(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "${log}")
    done
    printf 'tests: %d passed, %d failed\n' "${passed}" "${failed}"
}

printf '\nLinux conformance report: %s/gcc/conformance-report.html (and .md)\n' "${build_root}"
printf 'Linux + Windows matrix:   %s/conformance-matrix.html (and .md)\n' "${build_root}"
status=0
print_step_summary || status=1
count_tests
exit "${status}"
