// SPDX-License-Identifier: BSL-1.0
#pragma once
/// @file
/// Network interfaces (Python's socket.if_nameindex, if_nametoindex, if_indextoname), with
/// each interface's addresses and flags. Every call reads the OS's current state: no cache.
///
/// Names. On POSIX an interface has one name ("lo", "eth0", "lo0", "en0"). Windows gives
/// each interface several: the GUID adapter name ("{4D36E972-...}"), the NDIS interface
/// name ("loopback_0", "ethernet_32768") and the alias the user sees and may rename
/// ("Loopback Pseudo-Interface 1", "Ethernet"). unisock's name is the NDIS interface name on
/// Windows, the one Windows' own if_nametoindex / if_indextoname use, as Python does, so
/// that network_interface::name, interface_name_to_index and interface_index_to_name agree
/// on every OS; the alias is network_interface::friendly_name (the name itself on POSIX),
/// and interface_name_to_index accepts it too. Names are UTF-8 on every OS.
///
/// Thread safety: the calls may run on any number of threads at once.

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "unisock/address.hpp"

namespace unisock {

/// One address of an interface, with the length of its network prefix (the netmask as a
/// bit count: 8 for 127.0.0.1 with 255.0.0.0, 128 for ::1).
struct interface_address {
    /// The address; an IPv6 link-local one carries the interface's index as its scope.
    ip_address ip;
    /// The prefix length in bits: 0..32 for IPv4, 0..128 for IPv6.
    unsigned prefix_length = 0;
};

/// One network interface as the OS reports it.
struct network_interface {
    /// The interface's name ("lo", "eth0"; on Windows the NDIS name, "loopback_0"): what
    /// interface_name_to_index takes and interface_index_to_name gives.
    std::string name;
    /// The name a user sees: Windows' alias ("Loopback Pseudo-Interface 1", "Ethernet");
    /// the same as name on POSIX.
    std::string friendly_name;
    /// The interface index (if_nametoindex; an IPv6 scope id), never 0.
    std::uint32_t index = 0;
    /// Administratively up and, on Windows, operationally up (IFF_UP; OperStatus up).
    bool up = false;
    /// A loopback interface (IFF_LOOPBACK; IF_TYPE_SOFTWARE_LOOPBACK).
    bool loopback = false;
    /// The interface supports multicast (IFF_MULTICAST; no IP_ADAPTER_NO_MULTICAST flag).
    bool multicast = false;
    /// Its IPv4 and IPv6 addresses, in the order the OS lists them (other families, such
    /// as link-layer addresses, are left out). May be empty.
    std::vector<interface_address> addresses;
};

/// Every network interface of this machine, ordered by index, each once with all its IP
/// addresses (Python's if_nameindex gives the name and index of each). POSIX:
/// getifaddrs(3) and if_nametoindex(3). Windows: GetAdaptersAddresses (iphlpapi) and
/// ConvertInterfaceLuidToNameW. Fails with the OS's error (no_buffer_space when memory
/// runs out) as socket_error.
std::vector<network_interface> interfaces();
/// interfaces(), reporting a failure in ec instead of throwing (the list is then empty).
std::vector<network_interface> interfaces(std::error_code& ec);

/// The index of the interface called name (Python's if_nametoindex): "lo" -> 1 on Linux.
/// On Windows name may be the interface name ("loopback_0") or its alias ("Loopback
/// Pseudo-Interface 1"). An unknown, empty or too long name, or one with a NUL, fails with
/// invalid_argument (socket_error, whose message names the interface). POSIX:
/// if_nametoindex(3). Windows: ConvertInterfaceNameToLuidW, then
/// ConvertInterfaceAliasToLuid, and ConvertInterfaceLuidToIndex.
std::uint32_t interface_name_to_index(std::string_view name);
/// interface_name_to_index(name), reporting a failure in ec instead of throwing (0 then).
std::uint32_t interface_name_to_index(std::string_view name, std::error_code& ec) noexcept;

/// The name of the interface with this index (Python's if_indextoname), as
/// network_interface::name gives it. An index no interface has (0 included) fails with
/// invalid_argument (socket_error, whose message names the index). POSIX:
/// if_indextoname(3). Windows: ConvertInterfaceIndexToLuid, ConvertInterfaceLuidToNameW.
std::string interface_index_to_name(std::uint32_t index);
/// interface_index_to_name(index), reporting a failure in ec instead of throwing (empty
/// then; memory it cannot get is no_buffer_space).
std::string interface_index_to_name(std::uint32_t index, std::error_code& ec) noexcept;

} // namespace unisock
