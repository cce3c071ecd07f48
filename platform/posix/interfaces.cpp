// SPDX-License-Identifier: BSL-1.0
// Network interfaces through getifaddrs(3), which Linux, macOS and the BSDs all have: one
// entry per address (and one per interface for its link layer: AF_PACKET on Linux, AF_LINK
// on the BSDs), grouped here by interface name.
#include <ifaddrs.h>
#include <net/if.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>

#include "platform/platform.hpp"
#include "platform/posix/sockaddr.hpp"

namespace unisock::platform {

namespace {

struct ifaddrs_deleter {
    void operator()(ifaddrs* list) const noexcept { ::freeifaddrs(list); }
};

// The set bits of a netmask (contiguous on every interface a kernel accepts).
unsigned prefix_length_of(const ip_address& mask) noexcept {
    const std::size_t size = mask.is_v4() ? 4 : 16;
    unsigned bits = 0;
    for (std::size_t i = 0; i < size; ++i) bits += static_cast<unsigned>(std::popcount(mask.bytes()[i]));
    return bits;
}

network_interface& entry_for(std::vector<network_interface>& list, const ifaddrs& entry) {
    const auto found = std::find_if(list.begin(), list.end(),
                                    [&](const network_interface& known) { return known.name == entry.ifa_name; });
    if (found != list.end()) return *found;
    network_interface& added = list.emplace_back();
    added.name = entry.ifa_name;
    added.friendly_name = added.name;
    added.index = ::if_nametoindex(entry.ifa_name);
    added.up = (entry.ifa_flags & IFF_UP) != 0;
    added.loopback = (entry.ifa_flags & IFF_LOOPBACK) != 0;
    added.multicast = (entry.ifa_flags & IFF_MULTICAST) != 0;
    return added;
}

// How many bytes of a sockaddr the OS filled in: the BSDs' sockaddrs carry their length,
// and a netmask may end after its last nonzero byte; Linux's are whole.
template <class Sockaddr>
std::size_t filled_length(const Sockaddr& sa, std::size_t whole) noexcept {
    if constexpr (requires { sa.sa_len; }) {
        return std::min<std::size_t>(sa.sa_len, whole);
    } else {
        return whole;
    }
}

// An IPv4 or IPv6 address entry with its netmask; false for other families.
bool ip_of(const ifaddrs& entry, interface_address& out) {
    if (entry.ifa_addr == nullptr) return false;
    const int af = entry.ifa_addr->sa_family;
    if (af != AF_INET && af != AF_INET6) return false;
    const native_length length = af == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
    std::error_code ec;
    out.ip = from_native(entry.ifa_addr, length, ec).ip();
    if (ec) return false;
    out.prefix_length = 0;
    if (entry.ifa_netmask != nullptr) {
        // The netmask's own family field is not always filled in (older BSDs): read it as
        // the address's family. The bytes it leaves out are zero.
        native_address mask;
        std::memcpy(&mask.storage, entry.ifa_netmask, filled_length(*entry.ifa_netmask, length));
        mask.get()->sa_family = static_cast<sa_family_t>(af);
        const address mask_address = from_native(mask.get(), length, ec);
        if (!ec) out.prefix_length = prefix_length_of(mask_address.ip());
    }
    return true;
}

} // namespace

std::vector<network_interface> list_interfaces(std::error_code& ec) {
    ifaddrs* raw = nullptr;
    if (::getifaddrs(&raw) != 0) {
        ec = last_error();
        return {};
    }
    const std::unique_ptr<ifaddrs, ifaddrs_deleter> owned(raw);
    std::vector<network_interface> list;
    for (const ifaddrs* entry = raw; entry != nullptr; entry = entry->ifa_next) {
        if (entry->ifa_name == nullptr) continue;
        network_interface& item = entry_for(list, *entry);
        interface_address found;
        if (ip_of(*entry, found)) item.addresses.push_back(found);
    }
    // An interface removed between getifaddrs and if_nametoindex has no index any more.
    std::erase_if(list, [](const network_interface& item) { return item.index == 0; });
    std::stable_sort(list.begin(), list.end(),
                     [](const network_interface& a, const network_interface& b) { return a.index < b.index; });
    ec.clear();
    return list;
}

std::string interface_name(std::uint32_t index, std::error_code& ec) {
    char name[IF_NAMESIZE] = {};
    if (index == 0 || ::if_indextoname(index, name) == nullptr) {
        ec = make_error_code(errc::invalid_argument); // ENXIO: no interface of that index
        return {};
    }
    ec.clear();
    return name;
}

} // namespace unisock::platform
