// SPDX-License-Identifier: BSL-1.0
// The Windows translation table, tested as a table: each WSA code (the EAI_* codes are
// WSA codes on Windows), the portable condition it must map to, and the same mapping
// seen through the category (std::error_code(native, category) == unisock::errc),
// which is what users compare. MinGW's std::system_category() does not know these
// codes, which is why unisock has its own "winsock" category.

#include "platform/platform.hpp"
#include "platform/windows/sockaddr.hpp"

#include <gtest/gtest.h>

#include <winsock2.h>
#include <ws2tcpip.h>

#include <string>
#include <system_error>

namespace {

using unisock::errc;
namespace platform = unisock::platform;

struct row {
    int native;
    errc portable;
    const char* name;
};

#define UNISOCK_ROW(native, portable) row{native, errc::portable, #native}

const row system_table[] = {
    UNISOCK_ROW(WSAEWOULDBLOCK, would_block),
    UNISOCK_ROW(WSAEINPROGRESS, in_progress),
    UNISOCK_ROW(WSAEALREADY, already_in_progress),
    UNISOCK_ROW(WSAETIMEDOUT, timed_out),
    UNISOCK_ROW(WSAEINTR, interrupted),
    UNISOCK_ROW(WSAECONNREFUSED, connection_refused),
    UNISOCK_ROW(WSAECONNRESET, connection_reset),
    UNISOCK_ROW(WSAECONNABORTED, connection_aborted),
    UNISOCK_ROW(WSAESHUTDOWN, broken_pipe),
    UNISOCK_ROW(WSAENOTCONN, not_connected),
    UNISOCK_ROW(WSAEISCONN, already_connected),
    UNISOCK_ROW(WSAEADDRINUSE, address_in_use),
    UNISOCK_ROW(WSAEADDRNOTAVAIL, address_not_available),
    UNISOCK_ROW(WSAEAFNOSUPPORT, address_family_not_supported),
    UNISOCK_ROW(WSAEPROTONOSUPPORT, protocol_not_supported),
    UNISOCK_ROW(WSAEPROTOTYPE, protocol_not_supported),
    UNISOCK_ROW(WSAESOCKTNOSUPPORT, socket_type_not_supported),
    UNISOCK_ROW(WSAEOPNOTSUPP, operation_not_supported),
    UNISOCK_ROW(WSAENETDOWN, network_down),
    UNISOCK_ROW(WSASYSNOTREADY, network_down),
    UNISOCK_ROW(WSAENETUNREACH, network_unreachable),
    UNISOCK_ROW(WSAEHOSTUNREACH, host_unreachable),
    UNISOCK_ROW(WSAENOTSOCK, bad_descriptor),
    UNISOCK_ROW(WSAEINVAL, invalid_argument),
    UNISOCK_ROW(WSAEMSGSIZE, message_size),
    UNISOCK_ROW(WSAENOBUFS, no_buffer_space),
    UNISOCK_ROW(WSAEMFILE, too_many_open_files),
    UNISOCK_ROW(WSAEACCES, permission_denied),
    UNISOCK_ROW(WSANOTINITIALISED, not_initialized),
    UNISOCK_ROW(WSAHOST_NOT_FOUND, host_not_found),
    UNISOCK_ROW(WSANO_DATA, host_not_found),
    UNISOCK_ROW(WSATRY_AGAIN, try_again),
    UNISOCK_ROW(WSATYPE_NOT_FOUND, service_not_found),
    UNISOCK_ROW(WSANO_RECOVERY, resolver_failure),
};

// getaddrinfo's codes, which ws2tcpip.h defines as the WSA codes above.
const row resolver_table[] = {
    UNISOCK_ROW(EAI_NONAME, host_not_found),
    UNISOCK_ROW(EAI_NODATA, host_not_found),
    UNISOCK_ROW(EAI_AGAIN, try_again),
    UNISOCK_ROW(EAI_SERVICE, service_not_found),
    UNISOCK_ROW(EAI_FAIL, resolver_failure),
    UNISOCK_ROW(EAI_FAMILY, address_family_not_supported),
    UNISOCK_ROW(EAI_SOCKTYPE, socket_type_not_supported),
};

#undef UNISOCK_ROW

// Far outside every WSA range.
constexpr int unknown_code = 987654;

TEST(windows_error_table, system_errors_translate) {
    for (const row& r : system_table)
        EXPECT_EQ(platform::translate_system_error(r.native), r.portable) << r.name << " = " << r.native;
}

TEST(windows_error_table, system_errors_compare_equal_through_the_category) {
    for (const row& r : system_table) {
        const std::error_code ec(r.native, platform::system_category());
        EXPECT_EQ(ec, r.portable) << r.name;
        EXPECT_EQ(unisock::portable_error(ec), r.portable) << r.name;
        EXPECT_FALSE(ec.message().empty()) << r.name;
    }
}

TEST(windows_error_table, resolver_errors_translate) {
    for (const row& r : resolver_table)
        EXPECT_EQ(platform::translate_resolver_error(r.native), r.portable) << r.name << " = " << r.native;
}

TEST(windows_error_table, resolver_errors_compare_equal_through_the_category) {
    for (const row& r : resolver_table) {
        const std::error_code ec(r.native, platform::resolver_category());
        EXPECT_EQ(ec, r.portable) << r.name;
        EXPECT_EQ(unisock::portable_error(ec), r.portable) << r.name;
    }
}

TEST(windows_error_table, category_names) {
    EXPECT_STREQ(platform::system_category().name(), "winsock");
    // The EAI codes are WSA codes here, so they share one category.
    EXPECT_EQ(&platform::resolver_category(), &platform::system_category());
}

TEST(windows_error_table, unknown_codes_are_unknown) {
    EXPECT_EQ(platform::translate_system_error(unknown_code), errc::unknown);
    EXPECT_EQ(platform::translate_resolver_error(unknown_code), errc::unknown);
    const std::error_code ec(unknown_code, platform::system_category());
    EXPECT_EQ(unisock::portable_error(ec), errc::unknown);
    EXPECT_EQ(&ec.default_error_condition().category(), &platform::system_category());
    EXPECT_EQ(ec.default_error_condition().value(), unknown_code);
    EXPECT_NE(ec, errc::unknown);
}

TEST(windows_error_table, codes_do_not_match_other_conditions) {
    const std::error_code refused(WSAECONNREFUSED, platform::system_category());
    EXPECT_NE(refused, errc::connection_reset);
    EXPECT_NE(refused, errc::timed_out);
}

TEST(windows_error_table, last_error_reads_wsa_get_last_error) {
    ::WSASetLastError(WSAECONNRESET);
    const std::error_code ec = platform::last_error();
    EXPECT_EQ(ec.value(), WSAECONNRESET);
    EXPECT_EQ(&ec.category(), &platform::system_category());
    EXPECT_EQ(ec, errc::connection_reset);
}

TEST(windows_error_table, exceptions_carry_the_native_namespace) {
    const std::error_code ec(WSAECONNREFUSED, platform::system_category());
    try {
        unisock::detail::throw_error(ec, "connect", "127.0.0.1:9");
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.native_code(), WSAECONNREFUSED);
        EXPECT_EQ(e.native_namespace(), "winsock");
        EXPECT_EQ(e.portable(), errc::connection_refused);
        EXPECT_NE(std::string(e.what()).find("[winsock " + std::to_string(WSAECONNREFUSED) + "]"), std::string::npos)
            << e.what();
    }
}

TEST(windows_error_table, resolver_codes_raise_gai_error) {
    EXPECT_THROW(unisock::detail::throw_error(std::error_code(WSAHOST_NOT_FOUND, platform::resolver_category()),
                                              "getaddrinfo", "x"),
                 unisock::gai_error);
    EXPECT_THROW(unisock::detail::throw_error(std::error_code(WSAETIMEDOUT, platform::system_category()), "recv"),
                 unisock::timeout_error);
}

// ec == std::errc::x holds for a native code exactly when it holds for its portable
// condition (which core/tests/error_test.cpp checks against the standard's names).
TEST(windows_error_table, native_codes_equal_the_std_errc_of_their_condition) {
    const std::errc standard_names[] = {
        std::errc::operation_would_block, std::errc::operation_in_progress, std::errc::timed_out,
        std::errc::connection_refused, std::errc::connection_reset, std::errc::broken_pipe,
        std::errc::address_in_use, std::errc::bad_file_descriptor, std::errc::invalid_argument,
        std::errc::permission_denied, std::errc::operation_canceled, std::errc::io_error};
    for (const row& r : system_table) {
        const std::error_code ec(r.native, platform::system_category());
        const std::error_code portable = unisock::make_error_code(r.portable);
        for (const std::errc standard : standard_names)
            EXPECT_EQ(ec == standard, portable == standard) << r.name << " vs std::errc " << static_cast<int>(standard);
    }
}

} // namespace

namespace {

struct transfer_row {
    int native;
    unisock::platform::transfer_call call;
    bool datagram;
    errc portable;
};

// Winsock's send/recv codes where they differ from POSIX's: the contract allows only
// broken_pipe or connection_reset for a send to a closed peer.
const transfer_row transfer_table[] = {
    {WSAECONNABORTED, unisock::platform::transfer_call::send, false, errc::connection_reset},
    {WSAECONNABORTED, unisock::platform::transfer_call::send, true, errc::connection_reset},
    {WSAECONNRESET, unisock::platform::transfer_call::send, false, errc::connection_reset},
    {WSAECONNRESET, unisock::platform::transfer_call::receive, false, errc::connection_reset},
    {WSAECONNRESET, unisock::platform::transfer_call::receive, true, errc::connection_refused},
    {WSAECONNABORTED, unisock::platform::transfer_call::receive, false, errc::connection_aborted},
    {WSAESHUTDOWN, unisock::platform::transfer_call::send, false, errc::broken_pipe},
};

TEST(windows_error_table, transfer_errors_follow_the_contract) {
    for (const transfer_row& r : transfer_table) {
        const std::error_code ec = platform::transfer_error_of(r.native, r.call, r.datagram);
        EXPECT_EQ(ec, r.portable) << r.native << (r.call == unisock::platform::transfer_call::send ? " send" : " recv")
                                  << (r.datagram ? " datagram" : " stream") << ": " << ec.message();
    }
}

} // namespace
