// SPDX-License-Identifier: BSL-1.0
// S44 abuse: members that never read (seed 000, exercise 4: the chat room, under attack).
//
// A chat room queues every line for every member. Twenty members that join and never
// read are the room's worst enemy: a server that waits for them stalls the room, and one
// that queues for them without bound grows until it dies. Here four talkers say a
// thousand-byte line after line while twenty members sit on a 4 KiB receive buffer and
// never read. The talkers must hear every line of the others, in order; each non-reader
// must be dropped once its unread output passes the server's output_limit (its "left"
// notice reaches the talkers, and its connection ends); and the example chat_server, a
// child process, must stay within a memory bound made of its output limit (1 MiB a
// member) times the members, measured by a native probe of its resident memory (its peak
// since it started). Under a sanitizer the talkers say less (noted in the report) and the
// memory bound is not measured (a sanitizer's own memory use swamps the server's). Under
// Wine the scenario is skipped: Wine's sockets take far more than the output bound from a
// server before a non-reader's connection stops taking data.
#include "support/conformance.hpp"
#include "support/example_server.hpp"
#include "support/servers.hpp"

#include <atomic>
#include <memory>
#include <vector>

#include "native/handles.hpp"

namespace {

using namespace conformance;
using clock = std::chrono::steady_clock;

class S44_MembersThatNeverRead : public scenario {};

constexpr std::size_t talkers = 4;
constexpr std::size_t non_readers = 20;
constexpr std::size_t line_size = 1000;
// A talker says line i only once it has heard the others' lines up to i - window: what is
// in flight to a talker stays far below any output limit here, however the threads run.
constexpr std::size_t window = 25;

// Enough to take every non-reader far past a 1 MiB output limit (and the kernel's
// buffers): 10 MB said in the room, 4 MB under a sanitizer.
std::size_t lines_per_talker() { return sanitizer_build ? 1000 : 2500; }

std::string line_of(std::size_t talker, std::size_t n) {
    std::string line = std::to_string(talker) + " " + std::to_string(n) + " ";
    line.resize(line_size - 1, 'p');
    return line + "\n";
}

struct room_outcome {
    std::size_t lines_heard = 0; // by all talkers, each line of another talker once, in order
    std::size_t fewest_leave_notices = non_readers;
    std::size_t non_readers_disconnected = 0;
};

// Talkers and non-readers in one room, each seen joining by the first talker before the
// next connects (so everyone is in the room before anyone talks).
class crowded_room {
public:
    explicit crowded_room(std::uint16_t port) {
        talkers_.reserve(talkers);
        non_readers_.reserve(non_readers);
        for (std::size_t i = 0; i < talkers; ++i) join(talkers_, port, true);
        for (std::size_t i = 0; i < non_readers; ++i) join(non_readers_, port, false);
    }

    room_outcome talk(std::size_t lines) {
        room_outcome outcome;
        std::atomic<std::size_t> heard_total{0};
        std::atomic<std::size_t> fewest_leaves{non_readers};
        std::vector<std::atomic<std::size_t>> heard(talkers);
        {
            std::vector<std::unique_ptr<peer_thread>> threads;
            for (std::size_t t = 0; t < talkers; ++t) {
                threads.push_back(std::make_unique<peer_thread>([&, t] {
                    const std::size_t leaves = listen(t, lines, heard[t]);
                    heard_total += heard[t];
                    std::size_t now = fewest_leaves;
                    while (leaves < now && !fewest_leaves.compare_exchange_weak(now, leaves)) {
                    }
                }));
                threads.push_back(std::make_unique<peer_thread>([&, t] { say(t, lines, heard[t]); }));
            }
        }
        outcome.lines_heard = heard_total;
        outcome.fewest_leave_notices = fewest_leaves;
        for (member& sleeper : non_readers_)
            if (ends_after_what_it_holds(sleeper.sock)) ++outcome.non_readers_disconnected;
        return outcome;
    }

private:
    struct member {
        unisock::socket sock{unisock::address_family::ipv4, unisock::socket_type::stream};
        std::unique_ptr<unisock::stream> lines;
        std::string name; // HOST:PORT as the room sees it
    };

    void join(std::vector<member>& into, std::uint16_t port, bool reads) {
        member& m = into.emplace_back();
        // A small receive buffer: the kernel holds little of what the room sends a
        // non-reader, the server's output queue the rest.
        if (!reads) m.sock.set_option(unisock::option::receive_buffer_size{4096});
        m.sock.set_timeout(patience);
        m.sock.connect(unisock::address::v4_loopback(port));
        m.lines = std::make_unique<unisock::stream>(m.sock);
        m.name = m.sock.local_address().to_string();
        if (&m == &talkers_[0]) return;
        if (&m == &talkers_[1]) return wait_until_both_joined(talkers_[0], talkers_[1]);
        const std::string notice = talkers_[0].lines->readline();
        ASSERT_EQ(notice, "* " + m.name + " joined\n");
    }

    // Talker t's lines, paced by what it has heard (window).
    void say(std::size_t t, std::size_t lines, const std::atomic<std::size_t>& heard) {
        for (std::size_t n = 0; n < lines; ++n) {
            const auto until = clock::now() + patience;
            while (heard + window * (talkers - 1) < n * (talkers - 1)) {
                if (clock::now() > until) {
                    ADD_FAILURE() << "talker " << t << " heard nothing for " << patience.count() << " s";
                    return;
                }
                std::this_thread::sleep_for(1ms);
            }
            std::error_code ec;
            talkers_[t].sock.sendall(line_of(t, n), ec);
            if (ec) {
                ADD_FAILURE() << "talker " << t << ": sendall of line " << n << ": " << ec.message();
                return;
            }
        }
    }

    // Talker t hears every other talker's lines in order and the non-readers' "left"
    // notices; returns how many of those it heard.
    std::size_t listen(std::size_t t, std::size_t lines, std::atomic<std::size_t>& heard) {
        std::vector<std::size_t> next(talkers, 0);
        std::size_t leaves = 0;
        while (heard < lines * (talkers - 1) || leaves < non_readers) {
            std::error_code ec;
            const std::string line = talkers_[t].lines->readline(unisock::stream::default_line_limit, ec);
            if (ec || line.empty()) {
                ADD_FAILURE() << "talker " << t << " after " << heard << " lines and " << leaves << " leaves: "
                              << (ec ? ec.message() : "the room closed the connection");
                break;
            }
            if (line.starts_with("* ")) {
                leaves += line.ends_with(" left\n") ? 1 : 0; // joins of those after t are skipped
                continue;
            }
            const auto text = line.find("] ");
            std::size_t from = talkers;
            std::size_t n = 0;
            if (text != std::string::npos) {
                const std::string said = line.substr(text + 2);
                for (std::size_t u = 0; u < talkers; ++u)
                    if (u != t && said == line_of(u, next[u])) from = u;
                n = from < talkers ? next[from] : 0;
            }
            if (from == talkers || line.substr(0, text) != "[" + talkers_[from].name) {
                ADD_FAILURE() << "talker " << t << " heard a line out of order or garbled: " << line.substr(0, 40);
                break;
            }
            next[from] = n + 1;
            ++heard;
        }
        return leaves;
    }

    // A dropped non-reader finds what the kernel holds for it, then the end of the
    // stream (or a reset); one still in the room waits out the timeout instead.
    static bool ends_after_what_it_holds(unisock::socket& sleeper) {
        std::error_code ec;
        while (!sleeper.recv(65536, ec).empty() && !ec) {
        }
        return !ec || ec == unisock::errc::connection_reset;
    }

    std::vector<member> talkers_;
    std::vector<member> non_readers_;
};

// Measured under Wine 8 with 10 MB said: of 20 non-readers, 13 were dropped at a 256 KiB
// bound and 3 at 1 MiB; the rest never reached it.
const std::string wine_takes_the_output =
    "Wine: a server's sends to a client that does not read go on completing long after its 4 KiB receive buffer "
    "is full (more than 10 MB each here), so the server's output bound is seldom reached; real Windows runs it in "
    "the windows-latest job";

void check(const room_outcome& outcome, std::size_t lines) {
    EXPECT_EQ(outcome.lines_heard, lines * talkers * (talkers - 1)) << "a talker missed lines";
    EXPECT_EQ(outcome.fewest_leave_notices, non_readers) << "a talker did not hear every non-reader leave";
    EXPECT_EQ(outcome.non_readers_disconnected, non_readers) << "non-readers still connected";
}

std::string load_note(std::size_t lines) {
    return std::to_string(talkers) + " talkers x " + std::to_string(lines) + " lines of " + std::to_string(line_size) +
           " bytes, " + std::to_string(non_readers) + " members that never read" +
           (lines < 2500 ? " (2/5 of the lines: sanitizer build)" : "");
}

TEST_F(S44_MembersThatNeverRead, LibraryRoomDropsThemAtTheOutputBoundAndTalkersHearEverything) {
    if (native::running_under_wine()) CONFORMANCE_SKIP(wine_takes_the_output);
    constexpr std::size_t output_limit = 256 * 1024;
    std::atomic<std::size_t> dropped_for_unread_output{0};
    chat_room room;
    unisock::tcp_server_options options;
    options.engine = unisock::engine::async;
    options.threads = 2;
    options.idle_timeout = std::nullopt; // a member may listen for hours: only the output bound drops it
    options.output_limit = output_limit;
    options.log = [&](std::string_view line) {
        if (line.find("output unread") != std::string_view::npos) ++dropped_for_unread_output;
    };
    running_server server(room.handler(), options);
    const std::size_t lines = lines_per_talker();
    room_outcome outcome;
    {
        crowded_room crowd(server.address().port());
        outcome = crowd.talk(lines);
    }
    record_note("async engine, output_limit 256 KiB: " + load_note(lines) + "; " +
                std::to_string(dropped_for_unread_output) + " dropped for unread output");
    check(outcome, lines);
    EXPECT_EQ(dropped_for_unread_output, non_readers);
    EXPECT_FALSE(server.stop());
}

TEST_F(S44_MembersThatNeverRead, ChatServerExampleDropsThemAndTalkersHearEverything) {
    if (native::running_under_wine()) CONFORMANCE_SKIP(wine_takes_the_output);
    example_server server("chat_server");
    const std::size_t lines = lines_per_talker();
    room_outcome outcome;
    {
        crowded_room crowd(server.port_number());
        outcome = crowd.talk(lines);
    }
    record_note("chat_server (output limit 1 MiB): " + load_note(lines));
    check(outcome, lines);
    EXPECT_TRUE(server.stop().has_value()) << "chat_server did not stop";
}

TEST_F(S44_MembersThatNeverRead, ChatServerExampleMemoryStaysWithinItsOutputBound) {
    if (native::running_under_wine()) CONFORMANCE_SKIP(wine_takes_the_output);
    if (sanitizer_build)
        CONFORMANCE_SKIP("sanitizer build: the server's resident memory is mostly the sanitizer's (shadow memory, "
                         "ASan's quarantine of freed blocks), so it says nothing of what the server holds");
    example_server server("chat_server");
    constexpr std::size_t mib = 1024 * 1024;
    constexpr std::size_t lines = 2500; // 10 MB said: a server that kept it for every member would hold 200 MB
    room_outcome outcome;
    std::optional<native::child_process::memory> before;
    std::optional<native::child_process::memory> after;
    {
        crowded_room crowd(server.port_number());
        before = server.memory_use();
        if (!before) CONFORMANCE_SKIP("this OS does not show another process's resident memory");
        outcome = crowd.talk(lines);
        after = server.memory_use();
    }
    ASSERT_TRUE(after.has_value());
    // Each member's queue (what is being sent and what waits) holds at most the output
    // limit; strings may have twice their size reserved: 3 MiB a member, and 16 MiB for
    // the allocator's own slack.
    const std::size_t bound = (talkers + non_readers) * 3 * mib + 16 * mib;
    const std::size_t growth =
        after->peak_resident_bytes - std::min(after->peak_resident_bytes, before->resident_bytes);
    record_native("chat_server's resident memory: " + std::to_string(before->resident_bytes / 1024) +
                  " KiB with everyone in the room, peak " + std::to_string(after->peak_resident_bytes / 1024) +
                  " KiB during " + load_note(lines) + " (growth " + std::to_string(growth / 1024) + " KiB, bound " +
                  std::to_string(bound / 1024) + " KiB)");
    EXPECT_LE(growth, bound) << "the server's memory grew with what its members did not read";
    EXPECT_EQ(outcome.non_readers_disconnected, non_readers) << "the bound holds only once they are dropped";
    EXPECT_TRUE(server.stop().has_value()) << "chat_server did not stop";
}

} // namespace
