// SPDX-License-Identifier: BSL-1.0
#include "unisock/selector.hpp"

#include <algorithm>
#include <exception>
#include <span>
#include <unordered_map>
#include <vector>

#include "platform/platform.hpp"
#include "platform/selector_table.hpp"

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

} // namespace

struct selector::impl {
    std::unique_ptr<platform::selector_backend, backend_closer> backend;
    platform::selector_table table;
    std::vector<std::size_t> free_slots;
    std::unordered_map<const socket*, std::size_t> by_socket;

    platform::selector_table::slot* find(const socket& sock) noexcept {
        const auto found = by_socket.find(&sock);
        return found == by_socket.end() ? nullptr : &table.slots[found->second];
    }

    void grow_events() noexcept {
        try {
            table.events.resize(std::max(by_socket.size(), 2 * table.events.size()));
        } catch (const std::exception&) {
            // select() goes on with the room it has
        }
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
    platform::selector_table& table = self.table;
    const bool reuses = !self.free_slots.empty();
    const std::size_t index = reuses ? self.free_slots.back() : table.slots.size();
    try {
        if (!reuses) {
            make_room(table.slots, index + 1);
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
        table.slots.emplace_back();
    ec = platform::selector_add(*self.backend, sock.native_handle(), what, index);
    if (ec) {
        self.by_socket.erase(&sock);
        self.free_slots.push_back(index); // cannot throw: it held this index a moment ago
        return;
    }
    table.slots[index] = {&sock, data, sock.native_handle(), what, 0, 0};
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
    platform::selector_table::slot* entry = impl_->find(sock);
    if (entry == nullptr || !is_valid(what)) {
        ec = make_error_code(errc::invalid_argument);
        return;
    }
    if (!sock.is_open()) {
        ec = make_error_code(errc::bad_descriptor);
        return;
    }
    const auto key = static_cast<std::uint64_t>(entry - impl_->table.slots.data());
    ec = platform::selector_modify(*impl_->backend, entry->native, entry->what, what, key);
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
    platform::selector_table& table = self.table;
    platform::selector_table::slot* entry = self.find(sock);
    if (entry == nullptr) {
        ec = make_error_code(errc::invalid_argument);
        return;
    }
    const std::size_t index = static_cast<std::size_t>(entry - table.slots.data());
    // Unregistered even if the OS refuses (as Python does): the error is still reported.
    ec = platform::selector_remove(*self.backend, entry->native, entry->what, index, table.holds_its_socket(index));
    // An event of this socket still in the last result must not lead to it any more.
    for (selector_event& e : std::span(table.events.data(), table.event_count)) {
        if (e.sock == &sock) e = selector_event{};
    }
    *entry = platform::selector_table::slot{};
    self.by_socket.erase(&sock);
    self.free_slots.push_back(index); // within the capacity add() reserved
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
    // Room for every registered socket to be ready, made here rather than by add(): an
    // add() while the caller goes through the last result must not move it. Short of
    // memory, the room stays short: a socket left out is reported by the next select().
    if (self.table.events.size() < self.by_socket.size()) self.grow_events();
    self.table.start_wait();
    // The last act: the backend records the events as the OS reports them and returns
    // them (platform/selector_table.hpp says why).
    return platform::selector_wait(*self.backend, self.table, platform::deadline::for_timeout(timeout), ec);
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
