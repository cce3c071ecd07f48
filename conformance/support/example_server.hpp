// SPDX-License-Identifier: BSL-1.0
#pragma once
// One of the example servers (examples/) as a child process on 127.0.0.1 port 0: the
// scenarios that drive a server nobody wrote for them (S27 real clients, S43-S47 abuse,
// S48 data integrity). Each example announces its port on its first line; what it prints after
// that (a line per connection) is read and dropped on a thread of its own, since a child
// whose stdout pipe is full stops serving (Wine's pipe fills after about a hundred lines).

#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "native/process.hpp"
#include "support/conformance.hpp"

namespace conformance {

inline const std::string examples_dir = UNISOCK_EXAMPLES_DIR;

// What echo_server says to every client first.
inline const std::string echo_server_greeting = "Welcome to the server. Type something and hit enter\n";

// One example server on 127.0.0.1 port 0, stopped (SIGTERM / TerminateProcess) at the end.
class example_server {
public:
    explicit example_server(const std::string& name, const std::vector<std::string>& extra = {},
                            bool positional_port = false)
        : process_(examples_dir + "/" + name, positional_port ? with_positional_port_zero(extra) : with_port_zero(extra)) {
        const std::optional<std::string> first = process_.read_line(std::chrono::milliseconds(patience));
        const std::string prefix = "listening on 127.0.0.1:";
        if (!first || first->rfind(prefix, 0) != 0) throw std::runtime_error(name + " did not announce its port");
        const std::string digits = first->substr(prefix.size());
        std::from_chars(digits.data(), digits.data() + digits.size(), port_);
        drain_ = std::jthread([this](std::stop_token stopping) { drain_output(stopping); });
    }
    ~example_server() {
        stop();
        drain_.request_stop();
    }
    example_server(const example_server&) = delete;
    example_server& operator=(const example_server&) = delete;

    std::string port() const { return std::to_string(port_); }
    std::uint16_t port_number() const { return port_; }
    // The server's resident memory and descriptors, where the OS shows them (native probes).
    std::optional<native::child_process::memory> memory_use() const { return process_.memory_use(); }
    std::optional<long> open_handle_count() const { return process_.open_handle_count(); }
    // Stops the server; its exit code, or nullopt if it did not stop within patience.
    std::optional<int> stop() {
        process_.terminate();
        return process_.wait(std::chrono::milliseconds(patience));
    }

private:
    void drain_output(const std::stop_token& stopping) {
        while (!stopping.stop_requested())
            if (!process_.read_line(std::chrono::milliseconds(250)))
                std::this_thread::sleep_for(std::chrono::milliseconds(10)); // idle, or the output has ended
    }

    static std::vector<std::string> with_port_zero(std::vector<std::string> args) {
        args.insert(args.end(), {"--host", "127.0.0.1", "--port", "0"});
        return args;
    }
    // `hello_server 9000`: the port as the first positional argument.
    static std::vector<std::string> with_positional_port_zero(std::vector<std::string> args) {
        args.insert(args.end(), {"--host", "127.0.0.1", "0"});
        return args;
    }

    native::child_process process_;
    std::uint16_t port_ = 0;
    std::jthread drain_; // declared last: joined before process_ closes its pipe
};

} // namespace conformance
