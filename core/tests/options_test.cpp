// SPDX-License-Identifier: BSL-1.0
// Typed options, in socket2's style: set, get, compare, per option and family. An option
// the OS lacks must fail with operation_not_supported, never be ignored.

#include "unisock/options.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>

#include "loopback_connection.hpp"
#include "unisock/socket.hpp"
#include "unisock/system.hpp"

namespace {

using namespace std::chrono_literals;
using unisock::address;
using unisock::address_family;
using unisock::errc;
using unisock::reuse_policy;
using unisock::socket;
using unisock::socket_type;
namespace option = unisock::option;

socket tcp4() { return socket(address_family::ipv4, socket_type::stream); }

// Windows has no option between exclusive and rebind_after_close: SO_EXCLUSIVEADDRUSE
// stays on under both, so rebind_after_close reads back as exclusive there.
bool rebind_is_exclusive() { return unisock::platform_name() == "windows"; }
reuse_policy rebind_reads_back_as() {
    return rebind_is_exclusive() ? reuse_policy::exclusive : reuse_policy::rebind_after_close;
}

// Sets value, reads it back and returns what came back.
template <class Option>
auto round_trip(socket& s, decltype(Option::value) value) {
    s.set_option(Option{value});
    return s.get_option<Option>().value;
}

TEST(options, keep_alive_round_trip) {
    socket s = tcp4();
    EXPECT_FALSE(s.get_option<option::keep_alive>().value);
    EXPECT_TRUE(round_trip<option::keep_alive>(s, true));
    EXPECT_FALSE(round_trip<option::keep_alive>(s, false));
}

TEST(options, no_delay_round_trip) {
    for (const address_family f : {address_family::ipv4, address_family::ipv6}) {
        socket s(f, socket_type::stream);
        EXPECT_TRUE(round_trip<option::no_delay>(s, true)) << unisock::to_string(f);
        EXPECT_FALSE(round_trip<option::no_delay>(s, false)) << unisock::to_string(f);
    }
}

TEST(options, broadcast_round_trip_on_udp) {
    socket s(address_family::ipv4, socket_type::datagram);
    EXPECT_FALSE(s.get_option<option::broadcast>().value);
    EXPECT_TRUE(round_trip<option::broadcast>(s, true));
    EXPECT_FALSE(round_trip<option::broadcast>(s, false));
}

TEST(options, v6_only_defaults_to_true_and_round_trips) {
    for (const socket_type t : {socket_type::stream, socket_type::datagram}) {
        socket s(address_family::ipv6, t);
        EXPECT_TRUE(s.get_option<option::v6_only>().value) << unisock::to_string(t);
        EXPECT_FALSE(round_trip<option::v6_only>(s, false)) << unisock::to_string(t);
        EXPECT_TRUE(round_trip<option::v6_only>(s, true)) << unisock::to_string(t);
    }
}

TEST(options, v6_only_default_survives_adopt) {
    socket s(address_family::ipv6, socket_type::stream);
    s.set_option(option::v6_only{false});
    socket adopted = socket::adopt(s.release());
    // Adopting reads the OS state; it does not reset options.
    EXPECT_FALSE(adopted.get_option<option::v6_only>().value);
}

TEST(options, linger_round_trip) {
    socket s = tcp4();
    EXPECT_EQ(s.get_option<option::linger>().value, std::nullopt);
    EXPECT_EQ(round_trip<option::linger>(s, 5s), std::optional<std::chrono::seconds>(5s));
    EXPECT_EQ(round_trip<option::linger>(s, 0s), std::optional<std::chrono::seconds>(0s));
    EXPECT_EQ(round_trip<option::linger>(s, std::nullopt), std::nullopt);
}

TEST(options, negative_linger_is_invalid_argument) {
    socket s = tcp4();
    std::error_code ec;
    s.set_option(option::linger{-1s}, ec);
    EXPECT_EQ(ec, errc::invalid_argument);
}

TEST(options, receive_buffer_size_round_trip) {
    // unisock reports what was asked for (Linux doubles it internally for bookkeeping).
    for (const socket_type t : {socket_type::stream, socket_type::datagram}) {
        socket s(address_family::ipv4, t);
        EXPECT_EQ(round_trip<option::receive_buffer_size>(s, 65536), 65536) << unisock::to_string(t);
    }
}

TEST(options, send_buffer_size_round_trip) {
    for (const socket_type t : {socket_type::stream, socket_type::datagram}) {
        socket s(address_family::ipv4, t);
        EXPECT_EQ(round_trip<option::send_buffer_size>(s, 65536), 65536) << unisock::to_string(t);
    }
}

TEST(options, default_buffer_sizes_are_positive) {
    socket s = tcp4();
    EXPECT_GT(s.get_option<option::receive_buffer_size>().value, 0);
    EXPECT_GT(s.get_option<option::send_buffer_size>().value, 0);
}

TEST(options, non_positive_buffer_size_is_invalid_argument) {
    socket s = tcp4();
    std::error_code ec;
    s.set_option(option::receive_buffer_size{0}, ec);
    EXPECT_EQ(ec, errc::invalid_argument);
    s.set_option(option::send_buffer_size{-1}, ec);
    EXPECT_EQ(ec, errc::invalid_argument);
}

TEST(options, reuse_defaults_to_exclusive) {
    for (const socket_type t : {socket_type::stream, socket_type::datagram}) {
        socket s(address_family::ipv4, t);
        EXPECT_EQ(s.get_option<option::reuse>().value, reuse_policy::exclusive) << unisock::to_string(t);
    }
}

TEST(options, reuse_rebind_after_close_round_trip) {
    socket s = tcp4();
    EXPECT_EQ(round_trip<option::reuse>(s, reuse_policy::rebind_after_close), rebind_reads_back_as());
    EXPECT_EQ(round_trip<option::reuse>(s, reuse_policy::exclusive), reuse_policy::exclusive);
}

TEST(options, reuse_load_balanced_only_where_supported) {
    socket s = tcp4();
    std::error_code ec;
    s.set_option(option::reuse{reuse_policy::load_balanced}, ec);
    if (unisock::capabilities().load_balanced_reuse) {
        EXPECT_FALSE(ec) << ec.message();
        EXPECT_EQ(s.get_option<option::reuse>().value, reuse_policy::load_balanced);
    } else {
        EXPECT_EQ(ec, errc::operation_not_supported) << ec.message();
    }
}

TEST(options, load_balanced_listeners_share_a_port) {
    if (!unisock::capabilities().load_balanced_reuse) GTEST_SKIP() << "no load-balanced reuse on " << unisock::platform_name();
    socket first = tcp4();
    first.set_option(option::reuse{reuse_policy::load_balanced});
    first.bind(address::v4_loopback(0));
    first.listen();
    socket second = tcp4();
    second.set_option(option::reuse{reuse_policy::load_balanced});
    std::error_code ec;
    second.bind(first.local_address(), ec);
    EXPECT_FALSE(ec) << ec.message();
    second.listen(unisock::default_backlog, ec);
    EXPECT_FALSE(ec) << ec.message();
}

TEST(options, rebind_after_close_never_shares_a_live_listener) {
    socket first = tcp4();
    first.set_option(option::reuse{reuse_policy::rebind_after_close});
    first.bind(address::v4_loopback(0));
    first.listen();
    socket second = tcp4();
    second.set_option(option::reuse{reuse_policy::rebind_after_close});
    std::error_code ec;
    second.bind(first.local_address(), ec);
    EXPECT_EQ(ec, errc::address_in_use) << ec.message();
}

socket udp4() { return socket(address_family::ipv4, socket_type::datagram); }

// Linux's SO_REUSEADDR lets a second live UDP socket take the port (and every datagram
// sent to it); rebind_after_close must not.
TEST(options, rebind_after_close_never_shares_a_live_datagram_port) {
    socket first = udp4();
    first.set_option(option::reuse{reuse_policy::rebind_after_close});
    first.bind(address::v4_loopback(0));
    socket second = udp4();
    second.set_option(option::reuse{reuse_policy::rebind_after_close});
    std::error_code ec;
    second.bind(first.local_address(), ec);
    EXPECT_EQ(ec, errc::address_in_use) << ec.message();
}

TEST(options, rebind_after_close_rebinds_a_closed_datagram_port_at_once) {
    address port;
    {
        socket first = udp4();
        first.set_option(option::reuse{reuse_policy::rebind_after_close});
        first.bind(address::v4_loopback(0));
        port = first.local_address();
    }
    socket again = udp4();
    again.set_option(option::reuse{reuse_policy::rebind_after_close});
    std::error_code ec;
    again.bind(port, ec);
    EXPECT_FALSE(ec) << ec.message();
}

TEST(options, rebind_after_close_reads_back_as_exclusive_on_a_datagram_socket) {
    socket s = udp4();
    EXPECT_EQ(round_trip<option::reuse>(s, reuse_policy::rebind_after_close), reuse_policy::exclusive);
}

TEST(options, rebind_after_close_restarts_over_time_wait) {
    address port;
    {
        socket listener = tcp4();
        listener.set_option(option::reuse{reuse_policy::rebind_after_close});
        listener.bind(address::v4_loopback(0));
        listener.listen();
        port = listener.local_address();
        socket client = tcp4();
        client.set_timeout(10s);
        client.connect(port);
        socket served = listener.accept().connection;
        served.set_timeout(10s);
        // The server closes first, so its side of the connection sits in TIME_WAIT.
        served.close();
        EXPECT_EQ(client.recv(16), "");
    }
    socket restarted = tcp4();
    restarted.set_option(option::reuse{reuse_policy::rebind_after_close});
    std::error_code ec;
    restarted.bind(port, ec);
    if (rebind_is_exclusive()) {
        // Microsoft documents that an exclusive bind may fail while the old connection
        // terminates (options.hpp): either outcome, but only these two.
        EXPECT_TRUE(!ec || ec == errc::address_in_use) << ec.message();
        return;
    }
    EXPECT_FALSE(ec) << ec.message();
}

// A close with a linger time is graceful and waits for the data: on Windows a
// non-blocking lingering closesocket fails with WSAEWOULDBLOCK, and macOS does not linger
// on a non-blocking close; unisock's sockets are non-blocking underneath, so close()
// switches to blocking first. The peer, which has not read yet, then gets every byte and
// the end of stream (the outcome is asserted, not the time).
TEST(options, lingering_close_succeeds_and_delivers_everything) {
    unisock::test::tcp_connection c = unisock::test::connect_loopback(10s);
    c.client.set_option(option::linger{2s});
    const std::string data(64 * 1024, 'x');
    c.client.sendall(data);
    std::error_code ec;
    c.client.close(ec);
    EXPECT_FALSE(ec) << ec.message();
    std::string received;
    for (std::string part = c.server.recv(data.size()); !part.empty(); part = c.server.recv(data.size()))
        received += part;
    EXPECT_EQ(received.size(), data.size());
}

TEST(options, keep_alive_timing_round_trip) {
    socket s = tcp4();
    s.set_option(option::keep_alive{true});
    const unisock::keep_alive_timing wanted{30s, 5s, 3};
    std::error_code ec;
    s.set_option(option::keep_alive_timing{wanted}, ec);
    if (unisock::platform_name() == "linux") {
        ASSERT_FALSE(ec) << ec.message();
    } else if (ec) {
        EXPECT_EQ(ec, errc::operation_not_supported) << ec.message();
        return;
    }
    const auto got = s.get_option<option::keep_alive_timing>(ec);
    if (unisock::platform_name() != "linux" && ec == errc::operation_not_supported) return;
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(got.value, wanted);
}

TEST(options, keep_alive_timing_rejects_non_positive_fields) {
    socket s = tcp4();
    std::error_code ec;
    s.set_option(option::keep_alive_timing{{0s, std::nullopt, std::nullopt}}, ec);
    EXPECT_EQ(ec, errc::invalid_argument);
    s.set_option(option::keep_alive_timing{{std::nullopt, -1s, std::nullopt}}, ec);
    EXPECT_EQ(ec, errc::invalid_argument);
    s.set_option(option::keep_alive_timing{{std::nullopt, std::nullopt, 0}}, ec);
    EXPECT_EQ(ec, errc::invalid_argument);
}

TEST(options, options_of_a_closed_socket_are_bad_descriptor) {
    socket s;
    std::error_code ec;
    s.get_option<option::keep_alive>(ec);
    EXPECT_EQ(ec, errc::bad_descriptor);
    s.set_option(option::linger{1s}, ec);
    EXPECT_EQ(ec, errc::bad_descriptor);
    try {
        s.set_option(option::no_delay{true});
        FAIL() << "set an option on a closed socket";
    } catch (const unisock::socket_error& e) {
        EXPECT_EQ(e.portable(), errc::bad_descriptor);
        EXPECT_NE(std::string(e.what()).find("no_delay"), std::string::npos) << e.what();
    }
}

TEST(options, options_hold_on_accepted_sockets) {
    socket listener = tcp4();
    listener.bind(address::v4_loopback(0));
    listener.listen();
    listener.set_timeout(10s);
    socket client = tcp4();
    client.set_timeout(10s);
    client.connect(listener.local_address());
    socket served = listener.accept().connection;
    EXPECT_TRUE(round_trip<option::no_delay>(served, true));
    EXPECT_TRUE(round_trip<option::keep_alive>(served, true));
    EXPECT_EQ(round_trip<option::linger>(served, 2s), std::optional<std::chrono::seconds>(2s));
}

// ---- every option reaches its own native option, and only that one ----------------------
// The dispatch is by the option, not by its value's type: were it by value type, a second
// option holding std::optional<std::chrono::seconds> would silently set SO_LINGER. Each
// row below sets one option to a value that is not its default and checks that every
// other option on the list reads as before. A new option gets a row here.

// The option's value, or nullopt where this OS cannot read it back.
template <class Option>
std::optional<decltype(Option::value)> read_option(const socket& s) {
    std::error_code ec;
    const Option got = s.get_option<Option>(ec);
    if (ec) return std::nullopt;
    return got.value;
}

template <class... Options>
struct option_list {
    using values = std::tuple<std::optional<decltype(Options::value)>...>;

    static values read_all(const socket& s) { return values{read_option<Options>(s)...}; }

    template <class Changed>
    static void expect_only_itself_changes(socket_type t, const Changed& changed) {
        socket s(address_family::ipv6, t);
        // Windows' SIO_KEEPALIVE_VALS fallback for keep-alive timing always switches
        // keep-alive on: start from "on" so that side effect is no change.
        if (t == socket_type::stream) s.set_option(option::keep_alive{true});
        const values before = read_all(s);
        std::error_code ec;
        s.set_option(changed, ec);
        if (ec == errc::operation_not_supported) {
            std::printf("[ note ] %s: not supported on %s, row skipped\n", unisock::to_string(Changed::name).c_str(),
                        std::string(unisock::platform_name()).c_str());
            return;
        }
        ASSERT_FALSE(ec) << unisock::to_string(Changed::name) << ": " << ec.message();
        const values after = read_all(s);
        compare<Changed>(before, after, std::index_sequence_for<Options...>{});
    }

    template <class Changed, std::size_t... I>
    static void compare(const values& before, const values& after, std::index_sequence<I...>) {
        (compare_one<Changed, Options>(std::get<I>(before), std::get<I>(after)), ...);
    }

    template <class Changed, class Other, class Value>
    static void compare_one(const std::optional<Value>& before, const std::optional<Value>& after) {
        const std::string row = unisock::to_string(Changed::name) + " -> " + unisock::to_string(Other::name);
        if constexpr (std::is_same_v<Changed, Other>) {
            if (before && after) {
                EXPECT_FALSE(*before == *after) << row << ": the option itself did not change";
            }
        } else {
            EXPECT_TRUE(before == after) << row << ": setting one option changed another";
        }
    }
};

using stream_options = option_list<option::reuse, option::keep_alive, option::keep_alive_timing, option::no_delay,
                                   option::linger, option::receive_buffer_size, option::send_buffer_size,
                                   option::v6_only>;
using datagram_options = option_list<option::reuse, option::receive_buffer_size, option::send_buffer_size,
                                     option::broadcast, option::v6_only>;

TEST(options, each_stream_option_sets_only_itself) {
    const socket_type t = socket_type::stream;
    if (!rebind_is_exclusive()) stream_options::expect_only_itself_changes(t, option::reuse{reuse_policy::rebind_after_close});
    stream_options::expect_only_itself_changes(t, option::keep_alive{false});
    stream_options::expect_only_itself_changes(t, option::keep_alive_timing{{77s, 11s, 4}});
    stream_options::expect_only_itself_changes(t, option::no_delay{true});
    stream_options::expect_only_itself_changes(t, option::linger{7s});
    stream_options::expect_only_itself_changes(t, option::receive_buffer_size{50000});
    stream_options::expect_only_itself_changes(t, option::send_buffer_size{60000});
    stream_options::expect_only_itself_changes(t, option::v6_only{false});
}

TEST(options, each_datagram_option_sets_only_itself) {
    const socket_type t = socket_type::datagram;
    // rebind_after_close changes nothing on a datagram socket; load_balanced does where it exists.
    if (unisock::capabilities().load_balanced_reuse)
        datagram_options::expect_only_itself_changes(t, option::reuse{reuse_policy::load_balanced});
    datagram_options::expect_only_itself_changes(t, option::receive_buffer_size{50000});
    datagram_options::expect_only_itself_changes(t, option::send_buffer_size{60000});
    datagram_options::expect_only_itself_changes(t, option::broadcast{true});
    datagram_options::expect_only_itself_changes(t, option::v6_only{false});
}

} // namespace
