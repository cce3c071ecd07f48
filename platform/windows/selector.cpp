// SPDX-License-Identifier: BSL-1.0
// The selector on Windows: select() over sets as large as the registrations, with the
// selector's wake-up socket (waker.cpp) in the read set.
//
// Why select(): WSAPoll does not report a failed connect before Windows 10 build 19041,
// and asking it for POLLERR/POLLHUP fails with WSAEINVAL; select() puts a failed connect
// in the except set on every build. Its FD_SETSIZE limit is not one: Winsock's fd_set is
// a count followed by that many SOCKETs, and select() reads as many as the count says, so
// a larger block of memory is a set of any size. The cost of a wait grows with the
// registered sockets (the sets are filled each time); IOCP, where each ready socket
// costs alone, is what the async server engine uses.
//
// select() says nothing of a peer's close: a readable stream socket is asked with a
// one-byte MSG_PEEK recv whether the stream has ended (0) or was reset (an error).
#include <winsock2.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <new>
#include <span>
#include <unordered_map>
#include <vector>

#include "platform/platform.hpp"
#include "platform/selector_table.hpp"
#include "platform/windows/sockaddr.hpp"

namespace unisock::platform {

namespace {

static_assert(offsetof(fd_set, fd_array) == sizeof(SOCKET), "fd_set is a count padded to a SOCKET, then SOCKETs");

// An fd_set of any size: storage_[0] holds fd_count, the SOCKETs follow.
class socket_set {
public:
    void reserve(std::size_t sockets) { storage_.resize(sockets + 1); }
    void clear() noexcept { get()->fd_count = 0; }
    // Within the size reserve() gave.
    void add(SOCKET s) noexcept { storage_[1 + get()->fd_count++] = s; }
    std::size_t size() noexcept { return get()->fd_count; }
    SOCKET operator[](std::size_t i) noexcept { return storage_[1 + i]; }
    fd_set* get() noexcept { return reinterpret_cast<fd_set*>(storage_.data()); }

private:
    std::vector<SOCKET> storage_ = std::vector<SOCKET>(2);
};

// What select() and the peek found for one registration in this wait.
enum found : unsigned { none = 0, readable = 1, writable = 2, failed = 4 };

} // namespace

class selector_backend {
public:
    struct registration {
        SOCKET s = INVALID_SOCKET;
        wait_for what = wait_for::readable;
        bool in_use = false;
        // A stream socket is peeked when readable; one that turned out to be a listener
        // (WSAENOTCONN) is not peeked again.
        bool peek = false;
        // Closed while registered: select() would fail with WSAENOTSOCK for all.
        bool gone = false;
        unsigned seen = none;
    };

    handle waker = invalid_native_handle;
    std::vector<registration> registrations; // by key
    std::unordered_map<SOCKET, std::uint64_t> by_socket;
    std::size_t count = 0;
    socket_set read_set, write_set, except_set;
    std::vector<std::uint64_t> touched; // the keys select() reported, each once
};

namespace {

// Closed sockets left registered are found by asking each for its type; they are left
// out of later waits. False when none was found (the error is another one).
bool drop_closed(selector_backend& s) noexcept {
    bool dropped = false;
    for (selector_backend::registration& r : s.registrations) {
        if (!r.in_use || r.gone) continue;
        int type = 0;
        int size = sizeof type;
        if (::getsockopt(r.s, SOL_SOCKET, SO_TYPE, reinterpret_cast<char*>(&type), &size) == SOCKET_ERROR &&
            WSAGetLastError() == WSAENOTSOCK) {
            r.gone = true;
            s.by_socket.erase(r.s);
            dropped = true;
        }
    }
    return dropped;
}

// recv(MSG_PEEK) of one byte on a readable stream socket: 0 is the end of the stream, an
// error a reset (or another failure recv will report).
std::uint8_t peek_end(selector_backend::registration& r) noexcept {
    char byte = 0;
    const int got = ::recv(r.s, &byte, 1, MSG_PEEK);
    if (got > 0) return 0;
    if (got == 0) return selector_readiness::hang_up;
    switch (WSAGetLastError()) {
    case WSAEWOULDBLOCK: return 0;
    case WSAENOTCONN:
    case WSAEINVAL: r.peek = false; return 0; // a listener: its readiness is a connection
    default: return selector_readiness::error | selector_readiness::hang_up;
    }
}

void note(selector_backend& s, socket_set& set, unsigned what) noexcept {
    for (std::size_t i = 0; i < set.size(); ++i) {
        const auto found = s.by_socket.find(set[i]);
        if (found == s.by_socket.end()) continue; // the waker
        selector_backend::registration& r = s.registrations[found->second];
        if (r.seen == none) s.touched.push_back(found->second); // reserved by selector_add
        r.seen |= what;
    }
}

} // namespace

selector_backend* open_selector(std::error_code& ec) noexcept {
    auto* s = new (std::nothrow) selector_backend;
    if (s == nullptr) {
        ec = make_error_code(errc::no_buffer_space);
        return nullptr;
    }
    s->waker = open_waker(ec);
    if (ec) {
        close_selector(s);
        return nullptr;
    }
    return s;
}

void close_selector(selector_backend* s) noexcept {
    if (s == nullptr) return;
    if (s->waker != invalid_native_handle) close_waker(s->waker);
    delete s;
}

std::error_code selector_add(selector_backend& s, handle h, wait_for what, std::uint64_t key) noexcept {
    int type = 0;
    int size = sizeof type;
    if (::getsockopt(as_socket(h), SOL_SOCKET, SO_TYPE, reinterpret_cast<char*>(&type), &size) == SOCKET_ERROR)
        return last_error();
    try {
        const std::size_t sockets = s.count + 2; // this one and the waker
        s.read_set.reserve(sockets);
        s.write_set.reserve(sockets);
        s.except_set.reserve(sockets);
        if (s.touched.capacity() < sockets) s.touched.reserve(std::max(sockets, 2 * s.touched.capacity()));
        if (s.registrations.size() <= key) s.registrations.resize(key + 1);
        s.by_socket[as_socket(h)] = key;
    } catch (const std::exception&) {
        return make_error_code(errc::no_buffer_space);
    }
    // A handle number reused while the old socket stays registered closed: the new one
    // is watched, the old entry waits for its remove().
    for (selector_backend::registration& r : s.registrations) {
        if (r.in_use && r.s == as_socket(h)) r.gone = true;
    }
    s.registrations[key] = {as_socket(h), what, true, type == SOCK_STREAM, false, none};
    ++s.count;
    return {};
}

std::error_code selector_modify(selector_backend& s, handle, wait_for, wait_for after, std::uint64_t key) noexcept {
    s.registrations[key].what = after;
    return {};
}

std::error_code selector_remove(selector_backend& s, handle, wait_for, std::uint64_t key, bool) noexcept {
    selector_backend::registration& r = s.registrations[key];
    if (!r.gone) s.by_socket.erase(r.s);
    r = {};
    --s.count;
    return {};
}

std::span<const selector_event> selector_wait(selector_backend& s, selector_table& table, deadline until,
                                              std::error_code& ec) noexcept {
    const SOCKET waker = as_socket(s.waker);
    for (bool first = true;; first = false) {
        if (!first && until.has_passed()) return {}; // polled once already
        s.read_set.clear();
        s.write_set.clear();
        s.except_set.clear();
        s.read_set.add(waker);
        for (const selector_backend::registration& r : s.registrations) {
            if (!r.in_use || r.gone) continue;
            if (r.what != wait_for::writable) s.read_set.add(r.s);
            if (r.what != wait_for::readable) s.write_set.add(r.s);
            s.except_set.add(r.s); // a failed connect, whatever it waits for
        }
        timeval tv{};
        if (until.is_limited()) tv = select_timeout(until);
        const int ready = ::select(0, s.read_set.get(), s.write_set.get(), s.except_set.get(),
                                   until.is_limited() ? &tv : nullptr);
        if (ready == SOCKET_ERROR) {
            if (WSAGetLastError() == WSAENOTSOCK && drop_closed(s)) continue;
            ec = last_error();
            return {};
        }
        if (ready == 0) continue; // select() may return a little early: the loop top decides
        bool woken = false;
        for (std::size_t i = 0; i < s.read_set.size(); ++i) woken = woken || s.read_set[i] == waker;
        s.touched.clear();
        note(s, s.read_set, readable);
        note(s, s.write_set, writable);
        note(s, s.except_set, failed);
        selector_table::recorder events(table);
        for (const std::uint64_t key : s.touched) {
            selector_backend::registration& r = s.registrations[key];
            const unsigned seen = r.seen;
            r.seen = none;
            // The except set holds a failed connect (or urgent data, which nothing here
            // asks for): the stream will never carry data, as epoll's EPOLLHUP says too.
            const bool has_failed = (seen & failed) != 0;
            std::uint8_t flags =
                selector_readiness::flags((seen & readable) != 0, (seen & writable) != 0, has_failed, has_failed);
            if ((seen & readable) != 0 && r.peek) flags |= peek_end(r);
            events.record(key, flags);
        }
        if (woken) drain_waker(s.waker);
        if (woken || !s.touched.empty()) return events.finish();
    }
}

void selector_wake(selector_backend& s) noexcept { signal_waker(s.waker); }

} // namespace unisock::platform
