// SPDX-License-Identifier: BSL-1.0
#pragma once
// Shared by every conformance scenario: the leak-checking fixture, the way a test
// records what it observed for the report, and small helpers. The scenarios' servers
// are the library's: support/servers.hpp.
//
// Scenario tests use only unisock's public API. What the raw OS does on its own is
// measured by the probes in conformance/native/ and recorded, never asserted.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "unisock/unisock.hpp"

namespace conformance {

using namespace std::chrono_literals;

// The bound on any single wait in a scenario: long enough for a loaded 2-core machine,
// short enough that a hang fails the test instead of stalling the run.
inline constexpr auto patience = 10s;

// Which sanitizer this build runs under (gcc says it with __SANITIZE_*__, clang with
// __has_feature). Under either, every memory access costs several times more: a scenario
// that moves hundreds of megabytes moves less. CI builds AddressSanitizer together with
// UndefinedBehaviorSanitizer.
#if defined(__has_feature)
#define CONFORMANCE_HAS_FEATURE(name) __has_feature(name)
#else
#define CONFORMANCE_HAS_FEATURE(name) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || CONFORMANCE_HAS_FEATURE(address_sanitizer)
inline constexpr bool address_sanitizer_build = true;
#else
inline constexpr bool address_sanitizer_build = false;
#endif
#if defined(__SANITIZE_THREAD__) || CONFORMANCE_HAS_FEATURE(thread_sanitizer)
inline constexpr bool thread_sanitizer_build = true;
#else
inline constexpr bool thread_sanitizer_build = false;
#endif
inline constexpr bool sanitizer_build = address_sanitizer_build || thread_sanitizer_build;

// Fails the test if it leaves a descriptor (POSIX) or handle (Windows) open.
class scenario : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

private:
    long handles_before_ = 0;
};

// Records key=value on the current test for the report ("native" = what the OS did by
// itself; "note" = what unisock did about it). Not an assertion.
void record(std::string_view key, std::string_view value);
void record_native(std::string_view what_the_os_did);
void record_note(std::string_view note);

// Records the reason for the report, then skips: use as `return skip_because("...")`.
#define CONFORMANCE_SKIP(reason)                                                           \
    do {                                                                                   \
        const std::string conformance_skip_reason = (reason);                              \
        ::conformance::record("skip_reason", conformance_skip_reason);                     \
        GTEST_SKIP() << conformance_skip_reason;                                           \
    } while (false)

// Started as `unisock_conformance --child-sleep MS`, the binary sleeps MS milliseconds
// and exits (S29's child process).
inline constexpr std::string_view child_sleep_flag = "--child-sleep";

// Started as `unisock_conformance --child NAME ARGS...`, the binary runs the child body a
// scenario registered under NAME with ARGS and exits with what it returns (S39, S40, S42:
// a second process to kill, to starve of descriptors, or to leave open to SIGPIPE). A
// child reports what it saw as lines on stdout, for the parent to assert.
inline constexpr std::string_view child_flag = "--child";
using child_body = int (*)(const std::vector<std::string>& args);
// Registers body under name (at static initialisation: `const bool x = register_child(...)`).
bool register_child(std::string_view name, child_body body);
// Runs the child registered under name; 125 when there is none.
int run_child(std::string_view name, const std::vector<std::string>& args);
// The arguments that start this binary as the child name with args.
std::vector<std::string> child_arguments(std::string_view name, std::vector<std::string> args = {});

// In a child: one fact for the parent, printed as a "key value" line.
void report_fact(std::string_view key, std::string_view value);

// What a child reported: its exit code (nullopt when it did not end in time), the facts
// it printed, and its whole output (for a failure message).
struct child_report {
    std::optional<int> exit_code;
    std::map<std::string, std::string, std::less<>> facts;
    std::string output;
    // The value reported for key, or "(not said)".
    std::string fact(std::string_view key) const;
};

// Starts this binary as the child name with args, collects its facts until it closes its
// output, and waits for it to end (each bounded by patience).
child_report run_child_for_report(std::string_view name, std::vector<std::string> args = {});

// How long d took, in whole milliseconds, as a report's notes print it ("1003 ms").
inline std::string milliseconds_text(std::chrono::steady_clock::duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

// A string of n bytes with a recognisable pattern (so a mix-up shows in a comparison).
std::string pattern(std::size_t n, char seed = 'a');

// Reads exactly size bytes (loopback may still split a message), or what came before
// the stream ended.
std::string recv_exactly(unisock::socket& sock, std::size_t size);

// A thread for the other end, joined on every path out of the test; an exception in it
// fails the test instead of terminating the run.
class peer_thread {
public:
    template <class Body>
    explicit peer_thread(Body body)
        : thread_([body = std::move(body)]() mutable {
              try {
                  body();
              } catch (const std::exception& e) {
                  ADD_FAILURE() << "peer thread: " << e.what();
              }
          }) {}
    peer_thread(const peer_thread&) = delete;
    peer_thread& operator=(const peer_thread&) = delete;
    ~peer_thread() { join(); }
    void join() {
        if (thread_.joinable()) thread_.join();
    }

private:
    std::thread thread_;
};

} // namespace conformance
