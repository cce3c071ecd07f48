// SPDX-License-Identifier: BSL-1.0
// S31 many sockets ready at once through the selector (seed 004's non-blocking lesson
// taken to its end: one thread watches every connection).
//
// A server with one thread and many clients waits on all of them at once. By hand that
// is select() on every OS, and select() is where they part: Linux and macOS refuse a
// descriptor numbered FD_SETSIZE (1024) or above, Windows' fd_set holds 64 sockets and
// FD_SET silently drops the rest. unisock::selector takes any number (epoll, kqueue, or
// on Windows select() over sets sized to the registrations) and reports every ready
// socket, each once per select().
#include <algorithm>
#include <set>
#include <vector>

#include "native/selector_probe.hpp"
#include "support/loopback.hpp"

namespace {

using namespace conformance;
using unisock::selector;
using unisock::selector_event;
using unisock::wait_for;

constexpr int connection_count = 200; // beyond Windows' FD_SETSIZE of 64

class S31_SelectorManyReady : public scenario {};

TEST_F(S31_SelectorManyReady, EveryReadySocketIsReportedOncePerSelect) {
    record_native(conformance::native::raw_many_ready(connection_count));
    std::vector<tcp_pair> pairs;
    pairs.reserve(connection_count);
    for (int i = 0; i < connection_count; ++i) pairs.push_back(connect_tcp_pair());

    selector sel;
    for (std::size_t i = 0; i < pairs.size(); ++i) sel.add(pairs[i].server, wait_for::readable, &pairs[i]);
    for (tcp_pair& pair : pairs) pair.client.sendall("x");

    // Loopback delivers at once, but a loaded machine may spread the arrivals over more
    // than one select(): collect until every socket was seen.
    std::set<const void*> seen;
    int selects = 0;
    const auto give_up = std::chrono::steady_clock::now() + patience;
    while (seen.size() < pairs.size() && std::chrono::steady_clock::now() < give_up) {
        const auto events = sel.select(patience);
        ++selects;
        std::set<const void*> this_round;
        for (const selector_event& e : events) {
            EXPECT_TRUE(e.readable);
            EXPECT_FALSE(e.error);
            EXPECT_TRUE(this_round.insert(e.data).second) << "a socket reported twice in one select()";
            auto* pair = static_cast<tcp_pair*>(e.data);
            EXPECT_EQ(e.sock, &pair->server);
            EXPECT_EQ(pair->server.recv(16), "x");
            seen.insert(e.data);
        }
    }
    EXPECT_EQ(seen.size(), pairs.size());
    record_note(std::to_string(pairs.size()) + " sockets ready, reported in " + std::to_string(selects) +
                " select() call(s)");
    EXPECT_TRUE(sel.select(0s).empty()) << "all drained";
    for (tcp_pair& pair : pairs) sel.remove(pair.server);
}

} // namespace
