// Seeds 000 (exercise 4), 001 and 002: the echo server.
//
// Each client is greeted with a welcome line; every line it sends comes back as
// "OK..." + the line, until it closes the connection (recv returns nothing).
//   --mode sequential  one client at a time: the others wait in the listen backlog, as in
//                      the tutorial's first "while 1: accept" loop;
//   --mode threaded    a thread per connection (the tutorial's start_new_thread).
//
//   echo_server [--host HOST] [--port PORT] [--mode sequential|threaded]
//               (default: every interface, port 8888, threaded; port 0 = any)
#include "common.hpp"

namespace {

void echo(unisock::socket& connection) {
    connection.sendall("Welcome to the server. Type something and hit enter\n");
    unisock::stream lines(connection);
    for (;;) {
        const std::string line = lines.readline(1024);
        if (line.empty()) return; // the client closed the connection
        connection.sendall("OK..." + line);
    }
}

void serve(unisock::accepted client, std::stop_token stop) {
    const auto stop_serving = client.connection.cancel_on(std::move(stop));
    const std::string peer = client.peer.to_string();
    examples::say("Connected with ", peer);
    try {
        echo(client.connection);
        examples::say(peer, " left");
    } catch (const unisock::socket_error& e) {
        examples::say(peer, ": ", e.what());
    }
}

} // namespace

int main(int argc, char** argv) {
    return examples::run([&] {
        const examples::arguments args(argc, argv,
                                       "echo_server [--host HOST] [--port PORT] [--mode sequential|threaded]",
                                       {"--host", "--port", "--mode"});
        const std::string mode = args.option("--mode", "threaded");
        if (mode != "sequential" && mode != "threaded") args.fail("unknown mode " + mode);

        examples::connection_threads threads; // joined after stop has canceled their connections
        const examples::stop_on_signal stop;
        unisock::socket listener = unisock::create_server(
            examples::listen_address(args.option("--host", ""), args.port(args.option("--port", "8888"))),
            {.backlog = 10});
        const auto stop_accepting = listener.cancel_on(stop.token());
        examples::say("listening on ", listener.local_address().to_string());

        while (auto client = examples::next_client(listener)) {
            if (mode == "sequential")
                serve(std::move(*client), stop.token());
            else
                threads.start([client = std::move(*client), token = stop.token()]() mutable {
                    serve(std::move(client), token);
                });
        }
        return 0;
    });
}
