// SPDX-License-Identifier: BSL-1.0
// What the Windows backend does to the SOCKET underneath, read back with raw Winsock
// calls: no handle inheritance, explicit IPV6_V6ONLY, SO_EXCLUSIVEADDRUSE as the
// default (never SO_REUSEADDR, which lets other processes steal the port), and raw
// setsockopt/getsockopt with native level and name numbers.

#include "platform/platform.hpp"
#include "platform/windows/sockaddr.hpp"
#include "platform/windows/unicode.hpp"
#include "unisock/connection.hpp"
#include "unisock/resolver.hpp"
#include "unisock/socket.hpp"
#include "unisock/system.hpp"

#include <gtest/gtest.h>

#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <mswsock.h>
#include <windows.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <system_error>

namespace {

using namespace std::chrono_literals;
using unisock::address;
using unisock::address_family;
using unisock::errc;
using unisock::socket;
using unisock::socket_type;

SOCKET native_of(const socket& s) { return static_cast<SOCKET>(s.native_handle()); }

bool is_inheritable(const socket& s) {
    DWORD flags = 0;
    EXPECT_TRUE(::GetHandleInformation(reinterpret_cast<HANDLE>(native_of(s)), &flags));
    return (flags & HANDLE_FLAG_INHERIT) != 0;
}

int native_int_option(const socket& s, int level, int name) {
    // Zero first: Windows writes some BOOL options back as a single byte.
    int value = 0;
    int size = sizeof value;
    EXPECT_EQ(::getsockopt(native_of(s), level, name, reinterpret_cast<char*>(&value), &size), 0)
        << "getsockopt " << level << "/" << name << ": " << ::WSAGetLastError();
    return value;
}

TEST(windows_native, sockets_are_not_inheritable) {
    socket listener(address_family::ipv4, socket_type::stream);
    EXPECT_FALSE(is_inheritable(listener));
    listener.bind(address::v4_loopback(0));
    listener.listen();
    listener.set_timeout(10s);
    socket client(address_family::ipv4, socket_type::stream);
    client.set_timeout(10s);
    client.connect(listener.local_address());
    const socket accepted = listener.accept().connection;
    EXPECT_FALSE(is_inheritable(accepted));
}

TEST(windows_native, ipv6_sockets_have_v6_only_set_explicitly) {
    socket s(address_family::ipv6, socket_type::stream);
    EXPECT_EQ(native_int_option(s, IPPROTO_IPV6, IPV6_V6ONLY), 1);
    s.set_option(unisock::option::v6_only{false});
    EXPECT_EQ(native_int_option(s, IPPROTO_IPV6, IPV6_V6ONLY), 0);
}

TEST(windows_native, exclusive_address_use_is_the_default) {
    socket s(address_family::ipv4, socket_type::stream);
    EXPECT_NE(native_int_option(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE), 0);
    EXPECT_EQ(native_int_option(s, SOL_SOCKET, SO_REUSEADDR), 0);
}

// Without SO_EXCLUSIVEADDRUSE a wildcard bind may share a live specific one.
TEST(windows_native, rebind_after_close_keeps_exclusive_address_use) {
    socket s(address_family::ipv4, socket_type::stream);
    s.set_option(unisock::option::reuse{unisock::reuse_policy::rebind_after_close});
    EXPECT_NE(native_int_option(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE), 0);
    EXPECT_EQ(native_int_option(s, SOL_SOCKET, SO_REUSEADDR), 0);
}

// Both ICMP reports are switched: SIO_UDP_CONNRESET (port unreachable) and
// SIO_UDP_NETRESET (TTL expired), either of which would otherwise fail an unconnected
// recv_from with connection_reset because of a stranger's ICMP.
TEST(windows_native, udp_sockets_switch_both_icmp_reports) {
    const unsigned long* begin = std::begin(unisock::platform::udp_reset_controls);
    const unsigned long* end = std::end(unisock::platform::udp_reset_controls);
    EXPECT_NE(std::find(begin, end, static_cast<unsigned long>(SIO_UDP_CONNRESET)), end);
    EXPECT_NE(std::find(begin, end, static_cast<unsigned long>(_WSAIOW(IOC_VENDOR, 15))), end) << "SIO_UDP_NETRESET";
    socket s(address_family::ipv4, socket_type::datagram);
    EXPECT_FALSE(unisock::platform::report_udp_resets(native_of(s), false));
    EXPECT_FALSE(unisock::platform::report_udp_resets(native_of(s), true));
}

TEST(windows_native, typed_options_reach_winsock) {
    socket s(address_family::ipv4, socket_type::stream);
    s.set_option(unisock::option::no_delay{true});
    EXPECT_NE(native_int_option(s, IPPROTO_TCP, TCP_NODELAY), 0);
    s.set_option(unisock::option::keep_alive{true});
    EXPECT_NE(native_int_option(s, SOL_SOCKET, SO_KEEPALIVE), 0);
    s.set_option(unisock::option::linger{5s});
    ::linger native{};
    int size = sizeof native;
    ASSERT_EQ(::getsockopt(native_of(s), SOL_SOCKET, SO_LINGER, reinterpret_cast<char*>(&native), &size), 0);
    EXPECT_NE(native.l_onoff, 0);
    EXPECT_EQ(native.l_linger, 5);
}

TEST(windows_native, raw_option_round_trip) {
    socket s(address_family::ipv4, socket_type::stream);
    const int on = 1;
    s.set_raw_option(SOL_SOCKET, SO_KEEPALIVE, unisock::const_bytes(&on, sizeof on));
    EXPECT_TRUE(s.get_option<unisock::option::keep_alive>().value);
    int type = 0;
    EXPECT_EQ(s.get_raw_option(SOL_SOCKET, SO_TYPE, unisock::mutable_bytes(&type, sizeof type)), sizeof type);
    EXPECT_EQ(type, SOCK_STREAM);
}

TEST(windows_native, raw_option_errors_carry_the_winsock_code) {
    socket s(address_family::ipv4, socket_type::stream);
    int value = 0;
    std::error_code ec;
    s.get_raw_option(SOL_SOCKET, 987654, unisock::mutable_bytes(&value, sizeof value), ec);
    EXPECT_TRUE(ec);
    EXPECT_STREQ(ec.category().name(), "winsock");
}

TEST(windows_native, adopt_reads_a_raw_socket) {
    const unisock::network_init guard; // this test calls Winsock before unisock does
    const SOCKET raw = ::WSASocketW(AF_INET6, SOCK_DGRAM, 0, nullptr, 0, WSA_FLAG_OVERLAPPED);
    ASSERT_NE(raw, INVALID_SOCKET);
    socket adopted = socket::adopt(static_cast<unisock::native_handle_type>(raw));
    EXPECT_EQ(adopted.family(), address_family::ipv6);
    EXPECT_EQ(adopted.type(), socket_type::datagram);
}

TEST(windows_native, invalid_socket_is_the_invalid_handle) {
    EXPECT_EQ(static_cast<unisock::native_handle_type>(INVALID_SOCKET), unisock::invalid_native_handle);
}

// ---- text through the wide-character calls, in UTF-8 (issue 9 item 18) -----------------

bool is_utf8(const std::string& text) {
    if (text.empty()) return true;
    return MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), static_cast<int>(text.size()), nullptr,
                               0) > 0;
}

TEST(windows_text, utf8_round_trips_through_utf16) {
    const std::string text = "h\xc3\xb6st-\xe2\x82\xac-\xf0\x9f\x98\x80"; // "höst-€-😀"
    std::error_code ec;
    const std::wstring wide = unisock::platform::widen(text, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(wide, L"h\u00f6st-\u20ac-\U0001F600");
    EXPECT_EQ(unisock::platform::narrow(wide), text);
}

TEST(windows_text, bytes_that_are_not_utf8_are_invalid_argument) {
    std::error_code ec;
    unisock::platform::widen("\xff\xfe", ec);
    EXPECT_EQ(ec, errc::invalid_argument);
    // The lookups take UTF-8: such a host name never reaches GetAddrInfoW.
    unisock::resolve("bad-\xff.invalid", "80", {}, ec);
    EXPECT_EQ(ec, errc::invalid_argument) << ec.message();
}

TEST(windows_text, system_messages_are_utf8) {
    // FormatMessageW converted: a localised message (German, French...) stays readable.
    const int codes[] = {WSAECONNREFUSED, WSAETIMEDOUT, WSAEADDRINUSE, WSAHOST_NOT_FOUND,
                         static_cast<int>(ERROR_ACCESS_DENIED)};
    for (const int code : codes) {
        const std::string message = std::error_code(code, unisock::platform::system_category()).message();
        EXPECT_FALSE(message.empty()) << code;
        EXPECT_TRUE(is_utf8(message)) << code;
        EXPECT_NE(message.back(), '\n') << code;
    }
}

TEST(windows_text, host_names_are_utf8) {
    const std::string name = unisock::gethostname();
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(is_utf8(name)) << name;
    const std::string loopback = unisock::gethostbyaddr(unisock::ip_address::v4_loopback());
    EXPECT_FALSE(loopback.empty());
    EXPECT_TRUE(is_utf8(loopback)) << loopback;
}

// The pair's listener file lives in GetTempPathW's directory and is gone (DeleteFileW)
// once the pair exists.
TEST(windows_text, local_socket_pairs_leave_no_file_behind) {
    if (!unisock::capabilities().local_stream) GTEST_SKIP() << "no AF_UNIX stream sockets on this Windows";
    const unisock::socket_pair pair = unisock::socketpair(address_family::local, socket_type::stream);
    EXPECT_TRUE(pair.first.is_open());
    wchar_t directory[MAX_PATH + 1] = {};
    ASSERT_NE(GetTempPathW(MAX_PATH + 1, directory), 0u);
    const std::wstring pattern =
        std::wstring(directory) + L"unisock-" + std::to_wstring(GetCurrentProcessId()) + L"-*.sock";
    WIN32_FIND_DATAW found{};
    const HANDLE search = FindFirstFileW(pattern.c_str(), &found);
    if (search != INVALID_HANDLE_VALUE) FindClose(search);
    EXPECT_EQ(search, INVALID_HANDLE_VALUE) << "a listener file was left in the temporary directory";
}

} // namespace
