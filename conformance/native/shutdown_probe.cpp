// SPDX-License-Identifier: BSL-1.0
// S30 raw probe: shutdown(read) against a recv blocked in another thread.
#include "native/shutdown_probe.hpp"

#include <chrono>
#include <thread>

#include "native/raw_tcp.hpp"

#if defined(_WIN32)
#include <winsock2.h>
#else
#include <sys/socket.h>
#include <sys/time.h>
#endif

namespace conformance::native {

namespace {

constexpr std::chrono::milliseconds recv_bound{2000};
constexpr std::chrono::milliseconds shutdown_delay{100};

bool bound_receive(raw::handle h) {
#if defined(_WIN32)
    const DWORD milliseconds = static_cast<DWORD>(recv_bound.count());
    return setsockopt(static_cast<SOCKET>(h), SOL_SOCKET, SO_RCVTIMEO,
                      reinterpret_cast<const char*>(&milliseconds), sizeof milliseconds) == 0;
#else
    const timeval bound{static_cast<time_t>(recv_bound.count() / 1000), 0};
    return setsockopt(static_cast<int>(h), SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound) == 0;
#endif
}

void shutdown_read(raw::handle h) {
#if defined(_WIN32)
    ::shutdown(static_cast<SOCKET>(h), SD_RECEIVE);
#else
    ::shutdown(static_cast<int>(h), SHUT_RD);
#endif
}

} // namespace

std::string raw_shutdown_read_wakes_recv() {
    std::string error;
    raw::pair pair = raw::connected_pair(error);
    if (pair.client == raw::invalid) return "no raw connection: " + error;
    if (!bound_receive(pair.client)) {
        error = "SO_RCVTIMEO failed with " + raw::last_error_text();
        raw::close(pair);
        return error;
    }
    // The delay only lets recv start blocking first; either order is recorded honestly.
    std::thread other([&pair] {
        std::this_thread::sleep_for(shutdown_delay);
        shutdown_read(pair.client);
    });
    const auto start = std::chrono::steady_clock::now();
    char byte = 0;
    const long received = raw::receive(pair.client, &byte, 1);
    const std::string outcome = received < 0 ? "failed with " + raw::last_error_text()
                                             : "returned " + std::to_string(received);
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    other.join();
    raw::close(pair);
    return "blocked recv, shutdown(read) from another thread after " +
           std::to_string(shutdown_delay.count()) + " ms: recv " + outcome + " after " +
           std::to_string(elapsed.count()) + " ms (bound " + std::to_string(recv_bound.count()) + " ms)";
}

} // namespace conformance::native
