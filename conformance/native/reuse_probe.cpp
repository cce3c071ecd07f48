// SPDX-License-Identifier: BSL-1.0
// S14 raw probe: plain bind/listen with and without SO_REUSEADDR, nothing normalized.
#include "native/reuse_probe.hpp"

#include "native/raw_tcp.hpp"

namespace conformance::native {

std::string raw_bind_over_time_wait(std::uint16_t port) {
    const raw::handle h = raw::tcp_socket();
    const bool bound = raw::bind_loopback(h, port);
    const std::string result = bound ? "succeeded" : "failed with " + raw::last_error_text();
    raw::close(h);
    return "bind without SO_REUSEADDR over TIME_WAIT: " + result;
}

std::string raw_two_listeners_with_reuse_address() {
    const raw::handle first = raw::tcp_socket();
    const raw::handle second = raw::tcp_socket();
    std::string result;
    if (!raw::set_reuse_address(first) || !raw::bind_loopback(first, 0) || !raw::listen(first, 5)) {
        result = "first listener failed: " + raw::last_error_text();
    } else if (!raw::set_reuse_address(second) || !raw::bind_loopback(second, raw::local_port(first))) {
        result = "second bind refused with " + raw::last_error_text();
    } else if (!raw::listen(second, 5)) {
        result = "second bind succeeded, its listen refused with " + raw::last_error_text();
    } else {
        result = "second bind and listen succeeded: two live listeners on one port";
    }
    raw::close(first);
    raw::close(second);
    return "SO_REUSEADDR on both listeners: " + result;
}

} // namespace conformance::native
