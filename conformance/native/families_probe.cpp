// SPDX-License-Identifier: BSL-1.0
// S21 raw probe: AF_UNIX socket() per type, nothing normalized.
#include "native/families_probe.hpp"

#if defined(_WIN32)
#include <winsock2.h>
#include <afunix.h>
#else
#include <sys/socket.h>
#include <unistd.h>
#endif

#include <utility>

#include "native/raw_tcp.hpp"

namespace conformance::native {

namespace {

#if defined(_WIN32)
bool create_and_close(int type) noexcept {
    static const bool started = [] {
        WSADATA data;
        return WSAStartup(MAKEWORD(2, 2), &data) == 0;
    }();
    if (!started) return false;
    const SOCKET s = ::socket(AF_UNIX, type, 0);
    if (s == INVALID_SOCKET) return false;
    ::closesocket(s);
    return true;
}
#else
bool create_and_close(int type) noexcept {
    const int fd = ::socket(AF_UNIX, type, 0);
    if (fd < 0) return false;
    ::close(fd);
    return true;
}
#endif

} // namespace

std::string raw_local_socket_kinds() {
    std::string text = "socket(AF_UNIX, ...):";
    for (const auto& [name, type] : {std::pair{"stream", SOCK_STREAM}, std::pair{"datagram", SOCK_DGRAM},
                                     std::pair{"seqpacket", SOCK_SEQPACKET}}) {
        text += std::string(" ") + name + " ";
        text += create_and_close(type) ? "ok" : raw::last_error_text();
        text += ";";
    }
    text.pop_back();
    return text;
}

} // namespace conformance::native
