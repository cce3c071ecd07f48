// SPDX-License-Identifier: BSL-1.0
// S31..S33 raw probes: the OS's readiness calls as a program would make them by hand.
#include "native/selector_probe.hpp"

#include <chrono>
#include <thread>
#include <vector>

#include "native/raw_tcp.hpp"

#if defined(_WIN32)
#include <winsock2.h>
#elif defined(__linux__)
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>
#else
#include <sys/event.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace conformance::native {

namespace {

// A refused loopback connect takes Windows about 2 s to report.
constexpr int bound_ms = 3000;

void append(std::string& text, const char* name) {
    if (!text.empty()) text += "|";
    text += name;
}

#if defined(_WIN32)

SOCKET as_socket(raw::handle h) { return static_cast<SOCKET>(h); }

// select() with the socket in all three sets.
std::string readiness(raw::handle h) {
    fd_set read_set, write_set, except_set;
    FD_ZERO(&read_set);
    FD_ZERO(&write_set);
    FD_ZERO(&except_set);
    FD_SET(as_socket(h), &read_set);
    FD_SET(as_socket(h), &write_set);
    FD_SET(as_socket(h), &except_set);
    timeval tv{bound_ms / 1000, 0};
    const int ready = select(0, &read_set, &write_set, &except_set, &tv);
    if (ready < 0) return "select failed with " + raw::last_error_text();
    if (ready == 0) return "select: nothing within " + std::to_string(bound_ms) + " ms";
    std::string sets;
    if (FD_ISSET(as_socket(h), &read_set)) append(sets, "read");
    if (FD_ISSET(as_socket(h), &write_set)) append(sets, "write");
    if (FD_ISSET(as_socket(h), &except_set)) append(sets, "except");
    return "select: " + sets;
}

std::string poll_flags(short revents) {
    std::string text;
    if (revents & POLLRDNORM) append(text, "POLLRDNORM");
    if (revents & POLLWRNORM) append(text, "POLLWRNORM");
    if (revents & POLLERR) append(text, "POLLERR");
    if (revents & POLLHUP) append(text, "POLLHUP");
    if (revents & POLLNVAL) append(text, "POLLNVAL");
    return text.empty() ? "0" : text;
}

std::string wsapoll(raw::handle h, short events) {
    WSAPOLLFD watched{as_socket(h), events, 0};
    const int ready = WSAPoll(&watched, 1, bound_ms);
    if (ready < 0) return "failed with " + raw::last_error_text();
    if (ready == 0) return "nothing within " + std::to_string(bound_ms) + " ms";
    return poll_flags(watched.revents);
}

std::string many_ready(const std::vector<raw::handle>& sockets) {
    fd_set read_set;
    FD_ZERO(&read_set);
    for (const raw::handle h : sockets) FD_SET(as_socket(h), &read_set);
    const unsigned kept = read_set.fd_count;
    timeval tv{1, 0};
    const int ready = select(0, &read_set, nullptr, nullptr, &tv);
    return "FD_SETSIZE " + std::to_string(FD_SETSIZE) + ": FD_SET kept " + std::to_string(kept) + " of " +
           std::to_string(sockets.size()) + " sockets (the rest silently dropped); select reported " +
           (ready < 0 ? "an error, " + raw::last_error_text() : std::to_string(ready)) + " ready";
}

void abort_close(raw::handle h) {
    linger abortive{1, 0};
    setsockopt(as_socket(h), SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&abortive), sizeof abortive);
    raw::close(h);
}

#elif defined(__linux__)

std::string readiness(raw::handle h) {
    const int epoll = epoll_create1(EPOLL_CLOEXEC);
    epoll_event watched{};
    watched.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
    epoll_ctl(epoll, EPOLL_CTL_ADD, static_cast<int>(h), &watched);
    epoll_event got{};
    const int ready = epoll_wait(epoll, &got, 1, bound_ms);
    const std::string error = raw::last_error_text();
    close(epoll);
    if (ready < 0) return "epoll_wait failed with " + error;
    if (ready == 0) return "epoll_wait: nothing within " + std::to_string(bound_ms) + " ms";
    std::string flags;
    if (got.events & EPOLLIN) append(flags, "EPOLLIN");
    if (got.events & EPOLLOUT) append(flags, "EPOLLOUT");
    if (got.events & EPOLLERR) append(flags, "EPOLLERR");
    if (got.events & EPOLLHUP) append(flags, "EPOLLHUP");
    if (got.events & EPOLLRDHUP) append(flags, "EPOLLRDHUP");
    return "epoll_wait (EPOLLIN|EPOLLOUT|EPOLLRDHUP asked): " + flags;
}

std::string many_ready(const std::vector<raw::handle>& sockets) {
    const int epoll = epoll_create1(EPOLL_CLOEXEC);
    for (const raw::handle h : sockets) {
        epoll_event watched{};
        watched.events = EPOLLIN;
        epoll_ctl(epoll, EPOLL_CTL_ADD, static_cast<int>(h), &watched);
    }
    std::vector<epoll_event> got(sockets.size());
    const int ready = epoll_wait(epoll, got.data(), static_cast<int>(got.size()), 1000);
    close(epoll);
    return "epoll_wait reported " + std::to_string(ready) + " of " + std::to_string(sockets.size()) +
           " ready in one call; select() is limited to descriptors below FD_SETSIZE " + std::to_string(FD_SETSIZE);
}

void abort_close(raw::handle h) {
    linger abortive{1, 0};
    setsockopt(static_cast<int>(h), SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
    raw::close(h);
}

#else

std::string kevent_text(const struct kevent& e) {
    std::string text = e.filter == EVFILT_READ ? "EVFILT_READ" : e.filter == EVFILT_WRITE ? "EVFILT_WRITE" : "filter";
    if (e.flags & EV_EOF) text += " EV_EOF";
    if (e.flags & EV_ERROR) text += " EV_ERROR";
    if (e.fflags != 0) text += " fflags=" + raw::error_name(static_cast<int>(e.fflags));
    return text;
}

std::string readiness(raw::handle h) {
    const int kq = kqueue();
    struct kevent changes[2];
    EV_SET(&changes[0], static_cast<uintptr_t>(h), EVFILT_READ, EV_ADD, 0, 0, nullptr);
    EV_SET(&changes[1], static_cast<uintptr_t>(h), EVFILT_WRITE, EV_ADD, 0, 0, nullptr);
    kevent(kq, changes, 2, nullptr, 0, nullptr);
    struct kevent got[2];
    const timespec bound{bound_ms / 1000, 0};
    const int ready = kevent(kq, nullptr, 0, got, 2, &bound);
    const std::string error = raw::last_error_text();
    close(kq);
    if (ready < 0) return "kevent failed with " + error;
    if (ready == 0) return "kevent: nothing within " + std::to_string(bound_ms) + " ms";
    std::string text;
    for (int i = 0; i < ready; ++i) {
        if (!text.empty()) text += ", ";
        text += kevent_text(got[i]);
    }
    return "kevent: " + text;
}

std::string many_ready(const std::vector<raw::handle>& sockets) {
    const int kq = kqueue();
    for (const raw::handle h : sockets) {
        struct kevent change;
        EV_SET(&change, static_cast<uintptr_t>(h), EVFILT_READ, EV_ADD, 0, 0, nullptr);
        kevent(kq, &change, 1, nullptr, 0, nullptr);
    }
    std::vector<struct kevent> got(sockets.size());
    const timespec bound{1, 0};
    const int ready = kevent(kq, nullptr, 0, got.data(), static_cast<int>(got.size()), &bound);
    close(kq);
    return "kevent reported " + std::to_string(ready) + " of " + std::to_string(sockets.size()) +
           " ready in one call; select() is limited to descriptors below FD_SETSIZE " + std::to_string(FD_SETSIZE);
}

void abort_close(raw::handle h) {
    linger abortive{1, 0};
    setsockopt(static_cast<int>(h), SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
    raw::close(h);
}

#endif

// A connection whose server end was closed (gracefully or not) 100 ms ago.
std::string after_peer_end(bool reset) {
    std::string error;
    raw::pair pair = raw::connected_pair(error);
    if (pair.client == raw::invalid) return "no raw connection: " + error;
    if (reset)
        abort_close(pair.server);
    else
        raw::close(pair.server);
    pair.server = raw::invalid;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::string result = readiness(pair.client);
#if defined(_WIN32)
    result += "; WSAPoll(POLLRDNORM|POLLWRNORM): " + wsapoll(pair.client, POLLRDNORM | POLLWRNORM);
#endif
    raw::close(pair);
    return result;
}

// A non-blocking socket whose connect to a bound but not listening loopback port is
// under way (or already failed, where the OS knows at once).
raw::handle refused_connect(raw::handle closed_port, std::string& started) {
    const raw::handle client = raw::tcp_socket();
    raw::set_non_blocking(client);
    started = raw::connect_loopback(client, raw::local_port(closed_port)) ? "connected at once?"
                                                                           : raw::last_error_text();
    return client;
}

} // namespace

std::string raw_many_ready(int count) {
    std::vector<raw::pair> pairs;
    std::vector<raw::handle> clients;
    std::string error;
    for (int i = 0; i < count; ++i) {
        raw::pair pair = raw::connected_pair(error);
        if (pair.client == raw::invalid) break;
        raw::send(pair.server, "x", 1, 0);
        clients.push_back(pair.client);
        pairs.push_back(pair);
    }
    std::string result = clients.empty() ? "no raw connection: " + error : many_ready(clients);
    for (raw::pair& pair : pairs) raw::close(pair);
    return result;
}

std::string raw_failed_connect() {
    const raw::handle closed_port = raw::tcp_socket();
    if (!raw::bind_loopback(closed_port, 0)) return "bind failed: " + raw::last_error_text();
    std::string started;
    raw::handle client = refused_connect(closed_port, started);
    std::string result = "non-blocking connect to a closed port: " + started + "; " + readiness(client);
    raw::close(client);
#if defined(_WIN32)
    client = refused_connect(closed_port, started);
    result += "; WSAPoll(POLLWRNORM): " + wsapoll(client, POLLWRNORM);
    raw::close(client);
    client = refused_connect(closed_port, started);
    result += "; WSAPoll(POLLWRNORM|POLLERR|POLLHUP): " + wsapoll(client, POLLWRNORM | POLLERR | POLLHUP);
    raw::close(client);
#endif
    raw::close(closed_port);
    return result;
}

std::string raw_peer_closed() { return "peer closed (FIN): " + after_peer_end(false); }

std::string raw_peer_reset() { return "peer reset (RST): " + after_peer_end(true); }

} // namespace conformance::native
