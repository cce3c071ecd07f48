// Name and service lookups through getaddrinfo and friends. The hints and the result list
// are turned into unisock's values by platform/lookup.cpp, shared with Windows.
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <memory>
#include <mutex>
#include <string>

#include "platform/lookup.hpp"
#include "platform/platform.hpp"
#include "platform/posix/sockaddr.hpp"

namespace unisock::platform {

namespace {

struct addrinfo_deleter {
    void operator()(addrinfo* list) const noexcept { ::freeaddrinfo(list); }
};
using addrinfo_list = std::unique_ptr<addrinfo, addrinfo_deleter>;

// EAI_SYSTEM means "see errno": the error is then a system one, not a resolver one.
std::error_code resolver_error(int code) noexcept {
    if (code == EAI_SYSTEM) return last_error();
    return {code, resolver_category()};
}

// An empty text is "none" (a null pointer) for getaddrinfo and getserv*.
const char* or_null(const std::string& text) noexcept { return text.empty() ? nullptr : text.c_str(); }

// getservbyname/getservbyport return static storage on POSIX (the _r forms are not
// portable between glibc and macOS): one lookup at a time, copied out under the lock.
std::mutex service_database;

} // namespace

std::vector<resolved_endpoint> resolve(std::string_view host, std::string_view service,
                                       const resolve_hints& hints, std::error_code& ec) {
    addrinfo wanted{};
    ec = to_native_hints(hints, wanted);
    if (ec) return {};

    const std::string host_text(host);
    const std::string service_text(service);
    addrinfo* found = nullptr;
    if (const int result = ::getaddrinfo(or_null(host_text), or_null(service_text), &wanted, &found); result != 0) {
        ec = resolver_error(result);
        return {};
    }
    const addrinfo_list list(found);
    ec.clear();
    return endpoints_of(list.get(), hints.canonical_name, [](const char* name) { return std::string(name); });
}

std::string host_name(std::error_code& ec) {
    char name[256] = {}; // HOST_NAME_MAX is 64 on Linux, 255 on macOS; POSIX allows 255
    if (::gethostname(name, sizeof name - 1) != 0) {
        ec = last_error();
        return {};
    }
    ec.clear();
    return name;
}

std::string name_of_address(const ip_address& ip, std::error_code& ec) {
    native_address native;
    ip_to_native(ip, 0, 0, native);
    char name[NI_MAXHOST] = {};
    const int result = ::getnameinfo(native.get(), native.length, name, sizeof name, nullptr, 0, NI_NAMEREQD);
    if (result != 0) {
        ec = resolver_error(result);
        return {};
    }
    ec.clear();
    return name;
}

std::uint16_t service_port(std::string_view service, std::string_view protocol, std::error_code& ec) {
    const std::string service_text(service);
    const std::string protocol_text(protocol);
    const std::lock_guard lock(service_database);
    const servent* entry = ::getservbyname(service_text.c_str(), or_null(protocol_text));
    if (entry == nullptr) {
        ec = make_error_code(errc::service_not_found);
        return 0;
    }
    ec.clear();
    return ntohs(static_cast<std::uint16_t>(entry->s_port));
}

std::string service_name(std::uint16_t port, std::string_view protocol, std::error_code& ec) {
    const std::string protocol_text(protocol);
    const std::lock_guard lock(service_database);
    const servent* entry = ::getservbyport(static_cast<int>(htons(port)), or_null(protocol_text));
    if (entry == nullptr) {
        ec = make_error_code(errc::service_not_found);
        return {};
    }
    ec.clear();
    return entry->s_name;
}

std::uint32_t interface_index(std::string_view name, std::error_code& ec) noexcept {
    char text[IF_NAMESIZE] = {}; // the longest name, its NUL included
    if (name.empty() || name.size() >= sizeof text || name.find('\0') != std::string_view::npos) {
        ec = make_error_code(errc::invalid_argument);
        return 0;
    }
    name.copy(text, name.size());
    const unsigned index = ::if_nametoindex(text);
    if (index == 0) {
        ec = make_error_code(errc::invalid_argument); // ENXIO: no interface of that name
        return 0;
    }
    ec.clear();
    return index;
}

} // namespace unisock::platform
