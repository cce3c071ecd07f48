// The wait primitive (select) and the wake-up socket that cancel() signals.
#include <winsock2.h>

#include <algorithm>
#include <chrono>

#include "platform/platform.hpp"
#include "platform/windows/sockaddr.hpp"

namespace unisock::platform {

namespace {

using clock = std::chrono::steady_clock;

// The longest single select(): a far deadline is reached in several waits, each of which
// fits timeval's 32-bit seconds.
constexpr std::chrono::hours longest_select{24};

// The time left until `until`, rounded up to the microsecond so that a positive remainder
// never becomes a zero timeout (which would poll instead of waiting).
timeval remaining_time(clock::time_point until) noexcept {
    const clock::duration left = std::clamp<clock::duration>(until - clock::now(), clock::duration::zero(),
                                                             longest_select);
    const auto micro = std::chrono::ceil<std::chrono::microseconds>(left);
    timeval tv{};
    tv.tv_sec = static_cast<long>(micro.count() / 1'000'000);
    tv.tv_usec = static_cast<long>(micro.count() % 1'000'000);
    return tv;
}

} // namespace

// A UDP socket on the loopback connected to itself: a byte sent to it makes it readable,
// which select() watches next to the socket. Windows has no pipe that select() accepts.
waker open_waker(std::error_code& ec) noexcept {
    ec = ensure_initialized();
    if (ec) return {};
    const handle h = open_socket(address_family::ipv4, socket_type::datagram, 0, ec);
    if (ec) return {};
    native_address self;
    ec = bind_socket(h, address::v4_loopback(0));
    if (!ec && ::getsockname(as_socket(h), self.get(), &self.length) == SOCKET_ERROR) ec = last_error();
    // A plain connect, not start_connect: ICMP resets stay off, none can come from itself.
    if (!ec && ::connect(as_socket(h), self.get(), self.length) == SOCKET_ERROR) ec = last_error();
    if (ec) {
        ::closesocket(as_socket(h));
        return {};
    }
    return {h, h};
}

void signal_waker(const waker& w) noexcept {
    // A full buffer (WSAEWOULDBLOCK) means it is signalled already.
    const char byte = 1;
    ::send(as_socket(w.write_end), &byte, 1, 0);
}

void drain_waker(const waker& w) noexcept {
    char bytes[64];
    while (::recv(as_socket(w.read_end), bytes, sizeof bytes, 0) > 0) {
    }
}

void close_waker(waker& w) noexcept {
    // read_end and write_end are the same socket: closed once.
    if (w.read_end != invalid_native_handle) ::closesocket(as_socket(w.read_end));
    w = {};
}

// select() rather than WSAPoll: WSAPoll does not report a failed connect before Windows
// 10 build 19041, while select() puts it in the except set. Windows' fd_set is a list of
// handles, so FD_SETSIZE (64) bounds how many, not their values; two are enough here.
readiness wait(handle h, bool for_read, bool for_write, const waker* wake, deadline until,
               std::error_code& ec) noexcept {
    const SOCKET s = as_socket(h);
    for (;;) {
        fd_set read_set;
        fd_set write_set;
        fd_set except_set;
        FD_ZERO(&read_set);
        FD_ZERO(&write_set);
        FD_ZERO(&except_set);
        if (for_read) FD_SET(s, &read_set);
        if (wake) FD_SET(as_socket(wake->read_end), &read_set);
        if (for_write) {
            FD_SET(s, &write_set);
            FD_SET(s, &except_set); // where a failed connect shows up
        }
        timeval tv{};
        if (until) tv = remaining_time(*until);
        const int ready = ::select(0, &read_set, &write_set, &except_set, until ? &tv : nullptr);
        if (ready == SOCKET_ERROR) {
            ec = last_error();
            return {};
        }
        if (ready == 0) {
            // select() may return a little early (its clock is coarser than ours): only a
            // deadline that has really passed is a timeout.
            if (until && clock::now() >= *until) {
                ec = make_error_code(errc::timed_out);
                return {};
            }
            continue;
        }
        if (wake && FD_ISSET(as_socket(wake->read_end), &read_set)) {
            ec = make_error_code(errc::operation_canceled);
            return {};
        }
        ec.clear();
        readiness result;
        result.readable = FD_ISSET(s, &read_set) != 0;
        result.writable = FD_ISSET(s, &write_set) != 0 || FD_ISSET(s, &except_set) != 0;
        return result;
    }
}

} // namespace unisock::platform
