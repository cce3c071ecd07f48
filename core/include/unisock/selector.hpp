// SPDX-License-Identifier: BSL-1.0
#pragma once
/// @file
/// unisock::selector: Python's selectors module. Many sockets are registered with what
/// each waits for (readable, writable or either) and a piece of user data; select()
/// waits until some are ready and returns one event per ready socket, the same way on
/// every OS.
///
/// What an event says, on every OS:
/// - readable: a recv/accept on the socket will not block (data, a connection to
///   accept, the end of the stream, or an error to read); only when registered for it.
/// - writable: a send will not block, or a non-blocking connect has finished (read its
///   outcome with socket::pending_error()); only when registered for it.
/// - error: the socket has a pending error, whatever it was registered for: a failed
///   non-blocking connect (reported with writable on every OS), a reset connection.
///   An event with error set is also readable and writable as far as the socket is
///   registered for them: a call in either direction returns the error at once.
/// - hang_up: the receive direction has ended (the peer closed or reset the connection:
///   recv returns 0 or the error); only when registered for readable, and then always
///   with readable. Windows reports it once the data sent before the end has been read.
///
/// The selector never owns the sockets: each registered socket must stay at its address
/// and be remove()d before it is closed, moved or destroyed. A socket closed while
/// registered is no longer reported, and its entry stays until remove(). On Linux, one
/// that another descriptor keeps open (a dup, a forked child's) stays in the kernel's
/// epoll set and may be reported until its remove(); after that its reports are
/// dropped, and the first select() that sees one registers the open sockets anew in a
/// new epoll instance (failing with too_many_open_files or no_buffer_space when the OS
/// has no room for it).
///
/// Backends: epoll on Linux (the cost of a select() grows with the ready sockets, not
/// the registered ones), kqueue on macOS and the BSDs, and on Windows select() with
/// sets sized to the registered sockets (beyond FD_SETSIZE), because WSAPoll misses a
/// failed connect before Windows 10 build 19041 and select()'s except set reports it
/// on every build; its cost grows with the registered sockets.
///
/// Thread safety. Distinct selectors: safe. One selector: add(), modify(), remove(),
/// select() and destruction from one thread at a time (the loop's); wake() from any
/// thread, at any time, and from a signal handler.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <system_error>
#include <version>
#if defined(__cpp_lib_jthread)
#include <stop_token>
#endif

#include "unisock/error.hpp"
#include "unisock/socket.hpp"
#include "unisock/types.hpp"

namespace unisock {

/// One ready socket, as select() reports it.
struct selector_event {
    /// The socket as registered; nullptr when remove() took it out after this select()
    /// returned (skip such an event: the socket may be gone).
    socket* sock = nullptr;
    /// The user data given to add() or modify().
    void* data = nullptr;
    /// A recv or accept will not block (see the file's description).
    bool readable = false;
    /// A send will not block, or a connect has finished.
    bool writable = false;
    /// The socket has a pending error (a failed connect, a reset).
    bool error = false;
    /// The receive direction has ended: the peer closed or reset the connection.
    bool hang_up = false;
};

/// Waits on many sockets at once (Python's selectors.DefaultSelector). Movable, not
/// copyable; never owns the sockets it watches.
class selector {
public:
    /// A selector with nothing registered, and its wake-up handle. Fails with
    /// too_many_open_files when the OS has no handle left (socket_error). POSIX:
    /// epoll_create1(2) with EPOLL_CLOEXEC and eventfd(2) (Linux), kqueue(2) (macOS).
    /// Windows: a loopback UDP socket as the wake-up handle (WSASocketW, bind, connect).
    selector();
    /// selector(), reporting a failure in ec instead of throwing; the selector is then
    /// unusable and its calls fail with bad_descriptor.
    explicit selector(std::error_code& ec) noexcept;
    /// Takes other's registrations; other is left unusable (bad_descriptor).
    selector(selector&& other) noexcept;
    /// Closes this selector, then takes other's registrations.
    selector& operator=(selector&& other) noexcept;
    selector(const selector&) = delete;
    selector& operator=(const selector&) = delete;
    /// Closes the selector's handles; the sockets are left as they are.
    ~selector();

    /// Registers sock for what (readable, writable or either) with data, returned in its
    /// events. Fails with bad_descriptor when sock or the selector is closed, and with
    /// invalid_argument when sock is registered already or what is not a wait_for value.
    /// POSIX: epoll_ctl(2) EPOLL_CTL_ADD (Linux), kevent(2) EV_ADD (macOS). Windows: no
    /// system call but getsockopt (SO_TYPE): the next select() watches it.
    void add(socket& sock, wait_for what, void* data = nullptr);
    /// add(sock, what, data), reporting a failure in ec instead of throwing.
    void add(socket& sock, wait_for what, void* data, std::error_code& ec) noexcept;

    /// Changes what a registered socket waits for, and its data. Fails with
    /// invalid_argument when sock is not registered or what is not a wait_for value,
    /// bad_descriptor when it has been closed. POSIX: epoll_ctl(2) EPOLL_CTL_MOD (Linux),
    /// kevent(2) EV_ENABLE / EV_DISABLE (macOS). Windows: no system call.
    void modify(socket& sock, wait_for what, void* data = nullptr);
    /// modify(sock, what, data), reporting a failure in ec instead of throwing.
    void modify(socket& sock, wait_for what, void* data, std::error_code& ec) noexcept;

    /// Unregisters sock; works on a socket closed since it was added. Events of sock
    /// still in the last select()'s result get sock = nullptr and no flags. Fails with
    /// invalid_argument when sock is not registered. POSIX: epoll_ctl(2) EPOLL_CTL_DEL
    /// (Linux), kevent(2) EV_DELETE (macOS), none for a closed socket. Windows: no system
    /// call.
    void remove(socket& sock);
    /// remove(sock), reporting a failure in ec instead of throwing.
    void remove(socket& sock, std::error_code& ec) noexcept;

    /// Waits until a registered socket is ready, the timeout passes or wake() is called,
    /// and returns one event per ready socket (empty after a timeout or a wake-up, as in
    /// Python). nullopt waits without limit, zero polls once, a positive timeout is
    /// honoured on a monotonic clock (a sub-millisecond one is not rounded to zero, and
    /// timeout_duration::max() means no limit). A negative timeout fails with
    /// invalid_argument. EINTR is retried with the time left. The events stay valid
    /// until the next select() or the selector's destruction. POSIX: epoll_wait(2)
    /// (Linux), kevent(2) (macOS). Windows: select.
    /// Inline: one function fewer waiting in the system call (README.md, Benchmarks).
    std::span<const selector_event> select(std::optional<timeout_duration> timeout = std::nullopt) {
        std::error_code ec;
        const std::span<const selector_event> events = select(timeout, ec);
        detail::throw_if(ec, "select");
        return events;
    }
    /// select(timeout), reporting a failure in ec (and an empty result) instead of
    /// throwing.
    std::span<const selector_event> select(std::optional<timeout_duration> timeout, std::error_code& ec) noexcept;

#if defined(__cpp_lib_jthread)
    /// select(timeout), failing with operation_canceled when token is stopped, before the
    /// call or while it waits (the stop wakes it as wake() does). Only where the standard
    /// library has <stop_token>.
    std::span<const selector_event> select(std::optional<timeout_duration> timeout, std::stop_token token,
                                           std::error_code& ec) noexcept {
        struct waker {
            selector* target;
            void operator()() const noexcept { target->wake(); }
        };
        if (token.stop_requested()) return canceled(ec);
        const std::stop_callback<waker> on_stop(token, waker{this});
        const std::span<const selector_event> events = select(timeout, ec);
        if (!ec && token.stop_requested()) return canceled(ec);
        return events;
    }
    /// select(timeout, token, ec), throwing socket_error instead.
    std::span<const selector_event> select(std::optional<timeout_duration> timeout, std::stop_token token) {
        std::error_code ec;
        const std::span<const selector_event> events = select(timeout, std::move(token), ec);
        detail::throw_if(ec, "select");
        return events;
    }
#endif

    /// Makes the select() in progress return now, or the next one return at once if none
    /// is running; several wake() calls before a select() wake it once. Lock-free and
    /// async-signal-safe: callable from any thread and from a signal handler. No effect
    /// on a moved-from selector. POSIX: write(2) on an eventfd (Linux), kevent(2)
    /// NOTE_TRIGGER (macOS). Windows: send on the wake-up socket.
    void wake() noexcept;

    /// The number of registered sockets. No system call.
    std::size_t size() const noexcept;

private:
    struct impl;
    std::span<const selector_event> canceled(std::error_code& ec) noexcept;

    std::unique_ptr<impl> impl_;
};

} // namespace unisock
