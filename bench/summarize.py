#!/usr/bin/env python3
"""Prints unisock_bench's results as ratios to the raw-syscall baselines.

  summarize.py BENCH.json [--syscalls NAME=STRACE_SUMMARY ...]

BENCH.json is Google Benchmark's JSON output (--benchmark_out). With repetitions the
median is used. Each family is compared with its raw baseline: pair64/* by CPU time per
send+recv pair (lower is better), bulk64k/* by throughput (higher is better).
--syscalls takes the output of `strace -c` for one benchmark and prints the system calls
made per send+recv pair (socket transfer calls and polls, divided by the sends).
"""
import argparse
import json
import sys
from pathlib import Path

BASELINES = {"pair64": "pair64/raw_blocking", "bulk64k": "bulk64k/raw"}
# Socket calls only: read/write also print the benchmark's own output.
TRANSFER_CALLS = {"sendto", "sendmsg", "recvfrom", "recvmsg"}
SEND_CALLS = {"sendto", "sendmsg"}
POLL_CALLS = {"poll", "ppoll", "select", "pselect6", "epoll_wait", "epoll_pwait"}


def medians(path):
    """Benchmark name -> (cpu ns per iteration, bytes per second, CPU time's coefficient
    of variation or None), medians if repeated; None for a benchmark that failed."""
    runs = json.loads(Path(path).read_text(encoding="utf-8"))["benchmarks"]
    chosen, spread = {}, {}
    for run in runs:
        name = run.get("run_name", run["name"])
        if run.get("error_occurred"):
            chosen[name] = None
        elif run.get("aggregate_name") == "cv":
            spread[name] = run["cpu_time"]
        elif run.get("aggregate_name") == "median" or (run.get("run_type") == "iteration"
                                                       and name not in chosen):
            scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[run.get("time_unit", "ns")]
            chosen[name] = (run["cpu_time"] * scale, run.get("bytes_per_second", 0.0))
    return {name: value and value + (spread.get(name),) for name, value in sorted(chosen.items())}


def print_ratios(results):
    ok = True
    for family, baseline in BASELINES.items():
        base = results.get(baseline)
        print(f"\n{family}: baseline {baseline}")
        print(f"  {'benchmark':<28} {'CPU ns/iter':>12} {'cv':>6} {'GB/s':>8} {'ratio':>7}")
        names = sorted((n for n in results if n.startswith(family + "/")), key=lambda n: n != baseline)
        for name in names:
            value = results[name]
            if value is None:
                print(f"  {name:<28} {'error':>12}")
                ok = False
                continue
            cpu, rate, cv = value
            cv_text = f"{cv * 100:.1f}%" if cv is not None else "-"
            if base is None:
                ratio = "n/a"
            elif family == "bulk64k":  # throughput: raw / this, so lower is better too
                ratio = f"{base[1] / rate:.3f}" if rate else "n/a"
            else:
                ratio = f"{cpu / base[0]:.3f}"
            print(f"  {name:<28} {cpu:>12.0f} {cv_text:>6} {rate / 1e9:>8.2f} {ratio:>7}")
    print("\nmedians of the repetitions; cv = the CPU time's coefficient of variation across them")
    print("ratio = CPU time per iteration / raw's (pair64), raw's throughput / this one's "
          "(bulk64k): 1.000 is raw speed, lower is better")
    return ok


def strace_counts(path):
    counts = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[0].replace(".", "", 1).isdigit() and fields[3].isdigit():
            counts[fields[-1]] = int(fields[3])
    return counts


def print_syscalls(pairs):
    print("\nsystem calls per 64-byte send+recv pair (strace -c, setup included):")
    for spec in pairs:
        name, _, path = spec.partition("=")
        counts = strace_counts(path)
        sends = sum(counts.get(c, 0) for c in SEND_CALLS)
        if not sends:
            print(f"  {name:<28} no send calls recorded")
            continue
        transfers = sum(counts.get(c, 0) for c in TRANSFER_CALLS)
        polls = sum(counts.get(c, 0) for c in POLL_CALLS)
        print(f"  {name:<28} {transfers / sends:.2f} send/recv calls, {polls / sends:.2f} polls "
              f"({sends} sends)")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results")
    parser.add_argument("--syscalls", nargs="*", default=[])
    args = parser.parse_args(argv)
    ok = print_ratios(medians(args.results))
    if args.syscalls:
        print_syscalls(args.syscalls)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
