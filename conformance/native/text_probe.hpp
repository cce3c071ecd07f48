// SPDX-License-Identifier: BSL-1.0
#pragma once
// The OS's own address text conversions, called raw (inet_pton, inet_ntop,
// if_nametoindex): what ip_address::parse and to_string are compared with (the
// ip_address fuzz harness, core/fuzz/).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace conformance::native {

// inet_pton(AF_INET / AF_INET6, text): the bytes, or nullopt where the OS refuses the text.
std::optional<std::array<std::uint8_t, 4>> raw_inet_pton_v4(const std::string& text);
std::optional<std::array<std::uint8_t, 16>> raw_inet_pton_v6(const std::string& text);

// inet_ntop: the OS's text for the bytes.
std::string raw_inet_ntop_v4(const std::array<std::uint8_t, 4>& bytes);
std::string raw_inet_ntop_v6(const std::array<std::uint8_t, 16>& bytes);

// if_nametoindex(name): the index, 0 for no such interface.
unsigned raw_interface_index(const std::string& name);
// IF_NAMESIZE: names are shorter than this.
std::size_t raw_interface_name_size();

} // namespace conformance::native
