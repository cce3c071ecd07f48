// SPDX-License-Identifier: BSL-1.0
#pragma once
// The scenarios' servers are the library's (unisock/server.hpp): a tcp_server on
// 127.0.0.1 port 0 whose serve_forever runs on a thread of the test, stopped and joined
// on every path out of it, and the chat room of seed 000 written on a session_group.

#include <string>
#include <thread>

#include "native/handles.hpp"
#include "support/conformance.hpp"
#include "unisock/server.hpp"

namespace conformance {

// Under Wine, an async-engine server started after others in the same process can hang in
// the destruction of its io_context (Asio's IOCP shutdown waits for an operation Wine never
// completes; S09 met it first, S47 hung on its third async server in a row). Scenarios that
// start one more use this; real Windows runs them in the windows-latest job.
#define SKIP_ANOTHER_ASYNC_SERVER_UNDER_WINE()                                                     \
    do {                                                                                           \
        if (::conformance::native::running_under_wine())                                           \
            CONFORMANCE_SKIP("Wine: one more async-engine server in this process can hang in Asio's " \
                             "IOCP shutdown (an operation Wine never completes); real Windows runs it"); \
    } while (false)

class running_server {
public:
    running_server(unisock::handler serve, unisock::tcp_server_options options)
        : server_(unisock::address::v4_loopback(0), std::move(serve), quiet(std::move(options))),
          thread_([this] { server_.serve_forever(ec_); }) {}
    ~running_server() { stop(); }
    running_server(const running_server&) = delete;
    running_server& operator=(const running_server&) = delete;

    const unisock::address& address() const noexcept { return server_.local_address(); }
    std::size_t active_sessions() const noexcept { return server_.active_sessions(); }
    // Waits, within patience, for the server to notice that its clients have gone (it
    // does so on its own time); the sessions still open then.
    std::size_t sessions_once_clients_left() const {
        const auto until = std::chrono::steady_clock::now() + patience;
        while (active_sessions() != 0 && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return active_sessions();
    }
    // Stops the server and waits for serve_forever; its error, if it failed.
    std::error_code stop() {
        server_.stop();
        if (thread_.joinable()) thread_.join();
        return ec_;
    }

private:
    static unisock::tcp_server_options quiet(unisock::tcp_server_options options) {
        if (!options.log) options.log = [](std::string_view) {};
        options.stop_grace = std::chrono::milliseconds(200);
        return options;
    }

    unisock::tcp_server server_;
    std::error_code ec_;
    std::thread thread_;
};

// Sends every line back as it came, until the client ends or fails. Defined in
// conformance.cpp: clang 14 under ASan cannot emit an inline coroutine ("Cannot represent
// a difference across sections").
unisock::task echo_lines(unisock::session& client);

// The room takes members on the server's threads, so two members connected one after the
// other may join in either order; the one that joined second is announced to the other.
// Returns once that announcement was seen (other members' notices skipped): both are in
// the room. A Member has sock, lines (a unisock::stream pointer) and name (HOST:PORT as
// the room sees it).
template <class Member>
void wait_until_both_joined(Member& a, Member& b) {
    const auto until = std::chrono::steady_clock::now() + patience;
    while (std::chrono::steady_clock::now() < until) {
        for (Member* m : {&a, &b}) {
            if (m->sock.wait(unisock::wait_for::readable, std::chrono::milliseconds(20))) continue;
            const Member& other = m == &a ? b : a;
            std::string line = m->lines->readline();
            while (line != "* " + other.name + " joined\n") {
                ASSERT_EQ(line.rfind("* ", 0), 0u) << "only another member's notice may come first: " << line;
                line = m->lines->readline();
            }
            return;
        }
    }
    FAIL() << "neither member heard the other join";
}

// Seed 000's chat room: every line a member sends goes to all the others as
// "[HOST:PORT] text"; joins and leaves are announced as "* HOST:PORT joined" / "left".
class chat_room {
public:
    unisock::task serve(unisock::session& member) {
        const std::string name = member.peer().to_string();
        members_.join(member, "* " + name + " joined\n");
        std::error_code ec;
        for (std::string line; !(line = co_await member.readline(ec)).empty();) {
            while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
            members_.broadcast("[" + name + "] " + line + "\n", &member);
        }
        members_.leave(member, "* " + name + " left\n");
    }
    unisock::handler handler() {
        return [this](unisock::session& member) { return serve(member); };
    }

private:
    unisock::session_group members_;
};

} // namespace conformance
