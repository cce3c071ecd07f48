// SPDX-License-Identifier: BSL-1.0
// The one deadline type: the overflow rule and the passing of time.
#include "platform/deadline.hpp"
#include "platform/platform.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <system_error>

namespace {

using namespace std::chrono_literals;
using unisock::platform::deadline;

TEST(deadline, default_is_no_limit) {
    const deadline none;
    EXPECT_FALSE(none.is_limited());
    EXPECT_FALSE(none.has_passed());
    EXPECT_EQ(none.remaining(), deadline::duration::max());
    EXPECT_EQ(none.remaining_timeout(), std::nullopt);
}

TEST(deadline, none_timeout_is_no_limit) {
    EXPECT_FALSE(deadline::for_timeout(std::nullopt).is_limited());
}

TEST(deadline, a_timeout_too_large_to_add_is_no_limit) {
    EXPECT_FALSE(deadline::after(deadline::duration::max()).is_limited());
    EXPECT_FALSE(deadline::after(deadline::duration::max() - 1s).is_limited());
}

TEST(deadline, zero_and_negative_have_passed) {
    EXPECT_TRUE(deadline::after(0s).has_passed());
    EXPECT_TRUE(deadline::after(-1s).has_passed());
    EXPECT_TRUE(deadline::after(deadline::duration::min()).has_passed());
    EXPECT_EQ(deadline::after(-1s).remaining(), deadline::duration::zero());
}

TEST(deadline, a_limit_counts_down) {
    const deadline in_an_hour = deadline::after(1h);
    EXPECT_TRUE(in_an_hour.is_limited());
    EXPECT_FALSE(in_an_hour.has_passed());
    EXPECT_LE(in_an_hour.remaining(), 1h);
    EXPECT_GT(in_an_hour.remaining(), 59min);
    ASSERT_TRUE(in_an_hour.remaining_timeout().has_value());
}

TEST(deadline, a_short_limit_passes) {
    const deadline soon = deadline::after(1ms);
    while (!soon.has_passed()) {
    }
    EXPECT_EQ(soon.remaining(), deadline::duration::zero());
}

// platform::resolve within a deadline: the lookup of each backend (getaddrinfo_a on
// glibc, GetAddrInfoExW overlapped on Windows) answers inside it, and a deadline that
// has passed is timed_out before any lookup starts.
TEST(deadline_resolve, numeric_and_local_names_answer_within_a_deadline) {
    for (const char* host : {"127.0.0.1", "::1", "localhost"}) {
        std::error_code ec;
        const auto results = unisock::platform::resolve(host, "80", {}, deadline::after(10s), ec);
        EXPECT_FALSE(ec) << host << ": " << ec.message();
        EXPECT_FALSE(results.empty()) << host;
    }
}

TEST(deadline_resolve, a_passed_deadline_is_timed_out) {
    std::error_code ec;
    const auto results = unisock::platform::resolve("127.0.0.1", "80", {}, deadline::after(0s), ec);
    EXPECT_EQ(ec, unisock::errc::timed_out) << ec.message();
    EXPECT_TRUE(results.empty());
}

TEST(deadline_resolve, errors_within_a_deadline_are_the_resolver_s) {
    unisock::resolve_hints hints;
    hints.numeric_host = true;
    std::error_code ec;
    unisock::platform::resolve("not-a-number.invalid", "80", hints, deadline::after(10s), ec);
    EXPECT_EQ(ec, unisock::errc::host_not_found) << ec.message();
}

} // namespace
