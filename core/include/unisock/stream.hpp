// SPDX-License-Identifier: BSL-1.0
#pragma once
/// @file
/// A buffered stream over a connected socket (Python's socket.makefile("rwb")).
/// Reads and writes honour the socket's timeout, each call under one deadline; the socket
/// is borrowed, not owned, and must outlive the stream.
///
/// Thread safety: a stream is one reader's and one writer's state together; use it from
/// one thread at a time (the socket's cancel() and close() still work from anywhere).

#include <cstddef>
#include <string>
#include <system_error>

#include "unisock/bytes.hpp"
#include "unisock/socket.hpp"

namespace unisock {

/// A buffered reader and writer over a borrowed, connected socket (Python's
/// socket.makefile("rwb")). Movable, not copyable.
class stream {
public:
    /// The size of the read and write buffers when none is given, in bytes.
    static constexpr std::size_t default_buffer_size = 8192;
    /// The longest line readline() returns when no limit is given, in bytes.
    static constexpr std::size_t default_line_limit = 65536;

    /// A stream over sock with buffers of buffer_size bytes; no system call. buffer_size 0
    /// fails with invalid_argument (socket_error).
    explicit stream(socket& sock, std::size_t buffer_size = default_buffer_size);
    stream(const stream&) = delete;
    stream& operator=(const stream&) = delete;
    /// Moves the buffers, unread and unwritten bytes included; other is left empty.
    stream(stream&& other) noexcept;
    /// Flushes this stream's unwritten bytes first (as the destructor does), then moves.
    stream& operator=(stream&& other) noexcept;
    /// Flushes what write() left buffered, as std::ofstream and Python's makefile do, with
    /// the socket's timeout. A destructor cannot report a failed send: call flush() first
    /// where the outcome matters.
    ~stream();

    /// Up to max_size bytes: blocks until max_size bytes or end of stream (Python's
    /// BufferedReader.read(n)). Empty only at end of stream. In non-blocking or timeout
    /// mode, when would_block or timed_out comes after some bytes arrived, those bytes are
    /// returned (no error); the error comes only when nothing is there. The no-throw forms
    /// here never throw: memory they cannot get is no_buffer_space. Receives with
    /// socket::recv_into (POSIX: recv(2). Windows: recv).
    std::string read(std::size_t max_size);
    /// read(max_size), reporting a failure in ec instead of throwing.
    std::string read(std::size_t max_size, std::error_code& ec) noexcept;

    /// Exactly size bytes; fails with unexpected_eof if the peer closes first (the bytes
    /// that did arrive are dropped by the throwing form, returned by the no-throw form).
    /// After a timeout the bytes that arrived stay buffered for the next read. POSIX:
    /// recv(2). Windows: recv.
    std::string read_exact(std::size_t size);
    /// read_exact(size), reporting a failure in ec instead of throwing.
    std::string read_exact(std::size_t size, std::error_code& ec) noexcept;

    /// One line including its '\n', at most max_length bytes (a longer line comes back in
    /// pieces of max_length). At end of stream: the partial last line, then empty.
    /// Received bytes stay buffered after an error, for the next call. POSIX: recv(2).
    /// Windows: recv.
    std::string readline(std::size_t max_length = default_line_limit);
    /// readline(max_length), reporting a failure in ec instead of throwing.
    std::string readline(std::size_t max_length, std::error_code& ec) noexcept;

    /// Buffers data; sends when the buffer fills (one sendall for the buffer and data). A
    /// write of at least the buffer size into an empty buffer goes out directly. Sends
    /// with socket::sendall (POSIX: send(2). Windows: send).
    void write(const_bytes data);
    /// write(data), reporting a failure in ec instead of throwing.
    void write(const_bytes data, std::error_code& ec);

    /// Sends everything buffered: one sendall, so one deadline. After an error the bytes
    /// that did not go stay buffered for the next flush(). POSIX: send(2). Windows: send.
    void flush();
    /// flush(), reporting a failure in ec instead of throwing.
    void flush(std::error_code& ec);

    /// The socket this stream reads and writes (borrowed). No system call.
    socket& underlying() noexcept { return *sock_; }

private:
    // Receives once into the read buffer; false at end of stream.
    bool fill(std::error_code& ec);
    bool receive(std::size_t amount, std::error_code& ec);
    void compact() noexcept;
    void fill_to(std::size_t size, std::error_code& ec);
    std::string readline_buffered(std::size_t max_length, std::error_code& ec);
    std::string take(std::size_t size);

    void flush_quietly() noexcept;

    socket* sock_;
    std::size_t buffer_size_;
    std::string read_buffer_;
    std::size_t read_pos_ = 0;
    std::size_t read_end_ = 0;
    std::string write_buffer_;
};

} // namespace unisock
