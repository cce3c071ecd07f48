// SPDX-License-Identifier: BSL-1.0
// Byte views: what send/recv accept, and that text goes through as its bytes (UTF-8,
// Chinese included) with nothing converted.

#include "unisock/bytes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "unisock/connection.hpp"

namespace {

using namespace std::chrono_literals;
using unisock::const_bytes;
using unisock::mutable_bytes;

static_assert(std::is_constructible_v<const_bytes, const std::string&>);
static_assert(std::is_constructible_v<const_bytes, std::string_view>);
static_assert(std::is_constructible_v<const_bytes, const std::u8string&>);
static_assert(std::is_constructible_v<const_bytes, const std::vector<std::byte>&>);
static_assert(std::is_constructible_v<const_bytes, const std::vector<unsigned char>&>);
static_assert(std::is_constructible_v<const_bytes, const std::array<char, 4>&>);
static_assert(std::is_constructible_v<const_bytes, std::span<const std::byte>>);
static_assert(!std::is_constructible_v<const_bytes, const std::vector<int>&>);
static_assert(!std::is_constructible_v<const_bytes, const std::u16string&>);
static_assert(!std::is_constructible_v<const_bytes, std::nullptr_t>);
static_assert(!std::is_constructible_v<const_bytes, const char16_t (&)[3]>);
static_assert(std::is_constructible_v<mutable_bytes, std::string&>);
static_assert(std::is_constructible_v<mutable_bytes, std::vector<std::byte>&>);
static_assert(std::is_constructible_v<mutable_bytes, std::array<char, 4>&>);
static_assert(std::is_constructible_v<mutable_bytes, std::span<std::byte>>);
static_assert(!std::is_constructible_v<mutable_bytes, const std::string&>);
static_assert(!std::is_constructible_v<mutable_bytes, std::string_view>);
static_assert(!std::is_constructible_v<mutable_bytes, std::vector<int>&>);

TEST(bytes, default_views_are_empty) {
    EXPECT_TRUE(const_bytes().empty());
    EXPECT_EQ(const_bytes().size(), 0u);
    EXPECT_TRUE(mutable_bytes().empty());
}

TEST(bytes, string_literal_excludes_the_terminator) {
    const const_bytes b("hello");
    EXPECT_EQ(b.size(), 5u);
    EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()), "hello");
    const char* c_string = "abc";
    EXPECT_EQ(const_bytes(c_string).size(), 3u);
}

TEST(bytes, u8_literal_excludes_the_terminator) {
    EXPECT_EQ(const_bytes(u8"abc").size(), 3u);
    EXPECT_EQ(const_bytes(u8"\u4e2d").size(), 3u); // 中: three UTF-8 bytes, no NUL
    const char8_t* c_string = u8"abcd";
    EXPECT_EQ(const_bytes(c_string).size(), 4u);
}

// One rule for every char and char8_t array, const or not: up to the first NUL.
TEST(bytes, char_arrays_are_text_up_to_the_first_nul) {
    char buffer[8] = "hi";
    const char constant[8] = "hi";
    EXPECT_EQ(const_bytes(buffer).size(), 2u);
    EXPECT_EQ(const_bytes(constant).size(), 2u);
    EXPECT_EQ(const_bytes(buffer).data(), reinterpret_cast<const std::byte*>(buffer));
    char8_t utf8_buffer[6] = u8"ok";
    EXPECT_EQ(const_bytes(utf8_buffer).size(), 2u);
    EXPECT_EQ(const_bytes("a\0b").size(), 1u);
    EXPECT_EQ(const_bytes(std::string_view("a\0b", 3)).size(), 3u); // NUL bytes: say how many
}

TEST(bytes, char_array_without_nul_is_whole_and_not_overrun) {
    const char letters[3] = {'a', 'b', 'c'};
    EXPECT_EQ(const_bytes(letters).size(), 3u);
    char full[2] = {'x', 'y'};
    EXPECT_EQ(const_bytes(full).size(), 2u);
}

TEST(bytes, binary_arrays_and_containers_are_whole) {
    const unsigned char packet[4] = {1, 0, 2, 0};
    EXPECT_EQ(const_bytes(packet).size(), 4u);
    const signed char signed_packet[3] = {0, 0, 0};
    EXPECT_EQ(const_bytes(signed_packet).size(), 3u);
    const std::byte raw[3]{};
    EXPECT_EQ(const_bytes(raw).size(), 3u);
    const std::array<char, 8> array{'h', 'i'}; // a container: its size(), NULs included
    EXPECT_EQ(const_bytes(array).size(), 8u);
    char receive_buffer[8] = "hi"; // receiving: the whole capacity
    EXPECT_EQ(mutable_bytes(receive_buffer).size(), 8u);
}

TEST(bytes, views_point_at_the_original_storage) {
    const std::string text = "text";
    EXPECT_EQ(const_bytes(text).data(), reinterpret_cast<const std::byte*>(text.data()));
    EXPECT_EQ(const_bytes(text).size(), 4u);
    const std::vector<std::byte> raw(7);
    EXPECT_EQ(const_bytes(raw).size(), 7u);
    const std::u8string utf8 = u8"\u4e2d\u6587"; // 中文: 3 bytes each in UTF-8
    EXPECT_EQ(const_bytes(utf8).size(), 6u);
    std::array<char, 16> buffer{};
    const mutable_bytes m(buffer);
    EXPECT_EQ(m.data(), reinterpret_cast<std::byte*>(buffer.data()));
    EXPECT_EQ(m.size(), 16u);
}

TEST(bytes, after_skips_and_clamps) {
    const const_bytes b("abcdef");
    EXPECT_EQ(b.after(2).size(), 4u);
    EXPECT_EQ(b.after(2).data(), b.data() + 2);
    EXPECT_EQ(b.after(6).size(), 0u);
    EXPECT_EQ(b.after(100).size(), 0u);
    EXPECT_EQ(b.after(100).data(), b.data() + 6);
    std::string s(5, 'x');
    const mutable_bytes m(s);
    EXPECT_EQ(m.after(3).size(), 2u);
    EXPECT_TRUE(m.after(9).empty());
}

TEST(bytes, utf8_text_round_trips_unchanged) {
    unisock::socket_pair p = unisock::socketpair();
    p.second.set_timeout(10s);
    const std::u8string text = u8"\u4f60\u597d\uff0c\u4e16\u754c hello \U0001F600";
    p.first.sendall(text);
    p.first.close();
    std::string received;
    for (std::string part = p.second.recv(64); !part.empty(); part = p.second.recv(64)) received += part;
    ASSERT_EQ(received.size(), text.size());
    EXPECT_TRUE(std::equal(received.begin(), received.end(), text.begin(),
                           [](char a, char8_t b) { return static_cast<unsigned char>(a) == b; }));
}

TEST(bytes, sent_text_carries_no_terminator) {
    unisock::socket_pair p = unisock::socketpair();
    p.second.set_timeout(10s);
    char buffer[8] = "hi";
    p.first.sendall(u8"abc");
    p.first.sendall(buffer);
    p.first.sendall("!");
    p.first.close();
    std::string received;
    for (std::string part = p.second.recv(64); !part.empty(); part = p.second.recv(64)) received += part;
    EXPECT_EQ(received, "abchi!");
}

TEST(bytes, byte_containers_send_and_receive) {
    unisock::socket_pair p = unisock::socketpair();
    p.second.set_timeout(10s);
    const std::vector<std::byte> out{std::byte{0}, std::byte{0xff}, std::byte{0x7f}};
    p.first.sendall(out);
    std::vector<std::byte> in(3);
    std::size_t got = 0;
    for (std::size_t n = 1; got < in.size() && n != 0; got += n) n = p.second.recv_into(mutable_bytes(in).after(got));
    EXPECT_EQ(in, out);
}

} // namespace
