#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The licence line: every source file says "SPDX-License-Identifier: BSL-1.0" (LICENSE)
# in its first lines, so that a file copied out of the repository still names its licence.
#
#   ci/spdx.sh --check   lists the files without it; exits 1 when there is one
#   ci/spdx.sh --fix     adds it where it is missing (running it twice changes nothing)
#
# The line is "// SPDX-License-Identifier: BSL-1.0" on the first line of C++ sources and
# headers (.hpp .cpp .h and their .in templates), and "# SPDX-License-Identifier: BSL-1.0"
# on the first line, or after the #! line, of shell, Python, CMake, YAML, Makefile,
# Doxyfile and .pc.in files and of scripts without an extension that start with #!.
# Other files (Markdown, JSON, which has no comments, LICENSE itself, the fuzzing seeds
# of core/fuzz/corpus/) are not covered.
# The files are git's (tracked, and untracked but not ignored), so build/ is left out.
# shellcheck source=ci/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

spdx_tag="SPDX-License-Identifier: BSL-1.0"
# How far down the tag may be: after a #! line and a blank or encoding line at most.
tag_lines=3

case "${1:-}" in
    --check) fix=0 ;;
    --fix) fix=1 ;;
    *) die "usage: ci/spdx.sh --check | --fix" ;;
esac

# Prints the comment marker a file's tag takes ("//" or "#"), or nothing for a file the
# rule does not cover.
comment_marker() {
    local path="$1"
    # Fuzzing seeds are data, not sources (and hold NUL bytes).
    [[ "${path}" == core/fuzz/corpus/* ]] && return 0
    case "${path##*/}" in
        *.hpp | *.cpp | *.h | *.hpp.in | *.cpp.in | *.h.in) echo '//' ;;
        CMakeLists.txt | *.cmake | *.cmake.in | *.sh | *.py | *.yml | *.yaml | *.pc.in | Makefile | Doxyfile) echo '#' ;;
        *.*) ;;
        *) [[ "$(head -c 2 "${path}")" == '#!' ]] && echo '#' ;;
    esac
    return 0
}

has_tag() {
    head -n "${tag_lines}" "$1" | grep -q "${spdx_tag}"
}

# Writes the tag line into the file in place (keeping its mode): first, or after #!.
add_tag() {
    local path="$1" marker="$2" updated
    updated="$(mktemp)"
    if [[ "${marker}" == '#' && "$(head -c 2 "${path}")" == '#!' ]]; then
        { head -n 1 "${path}"; printf '# %s\n' "${spdx_tag}"; tail -n +2 "${path}"; } >"${updated}"
    else
        { printf '%s %s\n' "${marker}" "${spdx_tag}"; cat "${path}"; } >"${updated}"
    fi
    cat "${updated}" >"${path}"
    rm -f "${updated}"
}

cd "${unisock_root}"
missing=0
while IFS= read -r -d '' path; do
    [[ -f "${path}" ]] || continue # deleted in the work tree, still in the index
    marker="$(comment_marker "${path}")"
    [[ -n "${marker}" ]] || continue
    has_tag "${path}" && continue
    if ((fix)); then
        add_tag "${path}" "${marker}"
        printf 'added: %s\n' "${path}"
    else
        printf 'no licence line: %s\n' "${path}"
        missing=$((missing + 1))
    fi
done < <(git ls-files -z --cached --others --exclude-standard)

if ((missing > 0)); then
    printf '%d files lack "%s" (ci/spdx.sh --fix adds it)\n' "${missing}" "${spdx_tag}"
    exit 1
fi
((fix)) || log "every covered file carries ${spdx_tag}"
