// SPDX-License-Identifier: BSL-1.0
// The socket options whose POSIX form needs more than one int (reuse policies, linger,
// keep-alive timing). The plain ones go through the table in platform/option_table.cpp,
// shared with Windows.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <optional>
#include <utility>

#include "platform/platform.hpp"
#include "platform/posix/sockaddr.hpp"

namespace unisock::platform {

namespace {

// Apple's SO_LINGER counts clock ticks; SO_LINGER_SEC is the one in seconds.
#ifdef SO_LINGER_SEC
constexpr int linger_in_seconds = SO_LINGER_SEC;
#else
constexpr int linger_in_seconds = SO_LINGER;
#endif

// The idle time before the first probe: TCP_KEEPIDLE on Linux, TCP_KEEPALIVE on macOS.
#ifdef TCP_KEEPIDLE
constexpr int keep_alive_idle = TCP_KEEPIDLE;
#else
constexpr int keep_alive_idle = TCP_KEEPALIVE;
#endif

// SO_REUSEPORT balances connections between listeners only on Linux; the BSDs' option of
// that name does not, so load_balanced is not offered there.
#ifdef __linux__
constexpr std::optional<int> balancing_reuse_option = SO_REUSEPORT;
#else
constexpr std::optional<int> balancing_reuse_option = std::nullopt;
#endif

int seconds_of(std::chrono::seconds value) noexcept {
    return static_cast<int>(std::min<std::chrono::seconds::rep>(value.count(), INT_MAX));
}

bool is_datagram(int fd) noexcept {
    int type = 0;
    return !get_int_option(fd, SOL_SOCKET, SO_TYPE, type) && type == SOCK_DGRAM;
}

} // namespace

std::error_code set_linger(handle h, std::optional<std::chrono::seconds> value) noexcept {
    ::linger native{};
    native.l_onoff = value ? 1 : 0;
    native.l_linger = value ? seconds_of(*value) : 0;
    if (::setsockopt(as_fd(h), SOL_SOCKET, linger_in_seconds, &native, sizeof native) != 0) return last_error();
    return {};
}

std::error_code get_linger(handle h, std::optional<std::chrono::seconds>& value) noexcept {
    ::linger native{};
    socklen_t length = sizeof native;
    if (::getsockopt(as_fd(h), SOL_SOCKET, linger_in_seconds, &native, &length) != 0) return last_error();
    value.reset();
    if (native.l_onoff != 0) value = std::chrono::seconds(native.l_linger);
    return {};
}

// exclusive: neither option (POSIX refuses a second bind while the first socket lives,
// and while its connections are in TIME_WAIT). rebind_after_close: SO_REUSEADDR on a
// stream socket, which on POSIX still refuses a second live listener; nothing on a
// datagram socket, where SO_REUSEADDR would let a second live socket take the port (and
// its datagrams) and where there is no TIME_WAIT to rebind over. load_balanced:
// SO_REUSEPORT as well.
std::error_code set_reuse(handle h, reuse_policy policy) noexcept {
    const int fd = as_fd(h);
    if (policy == reuse_policy::load_balanced && !balancing_reuse_option)
        return make_error_code(errc::operation_not_supported);
    if (balancing_reuse_option) {
        const int balanced = policy == reuse_policy::load_balanced ? 1 : 0;
        if (std::error_code ec = set_int_option(fd, SOL_SOCKET, *balancing_reuse_option, balanced)) return ec;
    }
    const bool rebinds_over_time_wait = policy != reuse_policy::exclusive && !is_datagram(fd);
    return set_int_option(fd, SOL_SOCKET, SO_REUSEADDR, rebinds_over_time_wait ? 1 : 0);
}

std::error_code get_reuse(handle h, reuse_policy& policy) noexcept {
    const int fd = as_fd(h);
    if (balancing_reuse_option) {
        int balanced = 0;
        if (std::error_code ec = get_int_option(fd, SOL_SOCKET, *balancing_reuse_option, balanced)) return ec;
        if (balanced != 0) {
            policy = reuse_policy::load_balanced;
            return {};
        }
    }
    int reuse = 0;
    if (std::error_code ec = get_int_option(fd, SOL_SOCKET, SO_REUSEADDR, reuse)) return ec;
    policy = reuse != 0 ? reuse_policy::rebind_after_close : reuse_policy::exclusive;
    return {};
}

std::error_code set_keep_alive_timing(handle h, const keep_alive_timing& timing) noexcept {
    const int fd = as_fd(h);
    for (const auto& [field, name] : {std::pair{timing.idle, keep_alive_idle}, std::pair{timing.interval, TCP_KEEPINTVL}}) {
        if (!field) continue;
        if (std::error_code ec = set_int_option(fd, IPPROTO_TCP, name, seconds_of(*field))) return ec;
    }
    if (timing.count) return set_int_option(fd, IPPROTO_TCP, TCP_KEEPCNT, *timing.count);
    return {};
}

std::error_code get_keep_alive_timing(handle h, keep_alive_timing& timing) noexcept {
    const int fd = as_fd(h);
    int idle = 0;
    int interval = 0;
    int count = 0;
    std::error_code ec = get_int_option(fd, IPPROTO_TCP, keep_alive_idle, idle);
    if (!ec) ec = get_int_option(fd, IPPROTO_TCP, TCP_KEEPINTVL, interval);
    if (!ec) ec = get_int_option(fd, IPPROTO_TCP, TCP_KEEPCNT, count);
    if (ec) return ec;
    timing.idle = std::chrono::seconds(idle);
    timing.interval = std::chrono::seconds(interval);
    timing.count = count;
    return {};
}

} // namespace unisock::platform
