// SPDX-License-Identifier: BSL-1.0
// Seed 000, exercise 1: the hello client. Sends MESSAGE ("1" by default) and prints the
// server's answer ("welcome to server!" for "1", "please go out!" otherwise).
//
//   hello_client [HOST [PORT [MESSAGE]]]          (default localhost 8001 1)
#include "common.hpp"

using namespace std::chrono_literals;

int main(int argc, char** argv) {
    return examples::run([&] {
        const examples::arguments args(argc, argv, "hello_client [HOST [PORT [MESSAGE]]]", {});
        unisock::socket sock = unisock::create_connection(args.positional(0, "localhost"),
                                                          args.port(args.positional(1, "8001")), 10s);
        sock.send(args.positional(2, "1"));
        examples::say(sock.recv(1024));
        sock.close();
        return 0;
    });
}
