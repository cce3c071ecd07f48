#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The server load benchmark, all in one run: unisock's async engine against a plain Asio
# echo server at 100, 1,000 and 10,000 connections (both on one thread), the threaded
# engine at 1,000 clients, and chat_server's room (async engine, 2 threads) against an
# Asio chat room at 10,000 members. Linux only (the load generator reads /proc).
#
#   bench/load.sh [build-dir] [seconds]     (default build/bench-load, 5 s per run)
#
# Prints one line per run (key=value) and the ratios the design targets name.
set -euo pipefail
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${1:-${source_dir}/build/bench-load}"
seconds="${2:-5}"

cmake -S "${source_dir}" -B "${build_dir}" -G Ninja -DCMAKE_BUILD_TYPE=Release -DUNISOCK_BUILD_BENCH=ON \
    -DUNISOCK_BUILD_TESTS=OFF -DUNISOCK_BUILD_CONFORMANCE=OFF -DUNISOCK_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "${build_dir}" --target unisock_bench_server asio_echo_server asio_chat_server load_client -j 2 >/dev/null
bin="${build_dir}/bin"

# 10,000 connections need 10,000 descriptors on each side and a few more.
ulimit -n "$(ulimit -Hn)"
if (($(ulimit -n) < 10100)); then echo "warning: only $(ulimit -n) descriptors allowed" >&2; fi

server_pid=""
stop_server() {
    if [[ -n "${server_pid}" ]]; then
        kill "${server_pid}" 2>/dev/null || true
        wait "${server_pid}" 2>/dev/null || true
        server_pid=""
    fi
}
trap stop_server EXIT

# run_one LABEL KIND COUNT SERVER ARGS...: starts the server, reads its port, runs the
# load generator against it, stops it.
run_one() {
    local label="$1" kind="$2" count="$3"
    shift 3
    local out
    out="$(mktemp)"
    "$@" >"${out}" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do grep -q "listening on" "${out}" && break; sleep 0.05; done
    local port
    port="$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "${out}" | head -1)"
    local result
    result="$("${bin}/load_client" "${kind}" "${port}" "${server_pid}" "${count}" "${seconds}" || true)"
    echo "${label} ${result}"
    stop_server
    rm -f "${out}"
}

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

for n in 100 1000 10000; do
    asio_line="$(run_one "asio_echo n=${n}" echo "${n}" "${bin}/asio_echo_server" 0)"
    unisock_line="$(run_one "unisock_async n=${n}" echo "${n}" "${bin}/unisock_bench_server" echo 0 async 1)"
    echo "${asio_line}"
    echo "${unisock_line}"
    echo "  ratio n=${n}: round trips/s $(ratio "$(field "${unisock_line}" trips_per_s)" "$(field "${asio_line}" trips_per_s)")x," \
         "CPU per trip $(ratio "$(field "${unisock_line}" cpu_us_per_trip)" "$(field "${asio_line}" cpu_us_per_trip)")x," \
         "RSS per connection $(field "${unisock_line}" rss_bytes_per_conn) B (Asio $(field "${asio_line}" rss_bytes_per_conn) B)," \
         "descriptors per connection $(field "${unisock_line}" fds_per_conn)"
done
run_one "unisock_threaded n=1000" echo 1000 "${bin}/unisock_bench_server" echo 0 threaded

asio_chat="$(run_one "asio_chat members=10000" chat 10000 "${bin}/asio_chat_server" 0)"
unisock_chat="$(run_one "unisock_chat members=10000" chat 10000 "${bin}/unisock_bench_server" chat 0 async 2)"
echo "${asio_chat}"
echo "${unisock_chat}"
echo "  ratio chat: deliveries/s $(ratio "$(field "${unisock_chat}" deliveries_per_s)" "$(field "${asio_chat}" deliveries_per_s)")x," \
     "CPU per delivery $(ratio "$(field "${unisock_chat}" cpu_us_per_delivery)" "$(field "${asio_chat}" cpu_us_per_delivery)")x," \
     "RSS per member $(field "${unisock_chat}" rss_bytes_per_member) B (Asio $(field "${asio_chat}" rss_bytes_per_member) B)"
