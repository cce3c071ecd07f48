// SPDX-License-Identifier: BSL-1.0
#pragma once
// The selector's registrations as the user made them, and the events of the last wait:
// written once for every OS. core/src/selector.cpp adds, modifies and removes entries; a
// backend's selector_wait records each report of the OS straight into the events as it
// reads it (one pass, nothing copied between) and returns them, so that selector::select
// ends with a tail call to the backend. That leaves one function of ours, the backend's,
// waiting in the system call: each function that returns across a system call costs a
// mispredicted return, about 1.5 % of an epoll_wait here (README.md, "Benchmarks").

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "platform/platform.hpp"
#include "unisock/selector.hpp"

namespace unisock::platform {

// What the OS said about one registration, as bits of one byte: readable, writable, a
// pending error, the receive direction ended.
struct selector_readiness {
    static constexpr std::uint8_t readable = 1, writable = 2, error = 4, hang_up = 8;

    static constexpr std::uint8_t flags(bool is_readable, bool is_writable, bool has_error, bool has_hung_up) noexcept {
        return static_cast<std::uint8_t>((is_readable ? readable : 0) | (is_writable ? writable : 0) |
                                         (has_error ? error : 0) | (has_hung_up ? hang_up : 0));
    }
};

namespace selector_rule {

// The one rule that makes an event read the same on every OS (selector.hpp): an error
// lets a call in either direction return at once, so does the end of the receive
// direction for a recv; then only the directions asked for are kept. Each flag is kept or
// dropped on its own, so two reports normalized and merged equal their merge normalized.
constexpr selector_event normalized(std::uint8_t seen, wait_for what) noexcept {
    using os = selector_readiness;
    const bool reads = what != wait_for::writable;
    const bool writes = what != wait_for::readable;
    selector_event e;
    e.readable = reads && (seen & (os::readable | os::error | os::hang_up)) != 0;
    e.writable = writes && (seen & (os::writable | os::error)) != 0;
    e.error = (seen & os::error) != 0;
    e.hang_up = reads && (seen & os::hang_up) != 0;
    return e;
}

// normalized() for every interest and every report, computed at compile time: a wait
// copies an event from it, once per report, and fills in the socket and its data.
inline constexpr std::size_t interests = 3; // wait_for's values
inline constexpr std::size_t reports = 16;  // selector_readiness's flag combinations
inline constexpr auto events = [] {
    std::array<std::array<selector_event, reports>, interests> table{};
    for (std::size_t what = 0; what < interests; ++what)
        for (std::size_t seen = 0; seen < reports; ++seen)
            table[what][seen] = normalized(static_cast<std::uint8_t>(seen), static_cast<wait_for>(what));
    return table;
}();

} // namespace selector_rule

class selector_table {
public:
    // One registration; sock == nullptr marks a free slot. The slot's number is the key
    // the backend registers with the OS and reads back.
    struct slot {
        socket* sock = nullptr;
        void* data = nullptr;
        handle native = invalid_native_handle;
        wait_for what = wait_for::readable;
        // The wait that last reported this slot, and where its event is (merging only).
        std::uint64_t reported_in = 0;
        std::size_t event_index = 0;
    };

    std::vector<slot> slots;
    // Room for one event per registered socket (select() sizes it before it waits). The
    // last wait's events are its first event_count.
    std::vector<selector_event> events;
    std::size_t event_count = 0;

    // Whether the slot's socket is open and is still the one added (its handle
    // unchanged): false for a free slot and for a socket closed since its add.
    bool holds_its_socket(std::size_t key) const noexcept {
        const slot& entry = slots[key];
        return entry.sock != nullptr && entry.sock->is_open() && entry.sock->native_handle() == entry.native;
    }

    // Before a wait: the last wait's events are dropped.
    void start_wait() noexcept {
        event_count = 0;
        ++generation_;
    }

    class recorder;

private:
    std::uint64_t generation_ = 0;
};

// One pass of a backend's wait over what the OS reported: each report becomes an event
// as it is read, then finish() stores and returns them. It holds the table's arrays in
// its own members, which the events written cannot alias: nothing is read again from
// the table per report.
class selector_table::recorder {
public:
    explicit recorder(selector_table& table) noexcept
        : table_(table), slots_(table.slots.data()), slot_count_(table.slots.size()), events_(table.events.data()),
          room_(table.events.size()), generation_(table.generation_) {}

    // One report of the OS, for the backends that report each registration at most once
    // a wait (epoll, select()): key is the slot's number, flags selector_readiness bits.
    void record(std::uint64_t key, std::uint8_t flags) noexcept {
        if (key >= slot_count_ || slots_[key].sock == nullptr) return; // not the table's: dropped
        const slot& entry = slots_[key];
        const selector_event& seen = normalized(entry, flags);
        if (!(seen.readable || seen.writable || seen.error)) return; // nothing asked for happened
        append(entry, seen);
    }

    // One report, for a backend that may report a registration twice a wait (kqueue: once
    // per filter): a second report is merged into the first's event.
    void record_merging(std::uint64_t key, std::uint8_t flags) noexcept {
        if (key >= slot_count_ || slots_[key].sock == nullptr) return;
        slot& entry = slots_[key];
        const selector_event& seen = normalized(entry, flags);
        if (!(seen.readable || seen.writable || seen.error)) return;
        if (entry.reported_in == generation_) {
            // Its first report found room (the mark below is set only then).
            selector_event& merged = events_[entry.event_index];
            merged.readable |= seen.readable;
            merged.writable |= seen.writable;
            merged.error |= seen.error;
            merged.hang_up |= seen.hang_up;
            return;
        }
        if (count_ == room_) return;
        entry.reported_in = generation_;
        entry.event_index = count_;
        append(entry, seen);
    }

    // The events recorded, kept in the table as the last wait's.
    std::span<const selector_event> finish() noexcept {
        table_.event_count = count_;
        return {events_, count_};
    }

private:
    static const selector_event& normalized(const slot& entry, std::uint8_t flags) noexcept {
        return selector_rule::events[static_cast<std::size_t>(entry.what)][flags & (selector_rule::reports - 1)];
    }

    void append(const slot& entry, const selector_event& seen) noexcept {
        // select() makes room for every registered socket, unless memory ran short: then
        // one left out now is reported again by the next wait (level-triggered).
        if (count_ == room_) return;
        selector_event& e = events_[count_++];
        e = seen;
        e.sock = entry.sock;
        e.data = entry.data;
    }

    selector_table& table_;
    slot* const slots_;
    const std::size_t slot_count_;
    selector_event* const events_;
    const std::size_t room_;
    const std::uint64_t generation_;
    std::size_t count_ = 0;
};

} // namespace unisock::platform
