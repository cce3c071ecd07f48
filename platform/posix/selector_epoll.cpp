// SPDX-License-Identifier: BSL-1.0
// The selector on Linux: one epoll instance, level-triggered, with the selector's
// wake-up handle (an eventfd, waker_eventfd.cpp) registered beside the sockets. The
// kernel keeps the registrations, so a wait costs in proportion to the ready sockets.
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <exception>
#include <limits>
#include <new>
#include <span>
#include <vector>

#include "platform/platform.hpp"
#include "platform/posix/sockaddr.hpp"
#include "platform/selector_table.hpp"

namespace unisock::platform {

namespace {

// What epoll carries for a registration: core's key (a slot number) in the low half, and
// in the high half the number of the selector_add that made the registration. The
// kernel keeps a registration for as long as the socket's file is open: one closed
// while registered but open elsewhere (a dup, a forked child's) goes on being reported,
// and only the add number tells its reports from those of a later socket given the
// same key. The wake-up handle's is a value no registration has.
constexpr std::uint64_t waker_data = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t key_bits = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t max_key = key_bits - 1; // the waker's low half is never a key

std::uint64_t epoll_data(std::uint64_t key, std::uint32_t added) noexcept {
    return key | (static_cast<std::uint64_t>(added) << 32);
}

// EPOLLRDHUP tells a peer's close (FIN) apart from data; EPOLLERR and EPOLLHUP come
// whether asked for or not.
std::uint32_t epoll_events(wait_for what) noexcept {
    switch (what) {
    case wait_for::readable: return EPOLLIN | EPOLLRDHUP;
    case wait_for::writable: return EPOLLOUT;
    case wait_for::either: return EPOLLIN | EPOLLRDHUP | EPOLLOUT;
    }
    return EPOLLIN | EPOLLRDHUP | EPOLLOUT;
}

// epoll's bits as selector_readiness's, by shifts (it runs once per ready socket): EPOLLIN
// is readable's bit already, EPOLLOUT, EPOLLERR and EPOLLHUP are one place above
// writable, error and hang_up, and EPOLLRDHUP ten places above EPOLLHUP.
static_assert(EPOLLIN == selector_readiness::readable && EPOLLOUT == selector_readiness::writable << 1 &&
              EPOLLERR == selector_readiness::error << 1 && EPOLLHUP == selector_readiness::hang_up << 1 &&
              EPOLLRDHUP == EPOLLHUP << 9);
std::uint8_t readiness_flags(std::uint32_t events) noexcept {
    using r = selector_readiness;
    return static_cast<std::uint8_t>((events & EPOLLIN) | ((events >> 1) & (r::writable | r::error | r::hang_up)) |
                                     ((events >> 10) & r::hang_up));
}

std::error_code control(int epoll, int op, int fd, std::uint32_t events, std::uint64_t key) noexcept {
    epoll_event change{};
    change.events = events;
    change.data.u64 = key;
    return ::epoll_ctl(epoll, op, fd, &change) == 0 ? std::error_code{} : last_error();
}

} // namespace

class selector_backend {
public:
    // What selector_add registered under one key, to check reports against and to
    // register again in a new epoll instance.
    struct registration {
        int fd = -1; // -1: nothing registered under the key
        std::uint32_t events = 0;
        std::uint32_t added = 0; // the selector_add's number (epoll_data); 0 when free
    };

    int epoll = -1;
    handle waker = invalid_native_handle;
    // epoll_wait's output, one place per registration and one for the waker: a wait
    // reads every ready one.
    std::vector<epoll_event> ready;
    std::vector<registration> registrations; // by key
    std::uint32_t adds = 0;
    // The add numbers ran out and started again: before the next wait, every current
    // registration is numbered anew in a new instance (register_anew), where no old
    // registration can carry a number given again.
    bool numbers_wrapped = false;
};

namespace {

// A new epoll instance with the waker and every current registration, numbered 1, 2, ...
// in key order, in place of the old one: that drops the registration the kernel keeps
// for a socket closed while registered but open elsewhere (which nothing else takes
// out), and frees the add numbers. A socket closed since its add is left out (its
// descriptor number may name another file now). On any failure the old instance and the
// old numbers stay, and the error is returned.
std::error_code register_anew(selector_backend& s, const selector_table& table) noexcept {
    const int fresh = ::epoll_create1(EPOLL_CLOEXEC);
    if (fresh < 0) return last_error();
    std::error_code ec = control(fresh, EPOLL_CTL_ADD, as_fd(s.waker), EPOLLIN, waker_data);
    auto& all = s.registrations;
    const auto kept = [&](std::size_t key) { return all[key].added != 0 && table.holds_its_socket(key); };
    std::uint32_t number = 0;
    for (std::size_t key = 0; key < all.size() && !ec; ++key) {
        if (kept(key)) ec = control(fresh, EPOLL_CTL_ADD, all[key].fd, all[key].events, epoll_data(key, ++number));
    }
    if (ec) {
        ::close(fresh);
        return ec;
    }
    number = 0;
    for (std::size_t key = 0; key < all.size(); ++key) {
        if (kept(key)) all[key].added = ++number;
    }
    s.adds = number;
    s.numbers_wrapped = false;
    ::close(s.epoll);
    s.epoll = fresh;
    return {};
}

} // namespace

selector_backend* open_selector(std::error_code& ec) noexcept {
    auto* s = new (std::nothrow) selector_backend;
    if (s == nullptr) {
        ec = make_error_code(errc::no_buffer_space);
        return nullptr;
    }
    s->epoll = ::epoll_create1(EPOLL_CLOEXEC);
    if (s->epoll < 0) {
        ec = last_error();
    } else {
        s->waker = open_waker(ec);
        if (!ec) ec = control(s->epoll, EPOLL_CTL_ADD, as_fd(s->waker), EPOLLIN, waker_data);
    }
    if (!ec) {
        try {
            s->ready.resize(1);
        } catch (const std::exception&) {
            ec = make_error_code(errc::no_buffer_space);
        }
    }
    if (ec) {
        close_selector(s);
        return nullptr;
    }
    return s;
}

void close_selector(selector_backend* s) noexcept {
    if (s == nullptr) return;
    if (s->waker != invalid_native_handle) close_waker(s->waker);
    if (s->epoll >= 0) ::close(s->epoll);
    delete s;
}

std::error_code selector_add(selector_backend& s, handle h, wait_for what, std::uint64_t key) noexcept {
    if (key > max_key) return make_error_code(errc::no_buffer_space);
    try {
        if (s.registrations.size() <= key) s.registrations.resize(key + 1);
        s.ready.resize(s.ready.size() + 1);
    } catch (const std::exception&) {
        return make_error_code(errc::no_buffer_space);
    }
    selector_backend::registration& r = s.registrations[key];
    if (++s.adds == 0) { // 0 is a free key's: no report matches it
        s.adds = 1;
        s.numbers_wrapped = true;
    }
    const selector_backend::registration entry{as_fd(h), epoll_events(what), s.adds};
    const std::error_code ec = control(s.epoll, EPOLL_CTL_ADD, entry.fd, entry.events, epoll_data(key, entry.added));
    if (ec) {
        s.ready.pop_back();
        return ec;
    }
    r = entry;
    return {};
}

std::error_code selector_modify(selector_backend& s, handle h, wait_for, wait_for after, std::uint64_t key) noexcept {
    selector_backend::registration& r = s.registrations[key];
    const std::error_code ec = control(s.epoll, EPOLL_CTL_MOD, as_fd(h), epoll_events(after), epoll_data(key, r.added));
    if (!ec) r.events = epoll_events(after);
    return ec;
}

std::error_code selector_remove(selector_backend& s, handle h, wait_for, std::uint64_t key, bool is_open) noexcept {
    s.ready.pop_back();
    s.registrations[key] = {};
    // A closed descriptor's number may be another socket's by now, which a EPOLL_CTL_DEL
    // would take out instead. Its registration has left the epoll set with it, unless
    // the socket is open elsewhere: then selector_wait drops its reports and, seeing
    // one, registers the rest anew without it.
    if (!is_open) return {};
    return control(s.epoll, EPOLL_CTL_DEL, as_fd(h), 0, 0);
}

std::span<const selector_event> selector_wait(selector_backend& s, selector_table& table, deadline until,
                                              std::error_code& ec) noexcept {
    if (s.numbers_wrapped) {
        ec = register_anew(s, table);
        if (ec) return {};
    }
    const int capacity = static_cast<int>(std::min<std::size_t>(s.ready.size(), INT_MAX));
    for (bool first = true;; first = false) {
        const int timeout = milliseconds_left(until);
        if (timeout == 0 && !first) return {}; // the deadline passed: polled once already
        const int count = ::epoll_wait(s.epoll, s.ready.data(), capacity, timeout);
        if (count < 0 && errno == EINTR) continue; // the deadline is kept: recomputed above
        if (count < 0) {
            ec = last_error();
            return {};
        }
        selector_table::recorder events(table);
        const std::size_t keys = s.registrations.size();
        const selector_backend::registration* const current = s.registrations.data();
        bool reported = false;
        bool woken = false;
        bool stale = false;
        for (const epoll_event& e : std::span(s.ready.data(), static_cast<std::size_t>(count))) {
            const std::uint64_t key = e.data.u64 & key_bits;
            if (key < keys && e.data.u64 == epoll_data(key, current[key].added)) {
                events.record(key, readiness_flags(e.events));
                reported = true;
            } else if (e.data.u64 == waker_data) {
                woken = true;
            } else {
                stale = true;
            }
        }
        if (stale) {
            // Failing that, the stale registration would end every wait at once: the
            // error (too_many_open_files, no_buffer_space) is reported instead, and a
            // wake-up stays for the next wait.
            ec = register_anew(s, table);
            if (ec) return {};
        }
        if (woken) drain_waker(s.waker);
        if (reported || woken) return events.finish();
        // Nothing, or only stale reports: the timeout ran out, or the clock's rounding
        // woke us early (the loop top decides which).
    }
}

void selector_wake(selector_backend& s) noexcept { signal_waker(s.waker); }

} // namespace unisock::platform
