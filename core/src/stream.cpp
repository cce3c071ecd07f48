// SPDX-License-Identifier: BSL-1.0
// The buffered stream: all I/O goes through the socket's public API, so the socket's
// timeout and cancel() apply to every read and write.
//
// Read buffer: the bytes [read_pos_, read_end_) of read_buffer_ are received but not yet
// consumed. The string's size is the room allocated (zero-filled once, when it grows),
// so a receive into it costs no fill.
//
// After an error (a timeout, say) the bytes received so far stay buffered and the next
// call returns them; only end of stream hands out a partial result.

#include "unisock/stream.hpp"

#include <algorithm>
#include <exception>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "unisock/error.hpp"

namespace unisock {

namespace {

// The most a single read asks the socket for beyond the buffer size, so that a large
// read(n) receives in big pieces without reserving n bytes up front.
constexpr std::size_t max_receive_chunk = std::size_t{256} * 1024;

// Runs body; memory it cannot get becomes no_buffer_space (the no-throw forms never throw).
template <class Body>
std::string without_throwing(std::error_code& ec, Body body) noexcept {
    try {
        return body();
    } catch (const std::exception&) {
        ec = make_error_code(errc::no_buffer_space);
        return {};
    }
}

} // namespace

stream::stream(socket& sock, std::size_t buffer_size) : sock_(&sock), buffer_size_(buffer_size) {
    // A zero-byte recv would read as end of stream.
    if (buffer_size == 0)
        detail::throw_error(make_error_code(errc::invalid_argument), "stream", "buffer size 0");
}

stream::stream(stream&& other) noexcept
    : sock_(other.sock_), buffer_size_(other.buffer_size_), read_buffer_(std::exchange(other.read_buffer_, {})),
      read_pos_(std::exchange(other.read_pos_, 0)), read_end_(std::exchange(other.read_end_, 0)),
      write_buffer_(std::exchange(other.write_buffer_, {})) {}

stream& stream::operator=(stream&& other) noexcept {
    if (this != &other) {
        flush_quietly();
        sock_ = other.sock_;
        buffer_size_ = other.buffer_size_;
        read_buffer_ = std::exchange(other.read_buffer_, {});
        read_pos_ = std::exchange(other.read_pos_, 0);
        read_end_ = std::exchange(other.read_end_, 0);
        write_buffer_ = std::exchange(other.write_buffer_, {});
    }
    return *this;
}

stream::~stream() { flush_quietly(); }

void stream::flush_quietly() noexcept {
    std::error_code ignored;
    flush(ignored);
}

// Drops the consumed prefix once it is at least half of what is buffered: each byte is
// moved at most once per time the data doubles, so long inputs stay linear.
void stream::compact() noexcept {
    if (read_pos_ == 0 || read_pos_ < read_end_ / 2) return;
    std::copy(read_buffer_.begin() + static_cast<std::ptrdiff_t>(read_pos_),
              read_buffer_.begin() + static_cast<std::ptrdiff_t>(read_end_), read_buffer_.begin());
    read_end_ -= read_pos_;
    read_pos_ = 0;
}

// One recv of up to amount bytes after what is buffered; false at end of stream or on error.
bool stream::receive(std::size_t amount, std::error_code& ec) {
    compact();
    if (read_buffer_.size() - read_end_ < amount)
        read_buffer_.resize(std::max(read_end_ + amount, read_buffer_.size() * 2));
    const std::size_t received = sock_->recv_into(mutable_bytes(read_buffer_.data() + read_end_, amount), ec);
    read_end_ += received;
    return !ec && received != 0;
}

bool stream::fill(std::error_code& ec) { return receive(buffer_size_, ec); }

std::string stream::take(std::size_t size) {
    // Handing over the whole buffer moves it instead of copying, so bulk reads cost no
    // copy; not when most of its capacity would go along unused.
    if (read_pos_ == 0 && size == read_end_ && size >= read_buffer_.capacity() / 2) {
        read_buffer_.resize(size);
        read_end_ = 0;
        return std::exchange(read_buffer_, {});
    }
    std::string taken(read_buffer_, read_pos_, size);
    read_pos_ += size;
    if (read_pos_ == read_end_) read_pos_ = read_end_ = 0; // empty: start at the front again
    return taken;
}

std::string stream::read(std::size_t max_size) {
    std::error_code ec;
    std::string data = read(max_size, ec);
    if (ec) detail::throw_error(ec, "read", std::to_string(max_size) + " bytes");
    return data;
}

// Receives until size bytes are buffered, the stream ends or a call fails.
void stream::fill_to(std::size_t size, std::error_code& ec) {
    ec.clear();
    while (read_end_ - read_pos_ < size) {
        const std::size_t missing = size - (read_end_ - read_pos_);
        const std::size_t amount = std::max(buffer_size_, std::min(missing, max_receive_chunk));
        if (!receive(amount, ec)) return;
    }
}

std::string stream::read(std::size_t max_size, std::error_code& ec) noexcept {
    return without_throwing(ec, [&] {
        fill_to(max_size, ec);
        const std::size_t available = read_end_ - read_pos_;
        // What did arrive is returned rather than held back behind a timeout: the socket
        // is no longer readable, so a caller waiting for it would never see those bytes.
        if (ec && available != 0 && (ec == errc::would_block || ec == errc::timed_out)) ec.clear();
        if (ec) return std::string{};
        return take(std::min(max_size, available));
    });
}

std::string stream::read_exact(std::size_t size) {
    std::error_code ec;
    std::string data = read_exact(size, ec);
    if (ec) detail::throw_error(ec, "read_exact", std::to_string(data.size()) + " of " + std::to_string(size) + " bytes");
    return data;
}

std::string stream::read_exact(std::size_t size, std::error_code& ec) noexcept {
    return without_throwing(ec, [&] {
        fill_to(size, ec);
        if (ec) return std::string{}; // what arrived stays buffered for the next call
        const std::size_t available = read_end_ - read_pos_;
        if (available < size) ec = make_error_code(errc::unexpected_eof);
        return take(std::min(size, available));
    });
}

std::string stream::readline(std::size_t max_length) {
    std::error_code ec;
    std::string line = readline(max_length, ec);
    if (ec) detail::throw_error(ec, "readline", "up to " + std::to_string(max_length) + " bytes");
    return line;
}

std::string stream::readline(std::size_t max_length, std::error_code& ec) noexcept {
    return without_throwing(ec, [&] { return readline_buffered(max_length, ec); });
}

std::string stream::readline_buffered(std::size_t max_length, std::error_code& ec) {
    ec.clear();
    if (max_length == 0) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    // How far past read_pos_ has been searched already: each byte is scanned once.
    std::size_t scanned = 0;
    for (;;) {
        const std::size_t available = read_end_ - read_pos_;
        const std::size_t limit = std::min(available, max_length);
        const std::size_t newline =
            std::string_view(read_buffer_.data(), read_end_).find('\n', read_pos_ + scanned);
        if (newline != std::string::npos && newline - read_pos_ < limit) return take(newline - read_pos_ + 1);
        if (available >= max_length) return take(max_length);
        scanned = available;
        if (!fill(ec)) break;
    }
    if (ec) return {};
    return take(read_end_ - read_pos_); // end of stream: the partial last line
}

void stream::write(const_bytes data) {
    std::error_code ec;
    write(data, ec);
    if (ec) detail::throw_error(ec, "write", std::to_string(data.size()) + " bytes");
}

// Whatever happens, all of data is either sent or buffered afterwards: after an error,
// flush() retries with the bytes that did not go.
void stream::write(const_bytes data, std::error_code& ec) {
    ec.clear();
    const auto append = [this](const_bytes bytes) {
        write_buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    };
    if (data.size() < buffer_size_ || !write_buffer_.empty()) {
        append(data);
        if (write_buffer_.size() >= buffer_size_) flush(ec);
        return;
    }
    // A large write into an empty buffer goes straight to the socket, without a copy.
    const std::size_t sent = sock_->sendall(data, ec);
    if (ec) append(data.after(sent));
}

void stream::flush() {
    std::error_code ec;
    flush(ec);
    if (ec) detail::throw_error(ec, "flush", std::to_string(write_buffer_.size()) + " bytes left");
}

void stream::flush(std::error_code& ec) {
    ec.clear();
    if (write_buffer_.empty()) return;
    const std::size_t sent = sock_->sendall(write_buffer_, ec);
    write_buffer_.erase(0, sent);
}

} // namespace unisock
