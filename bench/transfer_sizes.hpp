// SPDX-License-Identifier: BSL-1.0
#pragma once
// The transfers every benchmark family measures, so that raw, unisock and Asio move the
// same bytes.

#include <cstddef>

namespace unisock::bench {

// One small message (pair64, pingpong, udp64): the CPU cost is almost all system call.
inline constexpr std::size_t small_message = 64;
// One bulk chunk: sent whole, then received whole, in the same thread.
inline constexpr std::size_t bulk_chunk = 64 * 1024;
// SO_SNDBUF and SO_RCVBUF for the bulk pairs: a chunk sent before it is read must fit.
inline constexpr int bulk_buffer = 1024 * 1024;
// The timeout of the timeout-mode benchmarks: long enough never to expire.
inline constexpr int timeout_seconds = 5;
// readline100: lines of 99 bytes and a '\n', sent in batches of lines_per_batch (10,000
// bytes, well inside a loopback socket's buffer) whenever the reader has taken the last
// batch, so that one thread writes and reads and the readers see the same stream.
inline constexpr std::size_t line_length = 100;
inline constexpr std::size_t lines_per_batch = 100;
// The reader's buffer for the raw readline: unisock::stream's default size.
inline constexpr std::size_t line_reader_buffer = 8192;

} // namespace unisock::bench
