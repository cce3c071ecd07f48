// SPDX-License-Identifier: BSL-1.0
// S34 network interfaces (Python's socket.if_nameindex, if_nametoindex, if_indextoname).
//
// The interfaces list shows loopback with its addresses and prefix lengths on every OS,
// and its name and index convert into each other. The native probe records what the
// OS's own listing says (getifaddrs lists one entry per address family and link layer;
// GetAdaptersAddresses gives an adapter with a GUID name, an alias and an NDIS name).
#include "support/conformance.hpp"

#include <algorithm>

#include "native/interfaces_probe.hpp"

namespace {

using namespace conformance;
using unisock::ip_address;

class S34_Interfaces : public scenario {};

const unisock::network_interface* find_loopback(const std::vector<unisock::network_interface>& list) {
    const auto found = std::find_if(list.begin(), list.end(), [](const unisock::network_interface& item) {
        return item.loopback && std::any_of(item.addresses.begin(), item.addresses.end(),
                                            [](const auto& a) { return a.ip == ip_address::v4_loopback(); });
    });
    return found == list.end() ? nullptr : &*found;
}

std::string describe(const unisock::network_interface& item) {
    std::string text = item.name + " (index " + std::to_string(item.index) + ", \"" + item.friendly_name + "\"";
    text += item.up ? ", up" : ", down";
    if (item.multicast) text += ", multicast";
    text += "):";
    for (const auto& a : item.addresses) text += " " + a.ip.to_string() + "/" + std::to_string(a.prefix_length);
    return text;
}

TEST_F(S34_Interfaces, TheInterfacesListShowsLoopbackWithItsAddresses) {
    record_native(native::raw_loopback_interfaces());
    const std::vector<unisock::network_interface> list = unisock::interfaces();
    const unisock::network_interface* lo = find_loopback(list);
    ASSERT_NE(lo, nullptr) << "no loopback interface with 127.0.0.1 among " << list.size();
    record_note("unisock: " + describe(*lo));
    EXPECT_TRUE(lo->up);
    const auto has = [&](const ip_address& ip, unsigned prefix) {
        return std::any_of(lo->addresses.begin(), lo->addresses.end(),
                           [&](const auto& a) { return a.ip == ip && a.prefix_length == prefix; });
    };
    EXPECT_TRUE(has(ip_address::v4_loopback(), 8)) << describe(*lo);
    std::error_code ec;
    unisock::socket v6 = unisock::create_server(unisock::address::v6_loopback(0), {}, ec);
    if (!ec) {
        // ::1 may sit on a loopback interface of its own (Windows lists one adapter; Linux
        // and macOS put both on lo / lo0).
        const bool listed = std::any_of(list.begin(), list.end(), [](const unisock::network_interface& item) {
            return item.loopback && std::any_of(item.addresses.begin(), item.addresses.end(), [](const auto& a) {
                       return a.ip == ip_address::v6_loopback() && a.prefix_length == 128;
                   });
        });
        EXPECT_TRUE(listed) << "::1/128 on no loopback interface";
    } else {
        record_note("no IPv6 loopback here: ::1 not checked");
    }
}

TEST_F(S34_Interfaces, NameAndIndexConvertIntoEachOther) {
    const std::vector<unisock::network_interface> list = unisock::interfaces();
    const unisock::network_interface* lo = find_loopback(list);
    ASSERT_NE(lo, nullptr);
    EXPECT_EQ(unisock::interface_name_to_index(lo->name), lo->index);
    EXPECT_EQ(unisock::interface_index_to_name(lo->index), lo->name);
    EXPECT_THROW(unisock::interface_name_to_index("no-such-interface0"), unisock::socket_error);
    std::error_code ec;
    EXPECT_EQ(unisock::interface_index_to_name(0, ec), "");
    EXPECT_EQ(ec, unisock::errc::invalid_argument);
}

} // namespace
