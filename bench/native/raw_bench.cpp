// Raw-syscall baselines: the transfers bench/unisock_bench.cpp measures through unisock,
// made here with the OS's own calls on a connected loopback TCP pair. This directory is
// the only bench code that includes OS headers.
//
// pair64/raw_blocking       blocking send() then recv() of 64 bytes: the floor.
// pair64/raw_poll_then_call poll() before each send() and recv(), as CPython's timeout
//                           mode does: the cost unisock's timeout mode avoids.
// bulk64k/raw               64 KiB sent then received, as throughput.

#if defined(_WIN32)
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#endif

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "transfer_sizes.hpp"

namespace {

#if defined(_WIN32)
using raw_handle = SOCKET;
constexpr raw_handle invalid_raw = INVALID_SOCKET;
int last_error() { return WSAGetLastError(); }
void close_raw(raw_handle h) { closesocket(h); }
long raw_send(raw_handle h, const char* data, std::size_t size) {
    return send(h, data, static_cast<int>(size), 0);
}
long raw_recv(raw_handle h, char* data, std::size_t size) {
    return recv(h, data, static_cast<int>(size), 0);
}
bool poll_one(raw_handle h, short events) {
    WSAPOLLFD entry{h, events, 0};
    return WSAPoll(&entry, 1, unisock::bench::timeout_seconds * 1000) == 1;
}
// Winsock needs WSAStartup before the first socket; once for the whole program.
struct winsock_session {
    winsock_session() {
        WSADATA data;
        WSAStartup(MAKEWORD(2, 2), &data);
    }
    ~winsock_session() { WSACleanup(); }
};
const winsock_session session;
#else
using raw_handle = int;
constexpr raw_handle invalid_raw = -1;
int last_error() { return errno; }
void close_raw(raw_handle h) { close(h); }
#if defined(MSG_NOSIGNAL)
constexpr int send_flags = MSG_NOSIGNAL;
#else
constexpr int send_flags = 0; // macOS: SO_NOSIGPIPE is set on the socket instead
#endif
long raw_send(raw_handle h, const char* data, std::size_t size) { return send(h, data, size, send_flags); }
long raw_recv(raw_handle h, char* data, std::size_t size) { return recv(h, data, size, 0); }
bool poll_one(raw_handle h, short events) {
    pollfd entry{h, events, 0};
    return poll(&entry, 1, unisock::bench::timeout_seconds * 1000) == 1;
}
#endif

void set_int_option(raw_handle h, int level, int name, int value) {
    setsockopt(h, level, name, reinterpret_cast<const char*>(&value), sizeof value);
}

// A connected loopback TCP pair in the OS's blocking mode, with TCP_NODELAY on both ends
// (a 64-byte message must not wait for Nagle). buffer_size > 0 sets SO_SNDBUF and
// SO_RCVBUF, so that a bulk transfer sent before it is read fits in the buffers.
class raw_pair {
public:
    explicit raw_pair(int buffer_size = 0) {
        const raw_handle listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        if (listener == invalid_raw) {
            fail("socket");
            return;
        }
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        auto* generic = reinterpret_cast<sockaddr*>(&address);
        configure(listener, buffer_size);
        client_ = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        if (client_ != invalid_raw) configure(client_, buffer_size);
        if (bind(listener, generic, sizeof address) != 0) fail("bind");
        else if (listen(listener, 1) != 0) fail("listen");
        else if (getsockname(listener, generic, &length) != 0) fail("getsockname");
        else if (client_ == invalid_raw) fail("socket");
        else if (connect(client_, generic, sizeof address) != 0) fail("connect");
        else if ((server_ = accept(listener, nullptr, nullptr)) == invalid_raw) fail("accept");
        close_raw(listener);
        if (server_ != invalid_raw) configure(server_, buffer_size);
    }
    raw_pair(const raw_pair&) = delete;
    raw_pair& operator=(const raw_pair&) = delete;
    ~raw_pair() {
        if (client_ != invalid_raw) close_raw(client_);
        if (server_ != invalid_raw) close_raw(server_);
    }

    const std::string& error() const { return error_; }
    raw_handle client() const { return client_; }
    raw_handle server() const { return server_; }

private:
    void fail(const char* call) {
        if (error_.empty()) error_ = std::string(call) + " failed: OS error " + std::to_string(last_error());
    }
    static void configure(raw_handle h, int buffer_size) {
        set_int_option(h, IPPROTO_TCP, TCP_NODELAY, 1);
#if defined(SO_NOSIGPIPE)
        set_int_option(h, SOL_SOCKET, SO_NOSIGPIPE, 1);
#endif
        if (buffer_size > 0) {
            set_int_option(h, SOL_SOCKET, SO_SNDBUF, buffer_size);
            set_int_option(h, SOL_SOCKET, SO_RCVBUF, buffer_size);
        }
    }

    raw_handle client_ = invalid_raw;
    raw_handle server_ = invalid_raw;
    std::string error_;
};

// Sends all of data (a blocking send may still return early); false on an error.
bool send_all(raw_handle h, const char* data, std::size_t size, bool poll_first) {
    while (size > 0) {
        if (poll_first && !poll_one(h, POLLOUT)) return false;
        const long sent = raw_send(h, data, size);
        if (sent <= 0) return false;
        data += sent;
        size -= static_cast<std::size_t>(sent);
    }
    return true;
}

// Receives exactly size bytes; false on an error or an early close.
bool recv_exact(raw_handle h, char* data, std::size_t size, bool poll_first) {
    while (size > 0) {
        if (poll_first && !poll_one(h, POLLIN)) return false;
        const long received = raw_recv(h, data, size);
        if (received <= 0) return false;
        data += received;
        size -= static_cast<std::size_t>(received);
    }
    return true;
}

void transfer(benchmark::State& state, std::size_t size, int buffer_size, bool poll_first) {
    raw_pair pair(buffer_size);
    if (!pair.error().empty()) {
        state.SkipWithError(pair.error().c_str());
        return;
    }
    const std::vector<char> message(size, 'x');
    std::vector<char> buffer(size);
    for (auto _ : state) {
        if (!send_all(pair.client(), message.data(), size, poll_first) ||
            !recv_exact(pair.server(), buffer.data(), size, poll_first)) {
            state.SkipWithError("send or recv failed");
            break;
        }
        benchmark::DoNotOptimize(buffer.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(size));
}

using unisock::bench::bulk_buffer;
using unisock::bench::bulk_chunk;
using unisock::bench::small_message;

void raw_blocking(benchmark::State& state) { transfer(state, small_message, 0, false); }
void raw_poll_then_call(benchmark::State& state) { transfer(state, small_message, 0, true); }
void raw_bulk(benchmark::State& state) { transfer(state, bulk_chunk, bulk_buffer, false); }

BENCHMARK(raw_blocking)->Name("pair64/raw_blocking");
BENCHMARK(raw_poll_then_call)->Name("pair64/raw_poll_then_call");
BENCHMARK(raw_bulk)->Name("bulk64k/raw");

} // namespace
