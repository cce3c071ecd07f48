// SPDX-License-Identifier: BSL-1.0
// Raw-syscall baselines: the operations bench/unisock_bench.cpp measures through unisock,
// made here with the OS's own calls (native/raw_os.hpp) on loopback sockets.
//
// pair64/raw_blocking           blocking send() then recv() of 64 bytes on a connected
//                               TCP pair, one thread: the floor
// pair64/raw_poll_then_call     poll() before each send() and recv(), as CPython's
//                               timeout mode does: the cost unisock's timeout mode avoids
// bulk64k/raw                   64 KiB sent then received, as throughput
// pingpong/raw_blocking         a 64-byte message to a raw blocking echo thread and back
// pingpong_rawpeer/raw_blocking the same (the raw echo thread is every variant's peer in
//                               that family): each family's baseline
// udp64/raw                     sendto() then recvfrom() of a 64-byte datagram
// readline100/raw               one 100-byte line: recv() into a buffer, memchr for '\n'

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "native/raw_os.hpp"
#include "raw_echo.hpp"
#include "transfer_sizes.hpp"
#include "workload.hpp"

namespace {

using namespace unisock::bench;

// A connected loopback TCP pair in the OS's blocking mode.
struct raw_pair {
    explicit raw_pair(int buffer_size)
        : listener(raw::tcp_listener(buffer_size)),
          client(raw::tcp_connect(ntohs(raw::local_address(listener.get()).sin_port), buffer_size)),
          server(raw::tcp_accept(listener.get(), buffer_size)) {}

    raw::socket_handle listener;
    raw::socket_handle client;
    raw::socket_handle server;
};

// pair64, bulk64k: size bytes sent on one end, then received on the other.
class transfer {
public:
    transfer(std::size_t size, int buffer_size, bool poll_first)
        : pair_(buffer_size), message_(size, 'x'), buffer_(size), poll_first_(poll_first) {}

    void step() {
        raw::send_all(pair_.client.get(), message_.data(), message_.size(), poll_first_);
        if (!raw::recv_exact(pair_.server.get(), buffer_.data(), buffer_.size(), poll_first_)) {
            throw std::runtime_error("the peer closed early");
        }
        benchmark::DoNotOptimize(buffer_.data());
    }

private:
    raw_pair pair_;
    std::vector<char> message_;
    std::vector<char> buffer_;
    bool poll_first_;
};

// pingpong: one round trip to the raw echo thread.
class pingpong {
public:
    pingpong() : peer_(small_message), message_(small_message, 'x'), buffer_(small_message) {
        client_ = raw::tcp_connect(peer_.port(), 0);
        peer_.start();
    }

    void step() {
        raw::send_all(client_.get(), message_.data(), message_.size());
        if (!raw::recv_exact(client_.get(), buffer_.data(), buffer_.size())) {
            throw std::runtime_error("the echo peer closed early");
        }
        benchmark::DoNotOptimize(buffer_.data());
    }

private:
    raw_echo_peer peer_; // declared first: joined after client_ is closed
    raw::socket_handle client_;
    std::vector<char> message_;
    std::vector<char> buffer_;
};

// udp64: a datagram from one bound loopback UDP socket to another, and received.
class datagram {
public:
    datagram()
        : sender_(raw::open_socket(SOCK_DGRAM, IPPROTO_UDP)),
          receiver_(raw::open_socket(SOCK_DGRAM, IPPROTO_UDP)),
          message_(small_message, 'x'),
          buffer_(small_message) {
        raw::bind_loopback(sender_.get());
        raw::bind_loopback(receiver_.get());
        destination_ = raw::local_address(receiver_.get());
    }

    void step() {
        if (raw::send_datagram(sender_.get(), message_.data(), message_.size(), destination_) !=
            static_cast<long>(message_.size())) {
            raw::fail("sendto");
        }
        sockaddr_in from{};
        if (raw::recv_datagram(receiver_.get(), buffer_.data(), buffer_.size(), from) < 0) raw::fail("recvfrom");
        benchmark::DoNotOptimize(from);
        benchmark::DoNotOptimize(buffer_.data());
    }

private:
    raw::socket_handle sender_;
    raw::socket_handle receiver_;
    sockaddr_in destination_{};
    std::vector<char> message_;
    std::vector<char> buffer_;
};

// readline100: a line from a buffer the reader fills with recv() and scans with memchr
// (the floor a buffered line reader can reach); the writer sends a batch of lines when
// the reader has taken the last one.
class line_reader {
public:
    line_reader() : pair_(0), buffer_(line_reader_buffer) {
        const std::string line = std::string(line_length - 1, 'x') + '\n';
        for (std::size_t i = 0; i < lines_per_batch; ++i) batch_ += line;
    }

    void step() {
        if (lines_left_ == 0) {
            raw::send_all(pair_.client.get(), batch_.data(), batch_.size());
            lines_left_ = lines_per_batch;
        }
        const std::string_view line = next_line();
        if (line.size() != line_length) throw std::runtime_error("a line of the wrong length");
        --lines_left_;
        benchmark::DoNotOptimize(line.data());
    }

private:
    std::string_view next_line() {
        for (;;) {
            const char* start = buffer_.data() + begin_;
            if (const void* newline = std::memchr(start, '\n', end_ - begin_)) {
                const std::size_t size = static_cast<std::size_t>(static_cast<const char*>(newline) - start) + 1;
                begin_ += size;
                return {start, size};
            }
            // Keep the partial line at the front and receive after it.
            std::memmove(buffer_.data(), start, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
            const long received = raw::recv_some(pair_.server.get(), buffer_.data() + end_, buffer_.size() - end_);
            if (received < 0) raw::fail("recv");
            if (received == 0) throw std::runtime_error("the writer closed early");
            end_ += static_cast<std::size_t>(received);
        }
    }

    raw_pair pair_;
    std::string batch_;
    std::size_t lines_left_ = 0;
    std::vector<char> buffer_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
};

const bool registered[] = {
    register_workload<transfer>("pair64/raw_blocking", small_message, small_message, 0, false),
    register_workload<transfer>("pair64/raw_poll_then_call", small_message, small_message, 0, true),
    register_workload<transfer>("bulk64k/raw", bulk_chunk, bulk_chunk, bulk_buffer, false),
    register_workload<pingpong>("pingpong/raw_blocking", 0),
    register_workload<pingpong>("pingpong_rawpeer/raw_blocking", 0),
    register_workload<datagram>("udp64/raw", 0),
    register_workload<line_reader>("readline100/raw", 0),
};

} // namespace
