// SPDX-License-Identifier: BSL-1.0
// Raw OS helpers: SIGTERM for this process (sigaction and kill on POSIX, the C runtime's
// signal and raise on Windows); SIGUSR1 without SA_RESTART, sent with pthread_kill to one
// thread (POSIX only).
#include "native/signals.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#if !defined(_WIN32)
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#endif

namespace conformance::native {

namespace {

std::atomic<void (*)() noexcept> registered{nullptr};
static_assert(std::atomic<void (*)() noexcept>::is_always_lock_free, "read from a signal handler");

// S41's handler counts what it took.
std::atomic<long> handled_signals{0};

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

#if defined(_WIN32)

struct signal_storm::state {};

std::optional<std::string> signal_storm::unsupported() {
    return std::string("Windows has no POSIX signals: nothing interrupts a blocking Winsock call with EINTR "
                       "(WSAEINTR comes only from WSACancelBlockingCall, a Winsock 1 call)");
}

signal_storm::signal_storm() : state_(std::make_unique<state>()) {}
signal_storm::~signal_storm() = default;
void signal_storm::start() {}
long signal_storm::stop() { return 0; }

#else

namespace {
extern "C" void count_signal(int) { handled_signals.fetch_add(1, std::memory_order_relaxed); }
} // namespace

struct signal_storm::state {
    pthread_t target = pthread_self();
    struct sigaction previous {};
    std::atomic<bool> running{false};
    std::atomic<long> sent{0};
    std::thread sender;
};

std::optional<std::string> signal_storm::unsupported() { return std::nullopt; }

signal_storm::signal_storm() : state_(std::make_unique<state>()) {
    handled_signals = 0;
    struct sigaction counting {};
    counting.sa_handler = count_signal;
    sigemptyset(&counting.sa_mask);
    counting.sa_flags = 0; // no SA_RESTART: an interrupted call fails with EINTR
    sigaction(SIGUSR1, &counting, &state_->previous);
}

signal_storm::~signal_storm() {
    stop();
    // Every signal sent went to the thread that now runs this (it has been in the kernel
    // since, in the join), so none is pending when the old disposition comes back.
    sigaction(SIGUSR1, &state_->previous, nullptr);
}

void signal_storm::start() {
    state_->running = true;
    state_->sender = std::thread([s = state_.get()] {
        while (s->running.load(std::memory_order_relaxed)) {
            if (pthread_kill(s->target, SIGUSR1) == 0) s->sent.fetch_add(1, std::memory_order_relaxed);
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
    });
}

long signal_storm::stop() {
    state_->running = false;
    if (state_->sender.joinable()) state_->sender.join();
    return state_->sent.load();
}

#endif

long signal_storm::handled() const noexcept { return handled_signals.load(std::memory_order_relaxed); }

} // namespace conformance::native
