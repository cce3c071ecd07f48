// SPDX-License-Identifier: BSL-1.0
// unisock's side of the benchmarks: the operations of native/raw_bench.cpp (raw system
// calls) made through unisock's public API on loopback sockets.
//
// pair64/unisock_blocking   64-byte send+recv on a connected TCP pair, blocking mode
// pair64/unisock_timeout    the same with set_timeout(5 s): when the socket is ready this
//                           is still one system call per send and per recv (CPython's
//                           timeout mode makes two: a poll, then the call)
// bulk64k/unisock           64 KiB sent then received, blocking mode
// bulk64k/unisock_timeout   the same with set_timeout(5 s)
// pingpong/unisock_*        a 64-byte round trip between two threads, both unisock
//                           (blocking, or both with set_timeout(5 s)): every call of
//                           the echo thread, and most of the client's, has to wait
// pingpong_rawpeer/unisock_* the same client, the peer a raw blocking echo thread
// udp64/unisock             send_to then recv_from_into of a 64-byte datagram
// readline100/unisock       one 100-byte line through unisock::stream::readline

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "raw_echo.hpp"
#include "transfer_sizes.hpp"
#include "unisock/unisock.hpp"
#include "workload.hpp"

namespace {

using namespace unisock::bench;
using optional_timeout = std::optional<unisock::timeout_duration>;

constexpr optional_timeout no_timeout = std::nullopt;
constexpr optional_timeout bench_timeout = std::chrono::seconds(timeout_seconds);

// TCP_NODELAY (a 64-byte message must not wait for Nagle) and, for bulk pairs, buffers a
// whole chunk fits in: the same settings as the raw baseline.
void configure(unisock::socket& sock, int buffer_size) {
    sock.set_option(unisock::option::no_delay{true});
    if (buffer_size > 0) {
        sock.set_option(unisock::option::send_buffer_size{buffer_size});
        sock.set_option(unisock::option::receive_buffer_size{buffer_size});
    }
}

unisock::socket tcp_socket(int buffer_size) {
    unisock::socket sock(unisock::address_family::ipv4, unisock::socket_type::stream);
    configure(sock, buffer_size);
    return sock;
}

// A connected loopback TCP pair; both ends get the timeout.
struct unisock_pair {
    unisock_pair(int buffer_size, optional_timeout timeout) {
        unisock::socket listener = tcp_socket(buffer_size);
        listener.bind(unisock::address::v4_loopback(0));
        listener.listen(1);
        client = tcp_socket(buffer_size);
        client.connect(listener.local_address());
        server = listener.accept().connection;
        configure(server, buffer_size);
        client.set_timeout(timeout);
        server.set_timeout(timeout);
    }

    unisock::socket client;
    unisock::socket server;
};

// Fills buffer; false if the peer closed first.
bool recv_exact(unisock::socket& sock, std::vector<char>& buffer) {
    std::size_t received = 0;
    while (received < buffer.size()) {
        const std::size_t n = sock.recv_into(unisock::mutable_bytes(buffer).after(received));
        if (n == 0) return false;
        received += n;
    }
    return true;
}

// pair64, bulk64k: size bytes sent on one end, then received on the other.
class transfer {
public:
    transfer(std::size_t size, int buffer_size, optional_timeout timeout)
        : pair_(buffer_size, timeout), message_(size, 'x'), buffer_(size) {}

    void step() {
        pair_.client.sendall(message_);
        if (!recv_exact(pair_.server, buffer_)) throw std::runtime_error("the peer closed early");
        benchmark::DoNotOptimize(buffer_.data());
    }

private:
    unisock_pair pair_;
    std::string message_;
    std::vector<char> buffer_;
};

// Echoes whole messages until the client closes or a call fails; the connection closes
// when this returns, so a waiting client sees the end.
void echo_messages(unisock::socket connection) {
    std::vector<char> message(small_message);
    try {
        while (recv_exact(connection, message)) connection.sendall(message);
    } catch (const std::system_error&) {
        // The client's next recv reports the closed connection.
    }
}

// One 64-byte round trip from the client (the benchmark's thread) to an echo thread.
class round_trip {
public:
    void step() {
        client_.sendall(message_);
        if (!recv_exact(client_, buffer_)) throw std::runtime_error("the echo peer closed early");
        benchmark::DoNotOptimize(buffer_.data());
    }

protected:
    unisock::socket client_;

private:
    std::string message_ = std::string(small_message, 'x');
    std::vector<char> buffer_ = std::vector<char>(small_message);
};

// pingpong: the echo thread is unisock too, with the client's timeout.
class pingpong : public round_trip {
public:
    explicit pingpong(optional_timeout timeout) {
        unisock_pair pair(0, timeout);
        client_ = std::move(pair.client);
        echo_ = std::thread(echo_messages, std::move(pair.server));
    }
    pingpong(const pingpong&) = delete;
    pingpong& operator=(const pingpong&) = delete;
    ~pingpong() {
        std::error_code ignored;
        client_.close(ignored);
        echo_.join();
    }

private:
    std::thread echo_;
};

// pingpong_rawpeer: the echo thread is the raw one every variant of the family shares.
class pingpong_rawpeer : public round_trip {
public:
    explicit pingpong_rawpeer(optional_timeout timeout) {
        client_ = tcp_socket(0);
        client_.connect(unisock::address::v4_loopback(peer_.port()));
        client_.set_timeout(timeout);
        peer_.start();
    }
    pingpong_rawpeer(const pingpong_rawpeer&) = delete;
    pingpong_rawpeer& operator=(const pingpong_rawpeer&) = delete;
    ~pingpong_rawpeer() {
        std::error_code ignored;
        client_.close(ignored); // before peer_ joins its thread
    }

private:
    raw_echo_peer peer_{small_message};
};

// udp64: a datagram from one bound loopback UDP socket to another, and received.
class datagram {
public:
    datagram() {
        sender_.bind(unisock::address::v4_loopback(0));
        receiver_.bind(unisock::address::v4_loopback(0));
        destination_ = receiver_.local_address();
    }

    void step() {
        if (sender_.send_to(message_, destination_) != message_.size()) {
            throw std::runtime_error("a datagram sent in part");
        }
        const unisock::received_from received = receiver_.recv_from_into(buffer_);
        benchmark::DoNotOptimize(received.sender);
        benchmark::DoNotOptimize(buffer_.data());
    }

private:
    unisock::socket sender_{unisock::address_family::ipv4, unisock::socket_type::datagram};
    unisock::socket receiver_{unisock::address_family::ipv4, unisock::socket_type::datagram};
    unisock::address destination_;
    std::string message_ = std::string(small_message, 'x');
    std::vector<char> buffer_ = std::vector<char>(small_message);
};

// readline100: a line from unisock::stream::readline on the server end; the client sends
// a batch of lines when the reader has taken the last one.
class line_reader {
public:
    line_reader() {
        const std::string line = std::string(line_length - 1, 'x') + '\n';
        for (std::size_t i = 0; i < lines_per_batch; ++i) batch_ += line;
    }

    void step() {
        if (lines_left_ == 0) {
            pair_.client.sendall(batch_);
            lines_left_ = lines_per_batch;
        }
        const std::string line = reader_.readline();
        if (line.size() != line_length) throw std::runtime_error("a line of the wrong length");
        --lines_left_;
        benchmark::DoNotOptimize(line.data());
    }

private:
    unisock_pair pair_{0, no_timeout};
    unisock::stream reader_{pair_.server};
    std::string batch_;
    std::size_t lines_left_ = 0;
};

const bool registered[] = {
    register_workload<transfer>("pair64/unisock_blocking", small_message, small_message, 0, no_timeout),
    register_workload<transfer>("pair64/unisock_timeout", small_message, small_message, 0, bench_timeout),
    register_workload<transfer>("bulk64k/unisock", bulk_chunk, bulk_chunk, bulk_buffer, no_timeout),
    register_workload<transfer>("bulk64k/unisock_timeout", bulk_chunk, bulk_chunk, bulk_buffer, bench_timeout),
    register_workload<pingpong>("pingpong/unisock_blocking", 0, no_timeout),
    register_workload<pingpong>("pingpong/unisock_timeout", 0, bench_timeout),
    register_workload<pingpong_rawpeer>("pingpong_rawpeer/unisock_blocking", 0, no_timeout),
    register_workload<pingpong_rawpeer>("pingpong_rawpeer/unisock_timeout", 0, bench_timeout),
    register_workload<datagram>("udp64/unisock", 0),
    register_workload<line_reader>("readline100/unisock", 0),
};

} // namespace
