// SPDX-License-Identifier: BSL-1.0
// What every consumer project runs: a connected socket pair, "ping" sent one way and
// received the other, and the version of the linked library against the headers'.
// Written against the installed headers only, as a user's code is.
#include "roundtrip.hpp"

#include <unisock/unisock.hpp>

#include <chrono>
#include <cstdio>
#include <string>

int unisock_roundtrip() {
    const std::string message = "ping";
    unisock::socket_pair pair = unisock::socketpair();
    pair.second.set_timeout(std::chrono::seconds(10)); // bounded: a lost byte fails, never hangs
    pair.first.sendall(message);
    pair.first.close();
    std::string received;
    for (std::string part = pair.second.recv(64); !part.empty(); part = pair.second.recv(64))
        received += part;
    if (received != message) {
        std::fprintf(stderr, "consumer: sent \"%s\", received \"%s\"\n", message.c_str(), received.c_str());
        return 1;
    }
    if (unisock::version() != UNISOCK_VERSION_STRING) {
        std::fprintf(stderr, "consumer: headers %s, library %.*s\n", UNISOCK_VERSION_STRING,
                     static_cast<int>(unisock::version().size()), unisock::version().data());
        return 1;
    }
    std::printf("consumer: \"%s\" went through a socket pair (unisock %s, C++ %ld)\n", received.c_str(),
                UNISOCK_VERSION_STRING, static_cast<long>(__cplusplus));
    return 0;
}
