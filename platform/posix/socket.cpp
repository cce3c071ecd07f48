// SPDX-License-Identifier: BSL-1.0
// Socket life cycle and data transfer over BSD sockets (Linux, macOS).
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>

#include "platform/loopback_pair.hpp"
#include "platform/platform.hpp"
#include "platform/posix/sockaddr.hpp"

namespace unisock::platform {

namespace {

// Linux suppresses SIGPIPE per call with MSG_NOSIGNAL; Apple has no such flag and uses
// the SO_NOSIGPIPE socket option instead (set on every socket unisock creates or adopts).
#ifdef MSG_NOSIGNAL
constexpr int no_signal_flag = MSG_NOSIGNAL;
#else
constexpr int no_signal_flag = 0;
#endif

std::error_code suppress_sigpipe([[maybe_unused]] int fd) noexcept {
#ifdef SO_NOSIGPIPE
    return set_int_option(fd, SOL_SOCKET, SO_NOSIGPIPE, 1);
#else
    return {};
#endif
}

std::error_code set_non_blocking(int fd, bool non_blocking) noexcept {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0) return last_error();
    const int wanted = non_blocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    if (wanted != flags && ::fcntl(fd, F_SETFL, wanted) < 0) return last_error();
    return {};
}

std::error_code set_close_on_exec(int fd) noexcept {
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags < 0) return last_error();
    if ((flags & FD_CLOEXEC) == 0 && ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0) return last_error();
    return {};
}

// The flags every descriptor unisock owns carries, for the paths that cannot set them
// atomically (macOS, adopted and accepted sockets there).
std::error_code apply_descriptor_flags(int fd) noexcept {
    if (std::error_code ec = set_non_blocking(fd, true)) return ec;
    if (std::error_code ec = set_close_on_exec(fd)) return ec;
    return suppress_sigpipe(fd);
}

// Close-on-exec and non-blocking set atomically at creation where the OS can (Linux, the
// BSDs), so a fork in another thread never inherits the descriptor; macOS sets them
// right after (finish_descriptor).
#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
constexpr int atomic_socket_flags = SOCK_CLOEXEC | SOCK_NONBLOCK;
#else
constexpr int atomic_socket_flags = 0;
#endif

// The rest of unisock's descriptor flags on a new, accepted or paired descriptor; closes
// it when they cannot be set.
int finish_descriptor(int fd, std::error_code& ec) noexcept {
    if constexpr (atomic_socket_flags != 0)
        ec = suppress_sigpipe(fd);
    else
        ec = apply_descriptor_flags(fd);
    if (!ec) return fd;
    ::close(fd);
    return -1;
}

int create_socket(int af, int type, int protocol, std::error_code& ec) noexcept {
    const int fd = ::socket(af, type | atomic_socket_flags, protocol);
    if (fd < 0) {
        ec = last_error();
        return -1;
    }
    return finish_descriptor(fd, ec);
}

// accept4 sets the flags atomically (Linux, the BSDs). macOS accepted sockets inherit
// O_NONBLOCK from the listener and nothing else: the flags are set explicitly so the
// result is the same everywhere.
int accept_with_flags(int listener, native_address& from, std::error_code& ec) noexcept {
#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
    const int fd =
        retry_on_interrupt([&] { return ::accept4(listener, from.get(), &from.length, atomic_socket_flags); });
#else
    const int fd = retry_on_interrupt([&] { return ::accept(listener, from.get(), &from.length); });
#endif
    if (fd < 0) {
        ec = last_error();
        return -1;
    }
    return finish_descriptor(fd, ec);
}

// unisock's defaults for a new socket beyond the descriptor flags: IPv6 sockets are
// IPv6-only, as on Windows (Linux would default to dual stack).
std::error_code configure_new_socket(int fd, int af) noexcept {
    if (af == AF_INET6) return set_int_option(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    return {};
}

// A datagram larger than the buffer fills it and fails with message_size, as Winsock
// reports it: a silently truncated message would lose data.
std::error_code truncated() noexcept { return {EMSGSIZE, system_category()}; }

} // namespace

handle open_socket(address_family f, socket_type t, int protocol, std::error_code& ec) noexcept {
    int af = 0;
    int type = 0;
    ec = native_family_and_type(f, t, af, type);
    if (ec) return invalid_native_handle;
    const int fd = create_socket(af, type, protocol, ec);
    if (ec) return invalid_native_handle;
    ec = configure_new_socket(fd, af);
    if (ec) {
        ::close(fd);
        return invalid_native_handle;
    }
    return as_handle(fd);
}

void adopt_socket(handle h, address_family& f, socket_type& t, std::error_code& ec) noexcept {
    const int fd = as_fd(h);
    int type = 0;
    ec = get_int_option(fd, SOL_SOCKET, SO_TYPE, type); // ENOTSOCK (bad_descriptor) for a pipe
    if (ec) return;
    // getsockname names the family of unbound sockets too.
    native_address local;
    if (::getsockname(fd, local.get(), &local.length) != 0) {
        ec = last_error();
        return;
    }
    const std::optional<address_family> family = portable_family(local.get()->sa_family);
    const std::optional<socket_type> portable = portable_type(type);
    if (!family || !portable) {
        ec = make_error_code(family ? errc::socket_type_not_supported : errc::address_family_not_supported);
        return;
    }
    ec = apply_descriptor_flags(fd);
    if (ec) return;
    f = *family;
    t = *portable;
}

namespace {

// A close with a linger time waits for unsent data only on a blocking socket on macOS
// (and on Windows): the socket is switched to blocking first, so close() waits up to the
// time on every OS, as options.hpp says. Linux lingers either way.
void block_if_lingering(handle h) noexcept {
    std::optional<std::chrono::seconds> linger;
    if (!get_linger(h, linger) && linger && linger->count() > 0) set_non_blocking(as_fd(h), false);
}

} // namespace

std::error_code close_socket(handle h) noexcept {
    block_if_lingering(h);
    // Never retried: after EINTR the descriptor is already gone on Linux, and a retry
    // could close a descriptor another thread has just been given.
    if (::close(as_fd(h)) != 0 && errno != EINTR) return last_error();
    return {};
}

void abort_socket(handle h) noexcept {
    const int fd = as_fd(h);
    const ::linger abortive{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
    ::close(fd);
}

std::error_code set_os_blocking(handle h, bool blocking) noexcept { return set_non_blocking(as_fd(h), !blocking); }

std::error_code bind_socket(handle h, const address& local) noexcept {
    native_address native;
    if (std::error_code ec = to_native(local, native)) return ec;
    if (::bind(as_fd(h), native.get(), native.length) != 0) return last_error();
    return {};
}

std::error_code listen_socket(handle h, int backlog) noexcept {
    const int native = backlog == max_backlog ? backlog_limit() : backlog;
    if (::listen(as_fd(h), native) != 0) return last_error();
    return {};
}

handle accept_socket(handle h, address& peer, std::error_code& ec) noexcept {
    native_address from;
    const int fd = accept_with_flags(as_fd(h), from, ec);
    if (ec) return invalid_native_handle;
    // An address unisock cannot represent does not cost the connection.
    std::error_code unrepresentable;
    peer = from_native(from, unrepresentable);
    return as_handle(fd);
}

std::error_code start_connect(handle h, const address& peer) noexcept {
    native_address to;
    if (std::error_code ec = to_native(peer, to)) return ec;
    if (::connect(as_fd(h), to.get(), to.length) == 0) return {};
    // EINPROGRESS is kept as it is (it compares equal to errc::in_progress). An
    // interrupted connect goes on in the background, like a non-blocking one: its result
    // is read from SO_ERROR once writable, never by calling connect() again.
    if (errno == EINTR) return make_error_code(errc::in_progress);
    return last_error();
}

std::error_code pending_error(handle h) noexcept {
    int error = 0;
    if (std::error_code ec = get_int_option(as_fd(h), SOL_SOCKET, SO_ERROR, error)) return ec;
    if (error == 0) return {};
    return {error, system_category()};
}

std::size_t send_some(handle h, const_bytes data, std::error_code& ec) noexcept {
    const ssize_t sent =
        retry_on_interrupt([&] { return ::send(as_fd(h), data.data(), data.size(), no_signal_flag); });
    if (sent < 0) {
        ec = last_error();
        return 0;
    }
    if (ec) ec.clear(); // the hot path: clear() looks up system_category()
    return static_cast<std::size_t>(sent);
}

std::size_t recv_some(handle h, mutable_bytes buffer, std::error_code& ec) noexcept {
    const ssize_t received = retry_on_interrupt([&] { return ::recv(as_fd(h), buffer.data(), buffer.size(), 0); });
    if (received < 0) {
        ec = last_error();
        return 0;
    }
    if (ec) ec.clear(); // the hot path: clear() looks up system_category()
    return static_cast<std::size_t>(received);
}

std::size_t send_to(handle h, const_bytes data, const address& peer, std::error_code& ec) noexcept {
    native_address to;
    ec = to_native(peer, to);
    if (ec) return 0;
    const ssize_t sent = retry_on_interrupt(
        [&] { return ::sendto(as_fd(h), data.data(), data.size(), no_signal_flag, to.get(), to.length); });
    if (sent < 0) {
        ec = last_error();
        return 0;
    }
    return static_cast<std::size_t>(sent);
}

std::size_t recv_from(handle h, mutable_bytes buffer, address& sender, std::error_code& ec) noexcept {
    native_address from;
    iovec part{buffer.data(), buffer.size()};
    msghdr message{};
    message.msg_name = from.get();
    message.msg_namelen = from.length;
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    const ssize_t received = retry_on_interrupt([&] { return ::recvmsg(as_fd(h), &message, 0); });
    if (received < 0) {
        ec = last_error();
        return 0;
    }
    if ((message.msg_flags & MSG_TRUNC) != 0) {
        ec = truncated();
        return 0;
    }
    from.length = message.msg_namelen;
    sender = from_native(from, ec);
    return static_cast<std::size_t>(received);
}

std::error_code shutdown_socket(handle h, shutdown_how how) noexcept {
    int native = SHUT_RDWR;
    if (how == shutdown_how::read) native = SHUT_RD;
    if (how == shutdown_how::write) native = SHUT_WR;
    if (::shutdown(as_fd(h), native) != 0) return last_error();
    return {};
}

address local_address(handle h, std::error_code& ec) noexcept {
    native_address local;
    if (::getsockname(as_fd(h), local.get(), &local.length) != 0) {
        ec = last_error();
        return {};
    }
    return from_native(local, ec);
}

address peer_address(handle h, std::error_code& ec) noexcept {
    native_address peer;
    if (::getpeername(as_fd(h), peer.get(), &peer.length) != 0) {
        ec = last_error();
        return {};
    }
    return from_native(peer, ec);
}

// socketpair(2) exists for AF_UNIX only; IP pairs are made over the loopback, as on
// Windows, so every family the API accepts works on every OS that has it.
void make_socket_pair(address_family f, socket_type t, handle out[2], std::error_code& ec) noexcept {
    out[0] = out[1] = invalid_native_handle;
    if (f == address_family::unspecified) f = address_family::local;
    if (f == address_family::ipv4 || f == address_family::ipv6) {
        if (t == socket_type::stream) {
            stream_pair_through(f, loopback_for(f), true, out, ec);
            return;
        }
        if (t == socket_type::datagram) {
            loopback_datagram_pair(f, out, ec);
            return;
        }
        ec = make_error_code(errc::socket_type_not_supported);
        return;
    }
    const std::optional<int> type = native_type(t);
    if (f != address_family::local || !type) {
        ec = make_error_code(f != address_family::local ? errc::address_family_not_supported
                                                        : errc::socket_type_not_supported);
        return;
    }
    int fds[2] = {-1, -1};
    if (::socketpair(AF_UNIX, *type | atomic_socket_flags, 0, fds) != 0) {
        ec = last_error();
        return;
    }
    const int first = finish_descriptor(fds[0], ec);
    if (ec) {
        ::close(fds[1]);
        return;
    }
    const int second = finish_descriptor(fds[1], ec);
    if (ec) {
        ::close(first);
        return;
    }
    out[0] = as_handle(first);
    out[1] = as_handle(second);
}

} // namespace unisock::platform
