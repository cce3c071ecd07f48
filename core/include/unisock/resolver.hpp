// SPDX-License-Identifier: BSL-1.0
#pragma once
/// @file
/// Name and service lookups (Python's getaddrinfo, gethostbyname, gethostname,
/// gethostbyaddr, getservbyname, getservbyport). Failures raise gai_error (herror for
/// gethostbyaddr) with a portable code: host_not_found, try_again, service_not_found,
/// resolver_failure; the error_code forms never throw. On Windows the first lookup
/// starts Winsock (WSAStartup), as every unisock call does. The calls block for as long
/// as the system's resolver takes (DNS included); they may run on any number of threads
/// at once.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "unisock/address.hpp"
#include "unisock/error.hpp"
#include "unisock/types.hpp"

namespace unisock {

/// What resolve() asks for (the fields of getaddrinfo's hints, struct addrinfo).
struct resolve_hints {
    /// ai_family: unspecified = IPv4 and IPv6.
    address_family family = address_family::unspecified;
    /// ai_socktype: nullopt = any type.
    std::optional<socket_type> type;
    /// ai_protocol: 0 = any protocol.
    int protocol = 0;
    /// AI_PASSIVE: an empty host means "any address", for bind.
    bool passive = false;
    /// AI_NUMERICHOST: never query DNS; a host that is not a numeric address fails.
    bool numeric_host = false;
    /// AI_CANONNAME: fill resolved_endpoint::canonical_name of the first result.
    bool canonical_name = false;
};

/// One result of resolve(): what socket to make and where to connect or bind it.
struct resolved_endpoint {
    /// The address family (ai_family).
    address_family family = address_family::unspecified;
    /// The socket type (ai_socktype).
    socket_type type = socket_type::stream;
    /// The protocol (ai_protocol).
    int protocol = 0;
    /// The address and port (ai_addr).
    address endpoint;
    /// The canonical host name (ai_canonname): first result only, when asked for.
    std::string canonical_name;
};

/// Every address for host and service ("http" or "80"), in the order the OS prefers.
/// An empty host is the loopback, or with hints.passive the wildcard address; an empty
/// service is port 0. Fails with host_not_found, try_again, service_not_found,
/// address_family_not_supported, socket_type_not_supported or resolver_failure (gai_error),
/// and with invalid_argument (socket_error) for a host or service containing a NUL or, on
/// Windows, text that is not UTF-8. A numeric service above 65535 fails with
/// service_not_found on every OS (getaddrinfo itself would wrap "70000" to port 4464).
/// POSIX: getaddrinfo(3). Windows: GetAddrInfoW (UTF-8 text, converted).
std::vector<resolved_endpoint> resolve(std::string_view host, std::string_view service,
                                       const resolve_hints& hints = {});
/// resolve(host, service, hints), reporting a failure in ec instead of throwing.
std::vector<resolved_endpoint> resolve(std::string_view host, std::string_view service,
                                       const resolve_hints& hints, std::error_code& ec);
/// The same lookup within timeout (nullopt: no limit, as above): timed_out once it passes,
/// at once for a zero or negative one; a numeric host needs no lookup and never waits.
/// Linux (glibc): getaddrinfo_a, gai_suspend with the time left, gai_cancel; Windows:
/// GetAddrInfoExW overlapped, waited for with the time left, GetAddrInfoExCancel. macOS
/// has no cancellable lookup: there only the time before the lookup is checked.
/// create_connection resolves this way, inside its own timeout.
std::vector<resolved_endpoint> resolve(std::string_view host, std::string_view service,
                                       const resolve_hints& hints, std::optional<timeout_duration> timeout,
                                       std::error_code& ec);

/// The first IPv4 address of name ("localhost" -> 127.0.0.1; "" -> 0.0.0.0, as in
/// Python); fails as resolve() does.
/// POSIX: getaddrinfo(3) with AF_INET (never the obsolete gethostbyname(3)). Windows:
/// getaddrinfo with AF_INET.
ip_address gethostbyname(std::string_view name);
/// gethostbyname(name), reporting a failure in ec instead of throwing.
ip_address gethostbyname(std::string_view name, std::error_code& ec);

/// This machine's host name. POSIX: gethostname(2). Windows: gethostname (ws2_32).
std::string gethostname();
/// gethostname(), reporting a failure in ec instead of throwing.
std::string gethostname(std::error_code& ec);

/// The host name of ip (a reverse lookup); raises herror (host_not_found) when it has
/// none. POSIX: getnameinfo(3) with NI_NAMEREQD. Windows: getnameinfo with NI_NAMEREQD.
std::string gethostbyaddr(const ip_address& ip);
/// gethostbyaddr(ip), reporting a failure in ec instead of throwing.
std::string gethostbyaddr(const ip_address& ip, std::error_code& ec);

/// The port of a service ("http", "tcp") -> 80, from the services database (/etc/services
/// on POSIX, `%SystemRoot%\System32\drivers\etc\services` on Windows). An empty
/// protocol matches any. Unknown service: service_not_found (gai_error).
/// POSIX: getservbyname(3). Windows: getservbyname (ws2_32).
std::uint16_t getservbyname(std::string_view service, std::string_view protocol = {});
/// getservbyname(service, protocol), reporting a failure in ec instead of throwing.
std::uint16_t getservbyname(std::string_view service, std::string_view protocol,
                            std::error_code& ec);

/// The service name of a port (80, "tcp") -> "http", from the same database; an empty
/// protocol matches any. Unknown port: service_not_found (gai_error).
/// POSIX: getservbyport(3). Windows: getservbyport (ws2_32).
std::string getservbyport(std::uint16_t port, std::string_view protocol = {});
/// getservbyport(port, protocol), reporting a failure in ec instead of throwing.
std::string getservbyport(std::uint16_t port, std::string_view protocol, std::error_code& ec);

} // namespace unisock
