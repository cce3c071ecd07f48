// SPDX-License-Identifier: BSL-1.0
// Seed 000, exercise 4: the chat room server, on the async engine.
//
// Every line a client sends goes to all the other clients as "[HOST:PORT] text", and
// joins and leaves are announced as "* HOST:PORT joined" / "* HOST:PORT left". Sending
// never waits for a member: broadcast() queues the line for each, and a member that
// stops reading is disconnected once its unread output passes the server's output
// bound, so it never stalls the others nor grows the server's memory.
//
//   chat_server [--host HOST] [--port PORT | PORT]   (default: every interface, port 8889)
#include "common.hpp"

namespace {

unisock::session_group room;

unisock::task chat(unisock::session& member) {
    const std::string name = member.peer().to_string();
    examples::say(name, " joined");
    room.join(member, "* " + name + " joined\n");
    std::error_code ec;
    // A stop (Ctrl+C, SIGTERM) ends a talking member's session after its line in hand.
    for (std::string line; !member.stopping() && !(line = co_await member.readline(ec)).empty();) {
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
        room.broadcast("[" + name + "] " + line + "\n", &member);
    }
    room.leave(member, "* " + name + " left\n");
    examples::say(name, " left");
}

} // namespace

int main(int argc, char** argv) {
    return examples::run([&] {
        const examples::arguments args(argc, argv, "chat_server [--host HOST] [--port PORT | PORT]",
                                       {"--host", "--port"});
        unisock::tcp_server server(examples::listen_address(args.option("--host", ""), args.server_port("8889")), chat,
                                   {.engine = unisock::engine::async,
                                    .threads = 0,
                                    .idle_timeout = std::nullopt, // a member may listen for hours
                                    .max_line = 4096});
        const examples::stop_on_signal stop(server);
        examples::say("listening on ", server.local_address().to_string());
        server.serve_forever();
        return 0;
    });
}
