// SPDX-License-Identifier: BSL-1.0
#pragma once
// The OS's own socket calls, for the raw baselines (raw_bench.cpp) and the raw echo peer
// (raw_echo.cpp): the only bench code that includes OS headers. Failures throw
// std::runtime_error with the call's name and the OS error number; the benchmark harness
// turns that into a skipped benchmark.

#if defined(_WIN32)
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#endif

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "transfer_sizes.hpp"

namespace unisock::bench::raw {

#if defined(_WIN32)
using handle = SOCKET;
inline constexpr handle invalid = INVALID_SOCKET;
inline int last_error() { return WSAGetLastError(); }
inline void close_handle(handle h) { closesocket(h); }
inline long send_some(handle h, const char* data, std::size_t size) {
    return send(h, data, static_cast<int>(size), 0);
}
inline long recv_some(handle h, char* data, std::size_t size) {
    return recv(h, data, static_cast<int>(size), 0);
}
inline long send_datagram(handle h, const char* data, std::size_t size, const sockaddr_in& to) {
    return sendto(h, data, static_cast<int>(size), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
}
inline long recv_datagram(handle h, char* data, std::size_t size, sockaddr_in& from) {
    int length = sizeof from;
    return recvfrom(h, data, static_cast<int>(size), 0, reinterpret_cast<sockaddr*>(&from), &length);
}
inline bool poll_one(handle h, short events) {
    WSAPOLLFD entry{h, events, 0};
    return WSAPoll(&entry, 1, timeout_seconds * 1000) == 1;
}
// Winsock needs WSAStartup before the first socket: once for the whole program.
struct winsock_session {
    winsock_session() {
        WSADATA data;
        WSAStartup(MAKEWORD(2, 2), &data);
    }
    ~winsock_session() { WSACleanup(); }
};
inline const winsock_session session;
#else
using handle = int;
inline constexpr handle invalid = -1;
inline int last_error() { return errno; }
inline void close_handle(handle h) { close(h); }
#if defined(MSG_NOSIGNAL)
inline constexpr int send_flags = MSG_NOSIGNAL;
#else
inline constexpr int send_flags = 0; // macOS: SO_NOSIGPIPE is set on the socket instead
#endif
inline long send_some(handle h, const char* data, std::size_t size) { return send(h, data, size, send_flags); }
inline long recv_some(handle h, char* data, std::size_t size) { return recv(h, data, size, 0); }
inline long send_datagram(handle h, const char* data, std::size_t size, const sockaddr_in& to) {
    return sendto(h, data, size, send_flags, reinterpret_cast<const sockaddr*>(&to), sizeof to);
}
inline long recv_datagram(handle h, char* data, std::size_t size, sockaddr_in& from) {
    socklen_t length = sizeof from;
    return recvfrom(h, data, size, 0, reinterpret_cast<sockaddr*>(&from), &length);
}
inline bool poll_one(handle h, short events) {
    pollfd entry{h, events, 0};
    return poll(&entry, 1, timeout_seconds * 1000) == 1;
}
#endif

[[noreturn]] inline void fail(const char* call) {
    throw std::runtime_error(std::string(call) + " failed: OS error " + std::to_string(last_error()));
}

// An owned socket handle, closed on destruction.
class socket_handle {
public:
    socket_handle() = default;
    explicit socket_handle(handle h) noexcept : handle_(h) {}
    socket_handle(socket_handle&& other) noexcept : handle_(std::exchange(other.handle_, invalid)) {}
    socket_handle& operator=(socket_handle&& other) noexcept {
        std::swap(handle_, other.handle_);
        return *this;
    }
    ~socket_handle() {
        if (handle_ != invalid) close_handle(handle_);
    }
    handle get() const noexcept { return handle_; }

private:
    handle handle_ = invalid;
};

inline socket_handle open_socket(int type, int protocol) {
    const handle h = socket(AF_INET, type, protocol);
    if (h == invalid) fail("socket");
    return socket_handle(h);
}

inline void set_int_option(handle h, int level, int name, int value) {
    if (setsockopt(h, level, name, reinterpret_cast<const char*>(&value), sizeof value) != 0) fail("setsockopt");
}

// TCP_NODELAY (a 64-byte message must not wait for Nagle), no SIGPIPE where that is a
// socket option, and SO_SNDBUF/SO_RCVBUF when buffer_size > 0: unisock's and Asio's
// variants set the same.
inline void configure_tcp(handle h, int buffer_size) {
    set_int_option(h, IPPROTO_TCP, TCP_NODELAY, 1);
#if defined(SO_NOSIGPIPE)
    set_int_option(h, SOL_SOCKET, SO_NOSIGPIPE, 1);
#endif
    if (buffer_size > 0) {
        set_int_option(h, SOL_SOCKET, SO_SNDBUF, buffer_size);
        set_int_option(h, SOL_SOCKET, SO_RCVBUF, buffer_size);
    }
}

inline sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    return address;
}

inline void bind_loopback(handle h) {
    const sockaddr_in address = loopback(0);
    if (bind(h, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) fail("bind");
}

inline sockaddr_in local_address(handle h) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    if (getsockname(h, reinterpret_cast<sockaddr*>(&address), &length) != 0) fail("getsockname");
    return address;
}

// A TCP listener on 127.0.0.1, an ephemeral port.
inline socket_handle tcp_listener(int buffer_size) {
    socket_handle listener = open_socket(SOCK_STREAM, IPPROTO_TCP);
    configure_tcp(listener.get(), buffer_size);
    bind_loopback(listener.get());
    if (listen(listener.get(), 1) != 0) fail("listen");
    return listener;
}

inline socket_handle tcp_connect(std::uint16_t port, int buffer_size) {
    socket_handle client = open_socket(SOCK_STREAM, IPPROTO_TCP);
    configure_tcp(client.get(), buffer_size);
    const sockaddr_in address = loopback(port);
    if (connect(client.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) fail("connect");
    return client;
}

inline socket_handle tcp_accept(handle listener, int buffer_size) {
    const handle h = accept(listener, nullptr, nullptr);
    if (h == invalid) fail("accept");
    socket_handle accepted(h);
    configure_tcp(h, buffer_size);
    return accepted;
}

// Sends all of data (a blocking send may still return early), with a poll() before each
// send when poll_first (CPython's timeout mode).
inline void send_all(handle h, const char* data, std::size_t size, bool poll_first = false) {
    while (size > 0) {
        if (poll_first && !poll_one(h, POLLOUT)) fail("poll");
        const long sent = send_some(h, data, size);
        if (sent <= 0) fail("send");
        data += sent;
        size -= static_cast<std::size_t>(sent);
    }
}

// Receives exactly size bytes; false if the peer closed first.
inline bool recv_exact(handle h, char* data, std::size_t size, bool poll_first = false) {
    while (size > 0) {
        if (poll_first && !poll_one(h, POLLIN)) fail("poll");
        const long received = recv_some(h, data, size);
        if (received < 0) fail("recv");
        if (received == 0) return false;
        data += received;
        size -= static_cast<std::size_t>(received);
    }
    return true;
}

} // namespace unisock::bench::raw
