// SPDX-License-Identifier: BSL-1.0
// S18 raw probe: SO_RCVTIMEO set to 100 us and read back, nothing normalized.
#include "native/timeout_probe.hpp"

#include "native/raw_tcp.hpp"

#if defined(_WIN32)
#include <winsock2.h>
#else
#include <sys/socket.h>
#include <sys/time.h>
#endif

namespace conformance::native {

namespace {

#if defined(_WIN32)

std::string set_and_read_back(raw::handle h) {
    const DWORD milliseconds = 100 / 1000; // 100 us in the unit Windows takes
    if (setsockopt(static_cast<SOCKET>(h), SOL_SOCKET, SO_RCVTIMEO,
                   reinterpret_cast<const char*>(&milliseconds), sizeof milliseconds) != 0)
        return "setsockopt failed with " + raw::last_error_text();
    DWORD read_back = 12345;
    int size = sizeof read_back;
    if (getsockopt(static_cast<SOCKET>(h), SOL_SOCKET, SO_RCVTIMEO, reinterpret_cast<char*>(&read_back),
                   &size) != 0)
        return "getsockopt failed with " + raw::last_error_text();
    return "takes whole milliseconds (DWORD): 100 us is set as 0 ms and reads back as " +
           std::to_string(read_back) + " ms, which Windows treats as no timeout (blocks forever)";
}

#else

std::string set_and_read_back(raw::handle h) {
    const timeval hundred_us{0, 100};
    if (setsockopt(static_cast<int>(h), SOL_SOCKET, SO_RCVTIMEO, &hundred_us, sizeof hundred_us) != 0)
        return "setsockopt failed with " + raw::last_error_text();
    timeval read_back{};
    socklen_t size = sizeof read_back;
    if (getsockopt(static_cast<int>(h), SOL_SOCKET, SO_RCVTIMEO, &read_back, &size) != 0)
        return "getsockopt failed with " + raw::last_error_text();
    const long long micros = static_cast<long long>(read_back.tv_sec) * 1000000 + read_back.tv_usec;
    return "takes a timeval: 100 us reads back as " + std::to_string(micros) + " us";
}

#endif

} // namespace

std::string raw_receive_timeout_100us() {
    const raw::handle h = raw::tcp_socket();
    if (h == raw::invalid) return "socket failed with " + raw::last_error_text();
    std::string result = "SO_RCVTIMEO " + set_and_read_back(h);
    raw::close(h);
    return result;
}

} // namespace conformance::native
