// SPDX-License-Identifier: BSL-1.0
// The error model: portable codes, their category, and the exception hierarchy that
// mirrors Python's (socket_error is OSError, gai_error is gaierror, timeout_error is
// socket.timeout).

#include "unisock/error.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

#include "unisock/socket.hpp"

namespace {

using unisock::errc;

constexpr errc first_errc = errc::would_block;
constexpr errc last_errc = errc::unknown;

std::string message_of_throw(const std::error_code& ec, std::string_view operation,
                             std::string_view context) {
    try {
        unisock::detail::throw_error(ec, operation, context);
    } catch (const unisock::socket_error& e) {
        return e.what();
    }
    return {};
}

static_assert(std::is_base_of_v<std::system_error, unisock::socket_error>);
static_assert(std::is_base_of_v<unisock::socket_error, unisock::gai_error>);
static_assert(std::is_base_of_v<unisock::socket_error, unisock::herror>);
static_assert(std::is_base_of_v<unisock::socket_error, unisock::timeout_error>);
static_assert(std::is_error_condition_enum_v<errc>);

TEST(error, portable_category_is_named_unisock) {
    EXPECT_STREQ(unisock::portable_category().name(), "unisock");
    EXPECT_EQ(&unisock::portable_category(), &unisock::portable_category());
}

TEST(error, make_error_code_uses_the_portable_category) {
    const std::error_code ec = unisock::make_error_code(errc::timed_out);
    EXPECT_TRUE(ec);
    EXPECT_EQ(&ec.category(), &unisock::portable_category());
    EXPECT_EQ(ec.value(), static_cast<int>(errc::timed_out));
    EXPECT_EQ(ec, errc::timed_out);
    EXPECT_NE(ec, errc::would_block);
    EXPECT_EQ(unisock::portable_error(ec), errc::timed_out);
}

TEST(error, make_error_condition_uses_the_portable_category) {
    const std::error_condition cond = unisock::make_error_condition(errc::connection_refused);
    EXPECT_EQ(&cond.category(), &unisock::portable_category());
    EXPECT_EQ(cond.value(), static_cast<int>(errc::connection_refused));
    EXPECT_EQ(cond, errc::connection_refused);
}

TEST(error, every_code_has_a_message) {
    std::set<std::string> messages;
    for (int v = static_cast<int>(first_errc); v <= static_cast<int>(last_errc); ++v) {
        const std::string text = unisock::make_error_code(static_cast<errc>(v)).message();
        EXPECT_FALSE(text.empty()) << "errc value " << v;
        messages.insert(text);
    }
    // Each condition reads differently, so a message tells which one happened.
    EXPECT_EQ(messages.size(), static_cast<std::size_t>(static_cast<int>(last_errc) - static_cast<int>(first_errc) + 1));
}

TEST(error, every_code_maps_back_to_itself) {
    for (int v = static_cast<int>(first_errc); v <= static_cast<int>(last_errc); ++v) {
        const auto e = static_cast<errc>(v);
        EXPECT_EQ(unisock::portable_error(unisock::make_error_code(e)), e) << v;
    }
}

TEST(error, foreign_codes_have_no_portable_meaning) {
    // A code from a category unisock does not know (here std's generic one) is unknown.
    EXPECT_EQ(unisock::portable_error(std::make_error_code(std::errc::io_error)), errc::unknown);
    EXPECT_NE(std::make_error_code(std::errc::io_error), errc::unknown);
}

TEST(error, no_error_is_not_a_condition) {
    const std::error_code ok;
    EXPECT_FALSE(ok);
    EXPECT_NE(ok, errc::would_block);
    EXPECT_NE(ok, errc::unknown);
}

TEST(error, socket_error_carries_code_and_message) {
    const std::error_code ec = unisock::make_error_code(errc::address_in_use);
    const unisock::socket_error e(ec, "bind 127.0.0.1:80: address already in use");
    EXPECT_STREQ(e.what(), "bind 127.0.0.1:80: address already in use");
    EXPECT_EQ(e.code(), ec);
    EXPECT_EQ(e.portable(), errc::address_in_use);
    EXPECT_EQ(e.native_code(), static_cast<int>(errc::address_in_use));
    EXPECT_EQ(e.native_namespace(), "unisock");
}

TEST(error, socket_error_copies_keep_the_message) {
    const unisock::socket_error original(unisock::make_error_code(errc::broken_pipe), "send: broken");
    const unisock::socket_error copy = original; // NOLINT(performance-unnecessary-copy-initialization)
    EXPECT_STREQ(copy.what(), "send: broken");
    EXPECT_EQ(copy.code(), original.code());
}

TEST(error, socket_error_is_caught_as_system_error) {
    try {
        throw unisock::socket_error(unisock::make_error_code(errc::not_connected), "recv");
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), errc::not_connected);
    }
}

TEST(error, throw_error_raises_timeout_error_for_timed_out) {
    EXPECT_THROW(unisock::detail::throw_error(unisock::make_error_code(errc::timed_out), "recv"),
                 unisock::timeout_error);
    try {
        unisock::detail::throw_error(unisock::make_error_code(errc::timed_out), "recv");
    } catch (const unisock::socket_error& e) { // Python: socket.timeout is an OSError
        EXPECT_EQ(e.portable(), errc::timed_out);
    }
}

TEST(error, throw_error_raises_gai_error_for_resolver_codes) {
    for (const errc e : {errc::host_not_found, errc::try_again, errc::service_not_found,
                         errc::resolver_failure}) {
        EXPECT_THROW(unisock::detail::throw_error(unisock::make_error_code(e), "getaddrinfo", "x"),
                     unisock::gai_error)
            << unisock::make_error_code(e).message();
    }
}

TEST(error, throw_error_raises_plain_socket_error_otherwise) {
    try {
        unisock::detail::throw_error(unisock::make_error_code(errc::connection_refused), "connect");
        FAIL() << "no exception";
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(dynamic_cast<const unisock::timeout_error*>(&e), nullptr);
        EXPECT_EQ(dynamic_cast<const unisock::gai_error*>(&e), nullptr);
        EXPECT_EQ(dynamic_cast<const unisock::herror*>(&e), nullptr);
        EXPECT_EQ(e.portable(), errc::connection_refused);
    }
}

TEST(error, throw_error_message_names_operation_and_context) {
    const std::error_code ec = unisock::make_error_code(errc::connection_refused);
    const std::string what = message_of_throw(ec, "connect", "127.0.0.1:9");
    // "<operation> <context>: <reason> [<namespace> <native code>]"
    EXPECT_EQ(what.rfind("connect 127.0.0.1:9: ", 0), 0u) << what;
    EXPECT_NE(what.find(ec.message()), std::string::npos) << what;
    // A code unisock made itself names its condition, not an ordinal.
    EXPECT_NE(what.find("[unisock connection_refused]"), std::string::npos) << what;
}

TEST(error, throw_error_message_without_context) {
    const std::string what = message_of_throw(unisock::make_error_code(errc::would_block), "recv", {});
    EXPECT_EQ(what.rfind("recv: ", 0), 0u) << what;
}

TEST(error, throw_if_does_nothing_on_success) {
    EXPECT_NO_THROW(unisock::detail::throw_if(std::error_code{}, "recv"));
    EXPECT_THROW(unisock::detail::throw_if(unisock::make_error_code(errc::bad_descriptor), "recv"),
                 unisock::socket_error);
}

// ---- std::errc: the standard's names hold as well as unisock's ---------------------------

// Every portable condition the standard has a name for, with that name.
const std::pair<errc, std::errc> std_counterparts[] = {
    {errc::would_block, std::errc::operation_would_block},
    {errc::would_block, std::errc::resource_unavailable_try_again},
    {errc::in_progress, std::errc::operation_in_progress},
    {errc::already_in_progress, std::errc::connection_already_in_progress},
    {errc::timed_out, std::errc::timed_out},
    {errc::operation_canceled, std::errc::operation_canceled},
    {errc::interrupted, std::errc::interrupted},
    {errc::connection_refused, std::errc::connection_refused},
    {errc::connection_reset, std::errc::connection_reset},
    {errc::connection_aborted, std::errc::connection_aborted},
    {errc::broken_pipe, std::errc::broken_pipe},
    {errc::not_connected, std::errc::not_connected},
    {errc::already_connected, std::errc::already_connected},
    {errc::address_in_use, std::errc::address_in_use},
    {errc::address_not_available, std::errc::address_not_available},
    {errc::address_family_not_supported, std::errc::address_family_not_supported},
    {errc::protocol_not_supported, std::errc::protocol_not_supported},
    {errc::operation_not_supported, std::errc::operation_not_supported},
    {errc::network_down, std::errc::network_down},
    {errc::network_unreachable, std::errc::network_unreachable},
    {errc::host_unreachable, std::errc::host_unreachable},
    {errc::bad_descriptor, std::errc::bad_file_descriptor},
    {errc::invalid_argument, std::errc::invalid_argument},
    {errc::message_size, std::errc::message_size},
    {errc::no_buffer_space, std::errc::no_buffer_space},
    {errc::too_many_open_files, std::errc::too_many_files_open},
    {errc::permission_denied, std::errc::permission_denied},
    {errc::name_too_long, std::errc::filename_too_long},
};

TEST(error, portable_codes_equal_their_std_errc_counterparts) {
    for (const auto& [portable, standard] : std_counterparts) {
        const std::error_code ec = unisock::make_error_code(portable);
        EXPECT_EQ(ec, standard) << ec.message();
        EXPECT_NE(ec, std::errc::io_error) << ec.message();
        // And the other way round: a std::errc code is the portable condition.
        EXPECT_EQ(std::make_error_code(standard), portable) << ec.message();
    }
    EXPECT_NE(unisock::make_error_code(errc::timed_out), std::errc::connection_refused);
    EXPECT_NE(unisock::make_error_code(errc::host_not_found), std::errc::io_error);
}

// The issue's own case: a native code from a real refused connect (ECONNREFUSED,
// WSAECONNREFUSED) equals std::errc::connection_refused on every OS.
TEST(error, a_refused_connect_equals_std_errc_connection_refused) {
    using unisock::address_family;
    using unisock::socket_type;
    unisock::socket probe(address_family::ipv4, socket_type::stream);
    probe.bind(unisock::address::v4_loopback(0));
    const unisock::address closed_port = probe.local_address();
    probe.close(); // nothing listens there now
    unisock::socket client(address_family::ipv4, socket_type::stream);
    client.set_timeout(std::chrono::seconds(10));
    std::error_code ec;
    client.connect(closed_port, ec);
    ASSERT_EQ(ec, errc::connection_refused) << ec.message() << " [" << ec.category().name() << "]";
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.category().name() << " " << ec.value();
    EXPECT_EQ(ec, std::make_error_condition(std::errc::connection_refused));
    EXPECT_NE(ec, std::errc::timed_out);
}

// ---- what messages and portable_error() say about the library's own codes -------------

TEST(error, every_portable_code_prints_its_name) {
    for (int v = static_cast<int>(first_errc); v <= static_cast<int>(last_errc); ++v) {
        const std::string what = message_of_throw(unisock::make_error_code(static_cast<errc>(v)), "op", {});
        EXPECT_EQ(what.find("[unisock " + std::to_string(v) + "]"), std::string::npos) << what;
        EXPECT_EQ(what.back(), ']') << what;
        // "[unisock name]": a name of letters and underscores only.
        const std::string name = what.substr(what.rfind(' ') + 1, what.size() - what.rfind(' ') - 2);
        EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string::npos) << what;
    }
}

TEST(error, a_timeout_names_timed_out) {
    using unisock::address_family;
    using unisock::socket_type;
    unisock::socket quiet(address_family::ipv4, socket_type::datagram);
    quiet.bind(unisock::address::v4_loopback(0));
    quiet.set_timeout(std::chrono::milliseconds(1)); // nothing is ever sent to it
    try {
        quiet.recv(16);
        FAIL() << "a datagram arrived on a socket nobody sends to";
    } catch (const unisock::timeout_error& e) {
        EXPECT_NE(std::string(e.what()).find("[unisock timed_out]"), std::string::npos) << e.what();
    }
}

// A non-blocking connect keeps the native code where there was one (EINPROGRESS,
// WSAEWOULDBLOCK), and it still compares equal to in_progress (and not to would_block).
TEST(error, a_non_blocking_connect_keeps_its_native_code) {
    using unisock::address_family;
    using unisock::socket_type;
    unisock::socket listener(address_family::ipv4, socket_type::stream);
    listener.bind(unisock::address::v4_loopback(0));
    listener.listen();
    unisock::socket client(address_family::ipv4, socket_type::stream);
    client.set_timeout(std::chrono::seconds(0));
    std::error_code ec;
    client.connect(listener.local_address(), ec);
    if (!ec) GTEST_SKIP() << "the loopback connect completed at once: no in-progress code to look at";
    EXPECT_EQ(ec, errc::in_progress) << ec.message();
    EXPECT_NE(ec, errc::would_block) << ec.message();
    EXPECT_EQ(ec, std::errc::operation_in_progress) << ec.message();
    EXPECT_NE(&ec.category(), &unisock::portable_category()) << ec.message();
    EXPECT_EQ(unisock::portable_error(ec), errc::in_progress);
}

TEST(error, success_is_an_enumerator) {
    EXPECT_EQ(unisock::portable_error(std::error_code{}), errc::success);
    EXPECT_EQ(static_cast<int>(errc::success), 0);
    EXPECT_EQ(std::error_code{}, errc::success);
    EXPECT_FALSE(unisock::make_error_code(errc::success));
    EXPECT_NE(unisock::make_error_code(errc::timed_out), errc::success);
    EXPECT_NE(std::make_error_code(std::errc::io_error), errc::success);
}

} // namespace
