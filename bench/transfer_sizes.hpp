#pragma once
// The transfers every benchmark family measures, so that raw, unisock and Asio move the
// same bytes.

#include <cstddef>

namespace unisock::bench {

// One small message: the CPU cost of a send+recv pair is almost all system call.
inline constexpr std::size_t small_message = 64;
// One bulk chunk: sent whole, then received whole, in the same thread.
inline constexpr std::size_t bulk_chunk = 64 * 1024;
// SO_SNDBUF and SO_RCVBUF for the bulk pairs: a chunk sent before it is read must fit.
inline constexpr int bulk_buffer = 1024 * 1024;
// The timeout of the timeout-mode benchmarks: long enough never to expire.
inline constexpr int timeout_seconds = 5;

} // namespace unisock::bench
