// SPDX-License-Identifier: BSL-1.0
#pragma once
// Raw OS helper for S35-S37: a private network in which an address can be blackholed
// (its packets dropped, so a connect gets no answer at all) without touching the machine's
// own network. Linux only: a network namespace of one thread, with nftables rules.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace conformance::native {

// Runs body on a new thread moved into a network namespace of its own
// (unshare(CLONE_NEWNET) affects only the calling thread, so the rest of the test binary
// keeps the machine's network), after bringing up its loopback interface and loading
// nft_rules with `nft -f -` there. Sockets body creates belong to that namespace; the
// namespace and its rules disappear when the thread ends and its last socket is closed.
// Packets never leave it. Returns nullopt when body ran, else the reason it could not
// (not Linux, unshare not permitted without root, nft missing or refusing the rules). An
// exception from body is rethrown here, on the caller's thread.
std::optional<std::string> run_in_private_network(const std::string& nft_rules, const std::function<void()>& body);

// The nftables rules that drop every TCP packet to ip (an IPv4 or IPv6 address) where it
// arrives, for run_in_private_network: a connect there gets no answer at all.
std::string tcp_blackhole_rules(const std::string& ip);

// What a raw blocking-free connect to ip:port does within ms milliseconds ("no answer
// within 500 ms", "ECONNREFUSED (111) after 0 ms", "connected after 0 ms"): socket,
// non-blocking connect, poll, SO_ERROR, nothing normalised. Linux/POSIX only.
std::string raw_connect_within(const std::string& ip, std::uint16_t port, int ms);

} // namespace conformance::native
