// SPDX-License-Identifier: BSL-1.0
// Name resolution's OS-independent parts (see platform/lookup.hpp).
#include "platform/lookup.hpp"

namespace unisock::platform {

std::error_code translate_hints(const resolve_hints& hints, native_hints& out) noexcept {
    out = {};
    if (hints.family != address_family::unspecified) {
        const std::optional<int> af = native_family(hints.family);
        if (!af) return make_error_code(errc::address_family_not_supported);
        out.family = *af;
    }
    if (hints.type) {
        const std::optional<int> type = native_type(*hints.type);
        if (!type) return make_error_code(errc::socket_type_not_supported);
        out.socktype = *type;
    }
    out.protocol = hints.protocol;
    if (hints.passive) out.flags |= AI_PASSIVE;
    if (hints.numeric_host) out.flags |= AI_NUMERICHOST;
    if (hints.canonical_name) out.flags |= AI_CANONNAME;
    return {};
}

resolved_endpoint endpoint_of(int family, int socktype, int protocol, const sockaddr* addr, native_length length,
                              std::error_code& ec) {
    resolved_endpoint result;
    result.family = portable_family(family).value_or(address_family::unspecified);
    result.type = portable_type(socktype).value_or(socket_type::stream);
    result.protocol = protocol;
    result.endpoint = from_native(addr, length, ec);
    return result;
}

} // namespace unisock::platform
