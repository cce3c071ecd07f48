#!/usr/bin/env python3
"""Turns the conformance suite's GoogleTest JSON into a report a maintainer reads.

  report.py single RESULTS.json [--out conformance-report]
      -> conformance-report.md and conformance-report.html: one row per scenario S01..S30
         (result, what the raw OS did, notes, skip reasons) under a header naming the
         platform, compiler and unisock version.
  report.py merge A.json B.json ... [--out conformance-matrix]
      -> conformance-matrix.md and .html: the same scenarios side by side, one column per
         platform.

Scenario tests are named SNN_Family.Case; a test records what the OS did by itself as
properties "native", "native_1", ..., notes as "note", ..., and a skip's reason as
"skip_reason" (see support/conformance.hpp).
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
}

HEADER_KEYS = ("platform", "compiler", "unisock_version")


def scenario_id(suite_name):
    match = re.match(r"(S\d\d)_", suite_name)
    return match.group(1) if match else None


def numbered(case, kind):
    keys = sorted((k for k in case if k == kind or re.fullmatch(kind + r"_\d+", k)),
                  key=lambda k: int(k.rsplit("_", 1)[1]) if k != kind else 0)
    return [f"{case['name']}: {case[k]}" for k in keys]


def load(path):
    """One platform's results: header and per-scenario summaries."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    header = {key: str(data.get(key, "unknown")) for key in HEADER_KEYS}
    header["timestamp"] = data.get("timestamp", "")
    scenarios = {sid: {"passed": 0, "failed": 0, "skipped": 0, "native": [], "notes": [],
                       "skips": [], "failures": []} for sid in SCENARIOS}
    for suite in data.get("testsuites", []):
        sid = scenario_id(suite["name"])
        if sid not in scenarios:
            continue
        entry = scenarios[sid]
        for case in suite.get("testsuite", []):
            name = f"{suite['name']}.{case['name']}"
            if case.get("failures"):
                entry["failed"] += 1
                first = case["failures"][0].get("failure", "").strip().splitlines()
                entry["failures"].append(f"{name}: {first[0] if first else 'failed'}")
            elif case.get("result") == "SKIPPED" or case.get("status") == "NOTRUN":
                entry["skipped"] += 1
                entry["skips"].append(f"{name}: {case.get('skip_reason', 'no reason recorded')}")
            else:
                entry["passed"] += 1
            entry["native"] += numbered(case, "native")
            entry["notes"] += numbered(case, "note")
    for entry in scenarios.values():
        entry["result"] = verdict(entry)
    return header, scenarios


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
    return f"{entry['passed']} passed, {entry['failed']} failed, {entry['skipped']} skipped"


def md_cell(items):
    return "<br>".join(item.replace("|", "\\|").replace("\n", " ") for item in items) or "—"


def html_list(items):
    if not items:
        return "—"
    return "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>"


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: 6px 8px; vertical-align: top; text-align: left; }
th { background: #f0f0f0; }
td ul { margin: 0; padding-left: 1.2em; }
.passed { background: #e3f6e3; } .failed { background: #fbe0e0; }
.skipped, .passed-some-skipped { background: #fff6d6; } .missing { background: #eee; }
.summary { margin-bottom: 1em; }
"""


def css_class(result):
    return result.replace(" (", "-").replace(")", "").replace(" ", "-")


def page(title, body):
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
            f"<body><h1>{html.escape(title)}</h1>{body}</body></html>\n")


def totals(scenarios):
    results = [entry["result"] for entry in scenarios.values()]
    return {kind: sum(1 for r in results if r.startswith(kind))
            for kind in ("passed", "failed", "skipped", "missing")}


def write_single(path, out):
    header, scenarios = load(path)
    total = totals(scenarios)
    summary = (f"{total['passed']} passed, {total['failed']} failed, "
               f"{total['skipped']} skipped, {total['missing']} missing of {len(SCENARIOS)} scenarios")
    lines = [f"# unisock conformance report: {header['platform']}", "",
             f"- platform: {header['platform']}", f"- compiler: {header['compiler']}",
             f"- unisock: {header['unisock_version']}", f"- run: {header['timestamp']}",
             f"- scenarios: {summary}", "",
             "| ID | scenario | result | tests | native behaviour observed | notes | skips and failures |",
             "|---|---|---|---|---|---|---|"]
    rows = []
    for sid, title in SCENARIOS.items():
        e = scenarios[sid]
        lines.append(f"| {sid} | {title} | {e['result']} | {counts(e)} | {md_cell(e['native'])} | "
                     f"{md_cell(e['notes'])} | {md_cell(e['skips'] + e['failures'])} |")
        rows.append(f"<tr class=\"{css_class(e['result'])}\"><td>{sid}</td><td>{html.escape(title)}</td>"
                    f"<td>{html.escape(e['result'])}</td><td>{counts(e)}</td>"
                    f"<td>{html_list(e['native'])}</td><td>{html_list(e['notes'])}</td>"
                    f"<td>{html_list(e['skips'] + e['failures'])}</td></tr>")
    Path(f"{out}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    info = "".join(f"<li><b>{k}</b>: {html.escape(header[k])}</li>"
                   for k in ("platform", "compiler", "unisock_version", "timestamp"))
    body = (f"<ul class=\"summary\">{info}<li><b>scenarios</b>: {html.escape(summary)}</li></ul>"
            "<table><tr><th>ID</th><th>scenario</th><th>result</th><th>tests</th>"
            "<th>native behaviour observed</th><th>notes</th><th>skips and failures</th></tr>"
            + "".join(rows) + "</table>")
    Path(f"{out}.html").write_text(page(f"unisock conformance report: {header['platform']}", body),
                                   encoding="utf-8")
    return total["failed"] == 0


def write_matrix(paths, out):
    loaded = [load(p) for p in paths]
    names = [f"{h['platform']} ({h['compiler']})" for h, _ in loaded]
    lines = ["# unisock conformance matrix", "",
             "| ID | scenario | " + " | ".join(names) + " |",
             "|---|---|" + "---|" * len(names)]
    rows = []
    for sid, title in SCENARIOS.items():
        cells_md, cells_html = [], []
        for _, scenarios in loaded:
            e = scenarios[sid]
            detail = e["native"] + e["skips"] + e["failures"]
            cells_md.append(f"**{e['result']}**" + ("<br>" + md_cell(detail) if detail else ""))
            cells_html.append(f"<td class=\"{css_class(e['result'])}\"><b>{html.escape(e['result'])}</b>"
                              f"{html_list(detail) if detail else ''}</td>")
        lines.append(f"| {sid} | {title} | " + " | ".join(cells_md) + " |")
        rows.append(f"<tr><td>{sid}</td><td>{html.escape(title)}</td>{''.join(cells_html)}</tr>")
    Path(f"{out}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    body = f"<table><tr><th>ID</th><th>scenario</th>{head}</tr>{''.join(rows)}</table>"
    Path(f"{out}.html").write_text(page("unisock conformance matrix", body), encoding="utf-8")
    return all(totals(s)["failed"] == 0 for _, s in loaded)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    single = sub.add_parser("single")
    single.add_argument("results")
    single.add_argument("--out", default="conformance-report")
    merge = sub.add_parser("merge")
    merge.add_argument("results", nargs="+")
    merge.add_argument("--out", default="conformance-matrix")
    args = parser.parse_args(argv)
    if args.command == "single":
        ok = write_single(args.results, args.out)
    else:
        ok = write_matrix(args.results, args.out)
    print(f"wrote {args.out}.md and {args.out}.html")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
