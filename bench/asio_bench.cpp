// SPDX-License-Identifier: BSL-1.0
// Asio's side of the benchmarks: the operations of native/raw_bench.cpp through Asio's
// synchronous socket operations, the yardstick DESIGN.md sets for unisock's blocking
// calls. Asio's sync operations have no timeout, so there is no timeout-mode variant.
//
// pair64/asio_sync            64-byte asio::write then asio::read on a connected TCP pair
// bulk64k/asio_sync           64 KiB sent then received
// pingpong/asio_sync          a 64-byte round trip between two threads, both Asio
// pingpong_rawpeer/asio_sync  the same Asio client, the peer a raw blocking echo thread
// udp64/asio_sync             send_to then receive_from of a 64-byte datagram
// readline100/asio_sync       one 100-byte line: asio::read_until into an asio::streambuf

#include <benchmark/benchmark.h>

#include <asio.hpp>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "raw_echo.hpp"
#include "transfer_sizes.hpp"
#include "workload.hpp"

namespace {

using namespace unisock::bench;
using asio::ip::tcp;
using asio::ip::udp;

// Buffers a whole bulk chunk fits in, set before connecting as the raw baseline does.
template <class Socket>
void set_buffers(Socket& sock, int buffer_size) {
    if (buffer_size > 0) {
        sock.set_option(asio::socket_base::send_buffer_size(buffer_size));
        sock.set_option(asio::socket_base::receive_buffer_size(buffer_size));
    }
}

// A connected loopback TCP pair, TCP_NODELAY on both ends.
struct asio_pair {
    explicit asio_pair(int buffer_size) {
        tcp::acceptor listener(io, tcp::v4());
        set_buffers(listener, buffer_size);
        listener.bind(tcp::endpoint(asio::ip::address_v4::loopback(), 0));
        listener.listen(1);
        client.open(tcp::v4());
        set_buffers(client, buffer_size);
        client.connect(listener.local_endpoint());
        server = listener.accept();
        set_buffers(server, buffer_size);
        client.set_option(tcp::no_delay(true));
        server.set_option(tcp::no_delay(true));
    }

    asio::io_context io;
    tcp::socket client{io};
    tcp::socket server{io};
};

// pair64, bulk64k: size bytes sent on one end, then received on the other.
class transfer {
public:
    transfer(std::size_t size, int buffer_size) : pair_(buffer_size), message_(size, 'x'), buffer_(size) {}

    void step() {
        asio::write(pair_.client, asio::buffer(message_));
        asio::read(pair_.server, asio::buffer(buffer_));
        benchmark::DoNotOptimize(buffer_.data());
    }

private:
    asio_pair pair_;
    std::string message_;
    std::vector<char> buffer_;
};

// Echoes whole messages until the client closes (asio::read throws asio::error::eof) or a
// call fails; the connection closes when this returns.
void echo_messages(tcp::socket& connection) {
    std::vector<char> message(small_message);
    try {
        for (;;) {
            asio::read(connection, asio::buffer(message));
            asio::write(connection, asio::buffer(message));
        }
    } catch (const std::system_error&) {
        connection.close();
    }
}

// One 64-byte round trip from the client (the benchmark's thread) to an echo thread.
class round_trip {
public:
    void step(tcp::socket& client) {
        asio::write(client, asio::buffer(message_));
        asio::read(client, asio::buffer(buffer_));
        benchmark::DoNotOptimize(buffer_.data());
    }

private:
    std::string message_ = std::string(small_message, 'x');
    std::vector<char> buffer_ = std::vector<char>(small_message);
};

// pingpong: the echo thread is Asio too.
class pingpong {
public:
    pingpong() : pair_(0) { echo_ = std::thread(echo_messages, std::ref(pair_.server)); }
    pingpong(const pingpong&) = delete;
    pingpong& operator=(const pingpong&) = delete;
    ~pingpong() {
        pair_.client.close();
        echo_.join();
    }

    void step() { round_trip_.step(pair_.client); }

private:
    asio_pair pair_;
    round_trip round_trip_;
    std::thread echo_;
};

// pingpong_rawpeer: the echo thread is the raw one every variant of the family shares.
class pingpong_rawpeer {
public:
    pingpong_rawpeer() {
        client_.connect(tcp::endpoint(asio::ip::address_v4::loopback(), peer_.port()));
        client_.set_option(tcp::no_delay(true));
        peer_.start();
    }
    pingpong_rawpeer(const pingpong_rawpeer&) = delete;
    pingpong_rawpeer& operator=(const pingpong_rawpeer&) = delete;
    ~pingpong_rawpeer() {
        client_.close(); // before peer_ joins its thread
    }

    void step() { round_trip_.step(client_); }

private:
    raw_echo_peer peer_{small_message};
    asio::io_context io_;
    tcp::socket client_{io_, tcp::v4()};
    round_trip round_trip_;
};

// udp64: a datagram from one bound loopback UDP socket to another, and received.
class datagram {
public:
    datagram() {
        const udp::endpoint loopback(asio::ip::address_v4::loopback(), 0);
        sender_.bind(loopback);
        receiver_.bind(loopback);
        destination_ = receiver_.local_endpoint();
    }

    void step() {
        if (sender_.send_to(asio::buffer(message_), destination_) != message_.size()) {
            throw std::runtime_error("a datagram sent in part");
        }
        receiver_.receive_from(asio::buffer(buffer_), from_);
        benchmark::DoNotOptimize(from_);
        benchmark::DoNotOptimize(buffer_.data());
    }

private:
    asio::io_context io_;
    udp::socket sender_{io_, udp::v4()};
    udp::socket receiver_{io_, udp::v4()};
    udp::endpoint destination_;
    udp::endpoint from_;
    std::string message_ = std::string(small_message, 'x');
    std::vector<char> buffer_ = std::vector<char>(small_message);
};

// readline100: asio::read_until into an asio::streambuf on the server end, the line
// consumed once read (Asio's idiom; a dynamic_string_buffer erased from its front moves
// the rest of the buffer for every line, and costs more); the client sends a batch of lines when the reader has
// taken the last one.
class line_reader {
public:
    line_reader() : pair_(0) {
        const std::string line = std::string(line_length - 1, 'x') + '\n';
        for (std::size_t i = 0; i < lines_per_batch; ++i) batch_ += line;
    }

    void step() {
        if (lines_left_ == 0) {
            asio::write(pair_.client, asio::buffer(batch_));
            lines_left_ = lines_per_batch;
        }
        const std::size_t size = asio::read_until(pair_.server, data_, '\n');
        if (size != line_length) throw std::runtime_error("a line of the wrong length");
        benchmark::DoNotOptimize(data_.data().data());
        data_.consume(size);
        --lines_left_;
    }

private:
    asio_pair pair_;
    std::string batch_;
    asio::streambuf data_;
    std::size_t lines_left_ = 0;
};

const bool registered[] = {
    register_workload<transfer>("pair64/asio_sync", small_message, small_message, 0),
    register_workload<transfer>("bulk64k/asio_sync", bulk_chunk, bulk_chunk, bulk_buffer),
    register_workload<pingpong>("pingpong/asio_sync", 0),
    register_workload<pingpong_rawpeer>("pingpong_rawpeer/asio_sync", 0),
    register_workload<datagram>("udp64/asio_sync", 0),
    register_workload<line_reader>("readline100/asio_sync", 0),
};

} // namespace
