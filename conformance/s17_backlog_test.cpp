// SPDX-License-Identifier: BSL-1.0
// S17 backlog limits (seeds 000, 002, 004: "s.listen(5)").
//
// "backlog: how many connections the OS may hold pending before it refuses; at least
// 1, 5 is enough for most programs." Nobody accepts here: clients connect one after
// another until one fails. At least backlog of them complete on every OS. What
// happens past the queue is the platform's own way and is recorded, not asserted
// beyond its portable name: Linux and macOS drop the SYN (the connect times out),
// Windows refuses it (connection_refused, after its own retries of about 2 s).
#include "support/loopback.hpp"

namespace {

using namespace conformance;

// Longer than Windows' retries of a refused loopback connect, so that a refusal is
// seen as one; a dropped SYN costs exactly this.
constexpr auto overflow_timeout = 3000ms;
// Past the backlog, a few more attempts find where the queue really ends.
constexpr int extra_attempts = 8;

// Accepts (non-blocking) everything queued at the listener: how many were really there.
int drain_accept_queue(unisock::socket& listener) {
    listener.set_blocking(false);
    int accepted = 0;
    for (;;) {
        std::error_code ec;
        auto [connection, peer] = listener.accept(ec);
        if (ec) {
            EXPECT_EQ(ec, unisock::errc::would_block) << ec.message();
            return accepted;
        }
        ++accepted;
    }
}

std::string overflow_text(const full_backlog& queue) {
    if (!queue.overflow) return "no overflow within " + std::to_string(queue.queued.size()) + " attempts";
    return unisock::portable_error(queue.overflow) == unisock::errc::timed_out
               ? "timed_out after " + std::to_string(queue.overflow_after.count()) + " ms (SYN not answered)"
               : queue.overflow.message() + " after " + std::to_string(queue.overflow_after.count()) + " ms";
}

class S17_Backlog : public scenario, public ::testing::WithParamInterface<int> {};

TEST_P(S17_Backlog, AtLeastBacklogConnectsComplete) {
    const int backlog = GetParam();
    full_backlog queue = fill_backlog(backlog, overflow_timeout, backlog + extra_attempts);
    const auto completed = static_cast<int>(queue.queued.size());

    EXPECT_GE(completed, backlog);
    if (queue.overflow) {
        EXPECT_TRUE(queue.overflow == unisock::errc::timed_out ||
                    queue.overflow == unisock::errc::connection_refused)
            << "past the queue: " << queue.overflow.message();
    }
    // A client's connect can complete while the server dropped its final ACK; count
    // what the listener really holds.
    const int held = drain_accept_queue(queue.listener);
    EXPECT_GE(held, backlog);
    EXPECT_LE(held, completed);

    const std::string measured = "listen(" + std::to_string(backlog) + "): " + std::to_string(completed) +
                                 " connects completed, " + std::to_string(held) +
                                 " held by the listener; overflow: " + overflow_text(queue);
    record("effective_backlog", measured);
    record_native(measured);
}

INSTANTIATE_TEST_SUITE_P(, S17_Backlog, ::testing::Values(1, 5, 128),
                         [](const ::testing::TestParamInfo<int>& info) {
                             return "Listen" + std::to_string(info.param);
                         });

class S17_BacklogLimit : public scenario {};

TEST_F(S17_BacklogLimit, SystemLimitIsObservableAndMaxBacklogListens) {
    const int limit = unisock::listen_backlog_limit();
    EXPECT_GT(limit, 0);
    record("listen_backlog_limit", std::to_string(limit));
    record_note("listen_backlog_limit() = " + std::to_string(limit));

    unisock::socket listener(unisock::address_family::ipv4, unisock::socket_type::stream);
    listener.bind(unisock::address::v4_loopback(0));
    EXPECT_NO_THROW(listener.listen(unisock::max_backlog));
}

TEST_F(S17_BacklogLimit, NegativeBacklogIsInvalid) {
    unisock::socket listener(unisock::address_family::ipv4, unisock::socket_type::stream);
    listener.bind(unisock::address::v4_loopback(0));
    std::error_code ec;
    listener.listen(-1, ec);
    EXPECT_EQ(ec, unisock::errc::invalid_argument);
    listener.listen(0, ec);
    EXPECT_FALSE(ec) << "listen(0) is allowed: the OS picks its minimum";
}

} // namespace
