// SPDX-License-Identifier: BSL-1.0
// Raw OS helpers for the probes: the plain socket calls, nothing normalized.
#include "native/raw_tcp.hpp"

#if defined(_WIN32)
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace conformance::native::raw {

namespace {

struct named_code {
    int code;
    const char* name;
};

#if defined(_WIN32)

#define CONFORMANCE_CODE(name) {name, #name}
constexpr named_code known_codes[] = {
    CONFORMANCE_CODE(WSAEWOULDBLOCK), CONFORMANCE_CODE(WSAEINPROGRESS), CONFORMANCE_CODE(WSAEALREADY),
    CONFORMANCE_CODE(WSAEADDRINUSE),  CONFORMANCE_CODE(WSAECONNREFUSED), CONFORMANCE_CODE(WSAECONNRESET),
    CONFORMANCE_CODE(WSAECONNABORTED), CONFORMANCE_CODE(WSAESHUTDOWN),  CONFORMANCE_CODE(WSAETIMEDOUT),
    CONFORMANCE_CODE(WSAENOTCONN),    CONFORMANCE_CODE(WSAEINVAL),      CONFORMANCE_CODE(WSAENOTSOCK),
    CONFORMANCE_CODE(WSAEACCES),      CONFORMANCE_CODE(WSAEINTR),       CONFORMANCE_CODE(WSAEISCONN),
};
#undef CONFORMANCE_CODE

// Winsock must be started before the first call; the reference is kept for the process.
void ensure_started() noexcept {
    static const bool started = [] {
        WSADATA data;
        return WSAStartup(MAKEWORD(2, 2), &data) == 0;
    }();
    (void)started;
}

SOCKET as_socket(handle h) noexcept { return static_cast<SOCKET>(h); }

#else

// EWOULDBLOCK equals EAGAIN on Linux and macOS, so the table names it once.
#define CONFORMANCE_CODE(name) {name, #name}
constexpr named_code known_codes[] = {
    CONFORMANCE_CODE(EAGAIN),     CONFORMANCE_CODE(EINPROGRESS), CONFORMANCE_CODE(EALREADY),
    CONFORMANCE_CODE(EADDRINUSE), CONFORMANCE_CODE(ECONNREFUSED), CONFORMANCE_CODE(ECONNRESET),
    CONFORMANCE_CODE(ECONNABORTED), CONFORMANCE_CODE(EPIPE),     CONFORMANCE_CODE(ETIMEDOUT),
    CONFORMANCE_CODE(ENOTCONN),   CONFORMANCE_CODE(EINVAL),      CONFORMANCE_CODE(EBADF),
    CONFORMANCE_CODE(EACCES),     CONFORMANCE_CODE(EINTR),       CONFORMANCE_CODE(EISCONN),
    CONFORMANCE_CODE(ESHUTDOWN),
};
#undef CONFORMANCE_CODE

void ensure_started() noexcept {}

int as_socket(handle h) noexcept { return static_cast<int>(h); }

#endif

sockaddr_in loopback(std::uint16_t port) noexcept {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

} // namespace

int last_error() noexcept {
#if defined(_WIN32)
    return WSAGetLastError();
#else
    return errno;
#endif
}

std::string error_name(int code) {
    for (const named_code& known : known_codes) {
        if (known.code == code) return std::string(known.name) + " (" + std::to_string(code) + ")";
    }
    return "error " + std::to_string(code);
}

std::string last_error_text() { return error_name(last_error()); }

handle tcp_socket() noexcept {
    ensure_started();
    return static_cast<handle>(::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
}

void close(handle h) noexcept {
    if (h == invalid) return;
#if defined(_WIN32)
    closesocket(as_socket(h));
#else
    ::close(as_socket(h));
#endif
}

bool set_non_blocking(handle h) noexcept {
#if defined(_WIN32)
    u_long on = 1;
    return ioctlsocket(as_socket(h), FIONBIO, &on) == 0;
#else
    const int flags = fcntl(as_socket(h), F_GETFL);
    return flags >= 0 && fcntl(as_socket(h), F_SETFL, flags | O_NONBLOCK) == 0;
#endif
}

bool set_reuse_address(handle h) noexcept {
    const int on = 1;
    return setsockopt(as_socket(h), SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const char*>(&on),
                      sizeof on) == 0;
}

bool bind_loopback(handle h, std::uint16_t port) noexcept {
    const sockaddr_in address = loopback(port);
    return ::bind(as_socket(h), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
}

bool listen(handle h, int backlog) noexcept { return ::listen(as_socket(h), backlog) == 0; }

bool connect_loopback(handle h, std::uint16_t port) noexcept {
    const sockaddr_in address = loopback(port);
    return ::connect(as_socket(h), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
}

std::uint16_t local_port(handle h) noexcept {
    sockaddr_in address{};
    socklen_t size = sizeof address;
    if (getsockname(as_socket(h), reinterpret_cast<sockaddr*>(&address), &size) != 0) return 0;
    return ntohs(address.sin_port);
}

long receive(handle h, char* buffer, int size) noexcept {
    return static_cast<long>(::recv(as_socket(h), buffer, size, 0));
}

long send(handle h, const char* data, int size, int flags) noexcept {
    return static_cast<long>(::send(as_socket(h), data, size, flags));
}

pair connected_pair(std::string& error) {
    const handle listener = tcp_socket();
    pair result;
    if (listener == invalid || !bind_loopback(listener, 0) || !listen(listener, 1)) {
        error = "listener: " + last_error_text();
        close(listener);
        return result;
    }
    result.client = tcp_socket();
    if (result.client == invalid || !connect_loopback(result.client, local_port(listener))) {
        error = "connect: " + last_error_text();
    } else {
        result.server = static_cast<handle>(::accept(as_socket(listener), nullptr, nullptr));
        if (result.server == invalid) error = "accept: " + last_error_text();
    }
    close(listener);
    if (result.server == invalid) close(result);
    return result;
}

void close(pair& p) noexcept {
    close(p.client);
    close(p.server);
    p = {};
}

} // namespace conformance::native::raw
