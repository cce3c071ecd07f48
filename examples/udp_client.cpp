// SPDX-License-Identifier: BSL-1.0
// Seed 003 ("UDP clients"): sends each line read from stdin as one datagram and prints
// the reply. UDP cannot tell when (or whether) an answer comes, so each wait has a
// timeout instead of the tutorial's Ctrl-C.
//
//   udp_client [HOST [PORT]]                      (default localhost 9999)
#include "common.hpp"

using namespace std::chrono_literals;

int main(int argc, char** argv) {
    return examples::run([&] {
        const examples::arguments args(argc, argv, "udp_client [HOST [PORT]]", {});
        const std::uint16_t port = args.port(args.positional(1, "9999"));
        const unisock::address server = unisock::resolve(args.positional(0, "localhost"), std::to_string(port),
                                                         {.type = unisock::socket_type::datagram})
                                            .front()
                                            .endpoint;
        unisock::socket sock(server.family(), unisock::socket_type::datagram);
        sock.set_timeout(5s);

        std::string line;
        while (std::getline(std::cin, line)) {
            sock.send_to(line, server);
            try {
                examples::say(sock.recv_from(65535).data);
            } catch (const unisock::timeout_error&) {
                examples::say("no reply within 5 s");
            }
        }
        return 0;
    });
}
