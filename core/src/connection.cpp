// SPDX-License-Identifier: BSL-1.0
// create_connection, create_server, socketpair and exchange: helpers made of the public
// socket API (plus platform::make_socket_pair). The throwing forms name the step that
// failed ("getaddrinfo", "socket", "setsockopt", "bind", "connect", ...) so the message
// reads like the system call that went wrong.

#include "unisock/connection.hpp"

#include <algorithm>
#include <chrono>
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

// One connection attempt to endpoint with the given timeout.
socket connect_one(const resolved_endpoint& endpoint, std::optional<timeout_duration> timeout,
                   std::error_code& ec, std::string_view& operation) {
    operation = "socket";
    socket sock(endpoint.family, socket_type::stream, endpoint.protocol, ec);
    if (ec) return {};
    operation = "connect";
    sock.set_timeout(timeout, ec);
    if (!ec) sock.connect(endpoint.endpoint, ec);
    if (ec) return {};
    return sock;
}

// Resolves host and connects to each address in turn under one deadline. operation is
// the step whose error ec holds.
socket connect_to_host(std::string_view host, std::uint16_t port, std::optional<timeout_duration> timeout,
                       std::error_code& ec, std::string_view& operation) {
    operation = "create_connection";
    if (is_negative(timeout)) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    // One deadline covers the lookup and every attempt. A zero timeout stays zero: every
    // attempt is then non-blocking, as the caller asked, and the lookup blocks as
    // Python's does (a lookup with no time at all could never succeed).
    const bool non_blocking = timeout && timeout->count() == 0;
    const platform::deadline until = platform::deadline::for_timeout(timeout);
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
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
        ec.clear(); // only the last address's error is reported
        std::optional<timeout_duration> attempt_timeout = non_blocking ? timeout : time_left(until, ec);
        if (ec) {
            operation = "connect";
            return {};
        }
        // No address takes the whole timeout: each gets an equal share of what is left,
        // so a dead first address cannot starve the rest (time a failed attempt does not
        // use passes on to the next; the last one gets all that remains).
        if (attempt_timeout && !non_blocking)
            *attempt_timeout /= static_cast<timeout_duration::rep>(endpoints.size() - i);
        socket sock = connect_one(endpoints[i], attempt_timeout, ec, operation);
        if (ec) continue;
        sock.set_timeout(timeout, ec);
        return sock;
    }
    return {};
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

socket create_connection(std::string_view host, std::uint16_t port, std::optional<timeout_duration> timeout) {
    std::error_code ec;
    std::string_view operation;
    socket sock = connect_to_host(host, port, timeout, ec, operation);
    if (ec) detail::throw_error(ec, operation, describe(host, port));
    return sock;
}

socket create_connection(std::string_view host, std::uint16_t port, std::optional<timeout_duration> timeout,
                         std::error_code& ec) {
    std::string_view operation;
    return connect_to_host(host, port, timeout, ec, operation);
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
