// SPDX-License-Identifier: BSL-1.0
#pragma once
// Raw OS helper (S47 SIGTERM under load): a SIGTERM handler for this process, and a
// SIGTERM sent to it, the way a service manager stops a server.

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

} // namespace conformance::native
