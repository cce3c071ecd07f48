// SPDX-License-Identifier: BSL-1.0
#pragma once
// S41 raw helper: a storm of POSIX signals aimed at one thread, with a handler installed
// without SA_RESTART, so every blocking system call that thread is in fails with EINTR
// (the library must retry with the time left). Windows has no POSIX signals.

#include <atomic>
#include <memory>
#include <optional>
#include <string>

namespace conformance::native {

class signal_storm {
public:
    // Why no storm can be raised here (Windows: no POSIX signals), or nullopt.
    static std::optional<std::string> unsupported();

    // Installs a SIGUSR1 handler without SA_RESTART that only counts, and aims the storm
    // at the calling thread. Only one storm at a time; the old handler is put back by the
    // destructor.
    signal_storm();
    // Stops the storm (if running) and restores the previous handler.
    ~signal_storm();
    signal_storm(const signal_storm&) = delete;
    signal_storm& operator=(const signal_storm&) = delete;

    // Starts a thread that sends SIGUSR1 to the aimed-at thread (pthread_kill) as fast
    // as it can, with a pause of about 100 microseconds between signals.
    void start();
    // Stops sending; returns how many signals were sent.
    long stop();
    // How many times the handler ran so far.
    long handled() const noexcept;

private:
    struct state;
    std::unique_ptr<state> state_;
};

} // namespace conformance::native
