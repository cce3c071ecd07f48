// SPDX-License-Identifier: BSL-1.0
// unisock's side of the load benchmark: the echo protocol of asio_echo_server on any
// engine, and the chat room of examples/chat_server, without per-connection printing.
//
//   unisock_bench_server echo|chat PORT [sequential|threaded|async [THREADS]]
#include <iostream>
#include <string>

#include "unisock/server.hpp"

namespace {

unisock::task echo(unisock::session& client) {
    std::error_code ec;
    co_await client.sendall("welcome\n", ec);
    std::string reply; // reused, as asio_echo_server reuses its reply buffer
    for (std::string line; !ec && !(line = co_await client.readline(ec)).empty();) {
        reply.assign("OK...");
        reply += line;
        co_await client.sendall(reply, ec);
    }
}

unisock::session_group room;

unisock::task chat(unisock::session& member) {
    std::string name = "["; // built step by step: g++ 12 -O3 warns (-Wrestrict) on "[" + s + "] "
    name += member.peer().to_string();
    name += "] ";
    room.join(member);
    std::error_code ec;
    for (std::string line; !(line = co_await member.readline(ec)).empty();) room.broadcast(name + line, &member);
    room.leave(member);
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: unisock_bench_server echo|chat PORT [sequential|threaded|async [THREADS]]\n";
        return 2;
    }
    const std::string kind = argv[1];
    const std::string mode = argc > 3 ? argv[3] : "async";
    unisock::tcp_server_options options;
    options.engine = mode == "sequential" ? unisock::engine::sequential
                     : mode == "threaded" ? unisock::engine::threaded
                                          : unisock::engine::async;
    options.threads = argc > 4 ? std::stoul(argv[4]) : 1;
    options.max_connections = 20000;
    options.log = [](std::string_view) {};
    if (kind == "chat") options.output_limit = std::size_t{4} << 20;
    unisock::tcp_server server(unisock::address::v4_loopback(static_cast<std::uint16_t>(std::stoi(argv[2]))),
                               kind == "chat" ? unisock::handler(chat) : unisock::handler(echo), options);
    std::cout << "listening on " << server.local_address().to_string() << std::endl;
    server.serve_forever();
}
