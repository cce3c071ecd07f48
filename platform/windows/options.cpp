// SPDX-License-Identifier: BSL-1.0
// The socket options whose Windows form differs (linger's u_short fields,
// SO_EXCLUSIVEADDRUSE, keep-alive timing). The plain ones go through the table in
// platform/option_table.cpp, shared with POSIX.
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <optional>
#include <utility>

#include "platform/platform.hpp"
#include "platform/windows/sockaddr.hpp"

// Keep-alive timing as IPPROTO_TCP options (Windows 10 1709+; TCP_KEEPCNT since 1703).
// Older mingw-w64 headers lack the names; the values are the Windows SDK's.
#ifndef TCP_KEEPIDLE
#define TCP_KEEPIDLE 3
#endif
#ifndef TCP_KEEPCNT
#define TCP_KEEPCNT 16
#endif
#ifndef TCP_KEEPINTVL
#define TCP_KEEPINTVL 17
#endif

namespace unisock::platform {

namespace {

// What Windows uses when SIO_KEEPALIVE_VALS is given only one of the two times: its
// documented defaults (2 hours idle, 1 second between probes).
constexpr std::chrono::milliseconds default_keep_alive_idle = std::chrono::hours(2);
constexpr std::chrono::milliseconds default_keep_alive_interval = std::chrono::seconds(1);

u_long milliseconds_of(std::optional<std::chrono::seconds> value, std::chrono::milliseconds fallback) noexcept {
    const std::chrono::milliseconds ms = value ? std::chrono::milliseconds(*value) : fallback;
    return static_cast<u_long>(std::min<std::chrono::milliseconds::rep>(ms.count(), ULONG_MAX));
}

int seconds_of(std::chrono::seconds value) noexcept {
    return static_cast<int>(std::min<std::chrono::seconds::rep>(value.count(), INT_MAX));
}

// Before Windows 10 1709 the timing can only be set through SIO_KEEPALIVE_VALS, which
// takes both times together (in milliseconds), has no probe count, and always switches
// keep-alive on.
std::error_code set_keep_alive_values(SOCKET s, const keep_alive_timing& timing) noexcept {
    if (timing.count) return make_error_code(errc::operation_not_supported);
    tcp_keepalive values{};
    values.onoff = 1;
    values.keepalivetime = milliseconds_of(timing.idle, default_keep_alive_idle);
    values.keepaliveinterval = milliseconds_of(timing.interval, default_keep_alive_interval);
    DWORD returned = 0;
    if (WSAIoctl(s, SIO_KEEPALIVE_VALS, &values, sizeof values, nullptr, 0, &returned, nullptr, nullptr) ==
        SOCKET_ERROR)
        return last_error();
    return {};
}

// Windows versions before the TCP_KEEP* options refuse them with WSAENOPROTOOPT.
bool is_unknown_option(const std::error_code& ec) noexcept { return ec.value() == WSAENOPROTOOPT; }

} // namespace

std::error_code set_linger(handle h, std::optional<std::chrono::seconds> value) noexcept {
    // Core has checked the range: Windows keeps the time in a u_short.
    LINGER linger{};
    linger.l_onoff = value ? 1 : 0;
    linger.l_linger = value ? static_cast<u_short>(value->count()) : 0;
    if (::setsockopt(as_socket(h), SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&linger), sizeof linger) ==
        SOCKET_ERROR)
        return last_error();
    return {};
}

std::error_code get_linger(handle h, std::optional<std::chrono::seconds>& value) noexcept {
    LINGER linger{};
    int length = sizeof linger;
    if (::getsockopt(as_socket(h), SOL_SOCKET, SO_LINGER, reinterpret_cast<char*>(&linger), &length) ==
        SOCKET_ERROR)
        return last_error();
    value.reset();
    if (linger.l_onoff != 0) value = std::chrono::seconds(linger.l_linger);
    return {};
}

// SO_REUSEADDR is never set: on Windows it lets another socket bind over a live listener
// (port theft). SO_EXCLUSIVEADDRUSE stays on under exclusive and rebind_after_close
// alike: without it Microsoft's sharing table lets a wildcard bind succeed over a
// specific one (and the reverse under the same user), two live listeners on one port.
// Windows has no option between the two, so rebind_after_close is exclusive there (see
// options.hpp for what that means over TIME_WAIT) and reads back as exclusive.
std::error_code set_reuse(handle h, reuse_policy policy) noexcept {
    const SOCKET s = as_socket(h);
    if (policy == reuse_policy::load_balanced) return make_error_code(errc::operation_not_supported);
    // SO_EXCLUSIVEADDRUSE is refused while SO_REUSEADDR is on (an adopted socket's).
    if (std::error_code ec = set_int_option(s, SOL_SOCKET, SO_REUSEADDR, 0)) return ec;
    return set_int_option(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1);
}

// An adopted socket may carry neither option (plain Winsock sharing): that reads as
// rebind_after_close, the policy that allows more than exclusive.
std::error_code get_reuse(handle h, reuse_policy& policy) noexcept {
    int exclusive = 0;
    if (std::error_code ec = get_int_option(as_socket(h), SOL_SOCKET, SO_EXCLUSIVEADDRUSE, exclusive)) return ec;
    policy = exclusive != 0 ? reuse_policy::exclusive : reuse_policy::rebind_after_close;
    return {};
}

std::error_code set_keep_alive_timing(handle h, const keep_alive_timing& timing) noexcept {
    const SOCKET s = as_socket(h);
    for (const auto& [field, name] : {std::pair{timing.idle, TCP_KEEPIDLE}, std::pair{timing.interval, TCP_KEEPINTVL}}) {
        if (!field) continue;
        const std::error_code ec = set_int_option(s, IPPROTO_TCP, name, seconds_of(*field));
        if (ec && is_unknown_option(ec)) return set_keep_alive_values(s, timing);
        if (ec) return ec;
    }
    // A refused TCP_KEEPCNT stays WSAENOPROTOOPT, which reads operation_not_supported.
    if (timing.count) return set_int_option(s, IPPROTO_TCP, TCP_KEEPCNT, *timing.count);
    return {};
}

std::error_code get_keep_alive_timing(handle h, keep_alive_timing& timing) noexcept {
    const SOCKET s = as_socket(h);
    int idle = 0;
    int interval = 0;
    int count = 0;
    // Where these options are unknown (WSAENOPROTOOPT: operation_not_supported) there is
    // no way to read the timing back: SIO_KEEPALIVE_VALS only sets it.
    std::error_code ec = get_int_option(s, IPPROTO_TCP, TCP_KEEPIDLE, idle);
    if (!ec) ec = get_int_option(s, IPPROTO_TCP, TCP_KEEPINTVL, interval);
    if (!ec) ec = get_int_option(s, IPPROTO_TCP, TCP_KEEPCNT, count);
    if (ec) return ec;
    timing.idle = std::chrono::seconds(idle);
    timing.interval = std::chrono::seconds(interval);
    timing.count = count;
    return {};
}

} // namespace unisock::platform
