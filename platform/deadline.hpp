// SPDX-License-Identifier: BSL-1.0
#pragma once
// The one deadline type of unisock: a point on the monotonic clock, or no limit. Every
// call and helper that waits (socket calls, sendall, stream, exchange, create_connection,
// the loopback pair, the wait primitives of both backends) measures its time with it, so
// the overflow rule and the rounding live here once.

#include <chrono>
#include <optional>
#include <type_traits>

namespace unisock::platform {

class deadline {
public:
    using clock = std::chrono::steady_clock;
    using duration = std::chrono::nanoseconds;
    static_assert(std::is_same_v<clock::duration, duration>,
                  "the overflow check below compares clock durations with timeouts directly");

    // No limit.
    constexpr deadline() noexcept = default;

    // timeout from now. A timeout too large to add to the clock's reading means no limit
    // (nanoseconds::max() is "forever", not an overflow); a negative one has passed already.
    static deadline after(duration timeout) noexcept {
        if (timeout <= duration::zero()) return deadline(passed_already); // a poll: no clock read
        const clock::time_point now = clock::now();
        if (timeout >= clock::time_point::max() - now) return {};
        return deadline(now + timeout);
    }
    // Python's timeout value: nullopt (None) is no limit.
    static deadline for_timeout(const std::optional<duration>& timeout) noexcept {
        return timeout ? after(*timeout) : deadline{};
    }

    bool is_limited() const noexcept { return at_ != clock::time_point::max(); }
    bool has_passed() const noexcept { return at_ == passed_already || (is_limited() && clock::now() >= at_); }
    // The time left, zero once passed; duration::max() without a limit.
    duration remaining() const noexcept {
        if (!is_limited()) return duration::max();
        if (at_ == passed_already) return duration::zero();
        const clock::time_point now = clock::now();
        return now >= at_ ? duration::zero() : at_ - now;
    }
    // The time left as a socket timeout: nullopt (block) without a limit.
    std::optional<duration> remaining_timeout() const noexcept {
        if (!is_limited()) return std::nullopt;
        return remaining();
    }

private:
    // Before every reading of the clock: what a zero or negative timeout gives.
    static constexpr clock::time_point passed_already = clock::time_point::min();

    explicit deadline(clock::time_point at) noexcept : at_(at) {}

    clock::time_point at_ = clock::time_point::max();
};

} // namespace unisock::platform
