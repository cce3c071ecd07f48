// SPDX-License-Identifier: BSL-1.0
#pragma once
// The one internal interface between core/ and the OS. platform/posix/ and
// platform/windows/ each implement every function here, in files of the same names
// (a missing function is a link error on that OS), except what is the same on every OS:
// that is written once in platform/ (loopback_pair.cpp over this header alone;
// sockaddr.cpp, lookup.cpp, option_table.cpp over each backend's small native.hpp).
// No OS header is included here, so core/ never sees one. Every function reports failure as a std::error_code built from
// the native code (category "errno"/"winsock"/"getaddrinfo"), which compares equal to
// unisock::errc through that category.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "platform/deadline.hpp"
#include "unisock/address.hpp"
#include "unisock/bytes.hpp"
#include "unisock/error.hpp"
#include "unisock/interfaces.hpp"
#include "unisock/options.hpp"
#include "unisock/resolver.hpp"
#include "unisock/system.hpp"
#include "unisock/types.hpp"

namespace unisock {
struct selector_event; // unisock/selector.hpp
}

namespace unisock::platform {

using handle = native_handle_type;

// ---- init.cpp: network stack start-up ------------------------------------------------
// core/ never starts the stack: the Windows backend starts Winsock itself in the first
// call that needs it (open_socket, adopt_socket, the lookups), once per process and
// thread-safely. This reports that lazily started state, starting it if nothing has yet.
// POSIX: always a false code.
std::error_code network_status() noexcept;
// One reference of the explicit RAII guard (WSAStartup / WSACleanup).
std::error_code startup() noexcept;
void cleanup() noexcept;

// ---- error.cpp: the one translation table per OS ---------------------------------------
// "errno" on POSIX, "winsock" on Windows; default_error_condition maps to unisock::errc.
const std::error_category& system_category() noexcept;
// "getaddrinfo" (EAI_*) on POSIX; on Windows the EAI codes are WSA codes (system_category).
const std::error_category& resolver_category() noexcept;
// The last socket error of this thread (errno / WSAGetLastError), read right after the
// failing call.
std::error_code last_error() noexcept;
// The table itself, exposed for its unit test: native code -> portable condition.
errc translate_system_error(int native) noexcept;
errc translate_resolver_error(int native) noexcept;

// ---- socket.cpp: life cycle and data transfer -----------------------------------------
// A new socket: non-blocking, close-on-exec / not inheritable, SIGPIPE suppressed,
// exclusive address use, IPV6_V6ONLY=1, and on Windows UDP SIO_UDP_CONNRESET off.
handle open_socket(address_family f, socket_type t, int protocol, std::error_code& ec) noexcept;
// Reads the family and type of an adopted handle and makes it non-blocking.
void adopt_socket(handle h, address_family& f, socket_type& t, std::error_code& ec) noexcept;
// close(2)/closesocket, never retried.
std::error_code close_socket(handle h) noexcept;
// SO_LINGER {1, 0} then close: the peer sees a reset.
void abort_socket(handle h) noexcept;
std::error_code set_os_blocking(handle h, bool blocking) noexcept;

std::error_code bind_socket(handle h, const address& local) noexcept;
// backlog has already been checked (>= 0). POSIX: max_backlog becomes SOMAXCONN (the
// kernel clamps to its limit). Windows: 200 or more, max_backlog included, becomes
// SOMAXCONN_HINT(min(backlog, 65535)).
std::error_code listen_socket(handle h, int backlog) noexcept;
// accept4/accept + the same flags as open_socket; would_block when none is waiting.
handle accept_socket(handle h, address& peer, std::error_code& ec) noexcept;
// Starts a connect: a false code (done), in_progress (wait for writable, then
// connect_result), or the error. Windows' WSAEWOULDBLOCK is reported as in_progress.
// On a Windows UDP socket this also switches ICMP reset reporting back on.
std::error_code start_connect(handle h, const address& peer) noexcept;
// getsockopt(SO_ERROR).
std::error_code pending_error(handle h) noexcept;

// Each returns the byte count; would_block when the call would have blocked.
std::size_t send_some(handle h, const_bytes data, std::error_code& ec) noexcept;
std::size_t recv_some(handle h, mutable_bytes buffer, std::error_code& ec) noexcept;
std::size_t send_to(handle h, const_bytes data, const address& peer, std::error_code& ec) noexcept;
// On an unconnected datagram socket an ICMP unreachable never surfaces here;
// on a connected one it is connection_refused.
std::size_t recv_from(handle h, mutable_bytes buffer, address& sender, std::error_code& ec) noexcept;
std::error_code shutdown_socket(handle h, shutdown_how how) noexcept;

address local_address(handle h, std::error_code& ec) noexcept;
address peer_address(handle h, std::error_code& ec) noexcept;

// socketpair(2), or on Windows a loopback TCP pair made through a private listener.
void make_socket_pair(address_family f, socket_type t, handle out[2], std::error_code& ec) noexcept;

// ---- options.cpp: typed options through one table (option_table.cpp, shared) ------------
// set_option/get_option and the raw ones are written once; the rest per OS.
std::error_code set_option(handle h, option_name name, int value) noexcept; // bool options as 0/1
std::error_code get_option(handle h, option_name name, int& value) noexcept;
std::error_code set_linger(handle h, std::optional<std::chrono::seconds> value) noexcept;
std::error_code get_linger(handle h, std::optional<std::chrono::seconds>& value) noexcept;
std::error_code set_reuse(handle h, reuse_policy policy) noexcept;
std::error_code get_reuse(handle h, reuse_policy& policy) noexcept;
std::error_code set_keep_alive_timing(handle h, const keep_alive_timing& timing) noexcept;
std::error_code get_keep_alive_timing(handle h, keep_alive_timing& timing) noexcept;
std::error_code set_raw_option(handle h, int level, int name, const_bytes value) noexcept;
std::size_t get_raw_option(handle h, int level, int name, mutable_bytes value,
                           std::error_code& ec) noexcept;

// ---- wait.cpp + waker: the one wait primitive and the wake-up handle --------------------
// A wake-up handle makes wait() return operation_canceled once signalled, and stays
// signalled until drained. One handle per socket that ever waits, opened in one system
// call: an eventfd on Linux, a kqueue with a user event on macOS and the BSDs (not
// inherited by fork, and pollable), a self-connected loopback UDP socket on Windows
// (select() accepts only sockets). signal_waker is async-signal-safe: one write/kevent/send.
handle open_waker(std::error_code& ec) noexcept;
void signal_waker(handle waker) noexcept;
void drain_waker(handle waker) noexcept;
void close_waker(handle waker) noexcept;

// Waits until h is ready for `what` (a failed connect and a hang-up count as ready: the
// call that follows reads the error), until passes (timed_out), or waker is signalled
// (operation_canceled; waker may be invalid_native_handle). One system call per wait:
// poll on POSIX, select on Windows (the except set reports a failed connect on every
// build). EINTR is retried with the time that is left; a positive remainder never
// becomes a zero timeout.
std::error_code wait(handle h, wait_for what, handle waker, const deadline& until) noexcept;

// The most sockets wait_connects takes at once (within Windows' FD_SETSIZE of 64).
inline constexpr std::size_t max_connect_waits = 32;
// Waits until at least one of the sockets, each with a connect in progress, has finished
// (connected or failed: writable, or POLLERR / the except set), or until passes
// (timed_out). Sets finished[i] for each that has; the caller reads the outcome with
// pending_error. At most max_connect_waits handles (invalid_argument beyond). One system
// call per wait: poll on POSIX, select on Windows; EINTR is retried with the time left.
std::error_code wait_connects(std::span<const handle> handles, std::span<bool> finished,
                              const deadline& until) noexcept;

// ---- selector: Python's selectors (posix/selector_epoll.cpp on Linux,
// posix/selector_kqueue.cpp on macOS and the BSDs, windows/selector.cpp) -------------------
// The backend holds the OS's registrations and a wake-up handle; the selector_table
// (selector_table.hpp, written once) holds the sockets, their user data and the events,
// and core/src/selector.cpp keeps it. A key names one registration (the table's slot).
class selector_backend;
class selector_table;

selector_backend* open_selector(std::error_code& ec) noexcept;
void close_selector(selector_backend* s) noexcept;
// Each add grows what the backend needs for one more registration (no_buffer_space when
// the memory is not there), so that wait allocates nothing.
std::error_code selector_add(selector_backend& s, handle h, wait_for what, std::uint64_t key) noexcept;
std::error_code selector_modify(selector_backend& s, handle h, wait_for before, wait_for after,
                                std::uint64_t key) noexcept;
// is_open false: the socket was closed since it was added, so its handle number may
// belong to another socket now (and the OS has dropped the registration, except epoll
// when the socket is open elsewhere: selector_epoll.cpp).
std::error_code selector_remove(selector_backend& s, handle h, wait_for what, std::uint64_t key,
                                bool is_open) noexcept;
// Waits until a registration is ready, until passes, or selector_wake; polls once when
// until has passed already. Records what the OS reports in table (a
// selector_table::recorder; the caller has called start_wait()) and returns the events:
// empty after a timeout or a wake-up (the wake-up is drained), and on failure (set in
// ec, which is otherwise left as it is). EINTR is retried with the time left. until is
// taken by value so that select() can hand over to this call as its last act (a tail
// call).
std::span<const selector_event> selector_wait(selector_backend& s, selector_table& table, deadline until,
                                              std::error_code& ec) noexcept;
// Async-signal-safe: one write / kevent / send.
void selector_wake(selector_backend& s) noexcept;

// ---- resolve.cpp: lookups ----------------------------------------------------------------
// getaddrinfo / GetAddrInfoW within until: timed_out once it passes (at once if it has
// passed already), without waiting for the lookup to end. Linux (glibc): getaddrinfo_a,
// gai_suspend with the time left, gai_cancel. Windows: GetAddrInfoExW overlapped, waited
// for with the time left, GetAddrInfoExCancel. Elsewhere (macOS): a blocking getaddrinfo
// once the deadline is checked, so a lookup already running there is not cut short.
// Without a limit: a plain blocking lookup on every OS.
std::vector<resolved_endpoint> resolve(std::string_view host, std::string_view service,
                                       const resolve_hints& hints, const deadline& until, std::error_code& ec);
std::string host_name(std::error_code& ec);
std::string name_of_address(const ip_address& ip, std::error_code& ec);
std::uint16_t service_port(std::string_view service, std::string_view protocol, std::error_code& ec);
std::string service_name(std::uint16_t port, std::string_view protocol, std::error_code& ec);
// The index of a network interface by name, for IPv6 scopes ("fe80::1%eth0"):
// if_nametoindex on POSIX; on Windows the interface name ("ethernet_32768") or its
// alias ("Ethernet") through ConvertInterfaceNameToLuidW / ConvertInterfaceAliasToLuid.
// invalid_argument when no interface has that name. Allocates nothing.
std::uint32_t interface_index(std::string_view name, std::error_code& ec) noexcept;

// ---- interfaces.cpp: network interfaces ---------------------------------------------------
// Every interface, ordered by index, with its IPv4 and IPv6 addresses: getifaddrs on POSIX,
// GetAdaptersAddresses on Windows (names as interface_index and interface_name use them).
// May throw std::bad_alloc.
std::vector<network_interface> list_interfaces(std::error_code& ec);
// The name of the interface with this index: if_indextoname on POSIX; on Windows the
// NDIS interface name ("loopback_0") through ConvertInterfaceLuidToNameW.
// invalid_argument when no interface has that index. May throw std::bad_alloc.
std::string interface_name(std::uint32_t index, std::error_code& ec);

// ---- system.cpp: what this OS offers -------------------------------------------------------
platform_capabilities query_capabilities() noexcept;
std::string_view os_name() noexcept;
int backlog_limit() noexcept;

// While one lives, the calling thread blocks the asynchronous signals (every signal but
// those raised for the thread that caused them: SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP,
// SIGSYS, SIGPIPE, SIGXFSZ), and a thread
// started meanwhile inherits that mask. The server engines start their threads under
// one, as Asio does for its own, so that a process-directed signal (SIGTERM, SIGINT) runs
// its handler on one of the application's threads, never on a worker that may be about
// to end (ThreadSanitizer defers a signal to its thread's next intercepted call, and
// loses it when that thread ends first). POSIX: pthread_sigmask. Windows: nothing (no
// asynchronous signals reach a thread).
class async_signals_blocked {
public:
    async_signals_blocked() noexcept;
    ~async_signals_blocked();
    async_signals_blocked(const async_signals_blocked&) = delete;
    async_signals_blocked& operator=(const async_signals_blocked&) = delete;

private:
    alignas(8) unsigned char saved_mask_[128]; // POSIX: the sigset_t to restore
};

} // namespace unisock::platform
