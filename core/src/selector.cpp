// SPDX-License-Identifier: BSL-1.0
#include "unisock/selector.hpp"

#include <algorithm>
#include <exception>
#include <unordered_map>
#include <vector>

#include "platform/platform.hpp"

namespace unisock {

namespace {

bool is_valid(wait_for what) noexcept {
    return what == wait_for::readable || what == wait_for::writable || what == wait_for::either;
}

// reserve() that grows geometrically: one add() after another stays linear in all.
template <class Vector>
void make_room(Vector& v, std::size_t size) {
    if (v.capacity() < size) v.reserve(std::max(size, 2 * v.capacity()));
}

struct backend_closer {
    void operator()(platform::selector_backend* s) const noexcept { platform::close_selector(s); }
};

// The one rule that makes an event read the same on every OS (selector.hpp): an error
// lets a call in either direction return at once, so does the end of the receive
// direction for a recv; then only the directions asked for are kept. False when nothing
// is left to report.
bool normalize(selector_event& e, wait_for what) noexcept {
    const bool reads = what != wait_for::writable;
    const bool writes = what != wait_for::readable;
    e.readable = reads && (e.readable || e.error || e.hang_up);
    e.writable = writes && (e.writable || e.error);
    e.hang_up = reads && e.hang_up;
    return e.readable || e.writable || e.error;
}

} // namespace

struct selector::impl {
    // One registration; sock == nullptr marks a free slot. The slot's number is the key
    // the backend reports.
    struct slot {
        socket* sock = nullptr;
        void* data = nullptr;
        native_handle_type handle = invalid_native_handle;
        wait_for what = wait_for::readable;
        // The select() that last reported this slot, and where its event is: a backend
        // may report a socket twice in one wait (kqueue, once per filter).
        std::uint64_t reported_in = 0;
        std::size_t event_index = 0;
    };

    std::unique_ptr<platform::selector_backend, backend_closer> backend;
    std::vector<slot> slots;
    std::vector<std::size_t> free_slots;
    std::unordered_map<const socket*, std::size_t> by_socket;
    // Sized by add(): a select() allocates nothing.
    std::vector<platform::selector_readiness> readiness;
    std::vector<selector_event> events;
    std::vector<wait_for> event_interest; // what each event's socket was registered for
    std::uint64_t generation = 0;

    slot* find(const socket& sock) noexcept {
        const auto found = by_socket.find(&sock);
        return found == by_socket.end() ? nullptr : &slots[found->second];
    }
};

selector::selector() {
    std::error_code ec;
    *this = selector(ec);
    detail::throw_if(ec, "selector");
}

selector::selector(std::error_code& ec) noexcept {
    ec.clear();
    platform::selector_backend* backend = platform::open_selector(ec);
    if (ec) return;
    impl_.reset(new (std::nothrow) impl);
    if (!impl_) {
        platform::close_selector(backend);
        ec = make_error_code(errc::no_buffer_space);
        return;
    }
    impl_->backend.reset(backend);
}

selector::selector(selector&& other) noexcept = default;
selector& selector::operator=(selector&& other) noexcept = default;
selector::~selector() = default;

void selector::add(socket& sock, wait_for what, void* data) {
    std::error_code ec;
    add(sock, what, data, ec);
    if (ec) detail::throw_error(ec, "selector add", ec == errc::invalid_argument ? "registered already, or a bad wait_for" : "");
}

void selector::add(socket& sock, wait_for what, void* data, std::error_code& ec) noexcept {
    ec.clear();
    if (!impl_ || !sock.is_open()) {
        ec = make_error_code(errc::bad_descriptor);
        return;
    }
    if (!is_valid(what) || impl_->find(sock) != nullptr) {
        ec = make_error_code(errc::invalid_argument);
        return;
    }
    impl& self = *impl_;
    const bool reuses = !self.free_slots.empty();
    const std::size_t index = reuses ? self.free_slots.back() : self.slots.size();
    try {
        // Room for the worst select(): every socket reported twice, the waker once.
        const std::size_t count = self.by_socket.size() + 1;
        self.readiness.resize(2 * count + 1);
        make_room(self.events, count);
        make_room(self.event_interest, count);
        if (!reuses) {
            make_room(self.slots, index + 1);
            make_room(self.free_slots, index + 1); // remove() then never allocates
        }
        self.by_socket.emplace(&sock, index);
    } catch (const std::exception&) {
        ec = make_error_code(errc::no_buffer_space);
        return;
    }
    // Nothing below allocates: the slot is taken only now.
    if (reuses)
        self.free_slots.pop_back();
    else
        self.slots.emplace_back();
    ec = platform::selector_add(*self.backend, sock.native_handle(), what, index);
    if (ec) {
        self.by_socket.erase(&sock);
        self.free_slots.push_back(index); // cannot throw: it held this index a moment ago
        return;
    }
    self.slots[index] = {&sock, data, sock.native_handle(), what, 0, 0};
}

void selector::modify(socket& sock, wait_for what, void* data) {
    std::error_code ec;
    modify(sock, what, data, ec);
    if (ec) detail::throw_error(ec, "selector modify", ec == errc::invalid_argument ? "not registered, or a bad wait_for" : "");
}

void selector::modify(socket& sock, wait_for what, void* data, std::error_code& ec) noexcept {
    ec.clear();
    if (!impl_) {
        ec = make_error_code(errc::bad_descriptor);
        return;
    }
    impl::slot* entry = impl_->find(sock);
    if (entry == nullptr || !is_valid(what)) {
        ec = make_error_code(errc::invalid_argument);
        return;
    }
    if (!sock.is_open()) {
        ec = make_error_code(errc::bad_descriptor);
        return;
    }
    const auto key = static_cast<std::uint64_t>(entry - impl_->slots.data());
    ec = platform::selector_modify(*impl_->backend, entry->handle, entry->what, what, key);
    if (ec) return;
    entry->what = what;
    entry->data = data;
}

void selector::remove(socket& sock) {
    std::error_code ec;
    remove(sock, ec);
    if (ec) detail::throw_error(ec, "selector remove", ec == errc::invalid_argument ? "not registered" : "");
}

void selector::remove(socket& sock, std::error_code& ec) noexcept {
    ec.clear();
    if (!impl_) {
        ec = make_error_code(errc::bad_descriptor);
        return;
    }
    impl& self = *impl_;
    impl::slot* entry = self.find(sock);
    if (entry == nullptr) {
        ec = make_error_code(errc::invalid_argument);
        return;
    }
    const std::size_t index = static_cast<std::size_t>(entry - self.slots.data());
    // Unregistered even if the OS refuses (as Python does): the error is still reported.
    ec = platform::selector_remove(*self.backend, entry->handle, entry->what, index, sock.is_open());
    // An event of this socket still in the last result must not lead to it any more.
    for (selector_event& e : self.events) {
        if (e.sock == &sock) e = selector_event{};
    }
    *entry = impl::slot{};
    self.by_socket.erase(&sock);
    self.free_slots.push_back(index); // within the capacity add() reserved
}

std::span<const selector_event> selector::select(std::optional<timeout_duration> timeout) {
    std::error_code ec;
    const std::span<const selector_event> events = select(timeout, ec);
    detail::throw_if(ec, "select");
    return events;
}

std::span<const selector_event> selector::select(std::optional<timeout_duration> timeout,
                                                 std::error_code& ec) noexcept {
    ec.clear();
    if (!impl_) {
        ec = make_error_code(errc::bad_descriptor);
        return {};
    }
    if (timeout && timeout->count() < 0) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    impl& self = *impl_;
    self.events.clear();
    self.event_interest.clear();
    const std::uint64_t generation = ++self.generation;
    const std::size_t count =
        platform::selector_wait(*self.backend, self.readiness, platform::deadline::for_timeout(timeout), ec);
    if (ec) return {};
    for (std::size_t i = 0; i < count; ++i) {
        const platform::selector_readiness& r = self.readiness[i];
        if (r.key >= self.slots.size() || self.slots[r.key].sock == nullptr) continue;
        impl::slot& entry = self.slots[r.key];
        if (entry.reported_in != generation) {
            entry.reported_in = generation;
            entry.event_index = self.events.size();
            // Both reserved by add().
            self.events.push_back({entry.sock, entry.data, false, false, false, false});
            self.event_interest.push_back(entry.what);
        }
        selector_event& e = self.events[entry.event_index];
        e.readable = e.readable || r.readable;
        e.writable = e.writable || r.writable;
        e.error = e.error || r.error;
        e.hang_up = e.hang_up || r.hang_up;
    }
    // Normalized once merged; what is left with nothing to say is dropped.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < self.events.size(); ++i) {
        if (normalize(self.events[i], self.event_interest[i])) self.events[kept++] = self.events[i];
    }
    self.events.resize(kept);
    return self.events;
}

std::span<const selector_event> selector::canceled(std::error_code& ec) noexcept {
    ec = make_error_code(errc::operation_canceled);
    return {};
}

void selector::wake() noexcept {
    if (impl_) platform::selector_wake(*impl_->backend);
}

std::size_t selector::size() const noexcept { return impl_ ? impl_->by_socket.size() : 0; }

} // namespace unisock
