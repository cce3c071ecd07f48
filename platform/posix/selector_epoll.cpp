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

// The key of the wake-up handle: core's keys are slot numbers, far below it.
constexpr std::uint64_t waker_key = std::numeric_limits<std::uint64_t>::max();

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
    int epoll = -1;
    handle waker = invalid_native_handle;
    // epoll_wait's output, one place per registration and one for the waker: a wait
    // reads every ready one.
    std::vector<epoll_event> ready;
};

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
        if (!ec) ec = control(s->epoll, EPOLL_CTL_ADD, as_fd(s->waker), EPOLLIN, waker_key);
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
    try {
        s.ready.resize(s.ready.size() + 1);
    } catch (const std::exception&) {
        return make_error_code(errc::no_buffer_space);
    }
    const std::error_code ec = control(s.epoll, EPOLL_CTL_ADD, as_fd(h), epoll_events(what), key);
    if (ec) s.ready.pop_back();
    return ec;
}

std::error_code selector_modify(selector_backend& s, handle h, wait_for, wait_for after, std::uint64_t key) noexcept {
    return control(s.epoll, EPOLL_CTL_MOD, as_fd(h), epoll_events(after), key);
}

std::error_code selector_remove(selector_backend& s, handle h, wait_for, std::uint64_t, bool is_open) noexcept {
    s.ready.pop_back();
    // A closed descriptor has left the epoll set by itself; its number may be another
    // socket's by now, which a EPOLL_CTL_DEL would take out instead.
    if (!is_open) return {};
    return control(s.epoll, EPOLL_CTL_DEL, as_fd(h), 0, 0);
}

std::span<const selector_event> selector_wait(selector_backend& s, selector_table& table, deadline until,
                                              std::error_code& ec) noexcept {
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
        // Nothing: the timeout ran out, or the clock's rounding woke us early (the loop
        // top decides which).
        if (count == 0) continue;
        selector_table::recorder events(table);
        bool woken = false;
        for (const epoll_event& e : std::span(s.ready.data(), static_cast<std::size_t>(count))) {
            if (e.data.u64 == waker_key)
                woken = true;
            else
                events.record(e.data.u64, readiness_flags(e.events));
        }
        if (woken) drain_waker(s.waker);
        return events.finish();
    }
}

void selector_wake(selector_backend& s) noexcept { signal_waker(s.waker); }

} // namespace unisock::platform
