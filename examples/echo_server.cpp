// SPDX-License-Identifier: BSL-1.0
// Seeds 000 (exercise 4), 001 and 002: the echo server, on any of the three engines.
//
// Each client is greeted with a welcome line; every line it sends comes back as
// "OK..." + the line, until it closes the connection.
//   --mode sequential  one client at a time: the others wait in the listen backlog, as in
//                      the tutorial's first "while 1: accept" loop;
//   --mode threaded    a thread per connection (the tutorial's start_new_thread);
//   --mode async       Asio underneath, one thread per core, no thread per connection.
//
//   echo_server [--host HOST] [--port PORT | PORT] [--mode sequential|threaded|async]
//               (default: every interface, port 8888, threaded; port 0 = any)
#include "common.hpp"

namespace {

unisock::task echo(unisock::session& client) {
    const std::string peer = client.peer().to_string();
    examples::say("Connected with ", peer);
    std::error_code ec;
    co_await client.sendall("Welcome to the server. Type something and hit enter\n", ec);
    // A stop (Ctrl+C, SIGTERM) ends the session after the line in hand, not after the
    // server's grace.
    for (std::string line; !ec && !client.stopping() && !(line = co_await client.readline(ec)).empty();)
        co_await client.sendall("OK..." + line, ec);
    if (ec)
        examples::say(peer, ": ", ec.message());
    else if (client.stopping())
        examples::say(peer, ": the server is stopping");
    else
        examples::say(peer, " left");
}

} // namespace

int main(int argc, char** argv) {
    return examples::run([&] {
        const examples::arguments args(argc, argv,
                                       "echo_server [--host HOST] [--port PORT | PORT] [--mode sequential|threaded|async]",
                                       {"--host", "--port", "--mode"});
        const std::string mode = args.option("--mode", "threaded");
        unisock::tcp_server_options options;
        if (mode == "sequential")
            options.engine = unisock::engine::sequential;
        else if (mode == "threaded")
            options.engine = unisock::engine::threaded;
        else if (mode == "async")
            options.engine = unisock::engine::async, options.threads = 0;
        else
            args.fail("unknown mode " + mode);
        options.max_line = 1024;

        unisock::tcp_server server(examples::listen_address(args.option("--host", ""), args.server_port("8888")), echo,
                                   options);
        const examples::stop_on_signal stop(server);
        examples::say("listening on ", server.local_address().to_string());
        server.serve_forever();
        return 0;
    });
}
