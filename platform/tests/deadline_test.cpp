// The one deadline type: the overflow rule and the passing of time.
#include "platform/deadline.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>

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

} // namespace
