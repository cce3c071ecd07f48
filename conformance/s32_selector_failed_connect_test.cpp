// SPDX-License-Identifier: BSL-1.0
// S32 a failed connect seen through the selector (seed 004: non-blocking connect, then
// wait for the outcome).
//
// A non-blocking client registers its connecting socket for writable and learns the
// outcome from the selector. The OSes report a refused connect differently: epoll gives
// every flag (EPOLLIN|EPOLLOUT|EPOLLERR|EPOLLHUP|EPOLLRDHUP), kqueue EV_EOF with the
// error, Windows' select() the except
// set only (not the write set), and WSAPoll nothing at all before Windows 10 build 19041,
// while asking WSAPoll for POLLERR fails with WSAEINVAL. unisock reports error and
// writable everywhere; pending_error() then says connection_refused.
#include "native/selector_probe.hpp"
#include "support/loopback.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::selector;
using unisock::socket_type;
using unisock::wait_for;

class S32_SelectorFailedConnect : public scenario {};

TEST_F(S32_SelectorFailedConnect, ARefusedConnectIsReportedAsErrorAndWritable) {
    record_native(conformance::native::raw_failed_connect());
    // Bound but not listening: the port stays closed for the whole test.
    unisock::socket closed_port(address_family::ipv4, socket_type::stream);
    closed_port.bind(unisock::address::v4_loopback(0));

    for (const wait_for interest : {wait_for::writable, wait_for::either}) {
        unisock::socket client(address_family::ipv4, socket_type::stream);
        client.set_blocking(false);
        const std::error_code started = client.connect_ex(closed_port.local_address());
        if (started != unisock::errc::in_progress) {
            EXPECT_EQ(started, unisock::errc::connection_refused) << started.message();
            record_note("the connect was refused at once; nothing to wait for");
            continue;
        }
        selector sel;
        sel.add(client, interest);
        // Windows retries a refused loopback connect for about 2 s before reporting it.
        const auto events = sel.select(patience);
        ASSERT_EQ(events.size(), 1u) << "the failed connect woke the selector";
        EXPECT_EQ(events[0].sock, &client);
        EXPECT_TRUE(events[0].error) << "a failed connect is an error on every OS";
        EXPECT_TRUE(events[0].writable) << "and writable: the connect has finished";
        if (interest == wait_for::either) {
            EXPECT_TRUE(events[0].readable) << "a recv would not block: it returns the error";
            EXPECT_TRUE(events[0].hang_up) << "the stream will carry nothing";
        } else {
            EXPECT_FALSE(events[0].readable) << "not registered for it";
            EXPECT_FALSE(events[0].hang_up) << "reported only with readable";
        }
        const std::error_code outcome = client.pending_error();
        EXPECT_EQ(outcome, unisock::errc::connection_refused) << outcome.message();
        sel.remove(client);
    }
}

TEST_F(S32_SelectorFailedConnect, ASuccessfulConnectIsWritableWithoutError) {
    unisock::socket listener(address_family::ipv4, socket_type::stream);
    listener.bind(unisock::address::v4_loopback(0));
    listener.listen(5);
    unisock::socket client(address_family::ipv4, socket_type::stream);
    client.set_blocking(false);
    const std::error_code started = client.connect_ex(listener.local_address());
    ASSERT_TRUE(!started || started == unisock::errc::in_progress) << started.message();
    selector sel;
    sel.add(client, wait_for::writable);
    const auto events = sel.select(patience);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_TRUE(events[0].writable);
    EXPECT_FALSE(events[0].error);
    EXPECT_FALSE(client.pending_error());
    sel.remove(client);
}

} // namespace
