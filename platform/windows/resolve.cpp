// Name and service lookups through Winsock's getaddrinfo family.
#include <winsock2.h>
#include <ws2tcpip.h>

#include <memory>
#include <string>

#include "platform/platform.hpp"
#include "platform/windows/sockaddr.hpp"

namespace unisock::platform {

namespace {

struct addrinfo_deleter {
    void operator()(addrinfo* list) const noexcept { ::freeaddrinfo(list); }
};
using addrinfo_list = std::unique_ptr<addrinfo, addrinfo_deleter>;

// Winsock's resolver returns its EAI_* codes, which are WSA codes, both as the result
// and through WSAGetLastError.
std::error_code resolver_error(int code) noexcept { return {code, resolver_category()}; }

int native_flags(const resolve_hints& hints) noexcept {
    int flags = 0;
    if (hints.passive) flags |= AI_PASSIVE;
    if (hints.numeric_host) flags |= AI_NUMERICHOST;
    if (hints.canonical_name) flags |= AI_CANONNAME;
    return flags;
}

// An empty text is "none" (a null pointer) for getaddrinfo and getserv*.
const char* or_null(const std::string& text) noexcept { return text.empty() ? nullptr : text.c_str(); }

resolved_endpoint endpoint_of(const addrinfo& info, std::error_code& ec) {
    resolved_endpoint result;
    result.family = portable_family(info.ai_family).value_or(address_family::unspecified);
    // Without a type hint Windows returns each address once with type 0 (POSIX lists
    // one entry per type): it reads as a stream endpoint.
    result.type = portable_type(info.ai_socktype).value_or(socket_type::stream);
    result.protocol = info.ai_protocol;
    result.endpoint = from_native(info.ai_addr, static_cast<int>(info.ai_addrlen), ec);
    return result;
}

} // namespace

std::vector<resolved_endpoint> resolve(std::string_view host, std::string_view service,
                                       const resolve_hints& hints, std::error_code& ec) {
    ec = ensure_initialized();
    if (ec) return {};
    addrinfo wanted{};
    if (hints.family != address_family::unspecified) {
        const std::optional<int> af = native_family(hints.family);
        if (!af) {
            ec = make_error_code(errc::address_family_not_supported);
            return {};
        }
        wanted.ai_family = *af;
    }
    if (hints.type) {
        const std::optional<int> type = native_type(*hints.type);
        if (!type) {
            ec = make_error_code(errc::socket_type_not_supported);
            return {};
        }
        wanted.ai_socktype = *type;
    }
    wanted.ai_protocol = hints.protocol;
    wanted.ai_flags = native_flags(hints);

    const std::string host_text(host);
    const std::string service_text(service);
    addrinfo* found = nullptr;
    if (const int result = ::getaddrinfo(or_null(host_text), or_null(service_text), &wanted, &found); result != 0) {
        ec = resolver_error(result);
        return {};
    }
    const addrinfo_list list(found);

    std::vector<resolved_endpoint> endpoints;
    for (const addrinfo* info = list.get(); info != nullptr; info = info->ai_next) {
        std::error_code skipped;
        resolved_endpoint endpoint = endpoint_of(*info, skipped);
        if (skipped) continue; // a family unisock does not model
        if (endpoints.empty() && hints.canonical_name && info->ai_canonname != nullptr)
            endpoint.canonical_name = info->ai_canonname;
        endpoints.push_back(std::move(endpoint));
    }
    ec.clear();
    return endpoints;
}

std::string host_name(std::error_code& ec) {
    ec = ensure_initialized();
    if (ec) return {};
    char name[256] = {}; // the documented maximum of gethostname
    if (::gethostname(name, sizeof name) == SOCKET_ERROR) {
        ec = last_error();
        return {};
    }
    return name;
}

std::string name_of_address(const ip_address& ip, std::error_code& ec) {
    ec = ensure_initialized();
    if (ec) return {};
    native_address native;
    ip_to_native(ip, 0, 0, native);
    char name[NI_MAXHOST] = {};
    const int result =
        ::getnameinfo(native.get(), native.length, name, sizeof name, nullptr, 0, NI_NAMEREQD);
    if (result != 0) {
        ec = resolver_error(result);
        return {};
    }
    return name;
}

// getservbyname/getservbyport return per-thread storage on Windows: safe to read here.
std::uint16_t service_port(std::string_view service, std::string_view protocol, std::error_code& ec) {
    ec = ensure_initialized();
    if (ec) return 0;
    const std::string service_text(service);
    const std::string protocol_text(protocol);
    const servent* entry = ::getservbyname(service_text.c_str(), or_null(protocol_text));
    if (entry == nullptr) {
        ec = make_error_code(errc::service_not_found);
        return 0;
    }
    return ntohs(static_cast<u_short>(entry->s_port));
}

std::string service_name(std::uint16_t port, std::string_view protocol, std::error_code& ec) {
    ec = ensure_initialized();
    if (ec) return {};
    const std::string protocol_text(protocol);
    const servent* entry = ::getservbyport(static_cast<int>(htons(port)), or_null(protocol_text));
    if (entry == nullptr) {
        ec = make_error_code(errc::service_not_found);
        return {};
    }
    return entry->s_name;
}

} // namespace unisock::platform
