#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Turns the conformance suite's GoogleTest JSON into a report a maintainer reads.

  report.py single RESULTS.json [--out conformance-report]
      -> conformance-report.md and conformance-report.html: a summary, then one row per
         scenario (result, what the raw OS did, notes, skip reasons, failed assertions
         with their messages) under a header naming the platform, compiler and unisock
         version.
  report.py merge A.json B.json ... [--out conformance-matrix]
      -> conformance-matrix.md and .html: a summary per platform, then the scenarios side
         by side, one column per platform.

Both add a reliability table: per battery (fault scenarios, abused servers, data
integrity: the scenario ranges in BATTERIES) and platform the cases run, failed and
skipped; with --fuzz FUZZ-SUMMARY.jsonl (ci/fuzz.sh) also each libFuzzer harness's
executions and result, and with --sanitized LABEL=RESULTS.json (repeatable) the whole suite
as run under a sanitizer ("ThreadSanitizer=build/tsan/conformance.json").

Exits 1 when a scenario failed or when one of the catalogue below is missing from a run
(no test of it ran, e.g. a scenario file left out of the build). The catalogue is the
SCENARIOS table: a new scenario S31 gets a line there. A scenario in the results but not
in the table is still reported, under its ID, with a warning.

Scenario tests are named SNN_Family.Case; a test records what the OS did by itself as
properties "native", "native_1", ..., notes as "note", ..., and a skip's reason as
"skip_reason" (see support/conformance.hpp). A failure's text is GoogleTest's: the
"file:line" of the assertion, then its message.

The HTML fits a 1,280 px wide window (ci/report-layout.sh checks it with Chromium): the
columns have fixed shares of the width and long words wrap.
"""
import argparse
import html
import json
import re
import sys
from pathlib import Path

SCENARIOS = {
    "S01": "hello exchange",
    "S02": "creation errors",
    "S03": "host resolution",
    "S04": "client request/reply",
    "S05": "bind/listen/accept",
    "S06": "sequential server",
    "S07": "echo until close",
    "S08": "threaded server",
    "S09": "chat room",
    "S10": "service and name lookups",
    "S11": "file-like stream",
    "S12": "error taxonomy",
    "S13": "UDP client/server",
    "S14": "SO_REUSEADDR",
    "S15": "blocking accept",
    "S16": "deadlock avoidance",
    "S17": "backlog limits",
    "S18": "timeouts",
    "S19": "connect_ex",
    "S20": "socket options",
    "S21": "families and types",
    "S22": "non-blocking mode",
    "S23": "send vs sendall",
    "S24": "shutdown and close",
    "S25": "native handle",
    "S26": "text encoding",
    "S27": "real clients",
    "S28": "Winsock init",
    "S29": "no inheritance",
    "S30": "cancellation",
    "S31": "selector: many ready",
    "S32": "selector: failed connect",
    "S33": "selector: hang-up and reset",
    "S34": "network interfaces",
    "S35": "Happy Eyeballs",
    "S36": "all connection errors",
    "S37": "fault: blackholed connect",
    "S38": "fault: peer reset",
    "S39": "fault: peer killed mid-transfer",
    "S40": "fault: out of descriptors",
    "S41": "fault: signal storm",
    "S42": "fault: no SIGPIPE",
    "S43": "abuse: slowloris",
    "S44": "abuse: members that never read",
    "S45": "abuse: endless line, garbage",
    "S46": "abuse: connect flood",
    "S47": "abuse: SIGTERM under load",
    "S48": "data integrity",
}

# The reliability battery (issue 13): which scenarios make up each part of it.
BATTERIES = (
    ("faults", "fault scenarios", ("S37", "S42")),
    ("abuse", "abused servers", ("S43", "S47")),
    ("integrity", "data integrity", ("S48", "S48")),
)

HEADER_KEYS = ("platform", "compiler", "unisock_version")
UNCATALOGUED = "(not in report.py's catalogue)"


def scenario_id(suite_name):
    # A value-parameterized suite is named "Prefix/S08_ThreadedServer".
    match = re.match(r"(?:\w+/)?(S\d\d+)_", suite_name)
    return match.group(1) if match else None


def scenario_order(sid):
    return int(sid[1:])


def numbered(case, kind):
    keys = sorted((k for k in case if k == kind or re.fullmatch(kind + r"_\d+", k)),
                  key=lambda k: int(k.rsplit("_", 1)[1]) if k != kind else 0)
    return [f"{case['name']}: {case[k]}" for k in keys]


def failure_text(name, failure):
    """One failed assertion: "Case: file.cpp:LINE: message" (GoogleTest's text is the
    location on its first line, the message on the lines after it)."""
    lines = failure.get("failure", "").strip().splitlines()
    if not lines:
        return f"{name}: failed (no message recorded)"
    location = re.sub(r"^.*[/\\]", "", lines[0].strip())
    message = "\n".join(line.rstrip() for line in lines[1:] if line.strip())
    return f"{name}: {location}: {message}" if message else f"{name}: {location}"


def load(path):
    """One platform's results: header and per-scenario summaries."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    header = {key: str(data.get(key, "unknown")) for key in HEADER_KEYS}
    header["timestamp"] = data.get("timestamp", "")

    def empty():
        return {"passed": 0, "failed": 0, "skipped": 0, "native": [], "notes": [], "skips": [],
                "failures": []}

    scenarios = {sid: empty() for sid in SCENARIOS}
    for suite in data.get("testsuites", []):
        sid = scenario_id(suite["name"])
        if sid is None:
            continue
        if sid not in scenarios:
            print(f"warning: {path}: {sid} is not in report.py's SCENARIOS catalogue", file=sys.stderr)
            scenarios[sid] = empty()
        entry = scenarios[sid]
        for case in suite.get("testsuite", []):
            name = f"{suite['name']}.{case['name']}"
            if case.get("failures"):
                entry["failed"] += 1
                entry["failures"] += [failure_text(case["name"], f) for f in case["failures"]]
            elif case.get("result") == "SKIPPED" or case.get("status") == "NOTRUN":
                entry["skipped"] += 1
                entry["skips"].append(f"{case['name']}: skipped: {case.get('skip_reason', 'no reason recorded')}")
            else:
                entry["passed"] += 1
            entry["native"] += numbered(case, "native")
            entry["notes"] += numbered(case, "note")
    for entry in scenarios.values():
        entry["result"] = verdict(entry)
    return header, dict(sorted(scenarios.items(), key=lambda item: scenario_order(item[0])))


def title_of(sid):
    return SCENARIOS.get(sid, UNCATALOGUED)


def verdict(entry):
    if entry["failed"]:
        return "failed"
    if entry["passed"] == 0 and entry["skipped"] == 0:
        return "missing"
    if entry["passed"] == 0:
        return "skipped"
    if entry["skipped"]:
        return "passed (some skipped)"
    return "passed"


def counts(entry):
    parts = [f"{entry[kind]} {kind}" for kind in ("passed", "failed", "skipped") if entry[kind]]
    return ", ".join(parts) or "no tests"


def md_cell(items):
    return "<br>".join(" / ".join(line.strip() for line in item.replace("|", "\\|").splitlines())
                       for item in items) or "—"


def html_list(items):
    if not items:
        return "—"
    return "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>"


# Fixed layout: each column keeps its share of the page whatever its text, and long words
# (test names, paths, messages) wrap, so that nothing is pushed beyond the window.
STYLE = """
body { font-family: system-ui, sans-serif; margin: 16px; color: #222; font-size: 14px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 24px; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #ccc; padding: 4px 6px; vertical-align: top; text-align: left;
         overflow-wrap: anywhere; word-break: break-word; }
th { background: #f0f0f0; }
td ul { margin: 0; padding-left: 1.1em; }
li { white-space: pre-wrap; }
.passed { background: #e3f6e3; } .failed { background: #fbe0e0; }
.skipped, .passed-some-skipped { background: #fff6d6; } .missing { background: #eee; }
.num { text-align: right; }
"""


def css_class(result):
    return result.replace(" (", "-").replace(")", "").replace(" ", "-")


def page(title, body):
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width\">"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
            f"<body><h1>{html.escape(title)}</h1>{body}</body></html>\n")


def colgroup(widths):
    return "<colgroup>" + "".join(f"<col style=\"width:{w}\">" for w in widths) + "</colgroup>"


def totals(scenarios):
    results = [entry["result"] for entry in scenarios.values()]
    return {kind: sum(1 for r in results if r.startswith(kind))
            for kind in ("passed", "failed", "skipped", "missing")}


def id_ranges(ids):
    """["S03", "S04", "S05", "S09"] -> "S03–S05, S09"."""
    spans = []
    for sid in ids:
        if spans and scenario_order(sid) == scenario_order(spans[-1][1]) + 1:
            spans[-1][1] = sid
        else:
            spans.append([sid, sid])
    return ", ".join(a if a == b else f"{a}–{b}" for a, b in spans)


def attention(scenarios):
    """The scenarios a reader must look at: "failed: S01; missing: S03–S30"."""
    parts = []
    for kind in ("failed", "missing"):
        ids = [sid for sid, e in scenarios.items() if e["result"] == kind]
        if ids:
            parts.append(f"{kind}: {id_ranges(ids)}")
    return "; ".join(parts)


SUMMARY_COLUMNS = ("platform", "compiler", "unisock", "passed", "failed", "skipped", "missing",
                   "to look at")


def summary_rows(loaded):
    rows = []
    for header, scenarios in loaded:
        total = totals(scenarios)
        rows.append([header["platform"], header["compiler"], header["unisock_version"],
                     str(total["passed"]), str(total["failed"]), str(total["skipped"]),
                     str(total["missing"]), attention(scenarios) or "nothing"])
    return rows


def summary_md(loaded):
    lines = ["| " + " | ".join(SUMMARY_COLUMNS) + " |", "|---|---|---|--:|--:|--:|--:|---|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"
              for row in summary_rows(loaded)]
    return lines


def summary_html(loaded):
    head = "".join(f"<th>{c}</th>" for c in SUMMARY_COLUMNS)
    body = ""
    for (_, scenarios), row in zip(loaded, summary_rows(loaded)):
        total = totals(scenarios)
        kind = "failed" if total["failed"] else "missing" if total["missing"] else "passed"
        cells = "".join(f"<td class=\"num\">{html.escape(c)}</td>" if 3 <= i <= 6 else
                        f"<td>{html.escape(c)}</td>" for i, c in enumerate(row))
        body += f"<tr class=\"{kind}\">{cells}</tr>"
    widths = ["14%", "16%", "8%", "7%", "7%", "7%", "7%", "34%"]
    return f"<table>{colgroup(widths)}<tr>{head}</tr>{body}</table>"


def load_fuzz(path):
    """ci/fuzz.sh's summary: one JSON object per line (harness, runs, seconds, status)."""
    if not path:
        return []
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


RELIABILITY_COLUMNS = ("battery", "scenarios", "platform", "cases run", "failed", "skipped")


def reliability_rows(loaded, fuzz, sanitized=()):
    """[cells, css class] per battery and platform, one per sanitized run of the whole
    suite, then one per fuzz harness."""
    rows = []
    for _, title, (first, last) in BATTERIES:
        ids = [f"S{n:02d}" for n in range(scenario_order(first), scenario_order(last) + 1)]
        for header, scenarios in loaded:
            entries = [scenarios[sid] for sid in ids if sid in scenarios]
            run = sum(e["passed"] + e["failed"] for e in entries)
            failed = sum(e["failed"] for e in entries)
            skipped = sum(e["skipped"] for e in entries)
            kind = "failed" if failed else "missing" if run + skipped == 0 else "passed"
            rows.append(([title, id_ranges(ids), f"{header['platform']} ({header['compiler']})",
                          str(run), str(failed), str(skipped)], kind))
    for label, (header, scenarios) in sanitized:
        entries = scenarios.values()
        run = sum(e["passed"] + e["failed"] for e in entries)
        failed = sum(e["failed"] for e in entries)
        skipped = sum(e["skipped"] for e in entries)
        rows.append(([f"whole suite under {label}", id_ranges(sorted(scenarios, key=scenario_order)),
                      f"{header['platform']} ({header['compiler']})", str(run), str(failed), str(skipped)],
                     "failed" if failed else "passed"))
    for harness in fuzz:
        failed = harness.get("status") != "ok"
        rows.append((["fuzzing (libFuzzer, ASan + UBSan)", f"harness {harness['harness']}, {harness['seconds']} s",
                      "Linux (clang)", f"{harness['runs']:,} executions", "1 crash" if failed else "0", "—"],
                     "failed" if failed else "passed"))
    return rows


def reliability_md(loaded, fuzz, sanitized=()):
    lines = ["| " + " | ".join(RELIABILITY_COLUMNS) + " |", "|---|---|---|--:|--:|--:|"]
    lines += ["| " + " | ".join(cells) + " |" for cells, _ in reliability_rows(loaded, fuzz, sanitized)]
    return lines


def reliability_html(loaded, fuzz, sanitized=()):
    head = "".join(f"<th>{c}</th>" for c in RELIABILITY_COLUMNS)
    body = ""
    for cells, kind in reliability_rows(loaded, fuzz, sanitized):
        body += f"<tr class=\"{kind}\">" + "".join(
            f"<td class=\"num\">{html.escape(c)}</td>" if i >= 3 else f"<td>{html.escape(c)}</td>"
            for i, c in enumerate(cells)) + "</tr>"
    widths = ["22%", "18%", "24%", "14%", "11%", "11%"]
    return f"<table>{colgroup(widths)}<tr>{head}</tr>{body}</table>"


def write_single(path, out, fuzz=()):
    header, scenarios = load(path)
    loaded = [(header, scenarios)]
    lines = [f"# unisock conformance report: {header['platform']}", "",
             f"run: {header['timestamp']}; {len(scenarios)} scenarios", ""] + summary_md(loaded) + [
             "", "| ID | scenario | result | native behaviour observed | notes | failures and skips |",
             "|---|---|---|---|---|---|"]
    rows = []
    for sid, e in scenarios.items():
        title = title_of(sid)
        lines.append(f"| {sid} | {title} | {e['result']} ({counts(e)}) | {md_cell(e['native'])} | "
                     f"{md_cell(e['notes'])} | {md_cell(e['failures'] + e['skips'])} |")
        rows.append(f"<tr class=\"{css_class(e['result'])}\"><td>{sid}</td><td>{html.escape(title)}</td>"
                    f"<td><b>{html.escape(e['result'])}</b><br>{counts(e)}</td>"
                    f"<td>{html_list(e['native'])}</td><td>{html_list(e['notes'])}</td>"
                    f"<td>{html_list(e['failures'] + e['skips'])}</td></tr>")
    lines += ["", "## Reliability", ""] + reliability_md(loaded, fuzz)
    Path(f"{out}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    widths = ["4%", "11%", "10%", "28%", "22%", "25%"]
    body = (f"<p>run: {html.escape(header['timestamp'])}; {len(scenarios)} scenarios</p>"
            + summary_html(loaded) + "<h2>Reliability</h2>" + reliability_html(loaded, fuzz)
            + "<h2>Scenarios</h2>"
            f"<table>{colgroup(widths)}<tr><th>ID</th><th>scenario</th><th>result (tests)</th>"
            "<th>native behaviour observed</th><th>notes</th><th>failures and skips</th></tr>"
            + "".join(rows) + "</table>")
    Path(f"{out}.html").write_text(page(f"unisock conformance report: {header['platform']}", body),
                                   encoding="utf-8")
    return loaded


def write_matrix(paths, out, fuzz=(), sanitized=()):
    loaded = [load(p) for p in paths]
    names = [f"{h['platform']} ({h['compiler']})" for h, _ in loaded]
    ids = sorted({sid for _, scenarios in loaded for sid in scenarios}, key=scenario_order)
    lines = ["# unisock conformance matrix", ""] + summary_md(loaded) + [
             "", "## Reliability", ""] + reliability_md(loaded, fuzz, sanitized) + [
             "", "| ID | scenario | " + " | ".join(names) + " |",
             "|---|---|" + "---|" * len(names)]
    rows = []
    for sid in ids:
        cells_md, cells_html = [], []
        for _, scenarios in loaded:
            e = scenarios.get(sid) or {"result": "missing", "native": [], "skips": [], "failures": []}
            detail = e["failures"] + e["native"] + e["skips"]
            cells_md.append(f"**{e['result']}**" + ("<br>" + md_cell(detail) if detail else ""))
            cells_html.append(f"<td class=\"{css_class(e['result'])}\"><b>{html.escape(e['result'])}</b>"
                              f"{html_list(detail) if detail else ''}</td>")
        lines.append(f"| {sid} | {title_of(sid)} | " + " | ".join(cells_md) + " |")
        rows.append(f"<tr><td>{sid}</td><td>{html.escape(title_of(sid))}</td>{''.join(cells_html)}</tr>")
    Path(f"{out}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    share = f"{86 / max(len(names), 1):.2f}%"
    body = (summary_html(loaded) + "<h2>Reliability</h2>" + reliability_html(loaded, fuzz, sanitized)
            + "<h2>Scenarios</h2>"
            f"<table>{colgroup(['4%', '10%'] + [share] * len(names))}"
            f"<tr><th>ID</th><th>scenario</th>{head}</tr>{''.join(rows)}</table>")
    Path(f"{out}.html").write_text(page("unisock conformance matrix", body), encoding="utf-8")
    return loaded


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    single = sub.add_parser("single")
    single.add_argument("results")
    single.add_argument("--out", default="conformance-report")
    single.add_argument("--fuzz", help="ci/fuzz.sh's fuzz-summary.jsonl")
    merge = sub.add_parser("merge")
    merge.add_argument("results", nargs="+")
    merge.add_argument("--out", default="conformance-matrix")
    merge.add_argument("--fuzz", help="ci/fuzz.sh's fuzz-summary.jsonl")
    merge.add_argument("--sanitized", action="append", default=[], metavar="LABEL=RESULTS.json",
                       help="the suite's results under a sanitizer, for the reliability table")
    args = parser.parse_args(argv)
    fuzz = load_fuzz(args.fuzz)
    if args.command == "single":
        loaded = write_single(args.results, args.out, fuzz)
    else:
        sanitized = [(label, load(path)) for label, path in (item.split("=", 1) for item in args.sanitized)]
        loaded = write_matrix(args.results, args.out, fuzz, sanitized)
    print(f"wrote {args.out}.md and {args.out}.html")
    status = 0
    for (header, scenarios), path in zip(loaded, [args.results] if args.command == "single" else args.results):
        total = totals(scenarios)
        if total["failed"] or total["missing"]:
            print(f"{path} ({header['platform']}, {header['compiler']}): {total['failed']} scenarios failed, "
                  f"{total['missing']} missing ({attention(scenarios)})", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
