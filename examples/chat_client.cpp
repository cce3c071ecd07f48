// SPDX-License-Identifier: BSL-1.0
// Seed 000, exercise 4: a chat room client. Lines typed on stdin go to the room; what the
// others say is printed as it arrives (by a second thread, so typing never waits for
// the network). Ends when stdin ends; if the server goes away first, the next line typed
// ends it.
//
//   chat_client [HOST [PORT]]                     (default localhost 8889)
#include "common.hpp"

using namespace std::chrono_literals;

int main(int argc, char** argv) {
    return examples::run([&] {
        const examples::arguments args(argc, argv, "chat_client [HOST [PORT]]", {});
        unisock::socket sock = unisock::create_connection(args.positional(0, "localhost"),
                                                          args.port(args.positional(1, "8889")), 10s);
        sock.set_timeout(std::nullopt); // the room may be quiet for a long time

        std::thread printer([&sock] {
            unisock::stream room(sock);
            std::error_code ec;
            for (std::string line; !(line = room.readline(4096, ec)).empty();) std::cout << line << std::flush;
            examples::say("* connection closed");
        });

        std::string line;
        std::error_code ec;
        while (!ec && std::getline(std::cin, line)) sock.sendall(line + "\n", ec);
        sock.shutdown(unisock::shutdown_how::write, ec); // the server sees us leave...
        printer.join();                                  // ...and closes, which ends the printer
        return 0;
    });
}
