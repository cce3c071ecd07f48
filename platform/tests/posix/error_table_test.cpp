// SPDX-License-Identifier: BSL-1.0
// The POSIX translation table, tested as a table: each errno and EAI_* value, the
// portable condition it must map to, and the same mapping seen through the categories
// (std::error_code(native, category) == unisock::errc), which is what users compare.

#include "platform/platform.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <netdb.h>

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
    UNISOCK_ROW(EAGAIN, would_block),
    UNISOCK_ROW(EWOULDBLOCK, would_block),
    UNISOCK_ROW(EINPROGRESS, in_progress),
    UNISOCK_ROW(EALREADY, already_in_progress),
    UNISOCK_ROW(ETIMEDOUT, timed_out),
    UNISOCK_ROW(EINTR, interrupted),
    UNISOCK_ROW(ECONNREFUSED, connection_refused),
    UNISOCK_ROW(ECONNRESET, connection_reset),
    UNISOCK_ROW(ECONNABORTED, connection_aborted),
    UNISOCK_ROW(EPIPE, broken_pipe),
    UNISOCK_ROW(ENOTCONN, not_connected),
    UNISOCK_ROW(EISCONN, already_connected),
    UNISOCK_ROW(EADDRINUSE, address_in_use),
    UNISOCK_ROW(EADDRNOTAVAIL, address_not_available),
    UNISOCK_ROW(EAFNOSUPPORT, address_family_not_supported),
    UNISOCK_ROW(EPROTONOSUPPORT, protocol_not_supported),
    UNISOCK_ROW(EPROTOTYPE, protocol_not_supported),
    UNISOCK_ROW(ESOCKTNOSUPPORT, socket_type_not_supported),
    UNISOCK_ROW(EOPNOTSUPP, operation_not_supported),
    UNISOCK_ROW(ENETDOWN, network_down),
    UNISOCK_ROW(ENETUNREACH, network_unreachable),
    UNISOCK_ROW(EHOSTUNREACH, host_unreachable),
    UNISOCK_ROW(EBADF, bad_descriptor),
    UNISOCK_ROW(ENOTSOCK, bad_descriptor),
    UNISOCK_ROW(EINVAL, invalid_argument),
    UNISOCK_ROW(EMSGSIZE, message_size),
    UNISOCK_ROW(ENOBUFS, no_buffer_space),
    UNISOCK_ROW(ENOMEM, no_buffer_space),
    UNISOCK_ROW(EMFILE, too_many_open_files),
    UNISOCK_ROW(ENFILE, too_many_open_files),
    UNISOCK_ROW(EACCES, permission_denied),
    UNISOCK_ROW(EPERM, permission_denied),
    UNISOCK_ROW(ENAMETOOLONG, name_too_long),
};

const row resolver_table[] = {
    UNISOCK_ROW(EAI_NONAME, host_not_found),
#ifdef EAI_NODATA
    UNISOCK_ROW(EAI_NODATA, host_not_found),
#endif
#ifdef EAI_ADDRFAMILY
    UNISOCK_ROW(EAI_ADDRFAMILY, host_not_found),
#endif
    UNISOCK_ROW(EAI_AGAIN, try_again),
    UNISOCK_ROW(EAI_SERVICE, service_not_found),
    UNISOCK_ROW(EAI_FAIL, resolver_failure),
    UNISOCK_ROW(EAI_FAMILY, address_family_not_supported),
    UNISOCK_ROW(EAI_SOCKTYPE, socket_type_not_supported),
};

#undef UNISOCK_ROW

// Far outside every errno and EAI_* range.
constexpr int unknown_code = 987654;

TEST(posix_error_table, system_errors_translate) {
    for (const row& r : system_table)
        EXPECT_EQ(platform::translate_system_error(r.native), r.portable) << r.name << " = " << r.native;
}

TEST(posix_error_table, system_errors_compare_equal_through_the_category) {
    for (const row& r : system_table) {
        const std::error_code ec(r.native, platform::system_category());
        EXPECT_EQ(ec, r.portable) << r.name;
        EXPECT_EQ(unisock::portable_error(ec), r.portable) << r.name;
        EXPECT_FALSE(ec.message().empty()) << r.name;
    }
}

TEST(posix_error_table, resolver_errors_translate) {
    for (const row& r : resolver_table)
        EXPECT_EQ(platform::translate_resolver_error(r.native), r.portable) << r.name << " = " << r.native;
}

TEST(posix_error_table, resolver_errors_compare_equal_through_the_category) {
    for (const row& r : resolver_table) {
        const std::error_code ec(r.native, platform::resolver_category());
        EXPECT_EQ(ec, r.portable) << r.name;
        EXPECT_EQ(unisock::portable_error(ec), r.portable) << r.name;
        EXPECT_FALSE(ec.message().empty()) << r.name;
    }
}

TEST(posix_error_table, resolver_messages_are_gai_strerror) {
    const std::error_code ec(EAI_NONAME, platform::resolver_category());
    EXPECT_EQ(ec.message(), gai_strerror(EAI_NONAME));
}

TEST(posix_error_table, category_names) {
    EXPECT_STREQ(platform::system_category().name(), "errno");
    EXPECT_STREQ(platform::resolver_category().name(), "getaddrinfo");
    EXPECT_NE(&platform::system_category(), &platform::resolver_category());
}

TEST(posix_error_table, unknown_codes_are_unknown) {
    EXPECT_EQ(platform::translate_system_error(unknown_code), errc::unknown);
    EXPECT_EQ(platform::translate_resolver_error(unknown_code), errc::unknown);
    const std::error_code ec(unknown_code, platform::system_category());
    EXPECT_EQ(unisock::portable_error(ec), errc::unknown);
    // An unknown code keeps its own category as its condition, so it equals no errc.
    EXPECT_EQ(&ec.default_error_condition().category(), &platform::system_category());
    EXPECT_EQ(ec.default_error_condition().value(), unknown_code);
    EXPECT_NE(ec, errc::unknown);
    EXPECT_NE(ec, errc::invalid_argument);
}

TEST(posix_error_table, codes_do_not_match_other_conditions) {
    const std::error_code refused(ECONNREFUSED, platform::system_category());
    EXPECT_NE(refused, errc::connection_reset);
    EXPECT_NE(refused, errc::timed_out);
    const std::error_code no_name(EAI_NONAME, platform::resolver_category());
    EXPECT_NE(no_name, errc::try_again);
}

TEST(posix_error_table, last_error_reads_errno) {
    errno = ECONNRESET;
    const std::error_code ec = platform::last_error();
    EXPECT_EQ(ec.value(), ECONNRESET);
    EXPECT_EQ(&ec.category(), &platform::system_category());
    EXPECT_EQ(ec, errc::connection_reset);
}

TEST(posix_error_table, exceptions_carry_the_native_namespace) {
    const std::error_code ec(ECONNREFUSED, platform::system_category());
    try {
        unisock::detail::throw_error(ec, "connect", "127.0.0.1:9");
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.native_code(), ECONNREFUSED);
        EXPECT_EQ(e.native_namespace(), "errno");
        EXPECT_EQ(e.portable(), errc::connection_refused);
        EXPECT_NE(std::string(e.what()).find("[errno " + std::to_string(ECONNREFUSED) + "]"), std::string::npos)
            << e.what();
    }
}

TEST(posix_error_table, resolver_codes_raise_gai_error) {
    EXPECT_THROW(unisock::detail::throw_error(std::error_code(EAI_NONAME, platform::resolver_category()),
                                              "getaddrinfo", "x"),
                 unisock::gai_error);
    EXPECT_THROW(unisock::detail::throw_error(std::error_code(ETIMEDOUT, platform::system_category()), "recv"),
                 unisock::timeout_error);
}

// ec == std::errc::x holds for a native code exactly when it holds for its portable
// condition (which core/tests/error_test.cpp checks against the standard's names).
TEST(posix_error_table, native_codes_equal_the_std_errc_of_their_condition) {
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
