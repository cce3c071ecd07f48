// SPDX-License-Identifier: BSL-1.0
// S05 raw probe: a second plain bind on a taken port, nothing normalized.
#include "native/bind_probe.hpp"

#if defined(_WIN32)
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <netinet/in.h>
#include <sys/socket.h>
#endif

#include <chrono>
#include <string>

#include "native/raw_tcp.hpp"

namespace conformance::native {

namespace {

// bind(0.0.0.0:port): raw_tcp.hpp only binds the loopback address.
bool bind_wildcard(raw::handle h, std::uint16_t port) noexcept {
    sockaddr_in any{};
    any.sin_family = AF_INET;
    any.sin_port = htons(port);
    any.sin_addr.s_addr = htonl(INADDR_ANY);
#if defined(_WIN32)
    const SOCKET s = static_cast<SOCKET>(h);
#else
    const int s = static_cast<int>(h);
#endif
    return ::bind(s, reinterpret_cast<const sockaddr*>(&any), sizeof any) == 0;
}

// What the second bind on 127.0.0.1:port (or 0.0.0.0:port) did, given that the first
// socket holds port.
std::string second_bind_outcome(std::uint16_t port, bool wildcard = false) {
    const raw::handle second = raw::tcp_socket();
    std::string result;
    if (second == raw::invalid)
        result = "second socket failed: " + raw::last_error_text();
    else if (wildcard ? bind_wildcard(second, port) : raw::bind_loopback(second, port))
        result = "second bind succeeded: two sockets hold the port";
    else
        result = "second bind refused with " + raw::last_error_text();
    raw::close(second);
    return result;
}

} // namespace

std::string raw_second_bind_same_address() {
    const raw::handle first = raw::tcp_socket();
    std::string result;
    if (first == raw::invalid || !raw::bind_loopback(first, 0))
        result = "first bind failed: " + raw::last_error_text();
    else
        result = second_bind_outcome(raw::local_port(first));
    raw::close(first);
    return "no options, 127.0.0.1 bound (not listening), bind 127.0.0.1 again: " + result;
}

std::string raw_second_bind_specific_over_wildcard() {
    const raw::handle first = raw::tcp_socket();
    std::string result;
    if (first == raw::invalid || !bind_wildcard(first, 0) || !raw::listen(first, 5))
        result = "first listener failed: " + raw::last_error_text();
    else
        result = second_bind_outcome(raw::local_port(first));
    raw::close(first);
    return "no options, 0.0.0.0 listening, bind 127.0.0.1 on its port: " + result;
}

std::string raw_second_bind_wildcard_over_specific() {
    const raw::handle first = raw::tcp_socket();
    std::string result;
    if (first == raw::invalid || !raw::bind_loopback(first, 0) || !raw::listen(first, 5))
        result = "first listener failed: " + raw::last_error_text();
    else
        result = second_bind_outcome(raw::local_port(first), true);
    raw::close(first);
    return "no options, 127.0.0.1 listening, bind 0.0.0.0 on its port: " + result;
}

std::string raw_refused_loopback_connect() {
    // A port that was free a moment ago and has no listener now.
    const raw::handle probe = raw::tcp_socket();
    const bool bound = raw::bind_loopback(probe, 0);
    const std::uint16_t port = raw::local_port(probe);
    raw::close(probe);
    if (!bound) return "refused loopback connect: no free port: " + raw::last_error_text();
    const raw::handle h = raw::tcp_socket();
    const auto start = std::chrono::steady_clock::now();
    const bool connected = raw::connect_loopback(h, port);
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    const std::string result = connected ? "connected (someone took the port)" : raw::last_error_text();
    raw::close(h);
    return "blocking connect to a closed loopback port: " + result + " after " + std::to_string(elapsed.count()) + " ms";
}

} // namespace conformance::native
