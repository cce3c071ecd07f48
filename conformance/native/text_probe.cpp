// SPDX-License-Identifier: BSL-1.0
// The OS's address text conversions, nothing normalized (see text_probe.hpp).
#include "native/text_probe.hpp"

#include <cstring>

#if defined(_WIN32)
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <netioapi.h>
#else
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#endif

namespace conformance::native {

namespace {

template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> pton(int family, const std::string& text) {
    std::array<std::uint8_t, N> bytes{};
    if (::inet_pton(family, text.c_str(), bytes.data()) != 1) return std::nullopt;
    return bytes;
}

template <std::size_t N>
std::string ntop(int family, const std::array<std::uint8_t, N>& bytes) {
    char text[INET6_ADDRSTRLEN] = {};
    if (::inet_ntop(family, bytes.data(), text, sizeof text) == nullptr) return {};
    return text;
}

} // namespace

std::optional<std::array<std::uint8_t, 4>> raw_inet_pton_v4(const std::string& text) { return pton<4>(AF_INET, text); }
std::optional<std::array<std::uint8_t, 16>> raw_inet_pton_v6(const std::string& text) { return pton<16>(AF_INET6, text); }

std::string raw_inet_ntop_v4(const std::array<std::uint8_t, 4>& bytes) { return ntop(AF_INET, bytes); }
std::string raw_inet_ntop_v6(const std::array<std::uint8_t, 16>& bytes) { return ntop(AF_INET6, bytes); }

unsigned raw_interface_index(const std::string& name) { return ::if_nametoindex(name.c_str()); }

std::size_t raw_interface_name_size() {
#if defined(_WIN32)
    return IF_MAX_STRING_SIZE + 1;
#else
    return IF_NAMESIZE;
#endif
}

} // namespace conformance::native
