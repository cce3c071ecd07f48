// SPDX-License-Identifier: BSL-1.0
#pragma once
// Written once for both backends, over the per-backend "native.hpp": the conversion
// between unisock's address values and sockaddr_in / sockaddr_in6 / sockaddr_un, the
// family and type numbers, and int-sized socket options. The backends' own sockaddr.hpp
// include this and add what is theirs alone.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

#include "native.hpp"
#include "platform/platform.hpp"

namespace unisock::platform {

// setsockopt/getsockopt with an int-sized value (int, BOOL and DWORD options alike). Some
// Windows BOOL options are written back as a single byte: the value starts at zero so
// the rest of it stays zero, and callers test BOOL results for nonzero.
std::error_code set_int_option(native_socket s, int level, int name, int value) noexcept;
std::error_code get_int_option(native_socket s, int level, int name, int& value) noexcept;

// Room for any address the OS hands back, Unix-domain paths included.
struct native_address {
    sockaddr_storage storage{};
    native_length length = sizeof(sockaddr_storage);

    sockaddr* get() noexcept { return reinterpret_cast<sockaddr*>(&storage); }
    const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
};
static_assert(sizeof(sockaddr_storage) >= sizeof(sockaddr_un));

// AF_INET, AF_INET6, AF_UNIX; nullopt for unspecified and values outside the enum.
std::optional<int> native_family(address_family f) noexcept;
std::optional<address_family> portable_family(int af) noexcept;
// SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW.
std::optional<int> native_type(socket_type t) noexcept;
std::optional<socket_type> portable_type(int type) noexcept;
// Both numbers socket() takes: address_family_not_supported or socket_type_not_supported
// for values with none.
std::error_code native_family_and_type(address_family f, socket_type t, int& af, int& type) noexcept;

// A Unix-domain path as sockaddr_un: name_too_long when it does not fit. A path is passed
// with its terminating NUL; an abstract name (leading NUL) without: its length is part of
// the name.
std::error_code local_to_native(std::string_view path, native_address& out) noexcept;
void ip_to_native(const ip_address& ip, std::uint16_t port, std::uint32_t flow_info,
                  native_address& out) noexcept;
std::error_code to_native(const address& a, native_address& out) noexcept;

// The address in sa, length bytes as the OS filled them in. One rule on every OS: an
// address too short to hold even its family is a sender or peer without a name, which
// only Unix-domain sockets have (Linux's recvfrom from an unbound socket), so it is
// address::local_unnamed(); so is a Unix-domain address with an empty path.
// address_family_not_supported for a family unisock does not model.
address from_native(const sockaddr* sa, native_length length, std::error_code& ec);
address from_native(const native_address& in, std::error_code& ec);

} // namespace unisock::platform
