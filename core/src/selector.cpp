// SPDX-License-Identifier: BSL-1.0
#include "unisock/selector.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <span>
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
// direction for a recv; then only the directions asked for are kept. Each flag is kept or
// dropped on its own, so two reports normalized and merged equal their merge normalized.
constexpr selector_event normalized(std::uint8_t seen, wait_for what) noexcept {
    using os = platform::selector_readiness;
    const bool reads = what != wait_for::writable;
    const bool writes = what != wait_for::readable;
    selector_event e;
    e.readable = reads && (seen & (os::readable | os::error | os::hang_up)) != 0;
    e.writable = writes && (seen & (os::writable | os::error)) != 0;
    e.error = (seen & os::error) != 0;
    e.hang_up = reads && (seen & os::hang_up) != 0;
    return e;
}

// normalized() for every interest and every report, computed at compile time: select()
// copies an event from it, once per ready socket, and fills in the socket and its data.
constexpr std::size_t interests = 3; // wait_for's values
constexpr std::size_t reports = 16;  // selector_readiness's flag combinations
constexpr auto normalized_events = [] {
    std::array<std::array<selector_event, reports>, interests> table{};
    for (std::size_t what = 0; what < interests; ++what)
        for (std::size_t seen = 0; seen < reports; ++seen)
            table[what][seen] = normalized(static_cast<std::uint8_t>(seen), static_cast<wait_for>(what));
    return table;
}();

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
    // Sized by add(): a select() allocates nothing. events holds the last result in its
    // first event_count places.
    std::vector<platform::selector_readiness> readiness;
    std::vector<selector_event> events;
    std::size_t event_count = 0;
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
    try {
        if (impl_) impl_->readiness.resize(1); // the waker's report, before any add()
    } catch (const std::exception&) {
        impl_.reset();
    }
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
        if (self.events.size() < count) self.events.resize(std::max(count, 2 * self.events.size()));
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
    for (selector_event& e : std::span(self.events.data(), self.event_count)) {
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
    if (ec) ec.clear(); // clear() looks up system_category(): skipped when already clear
    if (!impl_) {
        ec = make_error_code(errc::bad_descriptor);
        return {};
    }
    if (timeout && timeout->count() < 0) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    impl& self = *impl_;
    self.event_count = 0;
    const std::uint64_t generation = ++self.generation;
    const std::size_t count =
        platform::selector_wait(*self.backend, self.readiness, platform::deadline::for_timeout(timeout), ec);
    if (ec) return {};
    impl::slot* const slots = self.slots.data();
    const std::size_t slot_count = self.slots.size();
    selector_event* const events = self.events.data(); // room for every socket: add()
    std::size_t found = 0;
    for (const platform::selector_readiness& r : std::span(self.readiness.data(), count)) {
        if (r.key >= slot_count || slots[r.key].sock == nullptr) continue;
        impl::slot& entry = slots[r.key];
        const selector_event& seen = normalized_events[static_cast<std::size_t>(entry.what)][r.flags & (reports - 1)];
        if (!(seen.readable || seen.writable || seen.error)) continue; // nothing asked for happened
        if constexpr (platform::selector_may_report_twice) {
            if (entry.reported_in == generation) { // kqueue: once per filter
                selector_event& merged = events[entry.event_index];
                merged.readable |= seen.readable;
                merged.writable |= seen.writable;
                merged.error |= seen.error;
                merged.hang_up |= seen.hang_up;
                continue;
            }
            entry.reported_in = generation;
            entry.event_index = found;
        }
        selector_event& e = events[found++];
        e = seen;
        e.sock = entry.sock;
        e.data = entry.data;
    }
    self.event_count = found;
    return {events, found};
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
