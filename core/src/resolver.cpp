// SPDX-License-Identifier: BSL-1.0
// Name and service lookups: argument checks here, the lookups themselves in
// platform/*/resolve.cpp (which on Windows starts Winsock itself on first use).

#include "unisock/resolver.hpp"

#include <string>
#include <string_view>

#include "platform/platform.hpp"
#include "unisock/error.hpp"

namespace unisock {

namespace {

bool has_nul(std::string_view text) noexcept {
    return text.find('\0') != std::string_view::npos;
}

bool is_ip_family(address_family f) noexcept {
    return f == address_family::unspecified || f == address_family::ipv4 || f == address_family::ipv6;
}

bool is_known_type(socket_type t) noexcept {
    return t == socket_type::stream || t == socket_type::datagram || t == socket_type::seqpacket ||
           t == socket_type::raw;
}

// The error for hints getaddrinfo cannot take, found before any lookup so that every OS
// gives the same one.
std::error_code check_hints(const resolve_hints& hints) noexcept {
    if (!is_ip_family(hints.family)) return make_error_code(errc::address_family_not_supported);
    if (hints.type && !is_known_type(*hints.type)) return make_error_code(errc::socket_type_not_supported);
    if (hints.protocol < 0) return make_error_code(errc::protocol_not_supported);
    return {};
}

// A service of digits only names a port: above 65535 it names none (getaddrinfo would
// keep the low 16 bits).
bool is_numeric_service_out_of_range(std::string_view service) noexcept {
    if (service.empty() || service.find_first_not_of("0123456789") != std::string_view::npos) return false;
    unsigned long value = 0;
    for (const char digit : service) {
        value = value * 10 + static_cast<unsigned long>(digit - '0');
        if (value > 65535) return true;
    }
    return false;
}

// "host:service" for error messages, with an IPv6 host in brackets.
std::string describe(std::string_view host, std::string_view service) {
    std::string text;
    const bool bracket = host.find(':') != std::string_view::npos;
    if (bracket) text += '[';
    text += host;
    if (bracket) text += ']';
    text += ':';
    text += service;
    return text;
}

// "service/protocol" for error messages ("http/tcp", or "http" for any protocol).
std::string describe_service(std::string_view service, std::string_view protocol) {
    std::string text(service);
    if (!protocol.empty()) {
        text += '/';
        text += protocol;
    }
    return text;
}

} // namespace

std::vector<resolved_endpoint> resolve(std::string_view host, std::string_view service,
                                       const resolve_hints& hints) {
    std::error_code ec;
    std::vector<resolved_endpoint> results = resolve(host, service, hints, ec);
    if (ec) detail::throw_error(ec, "getaddrinfo", describe(host, service));
    return results;
}

std::vector<resolved_endpoint> resolve(std::string_view host, std::string_view service,
                                       const resolve_hints& hints, std::error_code& ec) {
    return resolve(host, service, hints, std::nullopt, ec);
}

std::vector<resolved_endpoint> resolve(std::string_view host, std::string_view service,
                                       const resolve_hints& hints, std::optional<timeout_duration> timeout,
                                       std::error_code& ec) {
    ec = check_hints(hints);
    // The OS reads C strings: a NUL would silently cut the name short.
    if (!ec && (has_nul(host) || has_nul(service))) ec = make_error_code(errc::invalid_argument);
    if (!ec && is_numeric_service_out_of_range(service)) ec = make_error_code(errc::service_not_found);
    if (ec) return {};
    platform::deadline until = platform::deadline::for_timeout(timeout);
    // A numeric host asks no name service, so there is nothing to wait for: the lookup
    // runs directly, without the asynchronous resolver's helper thread.
    std::error_code not_numeric;
    if (!until.has_passed() && (host.empty() || (ip_address::parse(host, not_numeric), !not_numeric)))
        until = {};
    return platform::resolve(host, service, hints, until, ec);
}

ip_address gethostbyname(std::string_view name) {
    std::error_code ec;
    const ip_address ip = gethostbyname(name, ec);
    if (ec) detail::throw_error(ec, "gethostbyname", name);
    return ip;
}

ip_address gethostbyname(std::string_view name, std::error_code& ec) {
    // Python's gethostbyname('') is INADDR_ANY.
    if (name.empty()) {
        ec.clear();
        return ip_address::v4_any();
    }
    resolve_hints hints;
    hints.family = address_family::ipv4;
    hints.type = socket_type::stream; // one entry per address instead of one per type
    const std::vector<resolved_endpoint> results = resolve(name, {}, hints, ec);
    if (ec) return {};
    if (results.empty()) {
        ec = make_error_code(errc::host_not_found);
        return {};
    }
    return results.front().endpoint.ip();
}

std::string gethostname() {
    std::error_code ec;
    std::string name = gethostname(ec);
    detail::throw_if(ec, "gethostname");
    return name;
}

std::string gethostname(std::error_code& ec) {
    return platform::host_name(ec);
}

std::string gethostbyaddr(const ip_address& ip) {
    std::error_code ec;
    std::string name = gethostbyaddr(ip, ec);
    if (!ec) return name;
    // Python raises herror here, not gaierror: build the usual message, then rethrow it
    // as herror.
    try {
        detail::throw_error(ec, "gethostbyaddr", ip.to_string());
    } catch (const socket_error& e) {
        throw herror(e.code(), e.what());
    }
}

std::string gethostbyaddr(const ip_address& ip, std::error_code& ec) {
    return platform::name_of_address(ip, ec);
}

std::uint16_t getservbyname(std::string_view service, std::string_view protocol) {
    std::error_code ec;
    const std::uint16_t port = getservbyname(service, protocol, ec);
    if (ec) detail::throw_error(ec, "getservbyname", describe_service(service, protocol));
    return port;
}

std::uint16_t getservbyname(std::string_view service, std::string_view protocol, std::error_code& ec) {
    if (service.empty()) {
        ec = make_error_code(errc::service_not_found);
        return 0;
    }
    if (has_nul(service) || has_nul(protocol)) {
        ec = make_error_code(errc::invalid_argument);
        return 0;
    }
    return platform::service_port(service, protocol, ec);
}

std::string getservbyport(std::uint16_t port, std::string_view protocol) {
    std::error_code ec;
    std::string name = getservbyport(port, protocol, ec);
    if (ec) detail::throw_error(ec, "getservbyport", describe_service(std::to_string(port), protocol));
    return name;
}

std::string getservbyport(std::uint16_t port, std::string_view protocol, std::error_code& ec) {
    if (has_nul(protocol)) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    return platform::service_name(port, protocol, ec);
}

} // namespace unisock
