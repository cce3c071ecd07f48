// SPDX-License-Identifier: BSL-1.0
// Network interfaces: the loopback interface with its addresses, name <-> index, and the
// errors for names and indexes no interface has.

#include "unisock/interfaces.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <system_error>

#include "unisock/connection.hpp"
#include "unisock/error.hpp"

namespace {

using unisock::errc;
using unisock::ip_address;
using unisock::network_interface;

bool has_address(const network_interface& item, const ip_address& ip, unsigned prefix) {
    return std::any_of(item.addresses.begin(), item.addresses.end(),
                       [&](const unisock::interface_address& a) { return a.ip == ip && a.prefix_length == prefix; });
}

const network_interface* loopback_with(const std::vector<network_interface>& list, const ip_address& ip) {
    for (const network_interface& item : list)
        if (item.loopback && std::any_of(item.addresses.begin(), item.addresses.end(),
                                         [&](const unisock::interface_address& a) { return a.ip == ip; }))
            return &item;
    return nullptr;
}

// Whether this machine has IPv6 loopback at all (a kernel or container without IPv6 has not).
bool has_ipv6_loopback() {
    std::error_code ec;
    unisock::socket probe = unisock::create_server(unisock::address::v6_loopback(0), {}, ec);
    return !ec;
}

TEST(interfaces, lists_loopback_with_127_0_0_1_slash_8) {
    const std::vector<network_interface> list = unisock::interfaces();
    ASSERT_FALSE(list.empty());
    const network_interface* lo = loopback_with(list, ip_address::v4_loopback());
    ASSERT_NE(lo, nullptr) << "no loopback interface with 127.0.0.1";
    EXPECT_TRUE(lo->up);
    EXPECT_NE(lo->index, 0u);
    EXPECT_FALSE(lo->name.empty());
    EXPECT_FALSE(lo->friendly_name.empty());
    EXPECT_TRUE(has_address(*lo, ip_address::v4_loopback(), 8)) << lo->name;
}

TEST(interfaces, lists_loopback_with_colon_colon_1_slash_128_where_ipv6_loopback_exists) {
    if (!has_ipv6_loopback()) GTEST_SKIP() << "no IPv6 loopback on this machine";
    const std::vector<network_interface> list = unisock::interfaces();
    const network_interface* lo = loopback_with(list, ip_address::v6_loopback());
    ASSERT_NE(lo, nullptr) << "no loopback interface with ::1";
    EXPECT_TRUE(has_address(*lo, ip_address::v6_loopback(), 128)) << lo->name;
}

TEST(interfaces, are_ordered_by_index_each_once) {
    const std::vector<network_interface> list = unisock::interfaces();
    for (std::size_t i = 1; i < list.size(); ++i) {
        EXPECT_LT(list[i - 1].index, list[i].index) << list[i - 1].name << " / " << list[i].name;
    }
}

TEST(interfaces, prefix_lengths_fit_their_family) {
    for (const network_interface& item : unisock::interfaces())
        for (const unisock::interface_address& a : item.addresses)
            EXPECT_LE(a.prefix_length, a.ip.is_v4() ? 32u : 128u) << item.name << " " << a.ip.to_string();
}

TEST(interfaces, name_and_index_round_trip_for_every_interface) {
    const std::vector<network_interface> list = unisock::interfaces();
    ASSERT_FALSE(list.empty());
    for (const network_interface& item : list) {
        EXPECT_EQ(unisock::interface_name_to_index(item.name), item.index) << item.name;
        EXPECT_EQ(unisock::interface_index_to_name(item.index), item.name) << item.index;
        // The name a user sees is accepted too (the alias on Windows, the name on POSIX).
        std::error_code ec;
        EXPECT_EQ(unisock::interface_name_to_index(item.friendly_name, ec), item.index) << item.friendly_name;
        EXPECT_FALSE(ec) << ec.message();
    }
}

TEST(interfaces, unknown_name_is_invalid_argument) {
    std::error_code ec;
    EXPECT_EQ(unisock::interface_name_to_index("no-such-interface0", ec), 0u);
    EXPECT_EQ(ec, errc::invalid_argument);
    try {
        unisock::interface_name_to_index("no-such-interface0");
        ADD_FAILURE() << "no exception";
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), errc::invalid_argument);
        EXPECT_NE(std::string(e.what()).find("no-such-interface0"), std::string::npos) << e.what();
    }
}

TEST(interfaces, empty_long_and_nul_names_are_invalid_argument_without_throwing) {
    for (const std::string& name : {std::string(), std::string(300, 'x'), std::string("lo\0x", 4)}) {
        std::error_code ec;
        EXPECT_EQ(unisock::interface_name_to_index(name, ec), 0u);
        EXPECT_EQ(ec, errc::invalid_argument) << name.size();
    }
}

TEST(interfaces, unknown_index_is_invalid_argument) {
    std::uint32_t unused = 0x7fff'fff0;
    for (const network_interface& item : unisock::interfaces()) EXPECT_NE(item.index, unused);
    for (const std::uint32_t index : {std::uint32_t{0}, unused}) {
        std::error_code ec;
        EXPECT_EQ(unisock::interface_index_to_name(index, ec), "");
        EXPECT_EQ(ec, errc::invalid_argument) << index;
    }
    try {
        unisock::interface_index_to_name(unused);
        ADD_FAILURE() << "no exception";
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), errc::invalid_argument);
        EXPECT_NE(std::string(e.what()).find(std::to_string(unused)), std::string::npos) << e.what();
    }
}

} // namespace
