// SPDX-License-Identifier: BSL-1.0
#pragma once
// S34 raw probe: what the OS's own interface listing says about the loopback interface.

#include <string>

namespace conformance::native {

// POSIX: the getifaddrs(3) entries of loopback interfaces, as the OS lists them (one per
// family, the link layer included: "lo AF_PACKET; lo AF_INET 127.0.0.1 mask 255.0.0.0; lo
// AF_INET6 ::1 mask ffff:...", if_nametoindex). Windows: the GetAdaptersAddresses entry of
// the software loopback (adapter name, alias, IfIndex, NDIS name, unicast addresses with
// OnLinkPrefixLength, OperStatus).
std::string raw_loopback_interfaces();

} // namespace conformance::native
