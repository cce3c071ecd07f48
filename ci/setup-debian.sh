#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Installs what building and testing unisock needs on Debian (12 "bookworm") or Ubuntu,
# with apt-get, as root or through sudo. Packages already installed are left alone, and
# the package lists are refreshed (apt-get update) once, only when something is missing.
#
#   ci/setup-debian.sh            everything ci/test.sh needs: the Linux build and tests,
#                                 the consumer projects, libc++, Doxygen, the report layout,
#                                 the Windows cross build and its Wine run, and Node.js for
#                                 the workflow validator
#   ci/setup-debian.sh --linux    the Linux build and tests only (what ci/main.sh needs)
#
# Works on a minimal Debian (debootstrap --variant=minbase, container images). When
# another apt-get or dpkg holds the lock, it waits for it (up to 10 minutes).
# shellcheck source=ci/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

linux_packages=(
    build-essential cmake ninja-build g++ clang
    libasio-dev googletest libgtest-dev libbenchmark-dev
    netbase                # /etc/services: getservbyname("http", "tcp") and the tests of it
    python3 netcat-openbsd # S27 drives the example servers with Python's socket module and nc
    nftables               # S35, S36: the blackholed address inside the tests' network namespace
)
check_packages=(
    git ccache pkg-config     # ci/spdx.sh, ci/consumers.sh (the pkg-config consumer)
    libc++-dev libc++abi-dev  # ci/libcxx.sh: clang with -stdlib=libc++
    doxygen                   # ci/doxygen.sh: the API reference
    chromium fonts-dejavu-core # ci/report-layout.sh: the report rendered headless
)
windows_packages=(g++-mingw-w64-x86-64-posix wine wine64)

want_windows=1
case "${1:-}" in
    "") ;;
    --linux) want_windows=0 ;;
    *) die "usage: ci/setup-debian.sh [--linux]" ;;
esac

command -v apt-get >/dev/null || die "apt-get not found: this script is for Debian and Ubuntu (see README.md for other systems)"

is_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

wanted=("${linux_packages[@]}")
if ((want_windows)); then
    wanted+=("${check_packages[@]}" "${windows_packages[@]}")
    # npx runs the workflow validator. A Node.js from elsewhere (NodeSource) bundles npm,
    # so Debian's packages are only needed when npx is missing.
    command -v npx >/dev/null || wanted+=(nodejs npm)
fi

missing=()
for package in "${wanted[@]}"; do
    is_installed "${package}" || missing+=("${package}")
done

if ((${#missing[@]} == 0)); then
    log "all ${#wanted[@]} packages already installed"
    exit 0
fi

log "installing: ${missing[*]}"
apt_install "${missing[@]}"
