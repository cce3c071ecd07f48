// SPDX-License-Identifier: BSL-1.0
// Process-wide facts: network start-up, the capability table and limits. The
// capability table must agree both with the platform's name and with what sockets of
// each kind actually do.

#include "wine.hpp"
#include "unisock/system.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "unisock/socket.hpp"

namespace {

using unisock::address_family;
using unisock::socket_type;

bool opens(address_family f, socket_type t) {
    std::error_code ec;
    unisock::socket s(f, t, 0, ec);
    return !ec && s.is_open();
}

TEST(system, network_init_guard_constructs) {
    EXPECT_NO_THROW(unisock::network_init guard);
    std::error_code ec = unisock::make_error_code(unisock::errc::unknown);
    const unisock::network_init guard(ec);
    EXPECT_FALSE(ec) << ec.message();
    const unisock::network_init nested; // reference counted: nesting is fine
    EXPECT_TRUE(opens(address_family::ipv4, socket_type::stream));
}

TEST(system, network_is_up_after_first_use) {
    EXPECT_TRUE(opens(address_family::ipv4, socket_type::stream));
    EXPECT_FALSE(unisock::network_status()) << unisock::network_status().message();
}

TEST(system, sockets_work_after_a_guard_is_gone) {
    { const unisock::network_init guard; }
    EXPECT_TRUE(opens(address_family::ipv4, socket_type::datagram));
}

TEST(system, platform_name_is_known) {
    const std::string_view name = unisock::platform_name();
    EXPECT_TRUE(name == "linux" || name == "macos" || name == "windows") << name;
}

TEST(system, capabilities_match_the_platform) {
    const unisock::platform_capabilities& caps = unisock::capabilities();
    const std::string_view name = unisock::platform_name();
    if (unisock::test::running_under_wine() && !caps.local_stream)
        GTEST_SKIP() << "Wine lacks AF_UNIX sockets (Windows has them since 10 1803)";
    EXPECT_TRUE(caps.local_stream) << name; // every supported OS (Windows 10 1803+)
    EXPECT_EQ(caps.native_socketpair, name != "windows");
    EXPECT_EQ(caps.local_datagram, name != "windows");
    EXPECT_EQ(caps.local_abstract, name == "linux");
    EXPECT_EQ(caps.seqpacket, name == "linux");
    EXPECT_EQ(caps.load_balanced_reuse, name == "linux");
}

TEST(system, capabilities_are_one_object) {
    EXPECT_EQ(&unisock::capabilities(), &unisock::capabilities());
}

TEST(system, capabilities_match_what_sockets_do) {
    const unisock::platform_capabilities& caps = unisock::capabilities();
    EXPECT_EQ(opens(address_family::local, socket_type::stream), caps.local_stream);
    EXPECT_EQ(opens(address_family::local, socket_type::datagram), caps.local_datagram);
    EXPECT_EQ(opens(address_family::local, socket_type::seqpacket), caps.seqpacket);
}

TEST(system, listen_backlog_limit_is_positive) {
    EXPECT_GT(unisock::listen_backlog_limit(), 0);
}

TEST(system, listen_backlog_limit_reads_somaxconn_on_linux) {
    if (unisock::platform_name() != "linux") GTEST_SKIP() << "net.core.somaxconn is Linux's";
    std::ifstream file("/proc/sys/net/core/somaxconn");
    int somaxconn = 0;
    if (!(file >> somaxconn)) GTEST_SKIP() << "no /proc/sys/net/core/somaxconn here";
    EXPECT_EQ(unisock::listen_backlog_limit(), somaxconn);
}

// listen(max_backlog) queues as many connections as listen_backlog_limit() says (up to
// the 300 this test opens), with nobody accepting. On Windows that needs SOMAXCONN_HINT:
// plain SOMAXCONN queues about 200, which is what the limit used to claim.
TEST(system, max_backlog_queues_up_to_the_reported_limit) {
    using unisock::address_family;
    using unisock::socket_type;
    if (unisock::platform_name() == "windows") {
        EXPECT_EQ(unisock::listen_backlog_limit(), 65535) << "SOMAXCONN_HINT's documented ceiling";
    }
    const int wanted = std::min(unisock::listen_backlog_limit(), 300);
    unisock::socket listener(address_family::ipv4, socket_type::stream);
    listener.bind(unisock::address::v4_loopback(0));
    listener.listen(unisock::max_backlog);
    const unisock::address target = listener.local_address();
    std::vector<unisock::socket> clients;
    for (int i = 0; i < wanted; ++i) {
        unisock::socket& client = clients.emplace_back(address_family::ipv4, socket_type::stream);
        client.set_timeout(std::chrono::seconds(0));
        std::error_code ec;
        client.connect(target, ec);
        if (ec == unisock::errc::in_progress) ec = client.wait(unisock::wait_for::writable, std::chrono::seconds(10));
        if (!ec) ec = client.pending_error();
        ASSERT_FALSE(ec) << "connection " << i + 1 << " of " << wanted << ": " << ec.message();
    }
}

} // namespace
