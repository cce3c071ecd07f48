// SPDX-License-Identifier: BSL-1.0
// Address conversion and int-sized options, written once over "native.hpp" (see
// platform/sockaddr.hpp).
#include "platform/sockaddr.hpp"

#include <algorithm>
#include <cstring>

namespace unisock::platform {

namespace {

template <class Native>
void store_native(const Native& value, native_address& out) noexcept {
    static_assert(sizeof(Native) <= sizeof(sockaddr_storage));
    out.storage = {};
    std::memcpy(&out.storage, &value, sizeof value);
    out.length = static_cast<native_length>(sizeof value);
}

// An unnamed Unix-domain socket (a client that never bound, a socketpair end) comes back
// with no path at all, or (Windows) with a path of NULs. A Linux abstract name starts
// with NUL and runs to the length the kernel reports (NULs inside included); a path ends
// at its first NUL, or fills sun_path without one. Either is held as it came, whatever
// its length: a sender's or peer's name never fails the call.
address local_from_native(const sockaddr* sa, native_length length) {
    const auto path_offset = static_cast<native_length>(offsetof(sockaddr_un, sun_path));
    if (length <= path_offset) return address::local_unnamed();
    const char* path = reinterpret_cast<const sockaddr_un*>(sa)->sun_path;
    const auto room = std::min<std::size_t>(static_cast<std::size_t>(length - path_offset),
                                            sizeof(sockaddr_un::sun_path));
    if (abstract_local_names && path[0] == '\0') {
        if (room == 1) return address::local_unnamed();
        return address::local_as_received(std::string_view(path, room));
    }
    std::size_t size = 0;
    while (size < room && path[size] != '\0') ++size;
    return address::local_as_received(std::string_view(path, size));
}

} // namespace

std::error_code set_int_option(native_socket s, int level, int name, int value) noexcept {
    if (::setsockopt(s, level, name, reinterpret_cast<const char*>(&value), sizeof value) != 0) return last_error();
    return {};
}

std::error_code get_int_option(native_socket s, int level, int name, int& value) noexcept {
    value = 0;
    native_length length = sizeof value;
    if (::getsockopt(s, level, name, reinterpret_cast<char*>(&value), &length) != 0) return last_error();
    return {};
}

std::optional<int> native_family(address_family f) noexcept {
    switch (f) {
    case address_family::ipv4: return AF_INET;
    case address_family::ipv6: return AF_INET6;
    case address_family::local: return AF_UNIX;
    case address_family::unspecified: break;
    }
    return std::nullopt;
}

std::optional<address_family> portable_family(int af) noexcept {
    switch (af) {
    case AF_INET: return address_family::ipv4;
    case AF_INET6: return address_family::ipv6;
    case AF_UNIX: return address_family::local;
    default: return std::nullopt;
    }
}

std::optional<int> native_type(socket_type t) noexcept {
    switch (t) {
    case socket_type::stream: return SOCK_STREAM;
    case socket_type::datagram: return SOCK_DGRAM;
    case socket_type::seqpacket: return SOCK_SEQPACKET;
    case socket_type::raw: return SOCK_RAW;
    }
    return std::nullopt;
}

std::optional<socket_type> portable_type(int type) noexcept {
    switch (type) {
    case SOCK_STREAM: return socket_type::stream;
    case SOCK_DGRAM: return socket_type::datagram;
    case SOCK_SEQPACKET: return socket_type::seqpacket;
    case SOCK_RAW: return socket_type::raw;
    default: return std::nullopt;
    }
}

std::error_code native_family_and_type(address_family f, socket_type t, int& af, int& type) noexcept {
    const std::optional<int> native_af = native_family(f);
    if (!native_af) return make_error_code(errc::address_family_not_supported);
    const std::optional<int> native_t = native_type(t);
    if (!native_t) return make_error_code(errc::socket_type_not_supported);
    af = *native_af;
    type = *native_t;
    return {};
}

std::error_code local_to_native(std::string_view path, native_address& out) noexcept {
    sockaddr_un un{};
    // address::local enforces the portable limit on names made here; a name the OS
    // handed back may fill sun_path: an abstract name (its length is part of it) or a path
    // without the terminating NUL, as the kernel reported it.
    if (path.size() > sizeof un.sun_path) return make_error_code(errc::name_too_long);
    un.sun_family = AF_UNIX;
    std::memcpy(un.sun_path, path.data(), path.size());
    store_native(un, out);
    const bool abstract = !path.empty() && path.front() == '\0';
    const std::size_t terminator = abstract || path.size() == sizeof un.sun_path ? 0 : 1;
    out.length = static_cast<native_length>(offsetof(sockaddr_un, sun_path) + path.size() + terminator);
    return {};
}

void ip_to_native(const ip_address& ip, std::uint16_t port, std::uint32_t flow_info, native_address& out) noexcept {
    if (ip.is_v4()) {
        sockaddr_in in{};
        in.sin_family = AF_INET;
        in.sin_port = htons(port);
        const ip_address::v4_bytes bytes = ip.to_v4();
        std::memcpy(&in.sin_addr, bytes.data(), bytes.size());
        store_native(in, out);
        return;
    }
    sockaddr_in6 in6{};
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(port);
    in6.sin6_flowinfo = htonl(flow_info);
    std::memcpy(&in6.sin6_addr, ip.bytes().data(), ip.bytes().size());
    in6.sin6_scope_id = ip.scope_id();
    store_native(in6, out);
}

std::error_code to_native(const address& a, native_address& out) noexcept {
    if (a.family() == address_family::local) return local_to_native(a.path(), out);
    ip_to_native(a.ip(), a.port(), a.flow_info(), out);
    return {};
}

address from_native(const sockaddr* sa, native_length length, std::error_code& ec) {
    ec.clear();
    if (length < static_cast<native_length>(sizeof(sa->sa_family))) return address::local_unnamed();
    switch (sa->sa_family) {
    case AF_INET: {
        sockaddr_in in{};
        std::memcpy(&in, sa, sizeof in);
        ip_address::v4_bytes bytes{};
        std::memcpy(bytes.data(), &in.sin_addr, bytes.size());
        return {ip_address::v4(bytes), ntohs(in.sin_port)};
    }
    case AF_INET6: {
        sockaddr_in6 in6{};
        std::memcpy(&in6, sa, sizeof in6);
        ip_address::v6_bytes bytes{};
        std::memcpy(bytes.data(), &in6.sin6_addr, bytes.size());
        address result(ip_address::v6(bytes, in6.sin6_scope_id), ntohs(in6.sin6_port));
        result.set_flow_info(ntohl(in6.sin6_flowinfo));
        return result;
    }
    case AF_UNIX: return local_from_native(sa, length);
    default: ec = make_error_code(errc::address_family_not_supported); return {};
    }
}

address from_native(const native_address& in, std::error_code& ec) {
    return from_native(in.get(), in.length, ec);
}

} // namespace unisock::platform
