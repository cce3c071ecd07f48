// SPDX-License-Identifier: BSL-1.0
// unisock::stream, the file-like view of a connected socket (Python's makefile):
// bounded readline, read(n) that gathers, read_exact, buffered write + flush.
// Each test uses a socketpair; sockets get a timeout so a bug fails rather than hangs.

#include "unisock/stream.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

#include "unisock/connection.hpp"

namespace {

using namespace std::chrono_literals;
using unisock::errc;

constexpr auto safety_timeout = 10s;

unisock::socket_pair bounded_pair() {
    unisock::socket_pair p = unisock::socketpair();
    p.first.set_timeout(safety_timeout);
    p.second.set_timeout(safety_timeout);
    return p;
}

TEST(stream, readline_splits_lines) {
    unisock::socket_pair p = bounded_pair();
    p.first.sendall("one\ntwo\n\nthree\n");
    unisock::stream in(p.second);
    EXPECT_EQ(in.readline(), "one\n");
    EXPECT_EQ(in.readline(), "two\n");
    EXPECT_EQ(in.readline(), "\n");
    EXPECT_EQ(in.readline(), "three\n");
}

TEST(stream, readline_is_bounded) {
    unisock::socket_pair p = bounded_pair();
    const std::string line = std::string(99, 'x') + "\n";
    p.first.sendall(line);
    p.first.sendall("next\n");
    unisock::stream in(p.second);
    std::string joined;
    for (int piece = 0; piece < 10; ++piece) {
        const std::string part = in.readline(10);
        EXPECT_EQ(part.size(), 10u) << "piece " << piece;
        joined += part;
    }
    EXPECT_EQ(joined, line);
    EXPECT_EQ(in.readline(10), "next\n");
}

TEST(stream, readline_with_a_small_buffer_gathers_the_line) {
    unisock::socket_pair p = bounded_pair();
    p.first.sendall("a line longer than the buffer\nrest\n");
    unisock::stream in(p.second, 4);
    EXPECT_EQ(in.readline(), "a line longer than the buffer\n");
    EXPECT_EQ(in.readline(), "rest\n");
}

TEST(stream, readline_at_end_of_stream_returns_the_partial_line_then_empty) {
    unisock::socket_pair p = bounded_pair();
    p.first.sendall("complete\npartial");
    p.first.close();
    unisock::stream in(p.second);
    EXPECT_EQ(in.readline(), "complete\n");
    EXPECT_EQ(in.readline(), "partial");
    EXPECT_EQ(in.readline(), "");
    EXPECT_EQ(in.readline(), "");
}

TEST(stream, readline_honours_the_socket_timeout) {
    unisock::socket_pair p = bounded_pair();
    p.first.sendall("no newline yet");
    p.second.set_timeout(50ms);
    unisock::stream in(p.second);
    std::error_code ec;
    in.readline(unisock::stream::default_line_limit, ec);
    EXPECT_EQ(ec, errc::timed_out) << ec.message();
    EXPECT_THROW(in.readline(), unisock::timeout_error);
}

TEST(stream, read_gathers_across_several_sends) {
    unisock::socket_pair p = bounded_pair();
    std::error_code write_error;
    std::jthread writer([&] {
        for (const char* part : {"abc", "def", "ghi"}) p.first.sendall(part, write_error);
    });
    unisock::stream in(p.second, 4); // a small buffer forces several receives
    const std::string data = in.read(9);
    writer.join();
    EXPECT_FALSE(write_error) << write_error.message();
    EXPECT_EQ(data, "abcdefghi");
}

TEST(stream, read_returns_short_at_end_of_stream) {
    unisock::socket_pair p = bounded_pair();
    p.first.sendall("abc");
    p.first.shutdown(unisock::shutdown_how::write);
    unisock::stream in(p.second);
    EXPECT_EQ(in.read(10), "abc");
    EXPECT_EQ(in.read(10), "");
}

TEST(stream, readline_then_read_share_the_buffer) {
    unisock::socket_pair p = bounded_pair();
    p.first.sendall("header\nbody");
    p.first.close();
    unisock::stream in(p.second);
    EXPECT_EQ(in.readline(), "header\n");
    EXPECT_EQ(in.read(4), "body");
    EXPECT_EQ(in.read(4), "");
}

TEST(stream, read_exact_gets_every_byte) {
    unisock::socket_pair p = bounded_pair();
    std::error_code write_error;
    std::jthread writer([&] {
        for (int i = 0; i < 10; ++i) p.first.sendall(std::string(100, static_cast<char>('a' + i)), write_error);
    });
    unisock::stream in(p.second, 64);
    std::error_code read_error;
    const std::string data = in.read_exact(1000, read_error);
    writer.join();
    EXPECT_FALSE(write_error) << write_error.message();
    ASSERT_FALSE(read_error) << read_error.message();
    ASSERT_EQ(data.size(), 1000u);
    EXPECT_EQ(data.front(), 'a');
    EXPECT_EQ(data[999], 'j');
}

TEST(stream, read_exact_reports_unexpected_eof) {
    unisock::socket_pair p = bounded_pair();
    p.first.sendall("abc");
    p.first.close();
    unisock::stream in(p.second);
    std::error_code ec;
    const std::string partial = in.read_exact(5, ec);
    EXPECT_EQ(ec, errc::unexpected_eof) << ec.message();
    EXPECT_EQ(partial, "abc");
}

TEST(stream, read_exact_throws_on_unexpected_eof) {
    unisock::socket_pair p = bounded_pair();
    p.first.sendall("abc");
    p.first.close();
    unisock::stream in(p.second);
    try {
        in.read_exact(5);
        FAIL() << "read_exact returned with 3 of 5 bytes";
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), errc::unexpected_eof) << e.what();
    }
}

TEST(stream, write_buffers_until_flush) {
    unisock::socket_pair p = bounded_pair();
    unisock::stream out(p.first);
    out.write("hello");
    // Nothing has been sent yet: the peer would block.
    p.second.set_timeout(0s);
    std::error_code ec;
    p.second.recv(16, ec);
    EXPECT_EQ(ec, errc::would_block) << ec.message();
    out.flush();
    p.second.set_timeout(safety_timeout);
    EXPECT_EQ(p.second.recv(16), "hello");
}

TEST(stream, write_sends_when_the_buffer_fills) {
    unisock::socket_pair p = bounded_pair();
    unisock::stream out(p.first, 16);
    const std::string data(64, 'z');
    out.write(data);
    std::string received = p.second.recv(128); // arrives without a flush
    EXPECT_FALSE(received.empty());
    out.flush();
    while (received.size() < data.size()) received += p.second.recv(128);
    EXPECT_EQ(received, data);
}

TEST(stream, flush_with_nothing_buffered_sends_nothing) {
    unisock::socket_pair p = bounded_pair();
    unisock::stream out(p.first);
    out.flush();
    p.second.set_timeout(0s);
    std::error_code ec;
    p.second.recv(16, ec);
    EXPECT_EQ(ec, errc::would_block);
}

TEST(stream, binary_bytes_pass_unchanged) {
    unisock::socket_pair p = bounded_pair();
    std::string all_bytes;
    for (int b = 0; b < 256; ++b) all_bytes += static_cast<char>(b);
    unisock::stream out(p.first);
    out.write(all_bytes);
    out.flush();
    unisock::stream in(p.second);
    EXPECT_EQ(in.read_exact(all_bytes.size()), all_bytes);
}

TEST(stream, one_mebibyte_round_trip) {
    unisock::socket_pair p = bounded_pair();
    std::string payload(1024 * 1024, '\0');
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 131 % 251);

    std::error_code write_error;
    std::jthread writer([&] {
        unisock::stream out(p.first);
        for (std::size_t at = 0; at < payload.size() && !write_error; at += 10000)
            out.write(std::string_view(payload).substr(at, 10000), write_error);
        if (!write_error) out.flush(write_error);
        if (!write_error) p.first.shutdown(unisock::shutdown_how::write, write_error);
    });
    unisock::stream in(p.second);
    std::error_code read_error;
    const std::string received = in.read_exact(payload.size(), read_error);
    const std::string after = in.read(1);
    writer.join();
    EXPECT_FALSE(write_error) << write_error.message();
    EXPECT_FALSE(read_error) << read_error.message();
    EXPECT_TRUE(received == payload) << "received " << received.size() << " bytes, not the same";
    EXPECT_EQ(after, "");
}

TEST(stream, underlying_is_the_borrowed_socket) {
    unisock::socket_pair p = bounded_pair();
    unisock::stream s(p.first);
    EXPECT_EQ(&s.underlying(), &p.first);
}

TEST(stream, write_to_a_closed_peer_fails_on_flush) {
    unisock::socket_pair p = bounded_pair();
    p.second.close();
    unisock::stream out(p.first);
    std::error_code ec;
    for (int i = 0; i < 1000 && !ec; ++i) {
        out.write(std::string(1024, 'x'), ec);
        if (!ec) out.flush(ec);
    }
    EXPECT_TRUE(ec == errc::broken_pipe || ec == errc::connection_reset) << ec.message();
}

} // namespace

namespace {

// Python's BufferedReader.read(n) returns what is there: bytes held back behind a
// timeout would never be seen by a caller that waits for the socket to become readable.
TEST(stream, read_returns_what_arrived_before_a_timeout) {
    unisock::socket_pair pair = bounded_pair();
    pair.first.set_timeout(50ms);
    unisock::stream in(pair.first);
    pair.second.sendall("abc");
    std::error_code ec;
    EXPECT_EQ(in.read(10, ec), "abc");
    EXPECT_FALSE(ec) << ec.message();
    // Nothing there at all: then the timeout is the answer.
    EXPECT_EQ(in.read(10, ec), "");
    EXPECT_EQ(ec, errc::timed_out) << ec.message();
}

TEST(stream, read_returns_what_arrived_in_non_blocking_mode) {
    unisock::socket_pair pair = bounded_pair();
    pair.first.set_blocking(false);
    unisock::stream in(pair.first);
    pair.second.sendall("xy");
    std::this_thread::sleep_for(20ms); // a socketpair delivers at once; this only helps loopback pairs
    std::error_code ec;
    EXPECT_EQ(in.read(10, ec), "xy");
    EXPECT_FALSE(ec) << ec.message();
}

// read_exact keeps what arrived after a timeout: the next call completes it.
TEST(stream, read_exact_keeps_the_bytes_across_a_timeout) {
    unisock::socket_pair pair = bounded_pair();
    pair.first.set_timeout(50ms);
    unisock::stream in(pair.first);
    pair.second.sendall("ab");
    std::error_code ec;
    EXPECT_EQ(in.read_exact(4, ec), "");
    EXPECT_EQ(ec, errc::timed_out);
    pair.second.sendall("cd");
    EXPECT_EQ(in.read_exact(4, ec), "abcd");
    EXPECT_FALSE(ec) << ec.message();
}

TEST(stream, is_movable_and_flushes_on_destruction) {
    unisock::socket_pair pair = bounded_pair();
    pair.second.set_timeout(5s);
    {
        unisock::stream first(pair.first);
        first.write("moved ");
        unisock::stream second(std::move(first));
        second.write("and flushed");
    } // neither flush() was called: the destructor sends what is buffered
    unisock::stream in(pair.second);
    EXPECT_EQ(in.read_exact(17), "moved and flushed");
}

} // namespace
