// SPDX-License-Identifier: BSL-1.0
// S41 raw helper: SIGUSR1 without SA_RESTART, sent with pthread_kill to one thread.
#include "native/signal_probe.hpp"

#include <chrono>
#include <thread>

#if !defined(_WIN32)
#include <pthread.h>
#include <signal.h>
#endif

namespace conformance::native {

namespace {
std::atomic<long> handled_signals{0};
} // namespace

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
