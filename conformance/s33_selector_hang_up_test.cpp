// SPDX-License-Identifier: BSL-1.0
// S33 peer hang-up and reset seen through the selector (seeds 001, 002: "an empty recv
// means the client has gone"; 000 ex.4: a dead chat client must not stall the room).
//
// A one-thread server must tell a client that left from one that has more to say. epoll
// says EPOLLRDHUP (and EPOLLERR|EPOLLHUP for a reset), kqueue EV_EOF (with the error in
// fflags for a reset), and Windows' select() only "readable": the peer's end shows only
// when recv is called. unisock reports readable + hang_up for a close, and readable +
// hang_up + error for a reset, on every OS (Windows: through a one-byte MSG_PEEK).
#include <thread>

#include "native/handles.hpp"
#include "native/selector_probe.hpp"
#include "support/loopback.hpp"

namespace {

using namespace conformance;
using unisock::selector;
using unisock::wait_for;

class S33_SelectorHangUp : public scenario {};

TEST_F(S33_SelectorHangUp, APeerCloseIsReadableAndHangUp) {
    record_native(conformance::native::raw_peer_closed());
    tcp_pair pair = connect_tcp_pair();
    selector sel;
    sel.add(pair.server, wait_for::readable);
    EXPECT_TRUE(sel.select(0s).empty()) << "the client has not gone yet";
    pair.client.close();
    const auto events = sel.select(patience);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_TRUE(events[0].readable);
    EXPECT_TRUE(events[0].hang_up);
    EXPECT_FALSE(events[0].error) << "an orderly close is no error";
    EXPECT_EQ(pair.server.recv(16), "") << "and recv says so: the end of the stream";
    sel.remove(pair.server);
}

TEST_F(S33_SelectorHangUp, DataBeforeTheCloseIsReadFirst) {
    tcp_pair pair = connect_tcp_pair();
    selector sel;
    sel.add(pair.server, wait_for::readable);
    pair.client.sendall("last words");
    pair.client.close();
    std::string received;
    bool hung_up = false;
    for (int round = 0; round < 10 && !hung_up; ++round) {
        const auto events = sel.select(patience);
        ASSERT_EQ(events.size(), 1u);
        ASSERT_TRUE(events[0].readable);
        hung_up = events[0].hang_up && received == "last words";
        if (!hung_up) received += pair.server.recv(64);
    }
    EXPECT_EQ(received, "last words") << "nothing lost before the hang-up";
    EXPECT_TRUE(hung_up) << "the hang-up is reported once the data is read, at the latest";
    sel.remove(pair.server);
}

TEST_F(S33_SelectorHangUp, APeerResetIsReadableHangUpAndError) {
    record_native(conformance::native::raw_peer_reset());
    tcp_pair pair = connect_tcp_pair();
    selector sel;
    sel.add(pair.server, wait_for::readable);
    pair.client.abort();
    std::this_thread::sleep_for(50ms); // the reset crosses the loopback
    const auto events = sel.select(patience);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_TRUE(events[0].readable);
    EXPECT_TRUE(events[0].hang_up);
    if (!events[0].error && native::running_under_wine())
        CONFORMANCE_SKIP("Wine lacks the abortive close: closesocket after SO_LINGER {1, 0} ends the stream in order");
    EXPECT_TRUE(events[0].error) << "a reset is an error";
    std::error_code ec;
    (void)pair.server.recv(16, ec);
    EXPECT_EQ(ec, unisock::errc::connection_reset) << ec.message();
    sel.remove(pair.server);
}

} // namespace
