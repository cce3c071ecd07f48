// unisock's side of the benchmarks: the transfers of native/raw_bench.cpp (raw system
// calls) made through unisock's public API on a connected loopback TCP pair.
//
// pair64/unisock_blocking  64-byte send+recv, blocking mode (no timeout)
// pair64/unisock_timeout   the same with set_timeout(5 s): when the socket is ready this
//                          is still one system call per send and per recv (CPython's
//                          timeout mode makes two: a poll, then the call)
// bulk64k/unisock          64 KiB sent then received, blocking mode
// bulk64k/unisock_timeout  the same with set_timeout(5 s)

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "transfer_sizes.hpp"
#include "unisock/unisock.hpp"

namespace {

using unisock::bench::bulk_buffer;
using unisock::bench::bulk_chunk;
using unisock::bench::small_message;

struct unisock_pair {
    unisock::socket client;
    unisock::socket server;
};

// TCP_NODELAY (a 64-byte message must not wait for Nagle) and, for bulk pairs, buffers a
// whole chunk fits in: the same settings as the raw baseline.
void configure(unisock::socket& sock, int buffer_size) {
    sock.set_option(unisock::option::no_delay{true});
    if (buffer_size > 0) {
        sock.set_option(unisock::option::send_buffer_size{buffer_size});
        sock.set_option(unisock::option::receive_buffer_size{buffer_size});
    }
}

unisock_pair connect_pair(int buffer_size, std::optional<unisock::timeout_duration> timeout) {
    unisock::socket listener(unisock::address_family::ipv4, unisock::socket_type::stream);
    configure(listener, buffer_size);
    listener.bind(unisock::address::v4_loopback(0));
    listener.listen(1);
    unisock::socket client(unisock::address_family::ipv4, unisock::socket_type::stream);
    configure(client, buffer_size);
    client.connect(listener.local_address());
    unisock_pair pair{std::move(client), listener.accept().connection};
    configure(pair.server, buffer_size);
    pair.client.set_timeout(timeout);
    pair.server.set_timeout(timeout);
    return pair;
}

void recv_exact(unisock::socket& sock, std::vector<char>& buffer) {
    std::size_t received = 0;
    while (received < buffer.size()) {
        const std::size_t n = sock.recv_into(unisock::mutable_bytes(buffer).after(received));
        if (n == 0) throw std::runtime_error("the peer closed early");
        received += n;
    }
}

void transfer(benchmark::State& state, std::size_t size, int buffer_size,
              std::optional<unisock::timeout_duration> timeout) {
    try {
        unisock_pair pair = connect_pair(buffer_size, timeout);
        const std::string message(size, 'x');
        std::vector<char> buffer(size);
        for (auto _ : state) {
            pair.client.sendall(message);
            recv_exact(pair.server, buffer);
            benchmark::DoNotOptimize(buffer.data());
        }
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(size));
}

constexpr auto bench_timeout = std::chrono::seconds(unisock::bench::timeout_seconds);

void unisock_blocking(benchmark::State& state) { transfer(state, small_message, 0, std::nullopt); }
void unisock_timeout(benchmark::State& state) { transfer(state, small_message, 0, bench_timeout); }
void unisock_bulk(benchmark::State& state) { transfer(state, bulk_chunk, bulk_buffer, std::nullopt); }
void unisock_bulk_timeout(benchmark::State& state) { transfer(state, bulk_chunk, bulk_buffer, bench_timeout); }

BENCHMARK(unisock_blocking)->Name("pair64/unisock_blocking");
BENCHMARK(unisock_timeout)->Name("pair64/unisock_timeout");
BENCHMARK(unisock_bulk)->Name("bulk64k/unisock");
BENCHMARK(unisock_bulk_timeout)->Name("bulk64k/unisock_timeout");

} // namespace
