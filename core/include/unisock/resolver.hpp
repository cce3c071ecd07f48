#pragma once
// Name and service lookups (Python's getaddrinfo, gethostbyname, gethostname,
// gethostbyaddr, getservbyname, getservbyport). Failures raise gai_error (herror for
// gethostbyaddr) with a portable code: host_not_found, try_again, service_not_found,
// resolver_failure.

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

struct resolve_hints {
    address_family family = address_family::unspecified; // unspecified = IPv4 and IPv6
    std::optional<socket_type> type;          // nullopt = any
    int protocol = 0;
    bool passive = false;        // AI_PASSIVE: an empty host means "any address", for bind
    bool numeric_host = false;   // AI_NUMERICHOST: never query DNS
    bool canonical_name = false; // AI_CANONNAME: fill resolved_endpoint::canonical_name
};

struct resolved_endpoint {
    address_family family = address_family::unspecified;
    socket_type type = socket_type::stream;
    int protocol = 0;
    address endpoint;
    std::string canonical_name; // first result only, when asked for
};

// getaddrinfo(3) on POSIX, GetAddrInfoW on Windows (UTF-8 text, converted): every address
// for host and service ("http" or "80"), in the order the OS prefers. An empty host is
// the loopback, or with passive the wildcard address. A numeric service above 65535
// fails with service_not_found (gai_error) on every OS, where getaddrinfo itself would
// wrap it ("70000" became port 4464); a NUL in either text, or on Windows text that is
// not UTF-8, is invalid_argument.
std::vector<resolved_endpoint> resolve(std::string_view host, std::string_view service,
                                       const resolve_hints& hints = {});
std::vector<resolved_endpoint> resolve(std::string_view host, std::string_view service,
                                       const resolve_hints& hints, std::error_code& ec);
// The same lookup within timeout (nullopt: no limit, as above): timed_out once it passes,
// at once for a zero or negative one. Linux (glibc): getaddrinfo_a, gai_suspend with the
// time left, gai_cancel; Windows: GetAddrInfoExW overlapped, waited for with the time
// left, GetAddrInfoExCancel. macOS has no cancellable lookup: there only the time before
// the lookup is checked. create_connection resolves this way, inside its own timeout.
std::vector<resolved_endpoint> resolve(std::string_view host, std::string_view service,
                                       const resolve_hints& hints, std::optional<timeout_duration> timeout,
                                       std::error_code& ec);

// The first IPv4 address of name ("localhost" -> 127.0.0.1), via getaddrinfo.
ip_address gethostbyname(std::string_view name);
ip_address gethostbyname(std::string_view name, std::error_code& ec);

// gethostname(2): this machine's host name.
std::string gethostname();
std::string gethostname(std::error_code& ec);

// getnameinfo(3) with NI_NAMEREQD: the host name of ip; raises herror when it has none.
std::string gethostbyaddr(const ip_address& ip);
std::string gethostbyaddr(const ip_address& ip, std::error_code& ec);

// getservbyname(3): the port of a service ("http", "tcp") -> 80. An empty protocol
// matches any. Unknown service: service_not_found.
std::uint16_t getservbyname(std::string_view service, std::string_view protocol = {});
std::uint16_t getservbyname(std::string_view service, std::string_view protocol,
                            std::error_code& ec);

// getservbyport(3): the service name of a port (80, "tcp") -> "http".
std::string getservbyport(std::uint16_t port, std::string_view protocol = {});
std::string getservbyport(std::uint16_t port, std::string_view protocol, std::error_code& ec);

} // namespace unisock
