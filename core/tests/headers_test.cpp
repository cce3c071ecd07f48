// SPDX-License-Identifier: BSL-1.0
// The public headers as a whole: the umbrella header brings in the full API, and the
// constants the documentation promises hold. (That each header compiles on its own is
// checked by the sources CMake generates next to this one, one per header.)

#include "unisock/unisock.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <type_traits>

namespace {

static_assert(std::is_same_v<unisock::native_handle_type, std::intptr_t>);
static_assert(unisock::invalid_native_handle == -1);
static_assert(unisock::max_local_path == 103);
static_assert(unisock::default_backlog == 128);
static_assert(std::is_nothrow_move_constructible_v<unisock::address>);
static_assert(std::is_nothrow_default_constructible_v<unisock::ip_address>);
static_assert(!std::is_copy_constructible_v<unisock::stream>);
static_assert(!std::is_copy_constructible_v<unisock::network_init>);
static_assert(std::is_move_constructible_v<unisock::socket_pair>);
static_assert(std::is_move_constructible_v<unisock::accepted>);

TEST(headers, umbrella_header_exposes_every_part) {
    // One use from each public header, so dropping an include from unisock.hpp fails.
    const unisock::address a = unisock::address::v4_loopback(1);                // address
    const unisock::const_bytes b("x");                                          // bytes
    const unisock::server_options server;                                       // connection
    const unisock::errc e = unisock::errc::timed_out;                           // error
    const unisock::option::no_delay option{true};                               // options
    const unisock::resolve_hints hints;                                         // resolver
    const unisock::socket closed;                                               // socket
    const auto line_limit = unisock::stream::default_line_limit;                // stream
    const std::string_view platform = unisock::platform_name();                 // system
    EXPECT_EQ(a.port(), 1);
    EXPECT_EQ(b.size(), 1u);
    EXPECT_EQ(server.reuse, unisock::reuse_policy::rebind_after_close);
    EXPECT_FALSE(server.dual_stack);
    EXPECT_EQ(server.backlog, unisock::default_backlog);
    EXPECT_EQ(unisock::make_error_code(e), unisock::errc::timed_out);
    EXPECT_TRUE(option.value);
    EXPECT_EQ(hints.family, unisock::address_family::unspecified);
    EXPECT_FALSE(hints.type.has_value());
    EXPECT_FALSE(closed.is_open());
    EXPECT_EQ(line_limit, 65536u);
    EXPECT_FALSE(platform.empty());
}

TEST(headers, option_defaults_are_documented_values) {
    EXPECT_EQ(unisock::option::reuse{}.value, unisock::reuse_policy::exclusive);
    EXPECT_TRUE(unisock::option::v6_only{}.value);
    EXPECT_FALSE(unisock::option::linger{}.value.has_value());
    EXPECT_EQ(unisock::keep_alive_timing{}, (unisock::keep_alive_timing{std::nullopt, std::nullopt, std::nullopt}));
    EXPECT_EQ(unisock::option::keep_alive_timing::name, unisock::option_name::keep_alive_timing);
}

} // namespace
