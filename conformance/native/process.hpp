// SPDX-License-Identifier: BSL-1.0
#pragma once
// Raw OS helper: a child process with pipes for its standard input and output, for the
// scenarios that need a second process (S27 real clients, S29 inheritance, the abuse
// scenarios S43-S47, which also watch its memory and descriptors). Implemented with
// posix_spawn on POSIX and CreateProcess on Windows.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace conformance::native {

class child_process {
public:
    // Starts program (a path, or a name looked up on PATH) with args. Its stdin and
    // stdout are pipes to this process; stderr is inherited. Throws std::runtime_error
    // if it cannot start.
    child_process(const std::string& program, const std::vector<std::string>& args);
    // Terminates the child if it still runs, and reaps it.
    ~child_process();
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    // One line of the child's stdout without its line ending; nullopt at end of output
    // or when timeout passes first.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout);
    // Everything the child writes until it closes stdout or timeout passes.
    std::string read_all(std::chrono::milliseconds timeout);
    void write_stdin(std::string_view data);
    void close_stdin();
    // SIGTERM on POSIX (so the child can stop cleanly), TerminateProcess on Windows.
    void terminate();
    // Ends the child at once, without letting it run another instruction: SIGKILL on
    // POSIX, TerminateProcess on Windows (which is already that abrupt).
    void kill();
    // The exit code once the child has exited within timeout, nullopt if it still runs.
    // A child killed by a signal reports 128 + the signal number.
    std::optional<int> wait(std::chrono::milliseconds timeout);

    // Whether terminate() lets the child stop cleanly: true on POSIX (SIGTERM runs its
    // handler), false on Windows (TerminateProcess ends it at once with exit code 1; the
    // examples' SIGINT/SIGTERM handlers run only for a console Ctrl+C, raise() or abort).
    static bool terminate_lets_it_clean_up() noexcept;

    struct memory {
        std::size_t resident_bytes = 0;
        std::size_t peak_resident_bytes = 0; // since the child started
    };
    // The running child's resident memory: VmRSS and VmHWM of /proc/PID/status on Linux,
    // the working set and its peak (GetProcessMemoryInfo) on Windows; nullopt where the
    // OS does not show it (macOS) or the child has exited.
    std::optional<memory> memory_use() const;
    // The descriptors (/proc/PID/fd on Linux) or handles (GetProcessHandleCount) the
    // running child holds; nullopt where the OS does not show them (macOS, Wine).
    std::optional<long> open_handle_count() const;

private:
    struct state;
    state* state_;
};

// This test binary's own path (to start it again as a child).
std::string self_executable_path();

// Whether a program can be found on PATH (e.g. "python3", "nc").
bool program_available(const std::string& name);

} // namespace conformance::native
