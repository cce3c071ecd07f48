// SPDX-License-Identifier: BSL-1.0
#pragma once
/// @file
/// Errors: every failure carries a portable code (unisock::errc), the native code the OS
/// gave, and the namespace that code came from (the category name: "errno", "winsock",
/// "getaddrinfo" or "unisock" for errors the library detects itself). The native code is
/// read once, right after the failed call: errno on POSIX, WSAGetLastError() on Windows
/// (getaddrinfo's EAI_* return value for lookups). Nothing in this file makes a system
/// call; messages are built only when an error is reported.
///
///     std::error_code ec;
///     sock.connect(addr, ec);
///     if (ec == unisock::errc::connection_refused) ...   // true on every OS
///     ec == std::errc::connection_refused                 // true as well, on every OS
///     ec.value();                                          // ECONNREFUSED or WSAECONNREFUSED
///     ec.category().name();                                // "errno" or "winsock"
///
/// Where a native code stands behind an error, it is kept (a non-blocking connect is
/// EINPROGRESS / WSAEWOULDBLOCK, which compare equal to errc::in_progress); codes of the
/// "unisock" category are errors the library finds itself (a timeout, a bad argument).

#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace unisock {

/// Portable error conditions. Native codes compare equal to these through their category;
/// each line names the POSIX and Windows codes that map to it. Each that the standard
/// names also equals its std::errc (connection_refused, timed_out, ...; not
/// socket_type_not_supported and the resolver conditions).
enum class errc {
    success = 0,                  ///< no error: what portable_error() gives for a false code
    would_block,                  ///< EAGAIN, EWOULDBLOCK, WSAEWOULDBLOCK on a non-blocking call
    in_progress,                  ///< EINPROGRESS, WSAEWOULDBLOCK on a non-blocking connect
    already_in_progress,          ///< EALREADY, WSAEALREADY
    timed_out,                    ///< the socket timeout expired, or ETIMEDOUT, WSAETIMEDOUT
    operation_canceled,           ///< socket::cancel() woke a blocked call
    interrupted,                  ///< EINTR, WSAEINTR (unisock retries these itself)
    connection_refused,           ///< ECONNREFUSED, WSAECONNREFUSED, ICMP unreachable on connected UDP
    connection_reset,             ///< ECONNRESET, WSAECONNRESET
    connection_aborted,           ///< ECONNABORTED, WSAECONNABORTED
    broken_pipe,                  ///< EPIPE, WSAESHUTDOWN: sending after the peer or we shut down
    not_connected,                ///< ENOTCONN, WSAENOTCONN
    already_connected,            ///< EISCONN, WSAEISCONN
    address_in_use,               ///< EADDRINUSE, WSAEADDRINUSE
    address_not_available,        ///< EADDRNOTAVAIL, WSAEADDRNOTAVAIL
    address_family_not_supported, ///< EAFNOSUPPORT, WSAEAFNOSUPPORT, EAI_FAMILY
    protocol_not_supported,       ///< EPROTONOSUPPORT, WSAEPROTONOSUPPORT, EPROTOTYPE
    socket_type_not_supported,    ///< ESOCKTNOSUPPORT, WSAESOCKTNOSUPPORT, EAI_SOCKTYPE
    operation_not_supported,      ///< EOPNOTSUPP, WSAEOPNOTSUPP, or an option this OS lacks
    network_down,                 ///< ENETDOWN, WSAENETDOWN, WSASYSNOTREADY
    network_unreachable,          ///< ENETUNREACH, WSAENETUNREACH
    host_unreachable,             ///< EHOSTUNREACH, WSAEHOSTUNREACH
    bad_descriptor,               ///< EBADF, WSAENOTSOCK: the socket is closed or not a socket
    invalid_argument,             ///< EINVAL, WSAEINVAL, or an argument unisock rejects itself
    message_size,                 ///< EMSGSIZE, WSAEMSGSIZE
    no_buffer_space,              ///< ENOBUFS, WSAENOBUFS, ENOMEM
    too_many_open_files,          ///< EMFILE, ENFILE, WSAEMFILE
    permission_denied,            ///< EACCES, EPERM, WSAEACCES
    name_too_long,                ///< ENAMETOOLONG: a Unix socket path over the portable limit
    host_not_found,               ///< EAI_NONAME, WSAHOST_NOT_FOUND, EAI_NODATA
    try_again,                    ///< EAI_AGAIN, WSATRY_AGAIN: temporary resolver failure
    service_not_found,            ///< EAI_SERVICE, WSATYPE_NOT_FOUND, unknown service name
    resolver_failure,             ///< EAI_FAIL, WSANO_RECOVERY and other resolver errors
    not_initialized,              ///< WSANOTINITIALISED, or WSAStartup failed
    unexpected_eof,               ///< the peer closed before a read_exact got all its bytes
    unknown,                      ///< a native code with no portable meaning
};

/// The category of the portable conditions above ("unisock").
const std::error_category& portable_category() noexcept;

/// The condition e, in portable_category(): what `ec == e` compares against.
std::error_condition make_error_condition(errc e) noexcept;

/// An error code for a failure unisock detects itself (no OS call failed).
std::error_code make_error_code(errc e) noexcept;

/// The portable condition of any error code: errc::success for a false code (ec ==
/// errc::success holds exactly then), errc::unknown when it has none.
errc portable_error(const std::error_code& ec) noexcept;

/// Raised for every socket failure, like Python's socket.error / OSError.
/// what() reads "<operation> <context>: <reason> [<namespace> <native code>]", e.g.
/// "connect 127.0.0.1:9: Connection refused [errno 111]"; an error unisock found itself
/// names its condition instead of a number: "recv: timed out [unisock timed_out]".
class socket_error : public std::system_error {
public:
    /// An exception for ec whose what() is the given text.
    socket_error(std::error_code ec, const std::string& what);
    /// The whole message (see the class).
    const char* what() const noexcept override { return what_.what(); }
    /// The portable condition of code().
    errc portable() const noexcept { return portable_error(code()); }
    /// The native code: an errno, WSA or EAI value, or an errc value for the "unisock" namespace.
    int native_code() const noexcept { return code().value(); }
    /// Where native_code() comes from: "errno", "winsock", "getaddrinfo" or "unisock".
    std::string_view native_namespace() const noexcept { return code().category().name(); }

private:
    std::runtime_error what_; // a reference-counted string: copying never throws
};

/// Raised when name or service resolution fails (Python's socket.gaierror).
class gai_error : public socket_error {
public:
    using socket_error::socket_error;
};

/// Raised when an address-to-name lookup fails (Python's socket.herror).
class herror : public socket_error {
public:
    using socket_error::socket_error;
};

/// Raised when a socket timeout expires (Python's socket.timeout).
class timeout_error : public socket_error {
public:
    using socket_error::socket_error;
};

namespace detail {
// The message of every exception: "<operation> <context>: <reason> [<namespace> <code>]".
std::string compose_message(const std::error_code& ec, std::string_view operation, std::string_view context);

// Throws the exception that matches ec (timeout_error for timed_out, gai_error for resolver
// codes, socket_error otherwise); the message reads "<operation> <context>: <reason>".
[[noreturn]] void throw_error(const std::error_code& ec, std::string_view operation,
                              std::string_view context = {});

inline void throw_if(const std::error_code& ec, std::string_view operation,
                     std::string_view context = {}) {
    if (ec) throw_error(ec, operation, context);
}
} // namespace detail

} // namespace unisock

// unisock::errc values compare with std::error_code as error conditions. A specialisation
// in std, not unisock's API: left out of the API reference.
/// @cond
template <>
struct std::is_error_condition_enum<unisock::errc> : std::true_type {};
/// @endcond
