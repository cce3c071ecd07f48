// SPDX-License-Identifier: BSL-1.0
// S29 raw probe: an inheritable listener and a child process, nothing normalized.
#include "native/inherit_probe.hpp"

#include <chrono>
#include <exception>
#include <optional>

#include "native/process.hpp"
#include "native/raw_tcp.hpp"

namespace conformance::native {

namespace {

// bind + listen on 127.0.0.1:port with a fresh socket; what happened.
std::string listen_again(std::uint16_t port) {
    const raw::handle h = raw::tcp_socket();
    std::string result;
    if (!raw::bind_loopback(h, port))
        result = "port still held by the child: bind failed with " + raw::last_error_text();
    else if (!raw::listen(h, 5))
        result = "port still held by the child: listen failed with " + raw::last_error_text();
    else
        result = "port free again: the child did not keep the listener";
    raw::close(h);
    return result;
}

// What limits inheritance besides the socket's own flag: on Windows child_process hands
// the child an explicit handle list (its pipes), so nothing else can be inherited there.
std::string child_process_scope() {
#if defined(_WIN32)
    return " (child_process passes only its pipes via PROC_THREAD_ATTRIBUTE_HANDLE_LIST, so this "
           "probe cannot show Windows' own inheritance)";
#else
    return "";
#endif
}

} // namespace

std::string raw_inherited_listener_holds_port(const std::string& program,
                                              const std::vector<std::string>& args) {
    const raw::handle listener = raw::tcp_socket();
    if (!raw::bind_loopback(listener, 0) || !raw::listen(listener, 5)) {
        const std::string error = "raw listener failed: " + raw::last_error_text();
        raw::close(listener);
        return error;
    }
    const std::uint16_t port = raw::local_port(listener);
    std::optional<child_process> child;
    try {
        child.emplace(program, args);
    } catch (const std::exception& e) {
        raw::close(listener);
        return std::string("no child process: ") + e.what();
    }
    raw::close(listener);
    std::string result = "inheritable listener closed in the parent while a child runs: " + listen_again(port) +
                         child_process_scope();
    child->terminate();
    child->wait(std::chrono::seconds(10));
    return result;
}

} // namespace conformance::native
