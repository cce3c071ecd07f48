// SPDX-License-Identifier: BSL-1.0
// S13 raw probe: UDP to a closed port with the plain system calls, nothing normalized.
#include "native/udp_probe.hpp"

#if defined(_WIN32)
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include <cstdint>
#include <string_view>

#include "native/raw_tcp.hpp"

namespace conformance::native {

namespace {

// How long the probe waits for the ICMP error or the peer's datagram: loopback answers
// in microseconds, so this only bounds a probe whose OS stays silent.
constexpr int wait_ms = 2000;

#if defined(_WIN32)
using os_socket = SOCKET;
using os_length = int;

void ensure_started() noexcept {
    static const bool started = [] {
        WSADATA data;
        return WSAStartup(MAKEWORD(2, 2), &data) == 0;
    }();
    (void)started;
}

bool wait_readable(os_socket s) noexcept {
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(s, &readable);
    timeval limit{wait_ms / 1000, (wait_ms % 1000) * 1000};
    return ::select(0, &readable, nullptr, nullptr, &limit) == 1;
}
#else
using os_socket = int;
using os_length = socklen_t;

void ensure_started() noexcept {}

bool wait_readable(os_socket s) noexcept {
    pollfd entry{s, POLLIN, 0};
    return ::poll(&entry, 1, wait_ms) == 1;
}
#endif

// A UDP socket bound to 127.0.0.1:0, blocking, as the OS makes it.
raw::handle udp_socket() noexcept {
    ensure_started();
    const auto s = ::socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    const auto h = static_cast<raw::handle>(s);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (h != raw::invalid && ::bind(s, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
        raw::close(h);
        return raw::invalid;
    }
    return h;
}

sockaddr_in loopback(std::uint16_t port) noexcept {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

std::uint16_t local_port(raw::handle h) noexcept {
    sockaddr_in address{};
    os_length size = sizeof address;
    if (::getsockname(static_cast<os_socket>(h), reinterpret_cast<sockaddr*>(&address), &size) != 0) return 0;
    return ntohs(address.sin_port);
}

// A loopback UDP port nobody listens on: bound, read back, released.
std::uint16_t closed_port() noexcept {
    const raw::handle h = udp_socket();
    const std::uint16_t port = local_port(h);
    raw::close(h);
    return port;
}

bool send_to(raw::handle from, std::uint16_t port, std::string_view data) noexcept {
    const sockaddr_in to = loopback(port);
    return ::sendto(static_cast<os_socket>(from), data.data(), static_cast<int>(data.size()), 0,
                    reinterpret_cast<const sockaddr*>(&to), sizeof to) >= 0;
}

// One recvfrom after waiting for readability: "returns N bytes", "fails with X" or
// "nothing within 2 s".
std::string receive_once(raw::handle h) {
    if (!wait_readable(static_cast<os_socket>(h))) return "nothing within " + std::to_string(wait_ms) + " ms";
    char buffer[64];
    const auto received = ::recvfrom(static_cast<os_socket>(h), buffer, sizeof buffer, 0, nullptr, nullptr);
    if (received < 0) return "fails with " + raw::last_error_text();
    return "returns the peer's " + std::to_string(received) + "-byte datagram";
}

} // namespace

std::string raw_udp_unreachable_unconnected() {
    const raw::handle sock = udp_socket();
    const raw::handle peer = udp_socket();
    std::string result;
    if (sock == raw::invalid || peer == raw::invalid) {
        result = "socket/bind failed: " + raw::last_error_text();
    } else if (!send_to(sock, closed_port(), "ping")) {
        result = "sendto the closed port fails with " + raw::last_error_text();
    } else if (!send_to(peer, local_port(sock), "live")) {
        result = "the live peer's sendto fails with " + raw::last_error_text();
    } else {
        const std::string first = receive_once(sock);
        result = "recvfrom " + first;
        // After an error the peer's datagram is still queued: show that it follows.
        if (first.rfind("fails", 0) == 0) result += ", then " + receive_once(sock);
    }
    raw::close(sock);
    raw::close(peer);
    return "unconnected UDP, sendto a closed port then a live peer's datagram: " + result;
}

udp_probe_result raw_udp_unreachable_connected() {
    const raw::handle sock = udp_socket();
    std::string result;
    bool reported = false;
    const sockaddr_in closed = loopback(closed_port());
    if (sock == raw::invalid) {
        result = "socket/bind failed: " + raw::last_error_text();
    } else if (::connect(static_cast<os_socket>(sock), reinterpret_cast<const sockaddr*>(&closed), sizeof closed) != 0) {
        result = "connect fails with " + raw::last_error_text();
    } else if (::send(static_cast<os_socket>(sock), "ping", 4, 0) < 0) {
        result = "send fails with " + raw::last_error_text();
        reported = true;
    } else {
        const std::string outcome = receive_once(sock);
        reported = outcome.rfind("fails", 0) == 0;
        result = "recv " + outcome;
    }
    raw::close(sock);
    return {"connected UDP to a closed port, send then recv: " + result, reported};
}

std::string raw_two_udp_sockets_with_reuse_address() {
    ensure_started();
    const auto first = static_cast<raw::handle>(::socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP));
    const auto second = static_cast<raw::handle>(::socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP));
    std::string result;
    if (!raw::set_reuse_address(first) || !raw::bind_loopback(first, 0)) {
        result = "first socket failed: " + raw::last_error_text();
    } else if (!raw::set_reuse_address(second) || !raw::bind_loopback(second, local_port(first))) {
        result = "second bind refused with " + raw::last_error_text();
    } else {
        result = "second bind succeeded: two live UDP sockets on one port";
    }
    raw::close(first);
    raw::close(second);
    return "SO_REUSEADDR on two UDP sockets: " + result;
}

} // namespace conformance::native
