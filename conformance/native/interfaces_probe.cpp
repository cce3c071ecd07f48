// SPDX-License-Identifier: BSL-1.0
// S34 raw probe: the loopback interface as getifaddrs / GetAdaptersAddresses report it,
// nothing grouped or converted but the address text.
#include "native/interfaces_probe.hpp"

#if defined(_WIN32)
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <netioapi.h>
#else
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#endif

#include <memory>
#include <string>

namespace conformance::native {

namespace {

std::string text_of(const sockaddr* sa) {
    char text[64] = {};
    if (sa == nullptr) return "(none)";
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof text);
        return text;
    }
    if (sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, text, sizeof text);
        return text;
    }
    return "family " + std::to_string(sa->sa_family);
}

} // namespace

#if defined(_WIN32)
std::string raw_loopback_interfaces() {
    ULONG size = 64 * 1024;
    auto buffer = std::make_unique<unsigned char[]>(size);
    auto* list = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.get());
    const ULONG status = GetAdaptersAddresses(AF_UNSPEC, GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST, nullptr,
                                              list, &size);
    if (status != NO_ERROR) return "GetAdaptersAddresses failed: " + std::to_string(status);
    std::string text;
    for (const IP_ADAPTER_ADDRESSES* a = list; a != nullptr; a = a->Next) {
        if (a->IfType != IF_TYPE_SOFTWARE_LOOPBACK) continue;
        wchar_t ndis[NDIS_IF_MAX_STRING_SIZE + 1] = {};
        const bool named = ConvertInterfaceLuidToNameW(&a->Luid, ndis, std::size(ndis)) == NO_ERROR;
        char ndis_text[2 * NDIS_IF_MAX_STRING_SIZE + 2] = {};
        char alias_text[2 * NDIS_IF_MAX_STRING_SIZE + 2] = {};
        WideCharToMultiByte(CP_UTF8, 0, named ? ndis : L"?", -1, ndis_text, sizeof ndis_text, nullptr, nullptr);
        WideCharToMultiByte(CP_UTF8, 0, a->FriendlyName, -1, alias_text, sizeof alias_text, nullptr, nullptr);
        if (!text.empty()) text += "; ";
        text += std::string("AdapterName ") + a->AdapterName + ", FriendlyName \"" + alias_text + "\", NDIS name " +
                ndis_text + ", IfIndex " + std::to_string(a->IfIndex) + ", Ipv6IfIndex " +
                std::to_string(a->Ipv6IfIndex) + ", OperStatus " + std::to_string(a->OperStatus) + ":";
        for (const IP_ADAPTER_UNICAST_ADDRESS* u = a->FirstUnicastAddress; u != nullptr; u = u->Next)
            text += " " + text_of(u->Address.lpSockaddr) + "/" + std::to_string(u->OnLinkPrefixLength);
    }
    return text.empty() ? "GetAdaptersAddresses lists no IF_TYPE_SOFTWARE_LOOPBACK adapter" : text;
}
#else
std::string raw_loopback_interfaces() {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return "getifaddrs failed";
    std::string text;
    for (const ifaddrs* e = list; e != nullptr; e = e->ifa_next) {
        if ((e->ifa_flags & IFF_LOOPBACK) == 0) continue;
        if (!text.empty()) text += "; ";
        text += std::string(e->ifa_name) + " (if_nametoindex " + std::to_string(if_nametoindex(e->ifa_name)) + ")";
        if (e->ifa_addr == nullptr) {
            text += " no address";
            continue;
        }
        const int af = e->ifa_addr->sa_family;
        if (af == AF_INET || af == AF_INET6) {
            text += (af == AF_INET ? " AF_INET " : " AF_INET6 ") + text_of(e->ifa_addr) + " mask " +
                    text_of(e->ifa_netmask);
        } else {
            text += " link layer (family " + std::to_string(af) + ")";
        }
    }
    freeifaddrs(list);
    return text.empty() ? "getifaddrs lists no IFF_LOOPBACK interface" : text;
}
#endif

} // namespace conformance::native
