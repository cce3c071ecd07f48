// SPDX-License-Identifier: BSL-1.0
// The selector on macOS and the BSDs: one kqueue, level-triggered (no EV_CLEAR on the
// sockets), a read filter and a write filter per socket as asked, and the wake-up as a
// user event (EVFILT_USER) of the same kqueue, as waker_kqueue.cpp does for a socket's
// waits. The kernel keeps the registrations, so a wait costs in proportion to the ready
// sockets. A socket ready both ways comes back as two kevents; the recorder merges them.
//
// kevent(2): a filter reports EV_EOF when its direction has ended, with the socket's
// error in fflags when there is one (a failed connect: the write filter, EV_EOF and
// ECONNREFUSED).
#include <sys/event.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <ctime>
#include <exception>
#include <new>
#include <span>
#include <vector>

#include "platform/platform.hpp"
#include "platform/posix/sockaddr.hpp"
#include "platform/selector_table.hpp"

namespace unisock::platform {

namespace {

constexpr uintptr_t wake_event_id = 0;

// udata carries the key (a void* on macOS and FreeBSD).
void* as_udata(std::uint64_t key) noexcept { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(key)); }
std::uint64_t key_of(const struct kevent& e) noexcept {
    return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(e.udata));
}

bool reads(wait_for what) noexcept { return what != wait_for::writable; }
bool writes(wait_for what) noexcept { return what != wait_for::readable; }

// Up to two changes to one socket's filters, applied in one kevent() call. With no room
// for results, kevent fails with the first failing change's error.
class changes {
public:
    void add(handle h, short filter, unsigned short flags, std::uint64_t key) noexcept {
        EV_SET(&list_[count_], static_cast<uintptr_t>(as_fd(h)), filter, flags, 0, 0, as_udata(key));
        ++count_;
    }
    int count() const noexcept { return count_; }
    std::error_code apply(int kq) const noexcept {
        if (count_ == 0) return {};
        const int done = retry_on_interrupt([&] { return ::kevent(kq, list_, count_, nullptr, 0, nullptr); });
        return done < 0 ? last_error() : std::error_code{};
    }

private:
    struct kevent list_[2];
    int count_ = 0;
};

// The user event's change: added (EV_CLEAR: reading it back resets it), or triggered.
std::error_code user_event(int kq, unsigned short flags, unsigned int fflags) noexcept {
    struct kevent change;
    EV_SET(&change, wake_event_id, EVFILT_USER, flags, fflags, 0, nullptr);
    const int done = retry_on_interrupt([&] { return ::kevent(kq, &change, 1, nullptr, 0, nullptr); });
    return done < 0 ? last_error() : std::error_code{};
}

// The longest single kevent() wait: a far deadline is reached in several.
constexpr std::chrono::hours longest_wait{24};

timespec wait_timeout(const deadline& until) noexcept {
    const auto left = std::min<deadline::duration>(until.remaining(), longest_wait);
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(left.count() / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(left.count() % 1'000'000'000);
    return ts;
}

} // namespace

class selector_backend {
public:
    int kq = -1;
    // kevent's output: two per registration (read and write filters) and the wake-up.
    std::vector<struct kevent> ready;
};

selector_backend* open_selector(std::error_code& ec) noexcept {
    auto* s = new (std::nothrow) selector_backend;
    if (s == nullptr) {
        ec = make_error_code(errc::no_buffer_space);
        return nullptr;
    }
    s->kq = ::kqueue();
    if (s->kq < 0 || ::fcntl(s->kq, F_SETFD, FD_CLOEXEC) != 0) {
        ec = last_error();
    } else {
        ec = user_event(s->kq, EV_ADD | EV_CLEAR, 0);
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
    if (s->kq >= 0) ::close(s->kq);
    delete s;
}

std::error_code selector_add(selector_backend& s, handle h, wait_for what, std::uint64_t key) noexcept {
    try {
        s.ready.resize(s.ready.size() + 2);
    } catch (const std::exception&) {
        return make_error_code(errc::no_buffer_space);
    }
    changes filters;
    if (reads(what)) filters.add(h, EVFILT_READ, EV_ADD, key);
    if (writes(what)) filters.add(h, EVFILT_WRITE, EV_ADD, key);
    const std::error_code ec = filters.apply(s.kq);
    if (ec && filters.count() == 2) {
        // The read filter may be in already: take it out again.
        changes undo;
        undo.add(h, EVFILT_READ, EV_DELETE, 0);
        (void)undo.apply(s.kq);
    }
    if (ec) s.ready.resize(s.ready.size() - 2);
    return ec;
}

std::error_code selector_modify(selector_backend& s, handle h, wait_for before, wait_for after,
                                std::uint64_t key) noexcept {
    changes change;
    // EV_ADD on a filter that exists updates its udata; a filter no longer wanted goes.
    if (reads(after))
        change.add(h, EVFILT_READ, EV_ADD, key);
    else if (reads(before))
        change.add(h, EVFILT_READ, EV_DELETE, 0);
    if (writes(after))
        change.add(h, EVFILT_WRITE, EV_ADD, key);
    else if (writes(before))
        change.add(h, EVFILT_WRITE, EV_DELETE, 0);
    return change.apply(s.kq);
}

std::error_code selector_remove(selector_backend& s, handle h, wait_for what, std::uint64_t, bool is_open) noexcept {
    s.ready.resize(s.ready.size() - 2);
    // A closed descriptor's filters left the kqueue with it; its number may be another
    // socket's by now, whose filters an EV_DELETE would take out instead.
    if (!is_open) return {};
    changes filters;
    if (reads(what)) filters.add(h, EVFILT_READ, EV_DELETE, 0);
    if (writes(what)) filters.add(h, EVFILT_WRITE, EV_DELETE, 0);
    return filters.apply(s.kq);
}

std::span<const selector_event> selector_wait(selector_backend& s, selector_table& table, deadline until,
                                              std::error_code& ec) noexcept {
    const int capacity = static_cast<int>(std::min<std::size_t>(s.ready.size(), INT_MAX));
    for (bool first = true;; first = false) {
        if (!first && until.has_passed()) return {}; // polled once already
        const timespec timeout = until.is_limited() ? wait_timeout(until) : timespec{};
        const int count = ::kevent(s.kq, nullptr, 0, s.ready.data(), capacity, until.is_limited() ? &timeout : nullptr);
        if (count < 0 && errno == EINTR) continue; // the deadline is kept: recomputed above
        if (count < 0) {
            ec = last_error();
            return {};
        }
        if (count == 0) continue; // the loop top decides whether the time is up
        selector_table::recorder events(table);
        for (const struct kevent& e : std::span(s.ready.data(), static_cast<std::size_t>(count))) {
            if (e.filter == EVFILT_USER) continue; // the wake-up: EV_CLEAR reset it as it was read
            const bool ended = (e.flags & EV_EOF) != 0;
            const bool failed = (e.flags & EV_ERROR) != 0 || (ended && e.fflags != 0);
            events.record_merging(key_of(e), selector_readiness::flags(e.filter == EVFILT_READ,
                                                                       e.filter == EVFILT_WRITE, failed, ended));
        }
        return events.finish();
    }
}

void selector_wake(selector_backend& s) noexcept { (void)user_event(s.kq, 0, NOTE_TRIGGER); }

} // namespace unisock::platform
