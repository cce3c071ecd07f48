#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Checks that HTML conformance reports fit a 1,280 px wide window, as a maintainer opens
# them: each page is laid out by headless Chromium in a 1280x900 window, and the page
# must not be wider than the window (document scrollWidth <= clientWidth: nothing is
# off-screen to the right). A screenshot of each page's first screen is kept next to it
# (REPORT.png) for a human to look at.
#
#   ci/report-layout.sh REPORT.html...
#
# The width is measured in a copy of the page (REPORT.layout-probe.html) with one line of
# script added that writes the widths into the DOM, which Chromium's --dump-dom prints.
# Needs Chromium (Debian: chromium; ci/setup-debian.sh installs it). Exits 1 if a page is
# too wide or could not be measured.
# shellcheck source=ci/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

(($# > 0)) || die "usage: ci/report-layout.sh REPORT.html..."
window_width=1280
window_height=900

browser=""
for candidate in chromium chromium-browser google-chrome; do
    if command -v "${candidate}" >/dev/null; then
        browser="${candidate}"
        break
    fi
done
[[ -n "${browser}" ]] || die "Chromium not found (Debian: apt-get install chromium)"

profile="$(mktemp -d)"
trap 'rm -rf "${profile}"' EXIT
# Headless, no sandbox (CI runs as root), no GPU, a throw-away profile; bounded in time.
headless() {
    timeout 120 "${browser}" --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="${profile}" --window-size="${window_width},${window_height}" "$@" 2>/dev/null
}

failed=0
for report in "$@"; do
    report="$(cd "$(dirname "${report}")" && pwd)/$(basename "${report}")"
    if [[ ! -f "${report}" ]]; then
        printf 'FAILED  %s: no such file\n' "${report}"
        failed=$((failed + 1))
        continue
    fi
    probe="${report%.html}.layout-probe.html"
    sed 's|</body>|<script>document.body.setAttribute("data-layout", document.documentElement.scrollWidth + " " + document.documentElement.clientWidth)</script></body>|' \
        "${report}" >"${probe}"
    widths="$(headless --dump-dom "file://${probe}" | sed -nE 's/.*data-layout="([0-9]+) ([0-9]+)".*/\1 \2/p' | head -n 1)"
    screenshot="${report%.html}.png"
    headless --screenshot="${screenshot}" "file://${report}" >/dev/null || true
    if [[ -z "${widths}" ]]; then
        printf 'FAILED  %s: Chromium did not report the page width\n' "${report}"
        failed=$((failed + 1))
        continue
    fi
    read -r scroll_width client_width <<<"${widths}"
    if ((scroll_width > client_width || client_width > window_width)); then
        printf 'FAILED  %s: %s px wide in a %s px window (%s px visible)\n' "${report}" "${scroll_width}" \
            "${window_width}" "${client_width}"
        failed=$((failed + 1))
    else
        printf 'ok      %s: %s px wide, fits the %s px window\n' "${report}" "${scroll_width}" "${window_width}"
    fi
    [[ -f "${screenshot}" ]] && printf '        screenshot: %s\n' "${screenshot}"
done
((failed == 0)) || die "${failed} reports do not fit ${window_width} px"
