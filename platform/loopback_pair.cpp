// SPDX-License-Identifier: BSL-1.0
// Socket pairs over the loopback, from the platform interface alone.
#include "platform/loopback_pair.hpp"

#include <chrono>
#include <optional>
#include <utility>

namespace unisock::platform {

namespace {

// Owns a handle until release(): closes it on every early return of the pair builders.
class socket_guard {
public:
    explicit socket_guard(handle h) noexcept : handle_(h) {}
    socket_guard(const socket_guard&) = delete;
    socket_guard& operator=(const socket_guard&) = delete;
    ~socket_guard() {
        if (handle_ != invalid_native_handle) close_socket(handle_);
    }
    handle get() const noexcept { return handle_; }
    handle release() noexcept { return std::exchange(handle_, invalid_native_handle); }

private:
    handle handle_;
};

// How long building a pair may take: loopback connects finish in microseconds, this
// only bounds a stuck system.
constexpr std::chrono::seconds pair_time_limit{10};

std::error_code wait_until_connected(handle client, const deadline& until) noexcept {
    const std::error_code ec = wait(client, wait_for::writable, invalid_native_handle, until);
    return ec ? ec : pending_error(client);
}

bool same_endpoint(const address& a, const address& b) noexcept {
    return a.ip() == b.ip() && a.port() == b.port();
}

// Accepts until the connection from expected_peer arrives; nullopt takes the first.
handle accept_expected(handle listener, const std::optional<address>& expected_peer, const deadline& until,
                       std::error_code& ec) noexcept {
    for (;;) {
        address peer;
        socket_guard candidate(accept_socket(listener, peer, ec));
        if (ec == errc::would_block) {
            ec = wait(listener, wait_for::readable, invalid_native_handle, until);
            if (ec) return invalid_native_handle;
            continue;
        }
        if (ec) return invalid_native_handle;
        if (!expected_peer || same_endpoint(peer, *expected_peer)) return candidate.release();
    }
}

} // namespace

address loopback_for(address_family f) noexcept {
    return f == address_family::ipv6 ? address::v6_loopback(0) : address::v4_loopback(0);
}

void stream_pair_through(address_family f, const address& listen_on, bool verify_peer, handle out[2],
                         std::error_code& ec) noexcept {
    const deadline until = deadline::after(pair_time_limit);
    socket_guard listener(open_socket(f, socket_type::stream, 0, ec));
    if (ec) return;
    ec = bind_socket(listener.get(), listen_on);
    if (!ec) ec = listen_socket(listener.get(), 1);
    if (ec) return;
    const address target = local_address(listener.get(), ec);
    if (ec) return;
    socket_guard client(open_socket(f, socket_type::stream, 0, ec));
    if (ec) return;
    ec = start_connect(client.get(), target);
    if (ec == errc::in_progress) ec = wait_until_connected(client.get(), until);
    if (ec) return;
    std::optional<address> client_address;
    if (verify_peer) {
        client_address = local_address(client.get(), ec);
        if (ec) return;
    }
    socket_guard server(accept_expected(listener.get(), client_address, until, ec));
    if (ec) return;
    out[0] = client.release();
    out[1] = server.release();
}

void loopback_datagram_pair(address_family f, handle out[2], std::error_code& ec) noexcept {
    socket_guard first(open_socket(f, socket_type::datagram, 0, ec));
    if (ec) return;
    socket_guard second(open_socket(f, socket_type::datagram, 0, ec));
    if (ec) return;
    ec = bind_socket(first.get(), loopback_for(f));
    if (!ec) ec = bind_socket(second.get(), loopback_for(f));
    if (ec) return;
    const address first_address = local_address(first.get(), ec);
    if (ec) return;
    const address second_address = local_address(second.get(), ec);
    if (ec) return;
    ec = start_connect(first.get(), second_address);
    if (!ec) ec = start_connect(second.get(), first_address);
    if (ec) return;
    out[0] = first.release();
    out[1] = second.release();
}

} // namespace unisock::platform
