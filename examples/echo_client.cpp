// SPDX-License-Identifier: BSL-1.0
// Seeds 000 and 001: a line client for echo_server (what the tutorial did with telnet).
// Prints the welcome line, then sends each line read from stdin and prints the reply,
// until stdin ends.
//
//   echo_client [HOST [PORT]]                     (default localhost 8888)
#include "common.hpp"

using namespace std::chrono_literals;

int main(int argc, char** argv) {
    return examples::run([&] {
        const examples::arguments args(argc, argv, "echo_client [HOST [PORT]]", {});
        unisock::socket sock = unisock::create_connection(args.positional(0, "localhost"),
                                                          args.port(args.positional(1, "8888")), 10s);
        unisock::stream replies(sock);
        std::cout << replies.readline() << std::flush; // the welcome line

        std::string line;
        while (std::getline(std::cin, line)) {
            sock.sendall(line + "\n");
            const std::string reply = replies.readline();
            if (reply.empty()) break; // the server went away
            std::cout << reply << std::flush;
        }
        sock.close();
        return 0;
    });
}
