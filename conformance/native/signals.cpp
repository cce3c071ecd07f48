// SPDX-License-Identifier: BSL-1.0
// Raw OS helper: SIGTERM for this process (sigaction and kill on POSIX, the C runtime's
// signal and raise on Windows).
#include "native/signals.hpp"

#include <atomic>
#include <csignal>

#if !defined(_WIN32)
#include <unistd.h>
#endif

namespace conformance::native {

namespace {

std::atomic<void (*)() noexcept> registered{nullptr};
static_assert(std::atomic<void (*)() noexcept>::is_always_lock_free, "read from a signal handler");

extern "C" void on_terminate_signal(int) {
    if (const auto on_signal = registered.load()) on_signal();
}

#if !defined(_WIN32)
struct sigaction previous_action {};
#else
void (*previous_handler)(int) = SIG_DFL;
#endif

} // namespace

#if defined(_WIN32)

terminate_signal_handler::terminate_signal_handler(void (*on_signal)() noexcept) {
    registered.store(on_signal);
    previous_handler = std::signal(SIGTERM, on_terminate_signal);
}

terminate_signal_handler::~terminate_signal_handler() {
    std::signal(SIGTERM, previous_handler);
    registered.store(nullptr);
}

void terminate_signal_handler::send_to_self() { std::raise(SIGTERM); }

#else

terminate_signal_handler::terminate_signal_handler(void (*on_signal)() noexcept) {
    registered.store(on_signal);
    struct sigaction action {};
    action.sa_handler = on_terminate_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART; // the other threads' system calls go on undisturbed
    ::sigaction(SIGTERM, &action, &previous_action);
}

terminate_signal_handler::~terminate_signal_handler() {
    ::sigaction(SIGTERM, &previous_action, nullptr);
    registered.store(nullptr);
}

void terminate_signal_handler::send_to_self() { ::kill(::getpid(), SIGTERM); }

#endif

} // namespace conformance::native
