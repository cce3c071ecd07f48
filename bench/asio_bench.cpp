// Asio's side of the benchmarks: the transfers of native/raw_bench.cpp through Asio's
// synchronous socket operations (asio::write, asio::read), the yardstick DESIGN.md sets
// for unisock's blocking calls. Asio's sync operations have no timeout, so there is no
// timeout-mode variant.
//
// pair64/asio_sync   64-byte send+recv
// bulk64k/asio_sync  64 KiB sent then received

#include <benchmark/benchmark.h>

#include <asio.hpp>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "transfer_sizes.hpp"

namespace {

using asio::ip::tcp;

// Buffers a whole bulk chunk fits in, set before connecting as the raw baseline does.
template <class Socket>
void set_buffers(Socket& sock, int buffer_size) {
    if (buffer_size > 0) {
        sock.set_option(asio::socket_base::send_buffer_size(buffer_size));
        sock.set_option(asio::socket_base::receive_buffer_size(buffer_size));
    }
}

void transfer(benchmark::State& state, std::size_t size, int buffer_size) {
    try {
        asio::io_context io;
        tcp::acceptor listener(io, tcp::v4());
        set_buffers(listener, buffer_size);
        listener.bind(tcp::endpoint(asio::ip::address_v4::loopback(), 0));
        listener.listen(1);
        tcp::socket client(io, tcp::v4());
        set_buffers(client, buffer_size);
        client.connect(listener.local_endpoint());
        tcp::socket server = listener.accept();
        set_buffers(server, buffer_size);
        // A 64-byte message must not wait for Nagle.
        client.set_option(tcp::no_delay(true));
        server.set_option(tcp::no_delay(true));
        const std::string message(size, 'x');
        std::vector<char> buffer(size);
        for (auto _ : state) {
            asio::write(client, asio::buffer(message));
            asio::read(server, asio::buffer(buffer));
            benchmark::DoNotOptimize(buffer.data());
        }
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(size));
}

void asio_pair(benchmark::State& state) { transfer(state, unisock::bench::small_message, 0); }
void asio_bulk(benchmark::State& state) {
    transfer(state, unisock::bench::bulk_chunk, unisock::bench::bulk_buffer);
}

BENCHMARK(asio_pair)->Name("pair64/asio_sync");
BENCHMARK(asio_bulk)->Name("bulk64k/asio_sync");

} // namespace
