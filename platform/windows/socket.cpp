// SPDX-License-Identifier: BSL-1.0
// Socket life cycle and data transfer over Winsock 2.
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <mstcpip.h>
#include <windows.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <iterator>
#include <optional>
#include <string>
#include <utility>

#include "platform/loopback_pair.hpp"
#include "platform/platform.hpp"
#include "platform/windows/sockaddr.hpp"
#include "platform/windows/unicode.hpp"

// Older mingw-w64 headers lack this one; the value is the Windows SDK's.
#ifndef SIO_UDP_NETRESET
#define SIO_UDP_NETRESET _WSAIOW(IOC_VENDOR, 15)
#endif

namespace unisock::platform {

namespace {

// Winsock lengths are int: a larger buffer is sent or received in part, like any partial
// transfer, and the caller carries on with the rest.
int clamp_length(std::size_t size) noexcept {
    return static_cast<int>(std::min<std::size_t>(size, INT_MAX));
}

bool is_ip_family(int af) noexcept { return af == AF_INET || af == AF_INET6; }

std::error_code win32_error() noexcept {
    return {static_cast<int>(GetLastError()), system_category()};
}

std::error_code set_non_blocking(SOCKET s, bool non_blocking) noexcept {
    u_long mode = non_blocking ? 1 : 0;
    if (::ioctlsocket(s, FIONBIO, &mode) == SOCKET_ERROR) return last_error();
    return {};
}

std::error_code make_not_inheritable(SOCKET s) noexcept {
    if (!SetHandleInformation(reinterpret_cast<HANDLE>(s), HANDLE_FLAG_INHERIT, 0)) return win32_error();
    return {};
}

} // namespace

// SIO_UDP_CONNRESET: whether an ICMP port-unreachable surfaces as WSAECONNRESET on the
// next recv; SIO_UDP_NETRESET: whether an ICMP time-exceeded (TTL expired) surfaces as
// WSAENETRESET. Both off on unconnected sockets (any stranger's ICMP would otherwise fail
// our recvfrom), on once connected (a connected UDP socket reports them, as on POSIX).
const unsigned long udp_reset_controls[2] = {SIO_UDP_CONNRESET, SIO_UDP_NETRESET};

std::error_code report_udp_resets(SOCKET s, bool report) noexcept {
    BOOL value = report ? TRUE : FALSE;
    for (const unsigned long control : udp_reset_controls) {
        DWORD returned = 0;
        if (WSAIoctl(s, control, &value, sizeof value, nullptr, 0, &returned, nullptr, nullptr) != SOCKET_ERROR)
            continue;
        // A provider that does not know SIO_UDP_NETRESET (Wine) has no such reports to switch.
        if (control == SIO_UDP_NETRESET && (WSAGetLastError() == WSAEINVAL || WSAGetLastError() == WSAEOPNOTSUPP))
            continue;
        return last_error();
    }
    return {};
}

namespace {

bool is_datagram(SOCKET s) noexcept {
    int type = 0;
    return !get_int_option(s, SOL_SOCKET, SO_TYPE, type) && type == SOCK_DGRAM;
}

// The error of the send/recv that just failed (see transfer_error_of).
std::error_code transfer_error(SOCKET s, transfer_call call) noexcept {
    const int error = WSAGetLastError(); // before is_datagram's own call can replace it
    if (error != WSAECONNRESET && error != WSAECONNABORTED) return {error, system_category()};
    return transfer_error_of(error, call, is_datagram(s));
}

// WSA_FLAG_OVERLAPPED keeps the socket usable with overlapped I/O (Asio takes the handle
// over that way); WSA_FLAG_NO_HANDLE_INHERIT makes it non-inheritable atomically.
SOCKET create_not_inheritable(int af, int type, int protocol, std::error_code& ec) noexcept {
    SOCKET s = WSASocketW(af, type, protocol, nullptr, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (s != INVALID_SOCKET) return s;
    if (WSAGetLastError() != WSAEINVAL) {
        ec = last_error();
        return INVALID_SOCKET;
    }
    // Windows 7 without SP1 rejects the flag: create, then clear inheritance by hand.
    s = WSASocketW(af, type, protocol, nullptr, 0, WSA_FLAG_OVERLAPPED);
    if (s == INVALID_SOCKET) {
        ec = last_error();
        return INVALID_SOCKET;
    }
    ec = make_not_inheritable(s);
    if (ec) {
        ::closesocket(s);
        return INVALID_SOCKET;
    }
    return s;
}

// unisock's defaults for a new socket: non-blocking, exclusive address use (plain
// Winsock lets a later SO_REUSEADDR socket steal the port), IPv6-only, and ICMP resets
// ignored while a UDP socket is unconnected.
std::error_code configure_new_socket(SOCKET s, int af, int type) noexcept {
    if (std::error_code ec = set_non_blocking(s, true)) return ec;
    if (!is_ip_family(af)) return {};
    if (type != SOCK_RAW) { // a raw socket has no port to guard
        if (std::error_code ec = set_int_option(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1)) return ec;
    }
    if (af == AF_INET6) {
        if (std::error_code ec = set_int_option(s, IPPROTO_IPV6, IPV6_V6ONLY, 1)) return ec;
    }
    if (type == SOCK_DGRAM) return report_udp_resets(s, false);
    return {};
}

// The family of a socket whether or not it is bound (getsockname fails on unbound ones).
std::error_code socket_protocol(SOCKET s, WSAPROTOCOL_INFOW& info) noexcept {
    int length = sizeof info;
    if (::getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, reinterpret_cast<char*>(&info), &length) == SOCKET_ERROR)
        return last_error();
    return {};
}

bool is_connected(SOCKET s) noexcept {
    native_address peer;
    return ::getpeername(s, peer.get(), &peer.length) == 0;
}

// Winsock's getsockname fails with WSAEINVAL on a socket that is not bound yet, where
// POSIX gives the wildcard address with port 0; unisock gives the POSIX answer everywhere.
address unbound_address(SOCKET s, std::error_code& ec) noexcept {
    WSAPROTOCOL_INFOW info{};
    ec = socket_protocol(s, info);
    if (ec) return {};
    if (info.iAddressFamily == AF_INET6) return {ip_address::v6_any(), 0};
    if (info.iAddressFamily == AF_UNIX) return address::local_unnamed();
    return {};
}

// A fresh path in the user's temporary directory for a private AF_UNIX listener, in
// UTF-8 (GetTempPathW: a directory name outside the ANSI code page stays intact).
address unique_local_address(std::error_code& ec) {
    wchar_t directory[MAX_PATH + 1] = {};
    const DWORD length = GetTempPathW(static_cast<DWORD>(std::size(directory)), directory);
    if (length == 0) {
        ec = win32_error();
        return {};
    }
    if (length > MAX_PATH) {
        ec = make_error_code(errc::name_too_long);
        return {};
    }
    static std::atomic<unsigned> counter{0};
    const std::string path = narrow(std::wstring_view(directory, length)) + "unisock-" + std::to_string(GetCurrentProcessId()) +
                             "-" + std::to_string(counter++) + "-" + std::to_string(GetTickCount64()) + ".sock";
    return address::local(path, ec);
}

// Removes the listener's socket file once the pair exists (or failed): DeleteFileW with
// the UTF-8 path converted back.
class file_remover {
public:
    explicit file_remover(std::wstring path) noexcept : path_(std::move(path)) {}
    file_remover(const file_remover&) = delete;
    file_remover& operator=(const file_remover&) = delete;
    ~file_remover() {
        if (!path_.empty()) DeleteFileW(path_.c_str());
    }

private:
    std::wstring path_;
};

// The listener's file lives in the user's own temporary directory, which other users
// cannot open, and is gone as soon as the pair exists: no peer check is needed (an
// unbound AF_UNIX client has no address to compare anyway).
void local_stream_pair(handle out[2], std::error_code& ec) noexcept {
    const address path = unique_local_address(ec);
    if (ec) return;
    std::error_code not_utf8; // cannot happen: the path was made from UTF-16 above
    const file_remover remove(widen(path.path(), not_utf8)); // destroyed after the listener is closed
    stream_pair_through(address_family::local, path, false, out, ec);
}

} // namespace

std::error_code transfer_error_of(int native, transfer_call call, bool datagram) noexcept {
    if (native == WSAECONNRESET && datagram) return {WSAECONNREFUSED, system_category()};
    if (native == WSAECONNABORTED && call == transfer_call::send) return {WSAECONNRESET, system_category()};
    return {native, system_category()};
}

handle open_socket(address_family f, socket_type t, int protocol, std::error_code& ec) noexcept {
    int af = 0;
    int type = 0;
    ec = native_family_and_type(f, t, af, type);
    if (ec) return invalid_native_handle;
    ec = ensure_initialized();
    if (ec) return invalid_native_handle;
    const SOCKET s = create_not_inheritable(af, type, protocol, ec);
    if (ec) return invalid_native_handle;
    ec = configure_new_socket(s, af, type);
    if (ec) {
        ::closesocket(s);
        return invalid_native_handle;
    }
    return as_handle(s);
}

void adopt_socket(handle h, address_family& f, socket_type& t, std::error_code& ec) noexcept {
    ec = ensure_initialized();
    if (ec) return;
    const SOCKET s = as_socket(h);
    WSAPROTOCOL_INFOW info{};
    ec = socket_protocol(s, info); // WSAENOTSOCK (bad_descriptor) for anything but a socket
    if (ec) return;
    const std::optional<address_family> family = portable_family(info.iAddressFamily);
    const std::optional<socket_type> type = portable_type(info.iSocketType);
    if (!family || !type) {
        ec = make_error_code(family ? errc::socket_type_not_supported : errc::address_family_not_supported);
        return;
    }
    ec = set_non_blocking(s, true);
    if (!ec) ec = make_not_inheritable(s);
    // The UDP rule of open_socket and start_connect, applied to the state it arrives in.
    if (!ec && *type == socket_type::datagram && is_ip_family(info.iAddressFamily))
        ec = report_udp_resets(s, is_connected(s));
    if (ec) return;
    f = *family;
    t = *type;
}

namespace {

// closesocket on a non-blocking socket with a non-zero linger time fails with
// WSAEWOULDBLOCK instead of waiting: the socket is switched to blocking first, so the
// close waits up to the time, as options.hpp says.
void block_if_lingering(SOCKET s) noexcept {
    std::optional<std::chrono::seconds> linger;
    if (!get_linger(as_handle(s), linger) && linger && linger->count() > 0) set_non_blocking(s, false);
}

} // namespace

std::error_code close_socket(handle h) noexcept {
    block_if_lingering(as_socket(h));
    if (::closesocket(as_socket(h)) == SOCKET_ERROR) return last_error();
    return {};
}

void abort_socket(handle h) noexcept {
    const SOCKET s = as_socket(h);
    const LINGER abortive{1, 0};
    ::setsockopt(s, SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&abortive), sizeof abortive);
    ::closesocket(s);
}

std::error_code set_os_blocking(handle h, bool blocking) noexcept {
    return set_non_blocking(as_socket(h), !blocking);
}

// A port another socket holds with SO_EXCLUSIVEADDRUSE (unisock's default) refuses a
// stream bind with WSAEACCES, where POSIX says EADDRINUSE: it is the same "address in
// use". A datagram socket's WSAEACCES (a broadcast address without SO_BROADCAST) stays.
std::error_code bind_socket(handle h, const address& local) noexcept {
    const SOCKET s = as_socket(h);
    native_address native;
    if (std::error_code ec = to_native(local, native)) return ec;
    if (::bind(s, native.get(), native.length) == 0) return {};
    const int error = WSAGetLastError();
    int type = 0;
    if (error == WSAEACCES && !get_int_option(s, SOL_SOCKET, SO_TYPE, type) && type == SOCK_STREAM)
        return {WSAEADDRINUSE, system_category()};
    return {error, system_category()};
}

// Plain listen(SOMAXCONN) gives the provider's "reasonable maximum" (200 in practice), and
// a plain value above that is cut down to it. SOMAXCONN_HINT(n) asks for n itself, clamped
// to [200, 65535]: it is what max_backlog and any backlog of 200 or more pass, so that a
// backlog is honoured up to listen_backlog_limit(). mingw-w64 lacks the SDK's macro,
// which is -(n).
constexpr int hinted_backlog_floor = 200;
constexpr int hinted_backlog_ceiling = 65535;
constexpr int somaxconn_hint(int backlog) noexcept { return -backlog; }

std::error_code listen_socket(handle h, int backlog) noexcept {
    const int native = backlog >= hinted_backlog_floor
                           ? somaxconn_hint(std::min(backlog, hinted_backlog_ceiling))
                           : backlog;
    if (::listen(as_socket(h), native) == SOCKET_ERROR) return last_error();
    return {};
}

handle accept_socket(handle h, address& peer, std::error_code& ec) noexcept {
    native_address from;
    const SOCKET s = ::accept(as_socket(h), from.get(), &from.length);
    if (s == INVALID_SOCKET) {
        ec = last_error();
        return invalid_native_handle;
    }
    // Accepted sockets copy the listener's flags on Windows; set unisock's own explicitly.
    ec = set_non_blocking(s, true);
    if (!ec) ec = make_not_inheritable(s);
    if (ec) {
        ::closesocket(s);
        return invalid_native_handle;
    }
    // An address unisock cannot represent does not cost the connection.
    std::error_code unrepresentable;
    peer = from_native(from, unrepresentable);
    return as_handle(s);
}

namespace {

// Windows answers a refused SYN by retrying it, so a connect to a closed loopback port
// takes about 2 s to fail, where POSIX refuses at once. No SYN retransmissions on a
// loopback connect (SIO_TCP_INITIAL_RTO, Windows 8+) makes it fail at once too: a
// loopback SYN is never lost, so a retry can only meet the same refusal. A Windows that
// does not know the control only stays slow, so its failure is not an error.
void refuse_loopback_at_once(SOCKET s) noexcept {
    TCP_INITIAL_RTO_PARAMETERS parameters{};
    parameters.Rtt = TCP_INITIAL_RTO_UNSPECIFIED_RTT;
    parameters.MaxSynRetransmissions = TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS;
    DWORD returned = 0;
    WSAIoctl(s, SIO_TCP_INITIAL_RTO, &parameters, sizeof parameters, nullptr, 0, &returned, nullptr, nullptr);
}

} // namespace

std::error_code start_connect(handle h, const address& peer) noexcept {
    const SOCKET s = as_socket(h);
    native_address to;
    if (std::error_code ec = to_native(peer, to)) return ec;
    if (peer.family() != address_family::local && is_datagram(s)) {
        if (std::error_code ec = report_udp_resets(s, true)) return ec;
    } else if (peer.family() != address_family::local && peer.ip().is_loopback()) {
        refuse_loopback_at_once(s);
    }
    if (::connect(s, to.get(), to.length) == 0) return {};
    const int error = WSAGetLastError();
    // Winsock says WSAEWOULDBLOCK where POSIX says EINPROGRESS: the native code is kept,
    // in the category that reads it as in_progress.
    if (error == WSAEWOULDBLOCK) return {error, connect_category()};
    return {error, system_category()};
}

std::error_code pending_error(handle h) noexcept {
    int error = 0;
    if (std::error_code ec = get_int_option(as_socket(h), SOL_SOCKET, SO_ERROR, error)) return ec;
    if (error == 0) return {};
    return {error, system_category()};
}

std::size_t send_some(handle h, const_bytes data, std::error_code& ec) noexcept {
    const SOCKET s = as_socket(h);
    const int sent = ::send(s, reinterpret_cast<const char*>(data.data()), clamp_length(data.size()), 0);
    if (sent == SOCKET_ERROR) {
        ec = transfer_error(s, transfer_call::send);
        return 0;
    }
    ec.clear();
    return static_cast<std::size_t>(sent);
}

std::size_t recv_some(handle h, mutable_bytes buffer, std::error_code& ec) noexcept {
    const SOCKET s = as_socket(h);
    const int received = ::recv(s, reinterpret_cast<char*>(buffer.data()), clamp_length(buffer.size()), 0);
    if (received == SOCKET_ERROR) {
        ec = transfer_error(s, transfer_call::receive);
        // After shutdown(read) POSIX recv reports end of stream; Winsock fails with
        // WSAESHUTDOWN. Both read as an orderly close here.
        if (ec.value() == WSAESHUTDOWN) ec.clear();
        return 0;
    }
    ec.clear();
    return static_cast<std::size_t>(received);
}

std::size_t send_to(handle h, const_bytes data, const address& peer, std::error_code& ec) noexcept {
    const SOCKET s = as_socket(h);
    native_address to;
    ec = to_native(peer, to);
    if (ec) return 0;
    const int sent = ::sendto(s, reinterpret_cast<const char*>(data.data()), clamp_length(data.size()), 0,
                            to.get(), to.length);
    if (sent == SOCKET_ERROR) {
        ec = transfer_error(s, transfer_call::send);
        return 0;
    }
    return static_cast<std::size_t>(sent);
}

std::size_t recv_from(handle h, mutable_bytes buffer, address& sender, std::error_code& ec) noexcept {
    const SOCKET s = as_socket(h);
    native_address from;
    // A datagram larger than buffer fails with WSAEMSGSIZE (message_size) after filling
    // it, as Python reports it on Windows.
    const int received = ::recvfrom(s, reinterpret_cast<char*>(buffer.data()), clamp_length(buffer.size()), 0,
                                  from.get(), &from.length);
    if (received == SOCKET_ERROR) {
        ec = transfer_error(s, transfer_call::receive);
        return 0;
    }
    sender = from_native(from, ec);
    return static_cast<std::size_t>(received);
}

std::error_code shutdown_socket(handle h, shutdown_how how) noexcept {
    int native = SD_BOTH;
    if (how == shutdown_how::read) native = SD_RECEIVE;
    if (how == shutdown_how::write) native = SD_SEND;
    if (::shutdown(as_socket(h), native) == SOCKET_ERROR) return last_error();
    return {};
}

address local_address(handle h, std::error_code& ec) noexcept {
    const SOCKET s = as_socket(h);
    native_address local;
    if (::getsockname(s, local.get(), &local.length) == SOCKET_ERROR) {
        ec = last_error();
        if (ec.value() == WSAEINVAL) return unbound_address(s, ec);
        return {};
    }
    return from_native(local, ec);
}

address peer_address(handle h, std::error_code& ec) noexcept {
    native_address peer;
    if (::getpeername(as_socket(h), peer.get(), &peer.length) == SOCKET_ERROR) {
        ec = last_error();
        return {};
    }
    return from_native(peer, ec);
}

// Windows has no socketpair(). A stream pair goes through a private listener (see
// stream_pair_through); a datagram pair is two loopback UDP sockets connected to each other.
void make_socket_pair(address_family f, socket_type t, handle out[2], std::error_code& ec) noexcept {
    out[0] = out[1] = invalid_native_handle;
    // Every socket of the pair comes from open_socket, which starts Winsock.
    if (f == address_family::unspecified) f = address_family::ipv4;
    if (!native_family(f)) {
        ec = make_error_code(errc::address_family_not_supported);
        return;
    }
    const bool local = f == address_family::local;
    if (t == socket_type::stream) {
        if (local) {
            local_stream_pair(out, ec);
            return;
        }
        // The peer check keeps out anyone else who connects to the loopback port first.
        stream_pair_through(f, loopback_for(f), true, out, ec);
        return;
    }
    if (t == socket_type::datagram && !local) {
        loopback_datagram_pair(f, out, ec);
        return;
    }
    ec = make_error_code(errc::socket_type_not_supported); // Windows AF_UNIX is stream only
}

} // namespace unisock::platform
