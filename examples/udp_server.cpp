// SPDX-License-Identifier: BSL-1.0
// Seed 003 ("using UDP"): a UDP echo server on the server layer. No listen, no accept:
// each datagram and its sender come to the handler, and the same bytes go back to that
// sender.
//
//   udp_server [--host HOST] [--port PORT | PORT]  (default: every interface, port 9999)
#include "common.hpp"

int main(int argc, char** argv) {
    return examples::run([&] {
        const examples::arguments args(argc, argv, "udp_server [--host HOST] [--port PORT | PORT]", {"--host", "--port"});
        const unisock::address local =
            examples::listen_address(args.option("--host", ""), args.server_port("9999"), unisock::socket_type::datagram);
        unisock::udp_server server(local, [](unisock::datagram_request& request) {
            (void)request.reply(request.data()); // a lost reply is UDP's way
        });
        const examples::stop_on_signal stop(server);
        examples::say("listening on ", server.local_address().to_string());
        server.serve_forever();
        return 0;
    });
}
