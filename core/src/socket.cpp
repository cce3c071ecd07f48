// SPDX-License-Identifier: BSL-1.0
#include "unisock/socket.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <utility>

#include "platform/platform.hpp"

namespace unisock {

using platform::deadline;

// One call on the socket, counted in state_ from entry to exit so that close() in
// another thread waits for it before the handle goes back to the OS. The check on entry
// gives bad_descriptor on a closed socket and, for calls that cancel() stops,
// operation_canceled while canceled.
class socket::call {
public:
    enum class cancelable { yes, no };

    call(const socket& s, std::error_code& ec, cancelable c = cancelable::yes) noexcept : socket_(s) {
        const std::uint32_t state = s.state_.fetch_add(one_caller, std::memory_order_acquire);
        if ((state & closed_bit) != 0)
            ec = make_error_code(errc::bad_descriptor);
        else if (c == cancelable::yes && (state & canceled_bit) != 0)
            ec = make_error_code(errc::operation_canceled);
        else if (ec)
            ec.clear(); // clear() looks up system_category(): skipped when already clear
    }
    call(const call&) = delete;
    call& operator=(const call&) = delete;
    ~call() { socket_.state_.fetch_sub(one_caller, std::memory_order_release); }

private:
    const socket& socket_;
};

namespace {

bool is_would_block(const std::error_code& ec) noexcept {
    return ec && ec == errc::would_block;
}

// The deadline of one call, fixed the first time the call has to wait: a call that
// completes at once never reads the clock.
class deadline_on_first_wait {
public:
    explicit deadline_on_first_wait(const std::optional<timeout_duration>& timeout) noexcept
        : timeout_(timeout) {}

    const deadline& get() noexcept {
        if (!until_) until_ = deadline::for_timeout(timeout_);
        return *until_;
    }

private:
    const std::optional<timeout_duration>& timeout_;
    std::optional<deadline> until_;
};

// How one direction (receiving or sending) learns whether to wait first. After a call
// in that direction had to wait, the next ones wait first (poll, then the call: two
// system calls where trying first would make three). Every backoff-th call probes by
// trying first instead: if the socket was ready, the direction goes back to trying
// first (one system call when ready); if not, the probes get rarer, up to one in
// max_backoff. Ping-pong traffic settles at just over two calls per wait, bulk traffic
// at one call per ready socket.
class adaptive_wait {
public:
    static constexpr std::uint8_t max_backoff = 64;

    explicit adaptive_wait(detail::wait_history& history) noexcept : history_(history) {}

    // True when this call should wait before its first attempt.
    bool waits_first() noexcept {
        if (load(history_.backoff) == 0) return false;
        const std::uint8_t left = load(history_.countdown);
        if (left == 0) {
            probing_ = true;
            return false;
        }
        store(history_.countdown, static_cast<std::uint8_t>(left - 1));
        return true;
    }
    // The attempt completed without waiting.
    void ready() noexcept {
        if (probing_) store(history_.backoff, 0);
    }
    // The attempt found the socket not ready: the call waits, and so will the next ones.
    void had_to_wait() noexcept {
        const std::uint8_t backoff = load(history_.backoff);
        const std::uint8_t next = backoff == 0 ? 1 : probing_ ? std::min<std::uint8_t>(backoff * 2, max_backoff) : backoff;
        store(history_.backoff, next);
        store(history_.countdown, next);
        probing_ = false;
    }

private:
    // Each direction's history is one thread's at a time: relaxed is enough.
    static std::uint8_t load(const std::atomic<std::uint8_t>& a) noexcept { return a.load(std::memory_order_relaxed); }
    static void store(std::atomic<std::uint8_t>& a, std::uint8_t v) noexcept { a.store(v, std::memory_order_relaxed); }

    detail::wait_history& history_;
    bool probing_ = false;
};

// The receive buffer of recv() and recv_from(): false with no_buffer_space when the
// memory is not there.
bool allocate(std::string& buffer, std::size_t wanted, std::error_code& ec) noexcept {
    try {
        buffer.resize(std::min(wanted, max_receive_size));
        return true;
    } catch (const std::exception&) {
        ec = make_error_code(errc::no_buffer_space);
        return false;
    }
}
} // namespace

socket::socket() noexcept = default;

socket::socket(address_family f, socket_type t, int protocol) {
    std::error_code ec;
    *this = socket(f, t, protocol, ec);
    if (ec) detail::throw_error(ec, "socket", to_string(f) + " " + to_string(t));
}

socket::socket(address_family f, socket_type t, int protocol, std::error_code& ec) noexcept {
    const native_handle_type h = platform::open_socket(f, t, protocol, ec);
    if (ec) return;
    *this = socket(h, f, t);
}

socket::socket(native_handle_type handle, address_family f, socket_type t) noexcept
    : handle_(handle), state_(0), family_(f), type_(t) {}

socket socket::adopt(native_handle_type handle) {
    std::error_code ec;
    socket adopted = adopt(handle, ec);
    detail::throw_if(ec, "adopt");
    return adopted;
}

socket socket::adopt(native_handle_type handle, std::error_code& ec) noexcept {
    if (handle == invalid_native_handle) {
        ec = make_error_code(errc::bad_descriptor);
        return {};
    }
    address_family f = address_family::unspecified;
    socket_type t = socket_type::stream;
    platform::adopt_socket(handle, f, t, ec);
    if (ec) return {};
    return socket(handle, f, t);
}

// Moves are configuration: no other thread uses either socket meanwhile.
socket::socket(socket&& other) noexcept
    : handle_(other.handle_.exchange(invalid_native_handle, std::memory_order_relaxed)),
      state_(other.state_.exchange(closed_bit, std::memory_order_relaxed)),
      waker_(other.waker_.exchange(invalid_native_handle, std::memory_order_relaxed)),
      family_(other.family_),
      type_(other.type_), timeout_(other.timeout_) {}

socket& socket::operator=(socket&& other) noexcept {
    if (this != &other) {
        close_quietly();
        handle_.store(other.handle_.exchange(invalid_native_handle, std::memory_order_relaxed),
                      std::memory_order_relaxed);
        state_.store(other.state_.exchange(closed_bit, std::memory_order_relaxed), std::memory_order_relaxed);
        waker_.store(other.waker_.exchange(invalid_native_handle, std::memory_order_relaxed),
                     std::memory_order_relaxed);
        family_ = other.family_;
        type_ = other.type_;
        timeout_ = other.timeout_;
    }
    return *this;
}

socket::~socket() { close_quietly(); }

void socket::close_quietly() noexcept {
    std::error_code ignored;
    close(ignored);
}

std::error_code socket::check_family(const address& peer) const noexcept {
    if (family_ != address_family::unspecified && peer.family() != family_)
        return make_error_code(errc::address_family_not_supported);
    return {};
}

// A stream socket connects once. Linux answers a second connect() after a non-blocking
// one completed with success (that is how it reports the completion), even for another
// peer; every OS then keeps the first peer. Datagram sockets may connect again.
std::error_code socket::check_not_connected() const noexcept {
    if (type_ == socket_type::datagram || type_ == socket_type::raw) return {};
    std::error_code not_connected;
    (void)platform::peer_address(native_handle(), not_connected);
    return not_connected ? std::error_code{} : make_error_code(errc::already_connected);
}

// The waker, opened on first need. Two threads may race to open it: one keeps its
// handle, the other closes its own.
native_handle_type socket::waker(std::error_code& ec) noexcept {
    native_handle_type current = waker_.load(std::memory_order_acquire);
    if (current != invalid_native_handle) return current;
    const native_handle_type opened = platform::open_waker(ec);
    if (ec) return invalid_native_handle;
    // seq_cst: pairs with cancel(), which sets canceled_bit and then reads waker_. Either
    // cancel() sees this waker and signals it, or wait_ready sees the bit.
    if (waker_.compare_exchange_strong(current, opened, std::memory_order_seq_cst)) return opened;
    platform::close_waker(opened);
    return current;
}

// Called inside a call: close() cannot release the waker or the handle meanwhile.
template <class Deadline>
std::error_code socket::wait_ready(wait_for what, const Deadline& until) noexcept {
    std::error_code ec;
    const native_handle_type wake = waker(ec);
    if (ec) return ec;
    for (;;) {
        // Read after the waker exists: a cancel() or close() from now on signals it.
        if ((state_.load(std::memory_order_seq_cst) & (canceled_bit | closed_bit)) != 0)
            return make_error_code(errc::operation_canceled);
        ec = platform::wait(handle_.load(std::memory_order_relaxed), what, wake, until);
        if (ec != errc::operation_canceled) return ec;
        // A signal left over from a cancel() that clear_cancel() has already ended: drop
        // it and wait on (the state is read again above, so a new cancel() is not lost).
        if ((state_.load(std::memory_order_seq_cst) & (canceled_bit | closed_bit)) != 0) return ec;
        platform::drain_waker(wake);
    }
}

// Runs attempt (one non-blocking system call) until it stops reporting would_block:
// at once in non-blocking mode, otherwise waiting for the direction under one deadline
// fixed by the first wait; adaptive_wait decides whether to wait before the first try.
template <class Attempt>
auto socket::when_ready(wait_for direction, Attempt attempt, std::error_code& ec) noexcept {
    adaptive_wait history(direction == wait_for::writable ? writer_history_ : reader_history_);
    deadline_on_first_wait until(timeout_);
    const bool may_wait = !non_blocking();
    if (may_wait && history.waits_first()) {
        ec = wait_ready(direction, until.get());
        if (ec) return decltype(attempt(ec)){};
    }
    for (;;) {
        const auto result = attempt(ec);
        if (!is_would_block(ec)) {
            history.ready();
            return result;
        }
        if (!may_wait) return result;
        history.had_to_wait();
        ec = wait_ready(direction, until.get());
        if (ec) return result;
    }
}

void socket::bind(const address& local) {
    std::error_code ec;
    bind(local, ec);
    if (ec) detail::throw_error(ec, "bind", local.to_string());
}

void socket::bind(const address& local, std::error_code& ec) noexcept {
    const call c(*this, ec);
    if (!ec) ec = check_family(local);
    if (!ec) ec = platform::bind_socket(native_handle(), local);
}

void socket::listen(int backlog) {
    std::error_code ec;
    listen(backlog, ec);
    if (ec) detail::throw_error(ec, "listen", "backlog " + std::to_string(backlog));
}

void socket::listen(int backlog, std::error_code& ec) noexcept {
    const call c(*this, ec);
    if (!ec && backlog < 0) ec = make_error_code(errc::invalid_argument);
    if (!ec) ec = platform::listen_socket(native_handle(), backlog);
}

accepted socket::accept() {
    std::error_code ec;
    accepted result = accept(ec);
    detail::throw_if(ec, "accept");
    return result;
}

accepted socket::accept(std::error_code& ec) noexcept {
    const call c(*this, ec);
    if (ec) return {};
    address peer;
    const native_handle_type h = when_ready(
        wait_for::readable, [&](std::error_code& e) { return platform::accept_socket(native_handle(), peer, e); },
        ec);
    if (ec) return {};
    return {socket(h, family_, type_), peer};
}

void socket::connect(const address& peer) {
    std::error_code ec;
    connect(peer, ec);
    if (ec) detail::throw_error(ec, "connect", peer.to_string());
}

void socket::connect(const address& peer, std::error_code& ec) noexcept {
    const call c(*this, ec);
    if (!ec) ec = check_family(peer);
    if (!ec) ec = check_not_connected();
    if (ec) return;
    ec = platform::start_connect(native_handle(), peer);
    if (!ec || ec != errc::in_progress || non_blocking()) return;
    ec = wait_ready(wait_for::writable, deadline::for_timeout(timeout_));
    if (!ec) ec = platform::pending_error(native_handle());
}

std::error_code socket::connect_ex(const address& peer) noexcept {
    std::error_code ec;
    connect(peer, ec);
    return ec;
}

std::size_t socket::send(const_bytes data, std::error_code& ec) noexcept {
    const call c(*this, ec);
    if (ec) return 0;
    return when_ready(
        wait_for::writable,
        [&](std::error_code& e) { return platform::send_some(native_handle(), data, e); },
        ec);
}

void socket::throw_sendall_error(const std::error_code& ec, std::size_t sent, std::size_t size) {
    detail::throw_error(ec, "sendall", std::to_string(sent) + " of " + std::to_string(size) + " bytes sent");
}

std::size_t socket::sendall(const_bytes data, std::error_code& ec) noexcept {
    const call c(*this, ec);
    if (ec || data.empty()) return 0;
    // One deadline for the whole buffer, fixed when the first chunk has to wait.
    deadline_on_first_wait until(timeout_);
    std::size_t total = 0;
    for (;;) {
        total += platform::send_some(native_handle(), data.after(total), ec);
        if (!ec && total == data.size()) return total;
        if (ec && !is_would_block(ec)) return total;
        if (non_blocking()) {
            if (ec) return total;
            continue; // the next send reports would_block if the buffer is full
        }
        // Part went, or none could: the buffer is full, so wait before the next send.
        ec = wait_ready(wait_for::writable, until.get());
        if (ec) return total;
    }
}

std::size_t socket::recv_into(mutable_bytes buffer, std::error_code& ec) noexcept {
    const call c(*this, ec);
    if (ec) return 0;
    return when_ready(
        wait_for::readable,
        [&](std::error_code& e) { return platform::recv_some(native_handle(), buffer, e); },
        ec);
}

std::string socket::recv(std::size_t max_size) {
    std::error_code ec;
    std::string data = recv(max_size, ec);
    detail::throw_if(ec, "recv");
    return data;
}

std::string socket::recv(std::size_t max_size, std::error_code& ec) noexcept {
    std::string data;
    if (!allocate(data, max_size, ec)) return data;
    data.resize(recv_into(data, ec));
    return data;
}

std::size_t socket::send_to(const_bytes data, const address& peer) {
    std::error_code ec;
    const std::size_t sent = send_to(data, peer, ec);
    if (ec) detail::throw_error(ec, "sendto", peer.to_string());
    return sent;
}

std::size_t socket::send_to(const_bytes data, const address& peer, std::error_code& ec) noexcept {
    const call c(*this, ec);
    if (!ec) ec = check_family(peer);
    if (ec) return 0;
    return when_ready(
        wait_for::writable,
        [&](std::error_code& e) {
            return platform::send_to(native_handle(), data, peer, e);
        },
        ec);
}

received_from socket::recv_from_into(mutable_bytes buffer) {
    std::error_code ec;
    received_from result = recv_from_into(buffer, ec);
    detail::throw_if(ec, "recvfrom");
    return result;
}

received_from socket::recv_from_into(mutable_bytes buffer, std::error_code& ec) noexcept {
    const call c(*this, ec);
    if (ec) return {};
    received_from result;
    // A stream has no sender per message, and the OSes disagree on what recvfrom(2)
    // reports there (nothing on Windows, an unnamed Unix address on Linux): the bytes
    // come as from recv(), and the sender is the peer, on every OS.
    if (type_ == socket_type::stream) {
        result.size = recv_into(buffer, ec);
        std::error_code no_peer; // a peer that is gone already leaves address{}
        if (!ec) result.sender = platform::peer_address(native_handle(), no_peer);
        return result;
    }
    result.size = when_ready(
        wait_for::readable,
        [&](std::error_code& e) {
            return platform::recv_from(native_handle(), buffer, result.sender, e);
        },
        ec);
    return result;
}

datagram socket::recv_from(std::size_t max_size) {
    std::error_code ec;
    datagram result = recv_from(max_size, ec);
    detail::throw_if(ec, "recvfrom");
    return result;
}

datagram socket::recv_from(std::size_t max_size, std::error_code& ec) noexcept {
    datagram result;
    if (!allocate(result.data, max_size, ec)) return result;
    received_from got = recv_from_into(result.data, ec);
    result.data.resize(got.size);
    result.sender = std::move(got.sender);
    return result;
}

void socket::shutdown(shutdown_how how) {
    std::error_code ec;
    shutdown(how, ec);
    detail::throw_if(ec, "shutdown");
}

void socket::shutdown(shutdown_how how, std::error_code& ec) noexcept {
    const call c(*this, ec, call::cancelable::no);
    if (!ec) ec = platform::shutdown_socket(native_handle(), how);
}

native_handle_type socket::shut_out() noexcept {
    const std::uint32_t before = state_.fetch_or(closed_bit, std::memory_order_acq_rel);
    if ((before & closed_bit) != 0) return invalid_native_handle;
    const native_handle_type wake = waker_.load(std::memory_order_acquire);
    if (wake != invalid_native_handle) platform::signal_waker(wake);
    // The calls inside leave promptly: none blocks in the OS (the socket is non-blocking)
    // and the waiting ones were just woken. A cancel() in progress is counted too.
    while (state_.load(std::memory_order_acquire) >= one_caller) std::this_thread::yield();
    if (wake != invalid_native_handle) platform::close_waker(waker_.exchange(invalid_native_handle));
    return handle_.exchange(invalid_native_handle, std::memory_order_relaxed);
}

void socket::close() {
    std::error_code ec;
    close(ec);
    detail::throw_if(ec, "close");
}

void socket::close(std::error_code& ec) noexcept {
    ec.clear();
    const native_handle_type h = shut_out();
    if (h != invalid_native_handle) ec = platform::close_socket(h);
}

void socket::abort() noexcept {
    const native_handle_type h = shut_out();
    if (h != invalid_native_handle) platform::abort_socket(h);
}

native_handle_type socket::release() noexcept {
    const bool blocking = !non_blocking();
    const native_handle_type h = shut_out();
    if (h != invalid_native_handle) platform::set_os_blocking(h, blocking);
    return h;
}

address socket::local_address() const {
    std::error_code ec;
    address result = local_address(ec);
    detail::throw_if(ec, "getsockname");
    return result;
}

address socket::local_address(std::error_code& ec) const noexcept {
    const call c(*this, ec, call::cancelable::no);
    if (ec) return {};
    return platform::local_address(native_handle(), ec);
}

address socket::peer_address() const {
    std::error_code ec;
    address result = peer_address(ec);
    detail::throw_if(ec, "getpeername");
    return result;
}

address socket::peer_address(std::error_code& ec) const noexcept {
    const call c(*this, ec, call::cancelable::no);
    if (ec) return {};
    return platform::peer_address(native_handle(), ec);
}

void socket::set_timeout(std::optional<timeout_duration> timeout) {
    std::error_code ec;
    set_timeout(timeout, ec);
    detail::throw_if(ec, "settimeout");
}

void socket::set_timeout(std::optional<timeout_duration> timeout, std::error_code& ec) noexcept {
    if (timeout && timeout->count() < 0) {
        ec = make_error_code(errc::invalid_argument);
        return;
    }
    ec.clear();
    timeout_ = timeout;
}

void socket::set_blocking(bool blocking) noexcept {
    if (blocking)
        timeout_.reset();
    else
        timeout_ = timeout_duration::zero();
}

std::error_code socket::wait(wait_for what, std::optional<timeout_duration> timeout) noexcept {
    std::error_code ec;
    const call c(*this, ec);
    if (ec) return ec;
    if (timeout && timeout->count() < 0) return make_error_code(errc::invalid_argument);
    return wait_ready(what, deadline::for_timeout(timeout));
}

std::error_code socket::pending_error() noexcept {
    std::error_code ec;
    const call c(*this, ec, call::cancelable::no);
    if (ec) return ec;
    return platform::pending_error(native_handle());
}

// Lock-free and async-signal-safe: atomics and at most one system call. Counted as a
// call, so close() cannot release the waker while it is being signalled.
void socket::cancel() noexcept {
    const std::uint32_t before = state_.fetch_add(one_caller, std::memory_order_acquire);
    if ((before & closed_bit) == 0) {
        state_.fetch_or(canceled_bit, std::memory_order_seq_cst);
        const native_handle_type wake = waker_.load(std::memory_order_seq_cst);
        if (wake != invalid_native_handle) platform::signal_waker(wake);
    }
    state_.fetch_sub(one_caller, std::memory_order_release);
}

void socket::clear_cancel() noexcept {
    std::error_code ec;
    const call c(*this, ec, call::cancelable::no);
    if (ec) return;
    state_.fetch_and(~canceled_bit, std::memory_order_seq_cst);
    const native_handle_type wake = waker_.load(std::memory_order_acquire);
    if (wake != invalid_native_handle) platform::drain_waker(wake);
}

// ---- options -------------------------------------------------------------------------

namespace {

bool is_valid_buffer_size(int value) noexcept { return value > 0; }

bool is_valid(const std::optional<std::chrono::seconds>& linger) noexcept {
    // Windows stores the linger time in a u_short: one rule everywhere.
    return !linger || (linger->count() >= 0 && linger->count() <= 65535);
}

bool is_valid(const keep_alive_timing& timing) noexcept {
    const auto positive = [](const auto& field) { return !field || field->count() > 0; };
    return positive(timing.idle) && positive(timing.interval) && (!timing.count || *timing.count > 0);
}

// The options that are one int-sized native value, through the backend's table.
template <class Option>
std::error_code set_table_option(native_handle_type h, const Option& opt) noexcept {
    return platform::set_option(h, Option::name, static_cast<int>(opt.value));
}

template <class Option>
std::error_code get_table_option(native_handle_type h, Option& opt) noexcept {
    int raw = 0;
    const std::error_code ec = platform::get_option(h, Option::name, raw);
    opt.value = static_cast<decltype(opt.value)>(raw); // a bool option reads nonzero as true
    return ec;
}

} // namespace

void socket::set_option_value(const option::reuse& opt, std::error_code& ec) noexcept {
    ec = check_open();
    if (!ec) ec = platform::set_reuse(handle_, opt.value);
}

void socket::set_option_value(const option::keep_alive& opt, std::error_code& ec) noexcept {
    ec = check_open();
    if (!ec) ec = set_table_option(handle_, opt);
}

void socket::set_option_value(const option::keep_alive_timing& opt, std::error_code& ec) noexcept {
    ec = is_valid(opt.value) ? check_open() : make_error_code(errc::invalid_argument);
    if (!ec) ec = platform::set_keep_alive_timing(handle_, opt.value);
}

void socket::set_option_value(const option::no_delay& opt, std::error_code& ec) noexcept {
    ec = check_open();
    if (!ec) ec = set_table_option(handle_, opt);
}

void socket::set_option_value(const option::linger& opt, std::error_code& ec) noexcept {
    ec = is_valid(opt.value) ? check_open() : make_error_code(errc::invalid_argument);
    if (!ec) ec = platform::set_linger(handle_, opt.value);
}

void socket::set_option_value(const option::receive_buffer_size& opt, std::error_code& ec) noexcept {
    ec = is_valid_buffer_size(opt.value) ? check_open() : make_error_code(errc::invalid_argument);
    if (!ec) ec = set_table_option(handle_, opt);
}

void socket::set_option_value(const option::send_buffer_size& opt, std::error_code& ec) noexcept {
    ec = is_valid_buffer_size(opt.value) ? check_open() : make_error_code(errc::invalid_argument);
    if (!ec) ec = set_table_option(handle_, opt);
}

void socket::set_option_value(const option::broadcast& opt, std::error_code& ec) noexcept {
    ec = check_open();
    if (!ec) ec = set_table_option(handle_, opt);
}

void socket::set_option_value(const option::v6_only& opt, std::error_code& ec) noexcept {
    ec = check_open();
    if (!ec) ec = set_table_option(handle_, opt);
}

void socket::get_option_value(option::reuse& opt, std::error_code& ec) const noexcept {
    ec = check_open();
    if (!ec) ec = platform::get_reuse(handle_, opt.value);
}

void socket::get_option_value(option::keep_alive& opt, std::error_code& ec) const noexcept {
    ec = check_open();
    if (!ec) ec = get_table_option(handle_, opt);
}

void socket::get_option_value(option::keep_alive_timing& opt, std::error_code& ec) const noexcept {
    ec = check_open();
    if (!ec) ec = platform::get_keep_alive_timing(handle_, opt.value);
}

void socket::get_option_value(option::no_delay& opt, std::error_code& ec) const noexcept {
    ec = check_open();
    if (!ec) ec = get_table_option(handle_, opt);
}

void socket::get_option_value(option::linger& opt, std::error_code& ec) const noexcept {
    ec = check_open();
    if (!ec) ec = platform::get_linger(handle_, opt.value);
}

void socket::get_option_value(option::receive_buffer_size& opt, std::error_code& ec) const noexcept {
    ec = check_open();
    if (!ec) ec = get_table_option(handle_, opt);
}

void socket::get_option_value(option::send_buffer_size& opt, std::error_code& ec) const noexcept {
    ec = check_open();
    if (!ec) ec = get_table_option(handle_, opt);
}

void socket::get_option_value(option::broadcast& opt, std::error_code& ec) const noexcept {
    ec = check_open();
    if (!ec) ec = get_table_option(handle_, opt);
}

void socket::get_option_value(option::v6_only& opt, std::error_code& ec) const noexcept {
    ec = check_open();
    if (!ec) ec = get_table_option(handle_, opt);
}

void socket::set_raw_option(int level, int name, const_bytes value) {
    std::error_code ec;
    set_raw_option(level, name, value, ec);
    if (ec) detail::throw_error(ec, "setsockopt", "level " + std::to_string(level) + " name " + std::to_string(name));
}

void socket::set_raw_option(int level, int name, const_bytes value, std::error_code& ec) noexcept {
    ec = check_open();
    if (!ec) ec = platform::set_raw_option(handle_, level, name, value);
}

std::size_t socket::get_raw_option(int level, int name, mutable_bytes value) const {
    std::error_code ec;
    const std::size_t size = get_raw_option(level, name, value, ec);
    if (ec) detail::throw_error(ec, "getsockopt", "level " + std::to_string(level) + " name " + std::to_string(name));
    return size;
}

std::size_t socket::get_raw_option(int level, int name, mutable_bytes value,
                                   std::error_code& ec) const noexcept {
    ec = check_open();
    if (ec) return 0;
    return platform::get_raw_option(handle_, level, name, value, ec);
}

std::error_code socket::check_open() const noexcept {
    return is_open() ? std::error_code{} : make_error_code(errc::bad_descriptor);
}

// ---- names ---------------------------------------------------------------------------

std::string to_string(socket_type t) {
    switch (t) {
    case socket_type::stream: return "stream";
    case socket_type::datagram: return "datagram";
    case socket_type::seqpacket: return "seqpacket";
    case socket_type::raw: return "raw";
    }
    return "socket_type(" + std::to_string(static_cast<int>(t)) + ")";
}

std::string to_string(option_name name) {
    switch (name) {
    case option_name::reuse: return "reuse";
    case option_name::keep_alive: return "keep_alive";
    case option_name::keep_alive_timing: return "keep_alive_timing";
    case option_name::no_delay: return "no_delay";
    case option_name::linger: return "linger";
    case option_name::receive_buffer_size: return "receive_buffer_size";
    case option_name::send_buffer_size: return "send_buffer_size";
    case option_name::broadcast: return "broadcast";
    case option_name::v6_only: return "v6_only";
    }
    return "option";
}

} // namespace unisock
