// SPDX-License-Identifier: BSL-1.0
// S28 Winsock init.
//
// Python programs never call WSAStartup: the socket module does it. unisock too: the
// first use starts the network stack (on Windows; nothing to do on POSIX), safely when
// many threads make that first use at once, and an explicit guard exists for those who
// want to control the lifetime themselves.
#include "support/conformance.hpp"

#include <latch>
#include <vector>

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::socket_type;

class S28_Init : public scenario {};

TEST_F(S28_Init, NoExplicitInitIsNeeded) {
    unisock::socket sock(address_family::ipv4, socket_type::stream);
    EXPECT_TRUE(sock.is_open());
    EXPECT_FALSE(unisock::network_status()) << unisock::network_status().message();
    record_note(std::string("platform: ") + std::string(unisock::platform_name()));
}

TEST_F(S28_Init, ConcurrentFirstUseIsSafe) {
    constexpr int thread_count = 16;
    std::latch start(thread_count);
    std::vector<std::error_code> results(thread_count);
    std::vector<std::thread> threads;
    for (int i = 0; i < thread_count; ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait(); // all make their first call together
            unisock::socket sock(address_family::ipv4, socket_type::datagram, 0, results[i]);
            if (!results[i]) sock.bind(unisock::address::v4_loopback(0), results[i]);
        });
    }
    for (std::thread& t : threads) t.join();
    for (int i = 0; i < thread_count; ++i) EXPECT_FALSE(results[i]) << "thread " << i << ": " << results[i].message();
}

TEST_F(S28_Init, GuardsNestAndSocketsWorkAfterTheyEnd) {
    {
        unisock::network_init outer;
        {
            unisock::network_init inner;
            EXPECT_FALSE(unisock::network_status());
        }
        unisock::socket_pair pair = unisock::socketpair(address_family::ipv4);
        pair.first.set_timeout(patience);
        pair.second.set_timeout(patience);
        pair.first.sendall("inside the guard");
        EXPECT_EQ(pair.second.recv(64), "inside the guard");
    }
    // The guards only dropped their own references: the lazily started stack stays up.
    unisock::socket_pair pair = unisock::socketpair(address_family::ipv4);
    pair.first.set_timeout(patience);
    pair.second.set_timeout(patience);
    pair.first.sendall("after the guard");
    EXPECT_EQ(pair.second.recv(64), "after the guard");
}

TEST_F(S28_Init, NoThrowGuardReportsItsResult) {
    std::error_code ec = unisock::make_error_code(unisock::errc::unknown);
    unisock::network_init guard(ec);
    EXPECT_FALSE(ec) << ec.message();
}

TEST_F(S28_Init, LookupsNeedNoInitEither) {
    EXPECT_FALSE(unisock::gethostname().empty());
    EXPECT_EQ(unisock::gethostbyname("127.0.0.1"), unisock::ip_address::v4_loopback());
}

} // namespace
