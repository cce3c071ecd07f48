#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""select10k for CPython: selectors.DefaultSelector().select(0) over the shape of
bench/selector_sizes.hpp (10,000 idle UDP sockets registered, 4 ready TCP ones holding a
byte nobody reads), what a Python user of the tutorials' non-blocking lesson would write.

    bench/python_selectors.py [--repetitions N] [--count N] [--baseline-json PAIRED_JSONL]

Prints the median CPU time per select() of N repetitions (time.process_time) and, given
bench/paired.sh's output, the ratio to raw epoll measured by unisock_bench.
"""

import argparse
import json
import resource
import selectors
import socket
import statistics
import time

IDLE_SOCKETS = 10_000
READY_SOCKETS = 4


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repetitions", type=int, default=12)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--baseline-json", help="bench/paired.sh output with the select10k pair")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = IDLE_SOCKETS + 3 * READY_SOCKETS + 64
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(needed, hard), hard))

    selector = selectors.DefaultSelector()
    idle = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(IDLE_SOCKETS)]
    for sock in idle:
        selector.register(sock, selectors.EVENT_READ)
    listener = socket.create_server(("127.0.0.1", 0))
    senders, ready = [], []
    for _ in range(READY_SOCKETS):
        senders.append(socket.create_connection(listener.getsockname()))
        ready.append(listener.accept()[0])
        senders[-1].sendall(b"x")
        selector.register(ready[-1], selectors.EVENT_READ)

    per_select = []
    for _ in range(args.repetitions):
        start = time.process_time()
        for _ in range(args.count):
            if len(selector.select(0)) != READY_SOCKETS:
                raise SystemExit("select: not the ready sockets")
        per_select.append((time.process_time() - start) / args.count)
    median_ns = statistics.median(per_select) * 1e9
    line = f"select10k/cpython_selectors ({type(selector).__name__}): {median_ns:.0f} ns per select"

    if args.baseline_json:
        with open(args.baseline_json, encoding="utf-8") as results:
            for row in map(json.loads, results):
                if row.get("baseline") == "select10k/raw_epoll":
                    raw = row["baseline_cpu_ns"]
                    line += (f" = {median_ns / raw:.2f}x raw epoll ({raw:.0f} ns); unisock "
                             f"{row['ratio_median']:.3f}x")
    print(line)
    selector.close()
    for sock in idle + senders + ready + [listener]:
        sock.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
