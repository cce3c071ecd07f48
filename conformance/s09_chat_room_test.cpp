// SPDX-License-Identifier: BSL-1.0
// S09 chat room (seed 000, exercise 4).
//
// Every line a member sends reaches every other member exactly once as
// "[HOST:PORT] text"; joins and leaves are announced as "* HOST:PORT joined" / "left";
// a member that stops reading never stalls the others. The room runs on the library's
// async engine, broadcasting through a session_group (support/servers.hpp).
#include "native/handles.hpp"
#include "support/conformance.hpp"
#include "support/servers.hpp"

#include <algorithm>
#include <latch>
#include <map>
#include <vector>

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::socket_type;

constexpr int member_count = 50;

// A chat room on the async engine (two threads, as on the CI machine's two cores).
struct chat_server {
    chat_server() : server(room.handler(), options()) {}
    static unisock::tcp_server_options options() {
        unisock::tcp_server_options o;
        o.engine = unisock::engine::async;
        o.threads = 2;
        o.idle_timeout = std::nullopt;
        // 3 MB of lines in flight to a listener must not count as a dead member.
        o.output_limit = std::size_t{8} << 20;
        return o;
    }

    conformance::chat_room room;
    running_server server;
};

struct member {
    unisock::socket sock{address_family::ipv4, socket_type::stream};
    std::unique_ptr<unisock::stream> lines;
    std::string name; // HOST:PORT as the room sees it

    explicit member(const unisock::address& server) {
        sock.set_timeout(patience);
        sock.connect(server);
        lines = std::make_unique<unisock::stream>(sock);
        name = sock.local_address().to_string();
    }
    std::string next_line() { return lines->readline(); }
    void say(const std::string& text) { sock.sendall(text + "\n"); }
};

class S09_ChatRoom : public scenario {};

// Under Wine, a room started after the first one in the same process hangs in the
// destruction of its io_context (Asio's IOCP shutdown waits for an operation Wine never
// completes); each test passes there when run alone, and the windows-latest job runs
// them all on real Windows.
#define SKIP_A_SECOND_ROOM_UNDER_WINE()                                                          \
    do {                                                                                         \
        if (native::running_under_wine())                                                        \
            CONFORMANCE_SKIP("Wine: a second async room in one process can hang in Asio's IOCP " \
                             "shutdown (each passes alone; real Windows runs them all)");        \
    } while (false)

TEST_F(S09_ChatRoom, EveryMessageReachesEveryOtherMemberExactlyOnce) {
    chat_server chat;
    std::vector<std::unique_ptr<member>> members;
    // The first two are in the room once one heard the other; from then on members join
    // one at a time (the first one hears each join before the next connects), so the
    // room's order is the order of members.
    members.push_back(std::make_unique<member>(chat.server.address()));
    members.push_back(std::make_unique<member>(chat.server.address()));
    wait_until_both_joined(*members[0], *members[1]);
    for (int i = 2; i < member_count; ++i) {
        members.push_back(std::make_unique<member>(chat.server.address()));
        ASSERT_EQ(members[0]->next_line(), "* " + members[i]->name + " joined\n");
    }

    std::vector<std::string> failures(member_count);
    std::latch all_joined(member_count);
    std::vector<std::thread> threads;
    for (int i = 0; i < member_count; ++i) {
        threads.emplace_back([&, i] {
            member& self = *members[i];
            std::map<std::string, int> heard; // line -> how often
            bool counted = false;
            try {
                // Everyone who joined after us is announced to us (the first member has
                // read those lines already).
                if (i > 0)
                    for (int j = std::max(i + 1, 2); j < member_count; ++j) ++heard[self.next_line()];
                all_joined.count_down();
                counted = true;
                all_joined.wait();
                self.say("hello from " + std::to_string(i) + " \xE4\xBD\xA0\xE5\xA5\xBD");
                for (int j = 0; j < member_count - 1; ++j) ++heard[self.next_line()];
            } catch (const std::exception& e) {
                failures[i] = e.what();
                if (!counted) all_joined.count_down();
                return;
            }
            std::map<std::string, int> expected;
            if (i > 0)
                for (int j = std::max(i + 1, 2); j < member_count; ++j)
                    expected["* " + members[j]->name + " joined\n"] = 1;
            for (int j = 0; j < member_count; ++j)
                if (j != i)
                    expected["[" + members[j]->name + "] hello from " + std::to_string(j) + " \xE4\xBD\xA0\xE5\xA5\xBD\n"] = 1;
            if (heard != expected) failures[i] = "heard " + std::to_string(heard.size()) + " distinct lines, not the expected " +
                                                 std::to_string(expected.size()) + " once each";
        });
    }
    for (std::thread& t : threads) t.join();
    for (int i = 0; i < member_count; ++i) EXPECT_EQ(failures[i], "") << "member " << i;
}

TEST_F(S09_ChatRoom, JoinsAndLeavesAreAnnounced) {
    SKIP_A_SECOND_ROOM_UNDER_WINE();
    chat_server chat;
    member alice(chat.server.address());
    member bob(chat.server.address());
    wait_until_both_joined(alice, bob);
    const std::string carol_name = [&] {
        member carol(chat.server.address());
        EXPECT_EQ(alice.next_line(), "* " + carol.name + " joined\n");
        EXPECT_EQ(bob.next_line(), "* " + carol.name + " joined\n");
        carol.say("bye");
        return carol.name;
    }(); // carol closes her connection here
    EXPECT_EQ(alice.next_line(), "[" + carol_name + "] bye\n");
    EXPECT_EQ(alice.next_line(), "* " + carol_name + " left\n");
    EXPECT_EQ(bob.next_line(), "[" + carol_name + "] bye\n");
    EXPECT_EQ(bob.next_line(), "* " + carol_name + " left\n");
}

TEST_F(S09_ChatRoom, AMemberThatNeverReadsDoesNotStallTheOthers) {
    SKIP_A_SECOND_ROOM_UNDER_WINE();
    chat_server chat;
    // The sleeper reads nothing, with a small receive buffer so that it fills quickly.
    unisock::socket sleeper(address_family::ipv4, socket_type::stream);
    sleeper.set_option(unisock::option::receive_buffer_size{4096});
    sleeper.set_timeout(patience);
    sleeper.connect(chat.server.address());
    member listener(chat.server.address());
    member talker(chat.server.address());
    wait_until_both_joined(listener, talker);

    // 3 MB, more than the sleeper's buffers hold, in fewer lines than a member's queue
    // limit: a listener that is merely busy is never taken for a dead one.
    constexpr int line_count = 1000;
    const std::string text = pattern(3000);
    std::thread talking([&] {
        for (int k = 0; k < line_count; ++k) talker.say(std::to_string(k) + " " + text);
    });
    int received = 0;
    try {
        // The sleeper's own join and leave notices may come in between: skipped.
        while (received < line_count) {
            const std::string line = listener.next_line();
            if (line.rfind("* ", 0) == 0) continue;
            ASSERT_EQ(line, "[" + talker.name + "] " + std::to_string(received) + " " + text + "\n");
            ++received;
        }
    } catch (const std::exception& e) {
        ADD_FAILURE() << "listener stalled after " << received << " lines: " << e.what();
    }
    talking.join();
    EXPECT_EQ(received, line_count);
}

} // namespace
