// SPDX-License-Identifier: BSL-1.0
// S20 socket options (seed 004: setsockopt/getsockopt).
//
// Typed options in the style of socket2's tests: set, get, compare, per option and
// family. The same option reads back the same value on every OS (Linux's doubled
// buffer sizes included), and an option the OS lacks fails as operation_not_supported.
#include "support/conformance.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::socket_type;
namespace option = unisock::option;

class S20_Options : public scenario {};

template <class Option>
auto round_trip(unisock::socket& s, decltype(Option::value) value) {
    s.set_option(Option{value});
    return s.get_option<Option>().value;
}

TEST_F(S20_Options, BooleanOptionsRoundTripOnBothIpFamilies) {
    for (const address_family f : {address_family::ipv4, address_family::ipv6}) {
        unisock::socket tcp(f, socket_type::stream);
        for (const bool value : {true, false}) {
            EXPECT_EQ(round_trip<option::no_delay>(tcp, value), value) << unisock::to_string(f);
            EXPECT_EQ(round_trip<option::keep_alive>(tcp, value), value) << unisock::to_string(f);
        }
        unisock::socket udp(f, socket_type::datagram);
        EXPECT_TRUE(round_trip<option::broadcast>(udp, true)) << unisock::to_string(f);
        EXPECT_FALSE(round_trip<option::broadcast>(udp, false)) << unisock::to_string(f);
    }
}

TEST_F(S20_Options, BufferSizesReadBackAsSet) {
    for (const socket_type t : {socket_type::stream, socket_type::datagram}) {
        unisock::socket s(address_family::ipv4, t);
        EXPECT_EQ(round_trip<option::receive_buffer_size>(s, 65536), 65536) << unisock::to_string(t);
        EXPECT_EQ(round_trip<option::send_buffer_size>(s, 65536), 65536) << unisock::to_string(t);
    }
}

TEST_F(S20_Options, LingerOffOnAndAbortive) {
    unisock::socket s(address_family::ipv4, socket_type::stream);
    EXPECT_EQ(s.get_option<option::linger>().value, std::nullopt) << "off by default";
    EXPECT_EQ(round_trip<option::linger>(s, std::chrono::seconds(5)), std::chrono::seconds(5));
    EXPECT_EQ(round_trip<option::linger>(s, std::chrono::seconds(0)), std::chrono::seconds(0));
    EXPECT_EQ(round_trip<option::linger>(s, std::nullopt), std::nullopt);
}

TEST_F(S20_Options, V6OnlyIsOnByDefaultAndSettable) {
    unisock::socket s(address_family::ipv6, socket_type::stream);
    EXPECT_TRUE(s.get_option<option::v6_only>().value) << "the documented default on every OS";
    EXPECT_FALSE(round_trip<option::v6_only>(s, false));
    EXPECT_TRUE(round_trip<option::v6_only>(s, true));
}

TEST_F(S20_Options, ReusePoliciesRoundTrip) {
    unisock::socket s(address_family::ipv4, socket_type::stream);
    EXPECT_EQ(s.get_option<option::reuse>().value, unisock::reuse_policy::exclusive) << "the default everywhere";
    // Windows keeps SO_EXCLUSIVEADDRUSE under rebind_after_close: it reads back as exclusive.
    EXPECT_EQ(round_trip<option::reuse>(s, unisock::reuse_policy::rebind_after_close),
              unisock::platform_name() == "windows" ? unisock::reuse_policy::exclusive
                                                    : unisock::reuse_policy::rebind_after_close);
    EXPECT_EQ(round_trip<option::reuse>(s, unisock::reuse_policy::exclusive), unisock::reuse_policy::exclusive);
    std::error_code ec;
    s.set_option(option::reuse{unisock::reuse_policy::load_balanced}, ec);
    if (unisock::capabilities().load_balanced_reuse) {
        EXPECT_FALSE(ec) << ec.message();
        EXPECT_EQ(s.get_option<option::reuse>().value, unisock::reuse_policy::load_balanced);
    } else {
        EXPECT_EQ(ec, unisock::errc::operation_not_supported) << ec.message();
        record_note("load_balanced: operation_not_supported on " + std::string(unisock::platform_name()));
    }
}

TEST_F(S20_Options, KeepAliveTimingRoundTripsOrIsReportedUnsupported) {
    unisock::socket s(address_family::ipv4, socket_type::stream);
    s.set_option(option::keep_alive{true});
    const unisock::keep_alive_timing wanted{std::chrono::seconds(30), std::chrono::seconds(5), 3};
    std::error_code ec;
    s.set_option(option::keep_alive_timing{wanted}, ec);
    if (ec) {
        EXPECT_EQ(ec, unisock::errc::operation_not_supported) << ec.message();
        CONFORMANCE_SKIP("this OS cannot set the keep-alive probe count: " + ec.message());
    }
    option::keep_alive_timing read_back = s.get_option<option::keep_alive_timing>(ec);
    if (ec) {
        EXPECT_EQ(ec, unisock::errc::operation_not_supported) << ec.message();
        CONFORMANCE_SKIP("this OS cannot read the keep-alive timing back: " + ec.message());
    }
    EXPECT_EQ(read_back.value, wanted);
}

TEST_F(S20_Options, InvalidValuesAreRejectedBeforeTheOs) {
    unisock::socket s(address_family::ipv4, socket_type::stream);
    std::error_code ec;
    s.set_option(option::receive_buffer_size{-1}, ec);
    EXPECT_EQ(ec, unisock::errc::invalid_argument);
    s.set_option(option::linger{std::chrono::seconds(-1)}, ec);
    EXPECT_EQ(ec, unisock::errc::invalid_argument);
}

TEST_F(S20_Options, OptionsOnAClosedSocketAreBadDescriptor) {
    unisock::socket s(address_family::ipv4, socket_type::stream);
    s.close();
    std::error_code ec;
    s.set_option(option::no_delay{true}, ec);
    EXPECT_EQ(ec, unisock::errc::bad_descriptor);
    EXPECT_THROW(s.get_option<option::no_delay>(), unisock::socket_error);
}

} // namespace
