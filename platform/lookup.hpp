// SPDX-License-Identifier: BSL-1.0
#pragma once
// The parts of name resolution that are the same on every OS, written once over
// "native.hpp": getaddrinfo's hints from unisock's, and its result list as unisock's
// endpoints. Each backend's resolve.cpp makes the call itself (getaddrinfo on POSIX,
// GetAddrInfoW on Windows: the list types differ, their fields do not).

#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "platform/sockaddr.hpp"

namespace unisock::platform {

struct native_hints {
    int family = 0; // AF_UNSPEC
    int socktype = 0;
    int protocol = 0;
    int flags = 0; // AI_PASSIVE, AI_NUMERICHOST, AI_CANONNAME
};
// address_family_not_supported / socket_type_not_supported for hints with no native value.
std::error_code translate_hints(const resolve_hints& hints, native_hints& out) noexcept;

// The same, as the hints argument itself (addrinfo or ADDRINFOW).
template <class Info>
std::error_code to_native_hints(const resolve_hints& hints, Info& wanted) noexcept {
    native_hints native;
    if (std::error_code ec = translate_hints(hints, native)) return ec;
    wanted = {};
    wanted.ai_family = native.family;
    wanted.ai_socktype = native.socktype;
    wanted.ai_protocol = native.protocol;
    wanted.ai_flags = native.flags;
    return {};
}

// One entry of the list; an error (the entry is then skipped) for a family unisock does
// not model. Without a type hint Windows returns each address once with type 0 (POSIX
// lists one entry per type): it reads as a stream endpoint.
resolved_endpoint endpoint_of(int family, int socktype, int protocol, const sockaddr* addr,
                              native_length length, std::error_code& ec);

// The whole list (addrinfo or ADDRINFOW); the canonical name, when asked for, on the
// first endpoint, turned into UTF-8 by to_utf8.
template <class Info, class ToUtf8>
std::vector<resolved_endpoint> endpoints_of(const Info* list, bool canonical_name, ToUtf8 to_utf8) {
    std::vector<resolved_endpoint> endpoints;
    // The cast is for mingw-w64, whose ADDRINFOEXW points ai_next at a misspelt struct
    // (addrinfoexW); everywhere else ai_next already is an Info*.
    for (const Info* info = list; info != nullptr; info = reinterpret_cast<const Info*>(info->ai_next)) {
        std::error_code skipped;
        resolved_endpoint endpoint = endpoint_of(info->ai_family, info->ai_socktype, info->ai_protocol, info->ai_addr,
                                                 static_cast<native_length>(info->ai_addrlen), skipped);
        if (skipped) continue; // a family unisock does not model
        if (endpoints.empty() && canonical_name && info->ai_canonname != nullptr)
            endpoint.canonical_name = to_utf8(info->ai_canonname);
        endpoints.push_back(std::move(endpoint));
    }
    return endpoints;
}

} // namespace unisock::platform
