// SPDX-License-Identifier: BSL-1.0
// S22 raw probe: non-blocking recv and connect, nothing normalized.
#include "native/nonblocking_probe.hpp"

#include "native/raw_tcp.hpp"

namespace conformance::native {

std::string raw_non_blocking_recv() {
    std::string error;
    raw::pair pair = raw::connected_pair(error);
    if (pair.client == raw::invalid) return "no raw connection: " + error;
    std::string result;
    char byte = 0;
    if (!raw::set_non_blocking(pair.client)) {
        result = "could not switch to non-blocking: " + raw::last_error_text();
    } else if (raw::receive(pair.client, &byte, 1) < 0) {
        result = "recv with nothing to read fails with " + raw::last_error_text();
    } else {
        result = "recv with nothing to read returned without an error";
    }
    raw::close(pair);
    return result;
}

std::string raw_non_blocking_connect() {
    const raw::handle listener = raw::tcp_socket();
    const raw::handle client = raw::tcp_socket();
    std::string result;
    if (!raw::bind_loopback(listener, 0) || !raw::listen(listener, 5)) {
        result = "listener failed: " + raw::last_error_text();
    } else if (!raw::set_non_blocking(client)) {
        result = "could not switch to non-blocking: " + raw::last_error_text();
    } else if (raw::connect_loopback(client, raw::local_port(listener))) {
        result = "connect to a loopback listener completed at once";
    } else {
        result = "connect to a loopback listener fails with " + raw::last_error_text();
    }
    raw::close(client);
    raw::close(listener);
    return result;
}

} // namespace conformance::native
