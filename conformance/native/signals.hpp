// SPDX-License-Identifier: BSL-1.0
#pragma once
// Raw OS helpers for the scenarios that raise signals: a SIGTERM handler for this process
// and a SIGTERM sent to it, the way a service manager stops a server (S47); a storm of
// SIGUSR1 without SA_RESTART aimed at one thread, so every blocking system call it is in
// fails with EINTR (S41). Windows has no POSIX signals: the C runtime's SIGTERM only.

#include <atomic>
#include <memory>
#include <optional>
#include <string>

namespace conformance::native {

class terminate_signal_handler {
public:
    // Makes on_signal SIGTERM's handler (sigaction on POSIX, the C runtime's signal() on
    // Windows); on_signal must be async-signal-safe. One handler at a time.
    explicit terminate_signal_handler(void (*on_signal)() noexcept);
    // Puts the previous disposition back.
    ~terminate_signal_handler();
    terminate_signal_handler(const terminate_signal_handler&) = delete;
    terminate_signal_handler& operator=(const terminate_signal_handler&) = delete;

    // Sends SIGTERM to this process. POSIX: kill(getpid()), so whichever thread does not
    // block it runs the handler (a server's own threads included). Windows: raise(), on
    // the calling thread (the C runtime has no process-directed signals).
    static void send_to_self();
};

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
