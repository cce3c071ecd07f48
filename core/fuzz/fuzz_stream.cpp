// SPDX-License-Identifier: BSL-1.0
// stream's read, read_exact and readline over a socket pair. The input is a program: the
// buffer sizes, a mode, then operations (write bytes taken from the input, flush, and
// reads of fuzzed sizes). Checked: the reads' results, concatenated, are exactly the
// bytes that went out (nothing lost, duplicated or reordered); each result keeps its
// call's contract (sizes, one '\n' at the end of a line, nothing after end of stream);
// every error is a documented, clean error_code; nothing throws.
//
// Modes:
// 0  both ends non-blocking, one thread: deterministic, the would_block paths;
// 1  blocking reader, a writer thread (blocking): the waits in fill_to;
// 2  reader with a 1 ms timeout, a writer thread: the timed_out paths.
// The writer always ends with shutdown(write) and the reader always drains to end of
// stream, so no mode can wait for ever; libFuzzer's -timeout catches a hang anyway.

#include <fuzzer/FuzzedDataProvider.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "fuzz_check.hpp"
#include "unisock/connection.hpp"
#include "unisock/stream.hpp"

using namespace std::chrono_literals;
using unisock_fuzz::check;
using unisock_fuzz::check_clean;
using unisock::errc;

namespace {

// Keeps each run short and within the socket pair's buffers' reach.
constexpr std::size_t max_input = 64 * 1024;
constexpr std::size_t max_operations = 512;
constexpr std::size_t max_write = 4096;

enum class op_kind { write, flush, read, read_exact, readline };

struct operation {
    op_kind kind = op_kind::flush;
    std::size_t size = 0;
    std::string data;
};

std::size_t fuzzed_size(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange(0, 5)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return std::numeric_limits<std::size_t>::max(); // "everything"
    case 3: return in.ConsumeIntegralInRange<std::size_t>(2, 16);
    default: return in.ConsumeIntegralInRange<std::size_t>(2, 70000);
    }
}

std::size_t buffer_size(FuzzedDataProvider& in) {
    if (in.ConsumeBool()) return in.ConsumeIntegralInRange<std::size_t>(1, 16);
    return in.ConsumeIntegralInRange<std::size_t>(1, 2 * unisock::stream::default_buffer_size);
}

// The reading side: runs one read, checks its result and keeps what it returned.
class reader {
public:
    // waits: the errors that only mean "not yet" in this mode (would_block, timed_out).
    reader(unisock::stream& in, std::vector<errc> waits) : in_(in), waits_(std::move(waits)) {}

    // Returns true when this call saw end of stream.
    bool run(op_kind kind, std::size_t size) {
        std::error_code ec;
        std::string got;
        bool at_end = false;
        switch (kind) {
        case op_kind::read:
            got = in_.read(size, ec);
            check(got.size() <= size, "read returned more than asked");
            if (ec) check_error(ec, "read");
            at_end = !ec && size != 0 && got.empty();
            break;
        case op_kind::read_exact:
            got = in_.read_exact(size, ec);
            if (!ec) {
                check(got.size() == size, "read_exact returned another size");
            } else if (ec == errc::unexpected_eof) {
                check(got.size() < size, "read_exact: unexpected_eof with every byte");
                at_end = true;
            } else {
                check_error(ec, "read_exact");
            }
            break;
        case op_kind::readline:
            got = in_.readline(size, ec);
            if (size == 0) {
                check(ec == errc::invalid_argument, "readline(0) is not invalid_argument");
            } else if (ec) {
                check_error(ec, "readline");
            } else {
                check(got.size() <= size, "readline returned more than its limit");
                const std::size_t newline = got.find('\n');
                check(newline == std::string::npos || newline + 1 == got.size(), "readline: '\\n' inside a line");
                at_end = got.size() < size && (got.empty() || got.back() != '\n');
            }
            break;
        default: break;
        }
        if (ec && ec != errc::unexpected_eof) check(got.empty(), "bytes returned with an error");
        if (ended_) check(got.empty(), "bytes after end of stream");
        ended_ = ended_ || at_end;
        received_ += got;
        return at_end;
    }

    // Reads until end of stream.
    void drain() {
        for (int spins = 0; !ended_; ++spins) {
            check(spins < 1'000'000, "end of stream never came");
            run(op_kind::read, std::numeric_limits<std::size_t>::max());
        }
    }

    // Reads what is there without waiting (non-blocking mode).
    void take_available() {
        std::error_code ec;
        const std::string got = in_.read(std::numeric_limits<std::size_t>::max(), ec);
        if (ec) check_error(ec, "read");
        check(!got.empty() || ec, "end of stream before shutdown");
        received_ += got;
    }

    bool ended() const { return ended_; }
    const std::string& received() const { return received_; }

private:
    void check_error(const std::error_code& ec, const char* call) {
        for (const errc e : waits_)
            if (ec == e) return;
        check_clean(ec, {}, call);
    }

    unisock::stream& in_;
    std::vector<errc> waits_;
    bool ended_ = false;
    std::string received_;
};

void set_timeout(unisock::socket& sock, std::optional<unisock::timeout_duration> timeout) {
    std::error_code ec;
    sock.set_timeout(timeout, ec);
    check(!ec, "set_timeout failed", ec.message());
}

void run_non_blocking(unisock::socket& read_end, unisock::socket& write_end, std::size_t read_buffer,
                      std::optional<std::size_t> write_buffer, const std::vector<operation>& ops) {
    set_timeout(read_end, 0s);
    set_timeout(write_end, 0s);
    unisock::stream in(read_end, read_buffer);
    std::optional<unisock::stream> out;
    if (write_buffer) out.emplace(write_end, *write_buffer);
    reader r(in, {errc::would_block});
    std::string written;
    for (const operation& op : ops) {
        std::error_code ec;
        switch (op.kind) {
        case op_kind::write:
            if (out) {
                out->write(op.data, ec); // all of it is sent or buffered, whatever ec says
                written += op.data;
            } else {
                const std::size_t sent = write_end.send(op.data, ec);
                check(!ec || sent == 0, "send reported bytes and an error");
                written.append(op.data, 0, sent);
            }
            if (ec) check_clean(ec, {errc::would_block}, "write");
            break;
        case op_kind::flush:
            if (out) out->flush(ec);
            if (ec) check_clean(ec, {errc::would_block}, "flush");
            break;
        default:
            check(!r.run(op.kind, op.size), "end of stream before shutdown");
            break;
        }
    }
    // What the writing stream still holds goes out as the reader makes room.
    for (int spins = 0; out; ++spins) {
        check(spins < 100'000, "flush makes no progress");
        std::error_code ec;
        out->flush(ec);
        if (!ec) break;
        check_clean(ec, {errc::would_block}, "flush");
        r.take_available();
    }
    std::error_code ec;
    write_end.shutdown(unisock::shutdown_how::write, ec);
    check(!ec, "shutdown failed", ec.message());
    r.drain();
    check(r.received() == written, "the bytes read differ from the bytes written");
}

void run_threaded(unisock::socket& read_end, unisock::socket& write_end, std::size_t read_buffer,
                  std::optional<std::size_t> write_buffer, const std::vector<operation>& ops, bool timed) {
    set_timeout(read_end, timed ? std::optional<unisock::timeout_duration>(1ms) : std::nullopt);
    std::string written;
    for (const operation& op : ops)
        if (op.kind == op_kind::write) written += op.data;
    unisock::stream in(read_end, read_buffer);
    reader r(in, timed ? std::vector<errc>{errc::timed_out} : std::vector<errc>{});

    std::jthread writer([&] {
        std::optional<unisock::stream> out;
        if (write_buffer) out.emplace(write_end, *write_buffer);
        for (const operation& op : ops) {
            std::error_code ec;
            if (op.kind == op_kind::write) {
                if (out)
                    out->write(op.data, ec);
                else
                    write_end.sendall(op.data, ec);
            } else if (op.kind == op_kind::flush && out) {
                out->flush(ec);
            }
            check(!ec, "a blocking write failed", ec.message());
        }
        std::error_code ec;
        if (out) out->flush(ec);
        check(!ec, "the last flush failed", ec.message());
        write_end.shutdown(unisock::shutdown_how::write, ec);
        check(!ec, "shutdown failed", ec.message());
    });
    for (const operation& op : ops) {
        if (op.kind == op_kind::write || op.kind == op_kind::flush) continue;
        if (r.run(op.kind, op.size)) check(r.received() == written, "end of stream before every byte came");
    }
    r.drain();
    writer.join();
    check(r.received() == written, "the bytes read differ from the bytes written");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > max_input) return 0;
    FuzzedDataProvider in(data, size);
    const int mode = in.ConsumeIntegralInRange(0, 2);
    const std::size_t read_buffer = buffer_size(in);
    std::optional<std::size_t> write_buffer;
    if (in.ConsumeBool()) write_buffer = buffer_size(in);

    std::vector<operation> ops;
    while (in.remaining_bytes() > 0 && ops.size() < max_operations) {
        operation op;
        op.kind = static_cast<op_kind>(in.ConsumeIntegralInRange(0, 4));
        if (op.kind == op_kind::write)
            op.data = in.ConsumeBytesAsString(in.ConsumeIntegralInRange<std::size_t>(0, max_write));
        else if (op.kind != op_kind::flush)
            op.size = fuzzed_size(in);
        ops.push_back(std::move(op));
    }

    unisock_fuzz::no_throw("stream", [&] {
        std::error_code ec;
        unisock::socket_pair pair = unisock::socketpair(unisock::address_family::local, unisock::socket_type::stream, ec);
        check(!ec, "socketpair failed", ec.message());
        if (mode == 0)
            run_non_blocking(pair.first, pair.second, read_buffer, write_buffer, ops);
        else
            run_threaded(pair.first, pair.second, read_buffer, write_buffer, ops, mode == 2);
    });
    return 0;
}
