#include "unisock/socket.hpp"

#include <atomic>
#include <mutex>
#include <utility>

#include "platform/platform.hpp"

namespace unisock {

namespace detail {

// What cancel() shares with the calls it wakes: a sticky flag, and a wake-up handle
// opened by the first call that actually has to wait (most sockets never need one).
struct cancel_state {
    std::atomic<bool> canceled{false};
    std::mutex mutex; // guards opening the waker
    bool waker_open = false;
    platform::waker waker;

    cancel_state() = default;
    cancel_state(const cancel_state&) = delete;
    cancel_state& operator=(const cancel_state&) = delete;
    ~cancel_state() {
        if (waker_open) platform::close_waker(waker);
    }
};

} // namespace detail

namespace {

using clock = std::chrono::steady_clock;

bool is_would_block(const std::error_code& ec) noexcept {
    return ec && ec == errc::would_block;
}

// Runs attempt (one non-blocking system call) until it stops reporting would_block.
// In non-blocking mode it returns at once; otherwise wait() blocks until the socket is
// ready, the deadline passes or the socket is canceled. When the call can complete at
// once this is exactly one system call.
template <class Attempt, class Wait>
auto retry_when_ready(Attempt attempt, Wait wait, bool non_blocking, std::error_code& ec) {
    for (;;) {
        auto result = attempt(ec);
        if (!is_would_block(ec) || non_blocking) return result;
        ec = wait();
        if (ec) return result;
    }
}

} // namespace

socket::socket() noexcept = default;

socket::socket(address_family f, socket_type t, int protocol) {
    std::error_code ec;
    *this = socket(f, t, protocol, ec);
    detail::throw_if(ec, "socket", to_string(f) + " " + to_string(t));
}

socket::socket(address_family f, socket_type t, int protocol, std::error_code& ec) noexcept {
    const native_handle_type h = platform::open_socket(f, t, protocol, ec);
    if (ec) return;
    *this = socket(h, f, t);
}

socket::socket(native_handle_type handle, address_family f, socket_type t) noexcept
    : handle_(handle), family_(f), type_(t), cancel_(std::make_unique<detail::cancel_state>()) {}

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

socket::socket(socket&& other) noexcept
    : handle_(std::exchange(other.handle_, invalid_native_handle)), family_(other.family_),
      type_(other.type_), timeout_(other.timeout_), cancel_(std::move(other.cancel_)) {}

socket& socket::operator=(socket&& other) noexcept {
    if (this != &other) {
        close_quietly();
        handle_ = std::exchange(other.handle_, invalid_native_handle);
        family_ = other.family_;
        type_ = other.type_;
        timeout_ = other.timeout_;
        cancel_ = std::move(other.cancel_);
    }
    return *this;
}

socket::~socket() { close_quietly(); }

void socket::close_quietly() noexcept {
    std::error_code ignored;
    close(ignored);
}

std::error_code socket::check_usable() const noexcept {
    if (!is_open()) return make_error_code(errc::bad_descriptor);
    if (cancel_->canceled.load(std::memory_order_acquire)) return make_error_code(errc::operation_canceled);
    return {};
}

std::error_code socket::check_family(const address& peer) const noexcept {
    if (family_ != address_family::unspecified && peer.family() != family_)
        return make_error_code(errc::address_family_not_supported);
    return {};
}

bool socket::non_blocking() const noexcept {
    return timeout_ && timeout_->count() == 0;
}

std::optional<clock::time_point> socket::deadline_from_now() const noexcept {
    if (!timeout_) return std::nullopt;
    return clock::now() + *timeout_;
}

std::error_code socket::wait_until(wait_for what, std::optional<clock::time_point> deadline) noexcept {
    detail::cancel_state& state = *cancel_;
    {
        std::lock_guard lock(state.mutex);
        if (!state.waker_open) {
            std::error_code ec;
            state.waker = platform::open_waker(ec);
            if (ec) return ec;
            state.waker_open = true;
        }
    }
    // Checked after the waker exists: a cancel() from now on signals it.
    if (state.canceled.load(std::memory_order_acquire)) return make_error_code(errc::operation_canceled);
    std::error_code ec;
    platform::wait(handle_, what != wait_for::writable, what != wait_for::readable, &state.waker,
                   deadline, ec);
    return ec;
}

// Waits for what with one deadline fixed the first time it is needed.
auto socket::waiter(wait_for what) noexcept {
    return [this, what, deadline = std::optional<std::optional<clock::time_point>>{}]() mutable {
        if (!deadline) deadline = deadline_from_now();
        return wait_until(what, *deadline);
    };
}

void socket::bind(const address& local) {
    std::error_code ec;
    bind(local, ec);
    detail::throw_if(ec, "bind", local.to_string());
}

void socket::bind(const address& local, std::error_code& ec) noexcept {
    ec = check_usable();
    if (!ec) ec = check_family(local);
    if (!ec) ec = platform::bind_socket(handle_, local);
}

void socket::listen(int backlog) {
    std::error_code ec;
    listen(backlog, ec);
    detail::throw_if(ec, "listen", "backlog " + std::to_string(backlog));
}

void socket::listen(int backlog, std::error_code& ec) noexcept {
    ec = backlog < 0 ? make_error_code(errc::invalid_argument) : check_usable();
    if (!ec) ec = platform::listen_socket(handle_, backlog);
}

accepted socket::accept() {
    std::error_code ec;
    accepted result = accept(ec);
    detail::throw_if(ec, "accept");
    return result;
}

accepted socket::accept(std::error_code& ec) noexcept {
    ec = check_usable();
    if (ec) return {};
    address peer;
    const auto h = retry_when_ready(
        [&](std::error_code& e) { return platform::accept_socket(handle_, peer, e); },
        waiter(wait_for::readable), non_blocking(), ec);
    if (ec) return {};
    return {socket(h, family_, type_), peer};
}

void socket::connect(const address& peer) {
    std::error_code ec;
    connect(peer, ec);
    detail::throw_if(ec, "connect", peer.to_string());
}

void socket::connect(const address& peer, std::error_code& ec) noexcept {
    ec = check_usable();
    if (!ec) ec = check_family(peer);
    if (ec) return;
    ec = platform::start_connect(handle_, peer);
    if (!ec || ec != errc::in_progress || non_blocking()) return;
    ec = wait_until(wait_for::writable, deadline_from_now());
    if (!ec) ec = platform::pending_error(handle_);
}

std::error_code socket::connect_ex(const address& peer) noexcept {
    std::error_code ec;
    connect(peer, ec);
    return ec;
}

std::size_t socket::send(const_bytes data) {
    std::error_code ec;
    const std::size_t sent = send(data, ec);
    detail::throw_if(ec, "send");
    return sent;
}

std::size_t socket::send(const_bytes data, std::error_code& ec) noexcept {
    ec = check_usable();
    if (ec) return 0;
    return retry_when_ready([&](std::error_code& e) { return platform::send_some(handle_, data, e); },
                            waiter(wait_for::writable), non_blocking(), ec);
}

void socket::sendall(const_bytes data) {
    std::error_code ec;
    const std::size_t sent = sendall(data, ec);
    detail::throw_if(ec, "sendall", std::to_string(sent) + " of " + std::to_string(data.size()) + " bytes sent");
}

std::size_t socket::sendall(const_bytes data, std::error_code& ec) noexcept {
    ec = check_usable();
    if (ec) return 0;
    auto wait = waiter(wait_for::writable); // one deadline for the whole buffer
    std::size_t total = 0;
    while (total < data.size()) {
        total += retry_when_ready(
            [&](std::error_code& e) { return platform::send_some(handle_, data.after(total), e); },
            wait, non_blocking(), ec);
        if (ec) break;
    }
    return total;
}

std::size_t socket::recv_into(mutable_bytes buffer) {
    std::error_code ec;
    const std::size_t received = recv_into(buffer, ec);
    detail::throw_if(ec, "recv");
    return received;
}

std::size_t socket::recv_into(mutable_bytes buffer, std::error_code& ec) noexcept {
    ec = check_usable();
    if (ec) return 0;
    return retry_when_ready([&](std::error_code& e) { return platform::recv_some(handle_, buffer, e); },
                            waiter(wait_for::readable), non_blocking(), ec);
}

std::string socket::recv(std::size_t max_size) {
    std::error_code ec;
    std::string data = recv(max_size, ec);
    detail::throw_if(ec, "recv");
    return data;
}

std::string socket::recv(std::size_t max_size, std::error_code& ec) {
    std::string data(max_size, '\0');
    data.resize(recv_into(data, ec));
    return data;
}

std::size_t socket::send_to(const_bytes data, const address& peer) {
    std::error_code ec;
    const std::size_t sent = send_to(data, peer, ec);
    detail::throw_if(ec, "sendto", peer.to_string());
    return sent;
}

std::size_t socket::send_to(const_bytes data, const address& peer, std::error_code& ec) noexcept {
    ec = check_usable();
    if (!ec) ec = check_family(peer);
    if (ec) return 0;
    return retry_when_ready(
        [&](std::error_code& e) { return platform::send_to(handle_, data, peer, e); },
        waiter(wait_for::writable), non_blocking(), ec);
}

received_from socket::recv_from_into(mutable_bytes buffer) {
    std::error_code ec;
    received_from result = recv_from_into(buffer, ec);
    detail::throw_if(ec, "recvfrom");
    return result;
}

received_from socket::recv_from_into(mutable_bytes buffer, std::error_code& ec) noexcept {
    ec = check_usable();
    if (ec) return {};
    received_from result;
    result.size = retry_when_ready(
        [&](std::error_code& e) { return platform::recv_from(handle_, buffer, result.sender, e); },
        waiter(wait_for::readable), non_blocking(), ec);
    return result;
}

datagram socket::recv_from(std::size_t max_size) {
    std::error_code ec;
    datagram result = recv_from(max_size, ec);
    detail::throw_if(ec, "recvfrom");
    return result;
}

datagram socket::recv_from(std::size_t max_size, std::error_code& ec) {
    datagram result;
    result.data.resize(max_size);
    const received_from got = recv_from_into(result.data, ec);
    result.data.resize(got.size);
    result.sender = got.sender;
    return result;
}

void socket::shutdown(shutdown_how how) {
    std::error_code ec;
    shutdown(how, ec);
    detail::throw_if(ec, "shutdown");
}

void socket::shutdown(shutdown_how how, std::error_code& ec) noexcept {
    ec = is_open() ? platform::shutdown_socket(handle_, how) : make_error_code(errc::bad_descriptor);
}

void socket::close() {
    std::error_code ec;
    close(ec);
    detail::throw_if(ec, "close");
}

void socket::close(std::error_code& ec) noexcept {
    ec.clear();
    if (!is_open()) return;
    ec = platform::close_socket(std::exchange(handle_, invalid_native_handle));
    cancel_.reset();
}

void socket::abort() noexcept {
    if (!is_open()) return;
    platform::abort_socket(std::exchange(handle_, invalid_native_handle));
    cancel_.reset();
}

address socket::local_address() const {
    std::error_code ec;
    address result = local_address(ec);
    detail::throw_if(ec, "getsockname");
    return result;
}

address socket::local_address(std::error_code& ec) const noexcept {
    if (!is_open()) {
        ec = make_error_code(errc::bad_descriptor);
        return {};
    }
    return platform::local_address(handle_, ec);
}

address socket::peer_address() const {
    std::error_code ec;
    address result = peer_address(ec);
    detail::throw_if(ec, "getpeername");
    return result;
}

address socket::peer_address(std::error_code& ec) const noexcept {
    if (!is_open()) {
        ec = make_error_code(errc::bad_descriptor);
        return {};
    }
    return platform::peer_address(handle_, ec);
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
    if (std::error_code ec = check_usable()) return ec;
    if (timeout && timeout->count() < 0) return make_error_code(errc::invalid_argument);
    return wait_until(what, timeout ? std::optional(clock::now() + *timeout) : std::nullopt);
}

std::error_code socket::pending_error() noexcept {
    if (!is_open()) return make_error_code(errc::bad_descriptor);
    return platform::pending_error(handle_);
}

void socket::cancel() noexcept {
    if (!cancel_) return;
    detail::cancel_state& state = *cancel_;
    state.canceled.store(true, std::memory_order_release);
    std::lock_guard lock(state.mutex);
    if (state.waker_open) platform::signal_waker(state.waker);
}

void socket::clear_cancel() noexcept {
    if (!cancel_) return;
    detail::cancel_state& state = *cancel_;
    std::lock_guard lock(state.mutex);
    state.canceled.store(false, std::memory_order_release);
    if (state.waker_open) platform::drain_waker(state.waker);
}

bool socket::is_canceled() const noexcept {
    return cancel_ && cancel_->canceled.load(std::memory_order_acquire);
}

native_handle_type socket::release() noexcept {
    if (!is_open()) return invalid_native_handle;
    platform::set_os_blocking(handle_, !non_blocking());
    cancel_.reset();
    return std::exchange(handle_, invalid_native_handle);
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
    detail::throw_if(ec, "setsockopt", "level " + std::to_string(level) + " name " + std::to_string(name));
}

void socket::set_raw_option(int level, int name, const_bytes value, std::error_code& ec) noexcept {
    ec = check_open();
    if (!ec) ec = platform::set_raw_option(handle_, level, name, value);
}

std::size_t socket::get_raw_option(int level, int name, mutable_bytes value) const {
    std::error_code ec;
    const std::size_t size = get_raw_option(level, name, value, ec);
    detail::throw_if(ec, "getsockopt", "level " + std::to_string(level) + " name " + std::to_string(name));
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
