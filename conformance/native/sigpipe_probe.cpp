// SPDX-License-Identifier: BSL-1.0
// S24 raw probe: SIGPIPE suppression and sends to a reset peer, nothing normalized.
#include "native/sigpipe_probe.hpp"

#include "native/raw_tcp.hpp"

#include <chrono>
#include <thread>

#if defined(_WIN32)
#include <winsock2.h>
#else
#include <signal.h>
#include <sys/socket.h>
#endif

namespace conformance::native {

namespace {

bool has_msg_nosignal() {
#if defined(MSG_NOSIGNAL)
    return true;
#else
    return false;
#endif
}

bool has_so_nosigpipe() {
#if defined(SO_NOSIGPIPE)
    return true;
#else
    return false;
#endif
}

bool is_windows() {
#if defined(_WIN32)
    return true;
#else
    return false;
#endif
}

// The send flags that keep SIGPIPE away, after setting SO_NOSIGPIPE where that is the
// way; -1 when this POSIX system offers neither.
int prepare_signal_free_send(raw::handle h) {
#if defined(MSG_NOSIGNAL)
    (void)h;
    return MSG_NOSIGNAL;
#elif defined(SO_NOSIGPIPE)
    const int on = 1;
    return setsockopt(static_cast<int>(h), SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on) == 0 ? 0 : -1;
#elif defined(_WIN32)
    (void)h;
    return 0; // Winsock raises no signal
#else
    (void)h;
    return -1;
#endif
}

// SO_LINGER {on, 0 s} then close: the peer receives a reset.
void abort_connection(raw::handle h) {
    linger abortive{};
    abortive.l_onoff = 1;
    abortive.l_linger = 0;
#if defined(_WIN32)
    setsockopt(static_cast<SOCKET>(h), SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&abortive),
               sizeof abortive);
#else
    setsockopt(static_cast<int>(h), SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
#endif
    raw::close(h);
}

std::string describe_send(raw::handle h, int flags) {
    const char byte = 'x';
    return raw::send(h, &byte, 1, flags) < 0 ? raw::last_error_text() : "sent 1 byte";
}

} // namespace

std::string sigpipe_suppression() {
    if (is_windows()) return "Winsock raises no SIGPIPE: neither MSG_NOSIGNAL nor SO_NOSIGPIPE is needed";
    return std::string("MSG_NOSIGNAL ") + (has_msg_nosignal() ? "exists" : "missing") + ", SO_NOSIGPIPE " +
           (has_so_nosigpipe() ? "exists" : "missing");
}

std::string raw_send_to_reset_peer() {
    std::string error;
    raw::pair pair = raw::connected_pair(error);
    if (pair.client == raw::invalid) return "no raw connection: " + error;
    std::string result;
    const int flags = prepare_signal_free_send(pair.client);
    if (flags < 0) {
        result = "not sent: no way to suppress SIGPIPE on this socket";
    } else {
        abort_connection(pair.server);
        pair.server = raw::invalid;
        result = "send after the peer's reset: first " + describe_send(pair.client, flags);
        result += ", then " + describe_send(pair.client, flags);
    }
    raw::close(pair);
    return result;
}

std::string restore_default_sigpipe() {
#if defined(_WIN32)
    return "Windows has no SIGPIPE: a send to a closed peer only fails";
#else
    struct sigaction previous {};
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    if (sigaction(SIGPIPE, &default_action, &previous) != 0) return "sigaction(SIGPIPE): " + raw::last_error_text();
    const char* before = previous.sa_handler == SIG_DFL ? "SIG_DFL" : previous.sa_handler == SIG_IGN ? "SIG_IGN" : "a handler";
    return std::string("SIGPIPE at SIG_DFL (it was ") + before + ")";
#endif
}

std::string raw_unsuppressed_sends_to_reset_peer() {
    std::string error;
    raw::pair pair = raw::connected_pair(error);
    if (pair.client == raw::invalid) return "no raw connection: " + error;
    abort_connection(pair.server);
    pair.server = raw::invalid;
    std::string result = "plain send(2) after the peer's reset:";
    for (int attempt = 0; attempt < 3; ++attempt) {
        result += " " + describe_send(pair.client, 0) + ";";
        std::this_thread::sleep_for(std::chrono::milliseconds(20)); // the reset arrives
    }
    raw::close(pair);
    return result;
}

} // namespace conformance::native
