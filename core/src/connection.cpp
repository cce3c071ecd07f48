// SPDX-License-Identifier: BSL-1.0
// create_connection, create_server, socketpair and exchange: helpers made of the public
// socket API (plus platform::make_socket_pair, and platform::wait_connects for the
// connects create_connection races). The throwing forms name the step that
// failed ("getaddrinfo", "socket", "setsockopt", "bind", "connect", ...) so the message
// reads like the system call that went wrong.

#include "unisock/connection.hpp"

#include <algorithm>
#include <chrono>
#include <new>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "platform/platform.hpp"
#include "unisock/error.hpp"
#include "unisock/resolver.hpp"
#include "unisock/system.hpp"

namespace unisock {

namespace {

// The most exchange() asks recv for at once, so a large `expected` is not allocated up front.
constexpr std::size_t max_exchange_chunk = std::size_t{64} * 1024;

bool is_would_block(const std::error_code& ec) noexcept {
    return ec && ec == errc::would_block;
}

bool is_negative(const std::optional<timeout_duration>& timeout) noexcept {
    return timeout && timeout->count() < 0;
}

// "host:port", with an IPv6 host in brackets.
std::string describe(std::string_view host, std::uint16_t port) {
    const bool bracket = host.find(':') != std::string_view::npos;
    std::string text;
    if (bracket) text += '[';
    text += host;
    if (bracket) text += ']';
    return text + ':' + std::to_string(port);
}

// The time one step of an operation may take: what is left of the operation's deadline
// (nullopt without one), and timed_out once it has passed.
std::optional<timeout_duration> time_left(const platform::deadline& until, std::error_code& ec) noexcept {
    if (until.has_passed()) ec = make_error_code(errc::timed_out);
    return until.remaining_timeout();
}

// RFC 8305 section 5 allows no less.
constexpr timeout_duration min_attempt_delay = std::chrono::milliseconds(10);

// RFC 8305 section 4: IPv6 first, then the families in turn, each in the resolver's order.
std::vector<address> interleave_families(const std::vector<resolved_endpoint>& endpoints) {
    std::vector<address> v6;
    std::vector<address> others;
    for (const resolved_endpoint& e : endpoints)
        (e.endpoint.family() == address_family::ipv6 ? v6 : others).push_back(e.endpoint);
    std::vector<address> order;
    order.reserve(endpoints.size());
    for (std::size_t i = 0; i < std::max(v6.size(), others.size()); ++i) {
        if (i < v6.size()) order.push_back(v6[i]);
        if (i < others.size()) order.push_back(others[i]);
    }
    return order;
}

// Starts one non-blocking connect (bound to source first, if given): ec is in_progress
// while it runs, false when it connected at once, else its failure.
socket start_attempt(const address& peer, const std::optional<address>& source, std::error_code& ec) {
    if (source && source->family() != peer.family()) {
        ec = make_error_code(errc::address_family_not_supported);
        return {};
    }
    socket sock(peer.family(), socket_type::stream, 0, ec);
    if (!ec) sock.set_timeout(timeout_duration::zero(), ec);
    if (!ec && source) sock.bind(*source, ec);
    if (!ec) sock.connect(peer, ec);
    return sock;
}

// Happy Eyeballs over candidates, in their order, until one connects or all have failed or
// until passes. attempts gets each address tried with its error; ec the first's.
socket race(const std::vector<address>& candidates, const connection_options& options,
            const platform::deadline& until, std::vector<connection_attempt>& attempts, std::error_code& ec) {
    using clock = platform::deadline::clock;
    const bool non_blocking = options.timeout && options.timeout->count() == 0;
    const timeout_duration delay = std::max(options.attempt_delay, min_attempt_delay);
    std::vector<socket> running;            // connects in progress
    std::vector<std::size_t> running_entry; // and their entries in attempts
    std::size_t next = 0;
    clock::time_point next_start = clock::now();
    const auto room = [&] { return next < candidates.size() && running.size() < platform::max_connect_waits; };
    const auto won = [&](socket sock) {
        // Only the failures stay listed; the attempts still running are closed unreported.
        std::erase_if(attempts, [](const connection_attempt& a) { return !a.error; });
        sock.set_timeout(options.timeout, ec);
        return sock;
    };
    for (;;) {
        // With none running the next starts whatever the time (so a zero timeout still
        // tries an address, and one that failed at once is followed at once).
        while (room() && (running.empty() || (clock::now() >= next_start && !until.has_passed()))) {
            const address& peer = candidates[next++];
            attempts.push_back({peer, {}});
            std::error_code attempt;
            socket sock = start_attempt(peer, options.source_address, attempt);
            if (!attempt) return won(std::move(sock));
            if (attempt == errc::in_progress) {
                running.push_back(std::move(sock));
                running_entry.push_back(attempts.size() - 1);
                next_start = clock::now() + delay;
            } else {
                attempts.back().error = attempt;
            }
        }
        if (running.empty()) break; // every address has failed
        if (until.has_passed()) {
            for (const std::size_t entry : running_entry)
                attempts[entry].error = make_error_code(non_blocking ? errc::in_progress : errc::timed_out);
            break;
        }
        // Wait for a connect to finish, until the next attempt is due or the deadline.
        platform::deadline wake = until;
        if (room()) {
            const auto due = next_start - clock::now();
            if (due < until.remaining()) wake = platform::deadline::after(due);
        }
        platform::handle handles[platform::max_connect_waits];
        bool finished[platform::max_connect_waits] = {};
        for (std::size_t i = 0; i < running.size(); ++i) handles[i] = running[i].native_handle();
        const std::error_code waited =
            platform::wait_connects(std::span(handles, running.size()), std::span(finished, running.size()), wake);
        if (waited == errc::timed_out) continue;
        if (waited) { // the wait itself failed: no attempt can be told apart
            for (const std::size_t entry : running_entry) attempts[entry].error = waited;
            break;
        }
        for (std::size_t i = running.size(); i-- > 0;) {
            if (!finished[i]) continue;
            const std::error_code result = running[i].pending_error();
            if (!result) return won(std::move(running[i]));
            attempts[running_entry[i]].error = result;
            running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
            running_entry.erase(running_entry.begin() + static_cast<std::ptrdiff_t>(i));
            next_start = clock::now(); // a failure starts the next attempt at once
        }
    }
    ec = attempts.front().error;
    return {};
}

// The deadline of options.timeout (invalid_argument when negative).
platform::deadline deadline_of(const connection_options& options, std::error_code& ec) noexcept {
    if (is_negative(options.timeout)) ec = make_error_code(errc::invalid_argument);
    return platform::deadline::for_timeout(options.timeout);
}

// Resolves host and races its addresses under one deadline. operation is the step whose
// error ec holds ("getaddrinfo" for the lookup, "connect" for the attempts).
socket connect_to_host(std::string_view host, std::uint16_t port, const connection_options& options,
                       std::vector<connection_attempt>& attempts, std::error_code& ec,
                       std::string_view& operation) {
    attempts.clear();
    operation = "create_connection";
    ec.clear();
    const platform::deadline until = deadline_of(options, ec);
    if (ec) return {};
    // A zero timeout makes the attempts non-blocking; the lookup then blocks as Python's
    // does (a lookup with no time at all could never succeed).
    const bool non_blocking = options.timeout && options.timeout->count() == 0;
    resolve_hints hints;
    hints.type = socket_type::stream;
    operation = "getaddrinfo";
    const std::vector<resolved_endpoint> endpoints =
        resolve(host, std::to_string(port), hints, non_blocking ? std::nullopt : until.remaining_timeout(), ec);
    if (ec) return {};
    if (endpoints.empty()) {
        ec = make_error_code(errc::host_not_found);
        return {};
    }
    operation = "connect";
    return race(interleave_families(endpoints), options, until, attempts, ec);
}

socket connect_to_any(const std::vector<address>& candidates, const connection_options& options,
                      std::vector<connection_attempt>& attempts, std::error_code& ec) {
    attempts.clear();
    ec.clear();
    const platform::deadline until = deadline_of(options, ec);
    if (!ec && candidates.empty()) ec = make_error_code(errc::invalid_argument);
    if (ec) return {};
    return race(candidates, options, until, attempts, ec);
}

// "; every address tried: [::1]:80 timed out, 127.0.0.1:80 Connection refused".
std::string list_attempts(const std::vector<connection_attempt>& attempts) {
    std::string text = "; every address tried:";
    for (const connection_attempt& a : attempts) {
        text += ' ';
        text += a.endpoint.to_string();
        text += ' ';
        text += a.error.message();
        text += ',';
    }
    text.pop_back();
    return text;
}

// The exception for a failed create_connection: with every attempt once addresses were
// tried, else the one matching ec (a resolver or argument error).
[[noreturn]] void throw_connection_error(const std::error_code& ec, std::string_view operation,
                                         std::string_view context, std::vector<connection_attempt> attempts) {
    if (attempts.empty()) detail::throw_error(ec, operation, context);
    const std::string what = detail::compose_message(ec, operation, context) + list_attempts(attempts);
    if (ec == errc::timed_out) throw connection_timeout_error(ec, what, std::move(attempts));
    throw connection_error(ec, what, std::move(attempts));
}

// "[::1]:80, 127.0.0.1:80" for an error message.
std::string describe(const std::vector<address>& candidates) {
    std::string text;
    for (const address& a : candidates) text += (text.empty() ? "" : ", ") + a.to_string();
    return text;
}

// socket, reuse policy, v6_only, bind, listen. operation is the step whose error ec holds.
socket listen_on(const address& local, const server_options& options, std::error_code& ec,
                 std::string_view& operation) {
    operation = "listen";
    if (options.backlog < 0) { // checked before bind creates anything (a socket file)
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    operation = "socket";
    socket server(local.family(), socket_type::stream, 0, ec);
    if (ec) return {};
    operation = "setsockopt";
    // Address reuse is an IP notion: a Unix path is taken until its file is removed.
    if (local.family() != address_family::local) server.set_option(option::reuse{options.reuse}, ec);
    if (!ec && local.family() == address_family::ipv6)
        server.set_option(option::v6_only{!options.dual_stack}, ec);
    if (ec) return {};
    operation = "bind";
    server.bind(local, ec);
    if (ec) return {};
    operation = "listen";
    server.listen(options.backlog, ec);
    if (ec) return {};
    return server;
}

// Takes ownership of both handles of a new pair; closes what it could not adopt.
socket_pair adopt_pair(platform::handle handles[2], std::error_code& ec) {
    socket_pair pair;
    pair.first = socket::adopt(handles[0], ec);
    if (ec) {
        platform::close_socket(handles[0]);
        platform::close_socket(handles[1]);
        return {};
    }
    pair.second = socket::adopt(handles[1], ec);
    if (ec) {
        platform::close_socket(handles[1]);
        return {};
    }
    return pair;
}

// The state of one exchange: how much went out, what came in.
class duplex_transfer {
public:
    duplex_transfer(socket& sock, const_bytes out, std::size_t expected)
        : sock_(sock), out_(out), expected_(expected) {}

    bool sending() const noexcept { return sent_ < out_.size(); }
    bool receiving() const noexcept { return received_.size() < expected_; }
    // The peer's close ends the exchange even with output left: a peer that answers and
    // closes (an error reply to a large upload, say) must not turn into a send error.
    bool done() const noexcept { return peer_closed_ || (!sending() && !receiving()); }
    std::string take_received() noexcept { return std::move(received_); }

    // One non-blocking send and one non-blocking recv, as far as each is still needed.
    // Returns whether either moved a byte (or saw the peer close); would_block is not an
    // error here.
    bool try_both(std::error_code& ec) {
        bool progressed = false;
        if (sending()) progressed = try_send(ec);
        if (!ec && receiving()) progressed = try_recv(ec) || progressed;
        return progressed;
    }

    // What to wait for when neither direction could move.
    wait_for pending_direction() const noexcept {
        if (sending() && receiving()) return wait_for::either;
        return sending() ? wait_for::writable : wait_for::readable;
    }

private:
    bool try_send(std::error_code& ec) {
        const std::size_t n = sock_.send(out_.after(sent_), ec);
        if (is_would_block(ec)) ec.clear();
        sent_ += n;
        return n != 0;
    }

    bool try_recv(std::error_code& ec) {
        const std::size_t old_size = received_.size();
        const std::size_t chunk = std::min(expected_ - old_size, max_exchange_chunk);
        received_.resize(old_size + chunk);
        const std::size_t n = sock_.recv_into(mutable_bytes(received_.data() + old_size, chunk), ec);
        received_.resize(old_size + n);
        if (is_would_block(ec)) {
            ec.clear();
            return false;
        }
        // recv 0 is the peer's orderly close: what arrived so far is the answer.
        if (!ec && n == 0) peer_closed_ = true;
        return true;
    }

    socket& sock_;
    const_bytes out_;
    std::size_t expected_;
    std::size_t sent_ = 0;
    std::string received_;
    bool peer_closed_ = false;
};

// The exchange loop, with the socket already in non-blocking mode.
std::string run_exchange(socket& sock, const_bytes out, std::size_t expected,
                         std::optional<timeout_duration> timeout, std::error_code& ec) {
    duplex_transfer transfer(sock, out, expected);
    const platform::deadline until = platform::deadline::for_timeout(timeout);
    while (!ec && !transfer.done()) {
        if (transfer.try_both(ec) || ec) continue;
        const std::optional<timeout_duration> left = time_left(until, ec);
        if (!ec) ec = sock.wait(transfer.pending_direction(), left);
    }
    return transfer.take_received();
}

} // namespace

connection_failure::connection_failure(std::vector<connection_attempt> attempts)
    : attempts_(std::make_shared<const std::vector<connection_attempt>>(std::move(attempts))) {}

connection_error::connection_error(std::error_code ec, const std::string& what, std::vector<connection_attempt> attempts)
    : socket_error(ec, what), connection_failure(std::move(attempts)) {}

connection_timeout_error::connection_timeout_error(std::error_code ec, const std::string& what,
                                                   std::vector<connection_attempt> attempts)
    : timeout_error(ec, what), connection_failure(std::move(attempts)) {}

socket create_connection(std::string_view host, std::uint16_t port, const connection_options& options) {
    std::vector<connection_attempt> attempts;
    std::error_code ec;
    std::string_view operation;
    socket sock = connect_to_host(host, port, options, attempts, ec, operation);
    if (ec) throw_connection_error(ec, operation, describe(host, port), std::move(attempts));
    return sock;
}

socket create_connection(std::string_view host, std::uint16_t port, const connection_options& options,
                         std::error_code& ec) noexcept {
    std::vector<connection_attempt> attempts;
    return create_connection(host, port, options, attempts, ec);
}

socket create_connection(std::string_view host, std::uint16_t port, const connection_options& options,
                         std::vector<connection_attempt>& attempts, std::error_code& ec) noexcept {
    try {
        std::string_view operation;
        return connect_to_host(host, port, options, attempts, ec, operation);
    } catch (const std::bad_alloc&) {
        ec = make_error_code(errc::no_buffer_space);
        return {};
    }
}

socket create_connection(const std::vector<address>& candidates, const connection_options& options) {
    std::vector<connection_attempt> attempts;
    std::error_code ec;
    socket sock = connect_to_any(candidates, options, attempts, ec);
    if (ec) {
        const std::string_view operation = attempts.empty() ? "create_connection" : "connect";
        throw_connection_error(ec, operation, describe(candidates), std::move(attempts));
    }
    return sock;
}

socket create_connection(const std::vector<address>& candidates, const connection_options& options,
                         std::error_code& ec) noexcept {
    std::vector<connection_attempt> attempts;
    return create_connection(candidates, options, attempts, ec);
}

socket create_connection(const std::vector<address>& candidates, const connection_options& options,
                         std::vector<connection_attempt>& attempts, std::error_code& ec) noexcept {
    try {
        return connect_to_any(candidates, options, attempts, ec);
    } catch (const std::bad_alloc&) {
        ec = make_error_code(errc::no_buffer_space);
        return {};
    }
}

socket create_connection(std::string_view host, std::uint16_t port, std::optional<timeout_duration> timeout) {
    return create_connection(host, port, connection_options{.timeout = timeout});
}

socket create_connection(std::string_view host, std::uint16_t port, std::optional<timeout_duration> timeout,
                         std::error_code& ec) {
    return create_connection(host, port, connection_options{.timeout = timeout}, ec);
}

socket create_server(const address& local, const server_options& options) {
    std::error_code ec;
    std::string_view operation;
    socket server = listen_on(local, options, ec, operation);
    if (ec) detail::throw_error(ec, operation, local.to_string());
    return server;
}

socket create_server(const address& local, const server_options& options, std::error_code& ec) {
    std::string_view operation;
    return listen_on(local, options, ec, operation);
}

socket_pair socketpair(address_family f, socket_type t) {
    std::error_code ec;
    socket_pair pair = socketpair(f, t, ec);
    if (ec) detail::throw_error(ec, "socketpair", to_string(f) + " " + to_string(t));
    return pair;
}

socket_pair socketpair(address_family f, socket_type t, std::error_code& ec) {
    if (f == address_family::unspecified)
        f = capabilities().native_socketpair ? address_family::local : address_family::ipv4;
    platform::handle handles[2] = {invalid_native_handle, invalid_native_handle};
    platform::make_socket_pair(f, t, handles, ec);
    if (ec) return {};
    return adopt_pair(handles, ec);
}

std::string exchange(socket& sock, const_bytes out, std::size_t expected,
                     std::optional<timeout_duration> timeout) {
    std::error_code ec;
    std::string received = exchange(sock, out, expected, timeout, ec);
    if (ec) detail::throw_error(ec, "exchange",
                     std::to_string(received.size()) + " of " + std::to_string(expected) + " bytes received");
    return received;
}

std::string exchange(socket& sock, const_bytes out, std::size_t expected,
                     std::optional<timeout_duration> timeout, std::error_code& ec) {
    if (is_negative(timeout)) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    // Both directions are driven by non-blocking calls; the socket's own timeout comes
    // back afterwards whatever happens.
    const std::optional<timeout_duration> original = sock.timeout();
    sock.set_timeout(timeout_duration::zero(), ec);
    std::string received = run_exchange(sock, out, expected, timeout, ec);
    std::error_code ignored;
    sock.set_timeout(original, ignored);
    return received;
}

} // namespace unisock
