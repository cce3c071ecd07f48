// SPDX-License-Identifier: BSL-1.0
// The server layer: each engine serving many clients at once with every byte checked,
// a chat room of 500 members, the limits (line length, unread output, idle timeout) and
// stop() under load leaving no thread or descriptor behind.
#include "unisock/server.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "unisock/connection.hpp"
#include "unisock/stream.hpp"
#include "unisock/system.hpp"

namespace {

using namespace std::chrono_literals;
using unisock::engine;

constexpr auto patience = 20s;

unisock::task echo(unisock::session& client) {
    co_await client.sendall("welcome\n");
    for (std::string line; !(line = co_await client.readline()).empty();) co_await client.sendall("OK..." + line);
}

// A server on 127.0.0.1 port 0 whose serve_forever runs on a thread until stopped.
struct running_server {
    running_server(unisock::handler h, unisock::tcp_server_options options)
        : server(unisock::address::v4_loopback(0), std::move(h), with_quiet_log(std::move(options))),
          thread([this] { server.serve_forever(ec); }) {}
    ~running_server() { stop(); }
    void stop() {
        server.stop();
        if (thread.joinable()) thread.join();
    }
    static unisock::tcp_server_options with_quiet_log(unisock::tcp_server_options options) {
        if (!options.log) options.log = [](std::string_view) {};
        return options;
    }

    unisock::tcp_server server;
    std::error_code ec;
    std::thread thread;
};

// Open descriptors and threads of this process, where the OS shows them (/proc).
std::optional<std::size_t> count_entries(const char* dir) {
    std::error_code ec;
    std::size_t n = 0;
    for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
         it.increment(ec))
        ++n;
    if (ec) return std::nullopt;
    return n;
}

// clients connections at once, driven by a few threads (each owns a slice of them):
// every client gets the welcome line, then `rounds` times sends a line and checks the
// exact reply.
void run_echo_clients(const unisock::address& server, int clients, int rounds) {
    constexpr int driver_count = 4;
    std::atomic<int> good_replies{0};
    std::vector<std::string> failures(driver_count);
    std::vector<std::thread> drivers;
    for (int d = 0; d < driver_count; ++d) {
        drivers.emplace_back([&, d] {
            try {
                std::vector<unisock::socket> mine;
                std::vector<std::unique_ptr<unisock::stream>> lines;
                mine.reserve(static_cast<std::size_t>(clients)); // the streams refer to them
                for (int c = d; c < clients; c += driver_count) {
                    mine.push_back(unisock::create_connection("127.0.0.1", server.port(), patience));
                    lines.push_back(std::make_unique<unisock::stream>(mine.back()));
                }
                for (auto& l : lines)
                    if (l->readline() != "welcome\n") throw std::runtime_error("no welcome line");
                for (int r = 0; r < rounds; ++r) {
                    for (std::size_t i = 0; i < mine.size(); ++i)
                        mine[i].sendall("client " + std::to_string(i * driver_count + d) + " round " + std::to_string(r) + "\n");
                    for (std::size_t i = 0; i < mine.size(); ++i) {
                        const std::string expected =
                            "OK...client " + std::to_string(i * driver_count + d) + " round " + std::to_string(r) + "\n";
                        const std::string reply = lines[i]->readline();
                        if (reply != expected) throw std::runtime_error("expected " + expected + " got " + reply);
                        ++good_replies;
                    }
                }
            } catch (const std::exception& e) {
                failures[d] = e.what();
            }
        });
    }
    for (auto& t : drivers) t.join();
    for (const auto& f : failures) EXPECT_EQ(f, "");
    EXPECT_EQ(good_replies.load(), clients * rounds);
}

TEST(server, async_engine_serves_1000_concurrent_echo_clients) {
    running_server s(echo, {.engine = engine::async, .threads = 2});
    run_echo_clients(s.server.local_address(), 1000, 5);
    s.stop();
    EXPECT_FALSE(s.ec) << s.ec.message();
    EXPECT_EQ(s.server.active_sessions(), 0u);
}

TEST(server, threaded_engine_serves_200_concurrent_echo_clients) {
    running_server s(echo, {.engine = engine::threaded, .max_connections = 256});
    run_echo_clients(s.server.local_address(), 200, 5);
    s.stop();
    EXPECT_FALSE(s.ec) << s.ec.message();
}

TEST(server, threaded_engine_beyond_its_maximum_makes_clients_wait_in_the_backlog) {
    running_server s(echo, {.engine = engine::threaded, .max_connections = 2});
    // 8 clients at once, each on its own thread: 2 are served, the others' connects
    // complete in the backlog and are served as the first ones leave.
    std::atomic<int> served{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < 8; ++i) {
        clients.emplace_back([&, i] {
            try {
                unisock::socket sock = unisock::create_connection("127.0.0.1", s.server.local_address().port(), patience);
                unisock::stream lines(sock);
                bool ok = lines.readline() == "welcome\n";
                for (int r = 0; r < 3 && ok; ++r) {
                    const std::string message = "client " + std::to_string(i) + " round " + std::to_string(r) + "\n";
                    sock.sendall(message);
                    ok = lines.readline() == "OK..." + message;
                }
                if (ok) ++served;
            } catch (const std::exception& e) {
                ADD_FAILURE() << "client " << i << ": " << e.what();
            }
        });
    }
    for (auto& t : clients) t.join();
    EXPECT_EQ(served.load(), 8);
}

// A client that resets its connection while it waits in the backlog is its own
// business: the server serves the next one. What accept() says of such a connection
// differs: Linux returns it (the reset comes with the first recv or send), Windows
// documents WSAECONNRESET, Wine gives WSAENOTCONN.
TEST(server, a_connection_reset_in_the_backlog_does_not_end_serve_forever) {
    for (const engine kind : {engine::threaded, engine::async}) {
        SCOPED_TRACE(kind == engine::threaded ? "threaded" : "async");
        running_server s(echo, {.engine = kind, .max_connections = 1});
        const auto port = s.server.local_address().port();
        unisock::socket first = unisock::create_connection("127.0.0.1", port, patience);
        unisock::stream first_lines(first);
        EXPECT_EQ(first_lines.readline(), "welcome\n"); // its session holds the one place
        unisock::socket resetting = unisock::create_connection("127.0.0.1", port, patience);
        resetting.abort(); // a reset while the connection is in the backlog
        first.close();     // the session ends: the server accepts the reset connection
        unisock::socket next = unisock::create_connection("127.0.0.1", port, patience);
        unisock::stream next_lines(next);
        EXPECT_EQ(next_lines.readline(), "welcome\n");
        next.close();
        s.stop();
        EXPECT_FALSE(s.ec) << s.ec.message();
    }
}

TEST(server, sequential_engine_serves_one_client_after_another) {
    running_server s(echo, {.engine = engine::sequential});
    unisock::socket first = unisock::create_connection("127.0.0.1", s.server.local_address().port(), patience);
    unisock::stream first_lines(first);
    EXPECT_EQ(first_lines.readline(), "welcome\n");
    unisock::socket second = unisock::create_connection("127.0.0.1", s.server.local_address().port(), patience);
    second.set_timeout(300ms);
    std::error_code ec;
    (void)second.recv(16, ec);
    EXPECT_EQ(ec, unisock::errc::timed_out) << "served while the first client is still there";
    first.close();
    second.set_timeout(patience);
    unisock::stream second_lines(second);
    EXPECT_EQ(second_lines.readline(), "welcome\n");
}

TEST(server, threaded_engine_refuses_beyond_its_maximum_with_a_log_line) {
    std::mutex log_mutex;
    std::vector<std::string> log;
    running_server s(echo, {.engine = engine::threaded,
                            .max_connections = 1,
                            .when_full = unisock::over_limit::refuse,
                            .log = [&](std::string_view line) {
                                const std::lock_guard lock(log_mutex);
                                log.emplace_back(line);
                            }});
    unisock::socket first = unisock::create_connection("127.0.0.1", s.server.local_address().port(), patience);
    unisock::stream first_lines(first);
    EXPECT_EQ(first_lines.readline(), "welcome\n");
    // The refused client sees an immediate close or reset, whether that comes before its
    // connect has completed or after.
    std::error_code ec;
    unisock::socket second = unisock::create_connection("127.0.0.1", s.server.local_address().port(), patience, ec);
    std::string got;
    if (!ec) got = second.recv(16, ec);
    EXPECT_TRUE(got.empty()) << got;
    EXPECT_TRUE(!ec || ec == unisock::errc::connection_reset) << ec.message();
    s.stop();
    const std::lock_guard lock(log_mutex);
    ASSERT_FALSE(log.empty());
    EXPECT_NE(log.front().find("refused"), std::string::npos) << log.front();
}

// A room: every line goes to every other member as "[HOST:PORT] line".
unisock::session_group room;
unisock::task chat(unisock::session& member) {
    room.join(member);
    std::error_code ec;
    co_await member.sendall("in the room\n", ec);
    const std::string name = "[" + member.peer().to_string() + "] ";
    for (std::string line; !ec && !(line = co_await member.readline(ec)).empty();) room.broadcast(name + line, &member);
    room.leave(member);
}

TEST(server, chat_room_of_500_members_delivers_each_message_exactly_once_to_every_other) {
    constexpr int members = 500;
    running_server s(chat, {.engine = engine::async, .threads = 2});
    std::vector<unisock::socket> socks;
    std::vector<std::unique_ptr<unisock::stream>> lines;
    std::vector<std::string> names;
    socks.reserve(members); // the streams refer to them
    for (int i = 0; i < members; ++i) {
        socks.push_back(unisock::create_connection("127.0.0.1", s.server.local_address().port(), patience));
        lines.push_back(std::make_unique<unisock::stream>(socks.back()));
        names.push_back(socks.back().local_address().to_string());
    }
    for (auto& l : lines) ASSERT_EQ(l->readline(), "in the room\n");
    ASSERT_EQ(room.size(), static_cast<std::size_t>(members));

    // Everyone speaks once, then everyone reads what the others said (499 lines each,
    // about 20 KB: within the socket buffers and the output bound).
    for (int i = 0; i < members; ++i) socks[i].sendall("hello from " + std::to_string(i) + "\n");
    std::vector<std::string> failures(members);
    std::vector<std::thread> readers;
    for (int part = 0; part < 4; ++part) {
        readers.emplace_back([&, part] {
            for (int i = part; i < members; i += 4) {
                std::map<std::string, int> heard;
                try {
                    for (int k = 0; k < members - 1; ++k) ++heard[lines[i]->readline()];
                } catch (const std::exception& e) {
                    failures[i] = e.what();
                    continue;
                }
                for (int j = 0; j < members; ++j) {
                    if (j == i) continue;
                    const auto found = heard.find("[" + names[j] + "] hello from " + std::to_string(j) + "\n");
                    if (found == heard.end() || found->second != 1) {
                        failures[i] = "did not hear member " + std::to_string(j) + " exactly once";
                        break;
                    }
                }
            }
        });
    }
    for (auto& t : readers) t.join();
    for (int i = 0; i < members; ++i) EXPECT_EQ(failures[i], "") << "member " << i;
    socks.clear();
    s.stop();
    EXPECT_EQ(room.size(), 0u);
}

// Also when far more than the server reads at once is still unread: closing over unread
// input would reset the connection and could destroy the reply before it is read.
TEST(server, a_line_over_the_maximum_is_refused_and_the_server_keeps_serving) {
    for (engine e : {engine::threaded, engine::async}) {
        for (std::size_t length : {std::size_t{300}, std::size_t{512} * 1024}) {
            SCOPED_TRACE(testing::Message() << "engine " << static_cast<int>(e) << ", a line of " << length);
            running_server s(echo, {.engine = e, .max_line = 100});
            unisock::socket rude = unisock::create_connection("127.0.0.1", s.server.local_address().port(), patience);
            unisock::stream rude_lines(rude);
            EXPECT_EQ(rude_lines.readline(), "welcome\n");
            rude.sendall(std::string(length, 'x') + "\n");
            EXPECT_EQ(rude_lines.readline(), "error: line too long\n");
            EXPECT_EQ(rude_lines.readline(), "") << "disconnected";
            run_echo_clients(s.server.local_address(), 4, 2);
        }
    }
}

// A handler that goes on reading after its line was refused: its reads end with the
// session (operation_canceled or the end), while the client still gets the reply and the
// end of the stream. (The lingering close must not reuse the buffer such a read fills.)
unisock::task reads_on_after_a_refused_line(unisock::session& client) {
    std::error_code ec;
    (void)co_await client.readline(ec);
    if (ec != unisock::errc::message_size) co_return;
    for (int i = 0; i < 1000; ++i) {
        ec.clear();
        if ((co_await client.read(1000, ec)).empty() || ec) co_return;
    }
}

TEST(server, a_handler_that_reads_on_after_a_refused_line_does_not_stop_the_reply) {
    for (engine e : {engine::threaded, engine::async}) {
        SCOPED_TRACE(testing::Message() << "engine " << static_cast<int>(e));
        running_server s(reads_on_after_a_refused_line, {.engine = e, .max_line = 100});
        unisock::socket rude = unisock::create_connection("127.0.0.1", s.server.local_address().port(), patience);
        unisock::stream rude_lines(rude);
        rude.sendall(std::string(5000, 'x') + "\n");
        EXPECT_EQ(rude_lines.readline(), "error: line too long\n");
        std::error_code ec;
        rude.sendall(std::string(20000, 'y'), ec); // more input while the server lingers
        EXPECT_EQ(rude_lines.readline(), "") << "disconnected";
    }
}

// A client that never reads: the output queued for it stops at the bound and it is
// dropped (write() returns false from then on).
unisock::task flood(unisock::session& client) {
    const std::string chunk(16384, 'z');
    std::size_t queued = 0;
    while (client.write(chunk)) queued += chunk.size();
    EXPECT_LE(queued, std::size_t{256} * 1024);
    co_return;
}

TEST(server, a_client_that_never_reads_is_dropped_at_the_output_bound) {
    std::atomic<int> dropped{0};
    running_server s(flood, {.engine = engine::async,
                             .output_limit = 256 * 1024,
                             .log = [&](std::string_view line) {
                                 if (line.find("unread") != std::string_view::npos) ++dropped;
                             }});
    unisock::socket sleeper(unisock::address_family::ipv4, unisock::socket_type::stream);
    sleeper.set_option(unisock::option::receive_buffer_size{4096});
    sleeper.set_timeout(patience);
    sleeper.connect(s.server.local_address());
    const auto until = std::chrono::steady_clock::now() + patience;
    while (dropped.load() == 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(dropped.load(), 1);
}

TEST(server, an_idle_client_times_out) {
    for (engine e : {engine::threaded, engine::async}) {
        running_server s(echo, {.engine = e, .idle_timeout = 200ms});
        unisock::socket idle = unisock::create_connection("127.0.0.1", s.server.local_address().port(), patience);
        unisock::stream lines(idle);
        EXPECT_EQ(lines.readline(), "welcome\n");
        EXPECT_EQ(lines.readline(), "") << "the server closed the idle connection";
    }
}

#if defined(__SANITIZE_THREAD__)
constexpr bool under_thread_sanitizer = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr bool under_thread_sanitizer = true;
#else
constexpr bool under_thread_sanitizer = false;
#endif
#else
constexpr bool under_thread_sanitizer = false;
#endif

TEST(server, stop_under_load_leaves_no_thread_or_descriptor) {
    const auto fds_before = count_entries("/proc/self/fd");
    const auto threads_before = count_entries("/proc/self/task");
    for (engine e : {engine::threaded, engine::async}) {
        running_server s(echo, {.engine = e, .threads = 2, .stop_grace = 200ms});
        std::vector<unisock::socket> clients;
        for (int i = 0; i < 100; ++i) {
            clients.push_back(unisock::create_connection("127.0.0.1", s.server.local_address().port(), patience));
            clients.back().sendall("busy\n");
        }
        // Some clients are being answered as the stop comes.
        s.stop();
        EXPECT_FALSE(s.ec) << s.ec.message();
        EXPECT_EQ(s.server.active_sessions(), 0u);
        for (auto& c : clients) {
            c.set_timeout(patience);
            std::error_code ec;
            while (!ec && !c.recv(4096, ec).empty()) {
            }
        }
    }
    if (!fds_before) GTEST_SKIP() << "this OS has no /proc to count descriptors and threads";
    // The servers' own listener and wake-up pair went with them.
    EXPECT_EQ(count_entries("/proc/self/fd"), fds_before);
    // ThreadSanitizer starts a thread of its own the first time it needs one.
    if (!under_thread_sanitizer) {
        EXPECT_EQ(count_entries("/proc/self/task"), threads_before);
    }
}

// Opens sockets until the process has no descriptor left (too_many_open_files); empty
// when that does not happen within max_fillers (no per-process limit, or a huge one).
std::vector<unisock::socket> take_every_descriptor(std::size_t max_fillers) {
    std::vector<unisock::socket> fillers;
    for (std::error_code ec; fillers.size() < max_fillers;) {
        unisock::socket s(unisock::address_family::ipv4, unisock::socket_type::stream, 0, ec);
        if (ec == unisock::errc::too_many_open_files) return fillers;
        if (ec) throw unisock::socket_error(ec, "filler socket: " + ec.message());
        fillers.push_back(std::move(s));
    }
    return {};
}

TEST(server, out_of_descriptors_at_accept_the_server_keeps_serving_and_accepts_once_they_free) {
    if (unisock::platform_name() == "windows") GTEST_SKIP() << "Windows has no per-process descriptor limit to reach";
    for (engine e : {engine::threaded, engine::async}) {
        std::mutex log_mutex;
        std::vector<std::string> log;
        running_server s(echo, {.engine = e, .stop_grace = 200ms, .log = [&](std::string_view line) {
                                    const std::lock_guard lock(log_mutex);
                                    log.emplace_back(line);
                                }});
        const unisock::address where = s.server.local_address();
        unisock::socket first = unisock::create_connection("127.0.0.1", where.port(), patience);
        unisock::stream first_lines(first);
        ASSERT_EQ(first_lines.readline(), "welcome\n");
        // A call that waits opens its socket's wake-up handle the first time: the client
        // waits once now (so the test starves only the server), and the handler is
        // waiting for a line by the time the descriptors run out.
        first.set_timeout(1ms);
        std::error_code timed_out;
        (void)first.recv(1, timed_out);
        first.set_timeout(patience);
        std::this_thread::sleep_for(300ms);
        // The second client's socket exists before the descriptors run out; its connect
        // does not wait (so needs no wake-up handle), and the handshake completes in the
        // server's backlog, where accept(2) then fails with EMFILE.
        unisock::socket second(unisock::address_family::ipv4, unisock::socket_type::stream);
        second.set_timeout(0s);
        std::vector<unisock::socket> fillers = take_every_descriptor(std::size_t{1} << 16);
        if (fillers.empty()) GTEST_SKIP() << "the descriptor limit is above 65536: not filled";
        const std::error_code connect_ec = second.connect_ex(where);
        EXPECT_TRUE(!connect_ec || connect_ec == unisock::errc::in_progress) << connect_ec.message();
        const auto give_up = std::chrono::steady_clock::now() + patience;
        const auto accept_failed = [&] {
            const std::lock_guard lock(log_mutex);
            return std::any_of(log.begin(), log.end(), [](const std::string& l) { return l.starts_with("accept: "); });
        };
        while (!accept_failed() && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(10ms);
        ASSERT_TRUE(accept_failed()) << "accept never ran out of descriptors";
        // The client already in is still served while the accept fails.
        first.sendall("still here\n");
        EXPECT_EQ(first_lines.readline(), "OK...still here\n");
        fillers.clear();
        second.set_timeout(patience);
        unisock::stream second_lines(second);
        EXPECT_EQ(second_lines.readline(), "welcome\n") << "the server did not accept once descriptors were free";
        s.stop();
        EXPECT_FALSE(s.ec) << "serve_forever ended with " << s.ec.message();
        const std::lock_guard lock(log_mutex);
        EXPECT_EQ(std::count_if(log.begin(), log.end(), [](const std::string& l) { return l.starts_with("accept: "); }), 2)
            << "one line when accepting pauses, one when it resumes";
    }
}

unisock::tcp_server* signalled_server = nullptr;
extern "C" void stop_from_signal(int) { signalled_server->stop(); }

TEST(server, stop_from_a_signal_handler) {
    for (engine e : {engine::threaded, engine::async}) {
        unisock::tcp_server server(unisock::address::v4_loopback(0), echo, {.engine = e, .log = [](std::string_view) {}});
        signalled_server = &server;
        const auto previous = std::signal(SIGINT, stop_from_signal);
        std::thread raiser([] {
            std::this_thread::sleep_for(100ms);
            std::raise(SIGINT);
        });
        server.serve_forever(); // returns once the handler has stopped it
        raiser.join();
        std::signal(SIGINT, previous);
        EXPECT_EQ(server.active_sessions(), 0u);
    }
}

} // namespace

namespace {

TEST(udp_server, answers_each_datagram_and_stops) {
    unisock::udp_server server(unisock::address::v4_loopback(0), [](unisock::datagram_request& request) {
        (void)request.reply("echo:" + request.data());
    });
    std::thread serving([&] { server.serve_forever(); });
    unisock::socket client(unisock::address_family::ipv4, unisock::socket_type::datagram);
    client.set_timeout(patience);
    for (int i = 0; i < 20; ++i) {
        const std::string message = "datagram " + std::to_string(i);
        client.send_to(message, server.local_address());
        const unisock::datagram reply = client.recv_from(1024);
        EXPECT_EQ(reply.data, "echo:" + message);
        EXPECT_EQ(reply.sender, server.local_address());
    }
    server.stop();
    serving.join();
}

// Four threads receive from the one socket: four handlers are seen running at once, a
// handler's exception is logged and the server goes on, and stop() ends every thread.
TEST(udp_server, the_threaded_engine_runs_handlers_at_once) {
    constexpr int thread_count = 4;
    std::mutex mutex;
    std::condition_variable changed;
    int running = 0;
    int most_at_once = 0;
    std::atomic<int> logged{0};
    unisock::udp_server server(
        unisock::address::v4_loopback(0),
        [&](unisock::datagram_request& request) {
            if (request.data() == "throw") throw std::runtime_error("asked to throw");
            std::unique_lock lock(mutex);
            most_at_once = std::max(most_at_once, ++running);
            changed.notify_all();
            // Hold this thread until all four are in a handler (or give up after patience).
            changed.wait_for(lock, patience, [&] { return most_at_once == thread_count; });
            --running;
            lock.unlock();
            (void)request.reply("done:" + request.data());
        },
        {.engine = engine::threaded, .threads = thread_count, .log = [&](std::string_view line) {
             if (line.find("asked to throw") != std::string_view::npos) ++logged;
         }});
    std::thread serving([&] { server.serve_forever(); });
    unisock::socket client(unisock::address_family::ipv4, unisock::socket_type::datagram);
    client.set_timeout(patience);
    client.send_to("throw", server.local_address());
    for (int i = 0; i < thread_count; ++i) client.send_to("d" + std::to_string(i), server.local_address());
    std::set<std::string> replies;
    for (int i = 0; i < thread_count; ++i) replies.insert(client.recv_from(1024).data);
    EXPECT_EQ(replies, (std::set<std::string>{"done:d0", "done:d1", "done:d2", "done:d3"}));
    EXPECT_EQ(most_at_once, thread_count);
    EXPECT_EQ(logged.load(), 1);
    server.stop();
    serving.join();
}

TEST(udp_server, the_async_engine_is_refused_for_udp) {
    std::error_code ec;
    try {
        unisock::udp_server server(unisock::address::v4_loopback(0), [](unisock::datagram_request&) {},
                                   {.engine = engine::async});
    } catch (const unisock::socket_error& e) {
        ec = e.code();
    }
    EXPECT_EQ(ec, unisock::errc::operation_not_supported);
}

} // namespace
