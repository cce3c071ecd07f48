// SPDX-License-Identifier: BSL-1.0
// The address conversion written once for both backends (platform/sockaddr.cpp), run on
// each: the same rules for every OS, including the edge the two copies used to disagree
// on (an address too short to hold its family).

#include "platform/sockaddr.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <system_error>

namespace {

using unisock::address;
using unisock::address_family;
using unisock::errc;
using unisock::ip_address;
namespace platform = unisock::platform;

address round_trip(const address& a) {
    platform::native_address native;
    EXPECT_FALSE(platform::to_native(a, native));
    std::error_code ec;
    const address back = platform::from_native(native, ec);
    EXPECT_FALSE(ec) << ec.message();
    return back;
}

TEST(shared_sockaddr, ip_addresses_round_trip) {
    const address v4(ip_address::v4({192, 0, 2, 7}), 8080);
    EXPECT_EQ(round_trip(v4), v4);
    address v6(ip_address::v6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 3), 443);
    v6.set_flow_info(0x12345);
    const address back = round_trip(v6);
    EXPECT_EQ(back, v6);
    EXPECT_EQ(back.ip().scope_id(), 3u);
    EXPECT_EQ(back.flow_info(), 0x12345u);
}

TEST(shared_sockaddr, local_path_round_trips) {
    const address path = address::local("/tmp/unisock-sockaddr-test.sock");
    EXPECT_EQ(round_trip(path), path);
}

// Names the OS can hand back but address::local would not make: a path filling
// sun_path (Linux: 104..108 bytes, the last without a terminating NUL) and, on Linux,
// an abstract name with NULs inside. Each is held as it came and converts back to the
// same bytes, so a reply to such a sender reaches it.
TEST(shared_sockaddr, every_local_name_the_os_hands_back_is_held) {
    constexpr std::size_t room = sizeof(sockaddr_un::sun_path);
    for (const std::size_t size : {unisock::max_local_path + 1, room - 1, room}) {
        sockaddr_un un{};
        un.sun_family = AF_UNIX;
        std::memset(un.sun_path, 'p', size);
        const auto length = static_cast<platform::native_length>(offsetof(sockaddr_un, sun_path) + size +
                                                                 (size < room ? 1 : 0));
        std::error_code ec;
        const address got = platform::from_native(reinterpret_cast<const sockaddr*>(&un), length, ec);
        EXPECT_FALSE(ec) << size << "-byte path: " << ec.message();
        EXPECT_EQ(got.path(), std::string(size, 'p'));
        EXPECT_EQ(round_trip(got), got) << size << "-byte path";
    }
    if (!platform::abstract_local_names) return;
    const std::string abstract("\0a\0b\0", 5);
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    std::memcpy(un.sun_path, abstract.data(), abstract.size());
    const auto length = static_cast<platform::native_length>(offsetof(sockaddr_un, sun_path) + abstract.size());
    std::error_code ec;
    const address got = platform::from_native(reinterpret_cast<const sockaddr*>(&un), length, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(got.path(), abstract);
    EXPECT_EQ(round_trip(got), got);
}

// One rule on every OS: no bytes at all (Linux's recvfrom from an unbound Unix-domain
// sender) is an unnamed local address, never 0.0.0.0:0 (what Windows' copy gave).
TEST(shared_sockaddr, too_short_an_address_is_unnamed_local) {
    platform::native_address native;
    for (const platform::native_length length : {0, 1}) {
        native.length = length;
        std::error_code ec;
        const address got = platform::from_native(native, ec);
        EXPECT_FALSE(ec) << ec.message();
        EXPECT_EQ(got, address::local_unnamed()) << "length " << length << ": " << got.to_string();
    }
}

TEST(shared_sockaddr, local_address_without_a_path_is_unnamed) {
    platform::native_address native;
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    std::memcpy(&native.storage, &un, sizeof un);
    native.length = static_cast<platform::native_length>(offsetof(sockaddr_un, sun_path));
    std::error_code ec;
    EXPECT_EQ(platform::from_native(native, ec), address::local_unnamed());
    // Windows reports an unnamed peer with the whole sun_path zeroed; only Linux reads a
    // leading NUL as an abstract name.
    native.length = static_cast<platform::native_length>(sizeof un);
    const address zeroed = platform::from_native(native, ec);
    if (!platform::abstract_local_names) {
        EXPECT_FALSE(ec) << ec.message();
        EXPECT_EQ(zeroed, address::local_unnamed()) << zeroed.to_string();
    }
}

TEST(shared_sockaddr, unknown_family_is_not_supported) {
    platform::native_address native;
    native.storage.ss_family = AF_UNSPEC;
    native.length = sizeof native.storage;
    std::error_code ec;
    platform::from_native(native, ec);
    EXPECT_EQ(ec, errc::address_family_not_supported);
}

TEST(shared_sockaddr, family_and_type_numbers_round_trip) {
    for (const address_family f : {address_family::ipv4, address_family::ipv6, address_family::local})
        EXPECT_EQ(platform::portable_family(platform::native_family(f).value()), f);
    EXPECT_FALSE(platform::native_family(address_family::unspecified));
    for (const unisock::socket_type t : {unisock::socket_type::stream, unisock::socket_type::datagram,
                                         unisock::socket_type::seqpacket, unisock::socket_type::raw})
        EXPECT_EQ(platform::portable_type(platform::native_type(t).value()), t);
}

} // namespace
