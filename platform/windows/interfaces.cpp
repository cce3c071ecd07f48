// SPDX-License-Identifier: BSL-1.0
// Network interfaces through GetAdaptersAddresses (iphlpapi). Windows names an interface
// three ways: a GUID adapter name, the NDIS interface name ("ethernet_32768") and an alias
// ("Ethernet"). unisock's name is the NDIS one, which if_nametoindex / if_indextoname and
// ConvertInterfaceNameToLuidW use (and Python returns); the alias is the friendly name.
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <netioapi.h>

#include <algorithm>
#include <memory>
#include <string>

#include "platform/platform.hpp"
#include "platform/windows/sockaddr.hpp"
#include "platform/windows/unicode.hpp"

namespace unisock::platform {

namespace {

// A Win32 status of iphlpapi as unisock's error: out of memory reads as no_buffer_space;
// the others keep their number (Win32 and WSA codes share one numbering).
std::error_code iphlpapi_error(ULONG status) noexcept {
    if (status == ERROR_NOT_ENOUGH_MEMORY || status == ERROR_OUTOFMEMORY) return make_error_code(errc::no_buffer_space);
    return {static_cast<int>(status), system_category()};
}

// The NDIS interface name ("loopback_0"), or the alias where Windows has none for this
// LUID (so that the list and interface_name agree); empty when it has neither.
std::string ndis_name(const NET_LUID& luid) {
    wchar_t name[NDIS_IF_MAX_STRING_SIZE + 1] = {};
    if (ConvertInterfaceLuidToNameW(&luid, name, std::size(name)) == NO_ERROR && name[0] != L'\0') return narrow(name);
    if (ConvertInterfaceLuidToAlias(&luid, name, std::size(name)) == NO_ERROR) return narrow(name);
    return {};
}

void add_addresses(const IP_ADAPTER_ADDRESSES& adapter, network_interface& item) {
    for (const IP_ADAPTER_UNICAST_ADDRESS* unicast = adapter.FirstUnicastAddress; unicast != nullptr;
         unicast = unicast->Next) {
        const SOCKET_ADDRESS& where = unicast->Address;
        if (where.lpSockaddr == nullptr) continue;
        const int af = where.lpSockaddr->sa_family;
        if (af != AF_INET && af != AF_INET6) continue;
        std::error_code ec;
        const address found = from_native(where.lpSockaddr, where.iSockaddrLength, ec);
        if (ec) continue;
        item.addresses.push_back({found.ip(), unicast->OnLinkPrefixLength});
    }
}

} // namespace

std::vector<network_interface> list_interfaces(std::error_code& ec) {
    constexpr ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
    // Microsoft's advice: start with 15 KB and grow to the size asked for; the list can
    // grow between two calls, hence a few tries.
    ULONG size = 15 * 1024;
    std::unique_ptr<unsigned char[]> buffer;
    ULONG status = ERROR_BUFFER_OVERFLOW;
    for (int attempt = 0; attempt < 4 && status == ERROR_BUFFER_OVERFLOW; ++attempt) {
        buffer = std::make_unique<unsigned char[]>(size);
        status = GetAdaptersAddresses(AF_UNSPEC, flags, nullptr,
                                      reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.get()), &size);
    }
    std::vector<network_interface> list;
    if (status == ERROR_NO_DATA) { // no interface at all
        ec.clear();
        return list;
    }
    if (status != NO_ERROR) {
        ec = iphlpapi_error(status);
        return list;
    }
    for (const auto* adapter = reinterpret_cast<const IP_ADAPTER_ADDRESSES*>(buffer.get()); adapter != nullptr;
         adapter = adapter->Next) {
        network_interface& item = list.emplace_back();
        // IfIndex is 0 when IPv4 is off on the interface; the IPv6 index is then the one.
        item.index = adapter->IfIndex != 0 ? adapter->IfIndex : adapter->Ipv6IfIndex;
        item.name = ndis_name(adapter->Luid);
        item.friendly_name = adapter->FriendlyName != nullptr ? narrow(adapter->FriendlyName) : std::string();
        item.up = adapter->OperStatus == IfOperStatusUp;
        item.loopback = adapter->IfType == IF_TYPE_SOFTWARE_LOOPBACK;
        item.multicast = (adapter->Flags & IP_ADAPTER_NO_MULTICAST) == 0;
        add_addresses(*adapter, item);
    }
    std::erase_if(list, [](const network_interface& item) { return item.index == 0 || item.name.empty(); });
    std::stable_sort(list.begin(), list.end(),
                     [](const network_interface& a, const network_interface& b) { return a.index < b.index; });
    ec.clear();
    return list;
}

std::string interface_name(std::uint32_t index, std::error_code& ec) {
    NET_LUID luid{};
    if (index == 0 || ConvertInterfaceIndexToLuid(index, &luid) != NO_ERROR) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    std::string name = ndis_name(luid);
    if (name.empty()) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    ec.clear();
    return name;
}

} // namespace unisock::platform
