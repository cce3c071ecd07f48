// SPDX-License-Identifier: BSL-1.0
// Seed 000, exercise 1: the hello server, on the sequential engine.
//
// One client at a time. Each connection gets 5 seconds to send its message: "1" is
// welcomed, anything else is sent away, and a silent client costs only the timeout
// ("time out") before the server goes on to the next.
//
//   hello_server [--host HOST] [--port PORT | PORT]   (default localhost 8001; port 0 = any)
#include "common.hpp"

using namespace std::chrono_literals;

namespace {

unisock::task answer(unisock::session& client) {
    std::error_code ec;
    const std::string message = co_await client.read(1024, ec);
    if (ec == unisock::errc::timed_out) {
        examples::say("time out");
        co_return;
    }
    if (ec) {
        examples::say("connection failed: ", ec.message());
        co_return;
    }
    co_await client.sendall(message == "1" ? "welcome to server!" : "please go out!", ec);
}

} // namespace

int main(int argc, char** argv) {
    return examples::run([&] {
        const examples::arguments args(argc, argv, "hello_server [--host HOST] [--port PORT | PORT]",
                                       {"--host", "--port"});
        unisock::tcp_server server(examples::listen_address(args.option("--host", "localhost"), args.server_port("8001")),
                                   answer, {.engine = unisock::engine::sequential, .idle_timeout = 5s});
        const examples::stop_on_signal stop(server);
        examples::say("listening on ", server.local_address().to_string());
        server.serve_forever();
        return 0;
    });
}
