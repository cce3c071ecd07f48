#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Prints unisock_bench's results as one table: CPU per operation, ratio to raw, system
calls per operation, user-space instructions per operation.

  summarize.py [BENCH.json] [--paired FILE] [--syscalls DIR] [--callgrind DIR]

BENCH.json is Google Benchmark's JSON output (--benchmark_out); with repetitions the
median is used, and cv is the CPU time's coefficient of variation across them. Each
family is compared with its raw baseline: by CPU time per operation (process CPU time:
both threads of a ping-pong), bulk64k by throughput.

--paired FILE holds the JSON lines of bench/paired.sh: each workload run against its raw
baseline in alternating blocks in one process, the median (and quartiles) of the
per-round CPU ratios; a loaded machine slows both halves of a round alike, so this ratio
is the one to compare when the repetitions' cv is large.

--syscalls DIR holds `strace -c -f` summaries written by bench/syscalls.sh, and
--callgrind DIR callgrind profiles written by bench/callgrind.sh, each as
NAME.COUNT.strace or NAME.COUNT.callgrind (NAME with '/' written as '.'): the counted mode
(`unisock_bench --run=NAME --count=COUNT`) run twice with two counts, so that
(total(N2) - total(N1)) / (N2 - N1) is the cost of one operation without the start-up.
System calls are all of the process's (every thread, every call). Instructions are
callgrind's Ir: user space only, the kernel's share of a system call is not counted.

An operation: pair64 one send+recv pair, bulk64k one 64 KiB pair, pingpong and
pingpong_rawpeer one round trip, udp64 one send_to+recv_from, readline100 one line.
"""
import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

BASELINES = {
    "pair64": "pair64/raw_blocking",
    "bulk64k": "bulk64k/raw",
    "pingpong": "pingpong/raw_blocking",
    "pingpong_rawpeer": "pingpong_rawpeer/raw_blocking",
    "udp64": "udp64/raw",
    "readline100": "readline100/raw",
    "select10k": "select10k/raw_epoll",
    "select10k_64ready": "select10k_64ready/raw_epoll",
}

# Functions whose inclusive instructions per operation are printed under the table: the
# throwing forms of the calls the benchmarks make (not the error_code forms they wrap),
# libc's socket calls (the raw baselines' whole user-space cost), and unisock's address
# formatting (send_to must format nothing when it succeeds).
PROBES = [
    re.compile(r"^unisock::socket::(sendall|recv_into|send_to|recv_from_into)"
               r"\(unisock::(const|mutable)_bytes(, unisock::address const&)?\)$"),
    re.compile(r"^unisock::stream::readline(\[abi:cxx11\])?\(unsigned long\)$"),
    re.compile(r"^unisock::(ip_)?address::to_string.*\(\) const$"),
    re.compile(r"^(__libc_)?(send|recv|sendto|recvfrom|sendmsg|recvmsg)$"),
]
FORMATTING = re.compile(r"^unisock::address::to_string")


def run_name(name):
    return name.removesuffix("/process_time")


def family(name):
    return name.split("/", 1)[0]


def medians(path):
    """Benchmark name -> dict(cpu=ns per operation, real=ns, rate=bytes/s, cv), or None
    for a benchmark that failed."""
    runs = json.loads(Path(path).read_text(encoding="utf-8"))["benchmarks"]
    chosen, spread = {}, {}
    for run in runs:
        name = run_name(run.get("run_name", run["name"]))
        if run.get("error_occurred"):
            chosen[name] = None
        elif run.get("aggregate_name") == "cv":
            spread[name] = run["cpu_time"]
        elif run.get("aggregate_name") == "median" or (run.get("run_type") == "iteration"
                                                       and name not in chosen):
            scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[run.get("time_unit", "ns")]
            chosen[name] = {"cpu": run["cpu_time"] * scale, "real": run["real_time"] * scale,
                            "rate": run.get("bytes_per_second", 0.0)}
    for name, value in chosen.items():
        if value is not None:
            value["cv"] = spread.get(name)
    return chosen


def paired_ratios(path):
    """NAME -> the JSON object unisock_bench --paired printed for it."""
    if path is None:
        return {}
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return {entry["name"]: entry for entry in map(json.loads, filter(str.strip, lines))}


def counted_files(directory, suffix):
    """NAME -> [(count, path), ...] sorted by count, from NAME.COUNT.SUFFIX files."""
    found = {}
    if directory is None:
        return found
    for path in Path(directory).glob(f"*.{suffix}"):
        stem, _, count = path.name.removesuffix(f".{suffix}").rpartition(".")
        if count.isdigit():
            found.setdefault(stem.replace(".", "/"), []).append((int(count), path))
    return {name: sorted(files) for name, files in found.items() if len(files) >= 2}


def strace_counts(path):
    """System call -> number of calls, from `strace -c` output."""
    counts = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[0].replace(".", "", 1).isdigit() and fields[3].isdigit():
            if fields[-1] != "total":
                counts[fields[-1]] = int(fields[3])
    return counts


def syscalls_per_op(directory):
    """NAME -> (system calls per operation, {call: per operation})."""
    result = {}
    for name, files in counted_files(directory, "strace").items():
        (n1, p1), (n2, p2) = files[0], files[-1]
        c1, c2 = strace_counts(p1), strace_counts(p2)
        per_call = {call: (c2.get(call, 0) - c1.get(call, 0)) / (n2 - n1) for call in c1.keys() | c2.keys()}
        per_call = {call: v for call, v in per_call.items() if abs(v) >= 0.005}
        result[name] = (sum(per_call.values()), per_call)
    return result


def callgrind_inclusive(path):
    """(total Ir, {function: inclusive Ir}) of one callgrind profile."""
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", str(path)],
                          check=True, capture_output=True, text=True).stdout
    total, functions = None, {}
    for line in text.splitlines():
        match = re.match(r"^\s*([\d,]+) \([^)]*\)\s+(.*?)(?: \[[^\]]*\])?$", line)
        if not match:
            continue
        ir, where = int(match.group(1).replace(",", "")), match.group(2)
        if where == "PROGRAM TOTALS":
            total = ir
        else:
            function = where.split(":", 1)[1] if ":" in where else where
            functions[function] = functions.get(function, 0) + ir
    return total, functions


def instructions_per_op(directory):
    """NAME -> (Ir per operation, {probed function: inclusive Ir per operation})."""
    result = {}
    for name, files in counted_files(directory, "callgrind").items():
        (n1, p1), (n2, p2) = files[0], files[-1]
        (t1, f1), (t2, f2) = callgrind_inclusive(p1), callgrind_inclusive(p2)
        probes = {}
        for function in f1.keys() | f2.keys():
            if any(p.search(function) for p in PROBES):
                per_op = (f2.get(function, 0) - f1.get(function, 0)) / (n2 - n1)
                if per_op >= 0.5:
                    probes[function] = per_op
        result[name] = ((t2 - t1) / (n2 - n1), probes)
    return result


def ordered(names):
    """Families in BASELINES' order, each baseline first."""
    def key(name):
        fam = family(name)
        rank = list(BASELINES).index(fam) if fam in BASELINES else len(BASELINES)
        return (rank, fam, name != BASELINES.get(fam), name)
    return sorted(names, key=key)


def print_table(results, paired, syscalls, instructions):
    baselines = {entry["baseline"] for entry in paired.values()}
    names = ordered(set(results) | set(paired) | baselines | set(syscalls) | set(instructions))
    print(f"{'benchmark':<34} {'CPU ns/op':>10} {'cv':>6} {'ratio':>6} {'paired ratio (IQR)':>20} "
          f"{'syscalls/op':>11} {'instr/op':>9}")
    ok = True
    for name in names:
        value = results.get(name)
        baseline = results.get(BASELINES.get(family(name), ""))
        cpu = cv = ratio = "-"
        if name in results and value is None:
            cpu, ok = "error", False
        elif value is not None:
            cpu = f"{value['cpu']:.0f}"
            cv = f"{value['cv'] * 100:.1f}%" if value["cv"] is not None else "-"
            if baseline:
                if family(name) == "bulk64k":  # throughput: raw's / this one's, lower is better too
                    ratio = f"{baseline['rate'] / value['rate']:.3f}" if value["rate"] else "-"
                else:
                    ratio = f"{value['cpu'] / baseline['cpu']:.3f}"
        pair = paired.get(name)
        pair_text = (f"{pair['ratio_median']:.3f} ({pair['ratio_q1']:.3f}-{pair['ratio_q3']:.3f})"
                     if pair else "1.000" if name == BASELINES.get(family(name)) and paired else "-")
        calls = f"{syscalls[name][0]:.2f}" if name in syscalls else "-"
        ir = f"{instructions[name][0]:.0f}" if name in instructions else "-"
        print(f"{name:<34} {cpu:>10} {cv:>6} {ratio:>6} {pair_text:>20} {calls:>11} {ir:>9}")
    if results:
        print("\nCPU: process CPU time per operation (every thread), median of the repetitions; "
              "cv: its coefficient of variation")
        print("ratio: CPU per operation / the family's raw baseline's (bulk64k: raw's throughput / "
              "this one's); 1.000 is raw speed")
    if paired:
        print("paired ratio: CPU per operation / raw's, run in alternating blocks in one process "
              "(bench/paired.sh): median and quartiles of the rounds")
    if syscalls:
        print("syscalls/op: strace -c -f, all system calls of the process, (N2 - N1) operations")
    if instructions:
        print("instr/op: callgrind Ir (user space only) of the whole process, (N2 - N1) operations")
    return ok


def print_syscall_detail(syscalls):
    print("\nsystem calls per operation, by call (strace -c -f):")
    for name in ordered(syscalls):
        total, per_call = syscalls[name]
        calls = ", ".join(f"{call} {v:.2f}" for call, v in sorted(per_call.items(), key=lambda kv: -kv[1]))
        print(f"  {name:<34} {total:6.2f}  {calls}")


def print_instruction_detail(instructions):
    print("\ninstructions per operation inside a call (callgrind, inclusive Ir of the function "
          "and what it calls):")
    for name in ordered(instructions):
        for function, per_op in sorted(instructions[name][1].items(), key=lambda kv: -kv[1]):
            print(f"  {name:<34} {per_op:8.0f}  {function}")


def print_targets(results, paired, syscalls, instructions):
    """Issue 8's targets beside the figures they are about: for reading, not a verdict
    the script acts on."""
    lines = []
    for name in ("pingpong/unisock_blocking", "pingpong/unisock_timeout"):
        if name in syscalls:
            lines.append(f"{name}: {syscalls[name][0]:.2f} system calls per round trip (target <= 5)")
        base, value = results.get(BASELINES["pingpong"]), results.get(name)
        if base and value:
            lines.append(f"{name}: {value['cpu'] / base['cpu']:.3f} x raw CPU, medians (target <= 1.08)")
        if name in paired:
            lines.append(f"{name}: {paired[name]['ratio_median']:.3f} x raw CPU, paired (target <= 1.08)")
    asio = instructions.get("pair64/asio_sync")
    for name in ("pair64/unisock_blocking", "pair64/unisock_timeout"):
        if name in instructions and asio:
            lines.append(f"{name}: {instructions[name][0] / asio[0]:.2f} x Asio's instructions per pair "
                         f"({instructions[name][0]:.0f} vs {asio[0]:.0f}; target <= 2)")
    if "readline100/unisock" in instructions:
        lines.append(f"readline100/unisock: {instructions['readline100/unisock'][0]:.0f} instructions "
                     "per line (target <= 400)")
    if "udp64/unisock" in instructions:
        formatting = sum(v for f, v in instructions["udp64/unisock"][1].items() if FORMATTING.search(f))
        lines.append(f"udp64/unisock: {formatting:.0f} instructions per datagram in address::to_string "
                     "(target: send_to formats nothing, 0)")
        send_to = sum(v for f, v in instructions["udp64/unisock"][1].items() if f.startswith("unisock::socket::send_to"))
        raw_sendto = sum(v for f, v in instructions.get("udp64/raw", (0, {}))[1].items()
                         if f in ("sendto", "__libc_sendto"))
        lines.append(f"udp64/unisock: {send_to:.0f} instructions per send_to call, libc's sendto in it "
                     f"included (raw sendto: {raw_sendto:.0f})")
    base, value = results.get(BASELINES["udp64"]), results.get("udp64/unisock")
    if base and value:
        lines.append(f"udp64/unisock: {value['cpu'] / base['cpu']:.3f} x raw CPU, medians (target: near 1)")
    if "udp64/unisock" in paired:
        lines.append(f"udp64/unisock: {paired['udp64/unisock']['ratio_median']:.3f} x raw CPU, paired "
                     "(target: near 1)")
    if lines:
        print("\nissue 8's targets:")
        for line in lines:
            print(f"  {line}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", nargs="?")
    parser.add_argument("--paired", metavar="FILE")
    parser.add_argument("--syscalls", metavar="DIR")
    parser.add_argument("--callgrind", metavar="DIR")
    args = parser.parse_args(argv)
    results = medians(args.results) if args.results else {}
    paired = paired_ratios(args.paired)
    syscalls = syscalls_per_op(args.syscalls)
    instructions = instructions_per_op(args.callgrind)
    ok = print_table(results, paired, syscalls, instructions)
    if syscalls:
        print_syscall_detail(syscalls)
    if instructions:
        print_instruction_detail(instructions)
    print_targets(results, paired, syscalls, instructions)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
