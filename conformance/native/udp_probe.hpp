// SPDX-License-Identifier: BSL-1.0
#pragma once
// S13 raw probe: what the OS reports when a UDP datagram hits a closed loopback port and
// the ICMP port-unreachable comes back, on an unconnected and on a connected socket.

#include <string>

namespace conformance::native {

// sendto a closed port, then a live peer sends us a datagram; what recvfrom reports
// (Linux and macOS ignore the ICMP on an unconnected socket; Windows fails the next
// recvfrom with WSAECONNRESET unless SIO_UDP_CONNRESET is switched off).
std::string raw_udp_unreachable_unconnected();

struct udp_probe_result {
    std::string description; // what the OS did, for the report
    bool error_reported = false; // whether the OS reported the port-unreachable at all
};

// connect to a closed port, send, then recv (ECONNREFUSED on POSIX, WSAECONNRESET on
// Windows; Wine reports nothing).
udp_probe_result raw_udp_unreachable_connected();

// Two UDP sockets on one loopback port, both with SO_REUSEADDR (Linux lets the second in,
// and it then takes the datagrams; Windows and macOS refuse it).
std::string raw_two_udp_sockets_with_reuse_address();

} // namespace conformance::native
