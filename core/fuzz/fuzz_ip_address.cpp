// SPDX-License-Identifier: BSL-1.0
// ip_address::parse against the OS's inet_pton, and to_string against inet_ntop, called
// raw through conformance/native/text_probe (OS headers stay in the native probes).
//
// Intended differences, treated explicitly:
// - A scope after '%' ("fe80::1%eth0", "fe80::1%3") is unisock's and inet_pton's text has
//   none: the address before '%' is compared with inet_pton, and the scope with the rule
//   of ip_address::parse: 1..10 decimal digits up to 4294967295, or the name of an
//   interface of this machine (if_nametoindex).
// - inet_ntop prints an IPv4-compatible address (96 zero bits, then not :: or ::1, e.g.
//   ::1.2.3.4) as a dotted quad; unisock prints RFC 5952's hex form (::102:304). Both
//   parse back to the same bytes, which is what is checked for those.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "fuzz_check.hpp"
#include "native/text_probe.hpp"
#include "unisock/address.hpp"

using unisock_fuzz::check;
using unisock_fuzz::visible;

namespace {

// The scope ip_address::parse documents, or nullopt where it must refuse it.
std::optional<std::uint32_t> expected_scope(std::string_view scope) {
    if (scope.empty()) return std::nullopt;
    if (scope.find_first_not_of("0123456789") == std::string_view::npos) {
        if (scope.size() > 10) return std::nullopt;
        const std::uint64_t value = std::stoull(std::string(scope));
        if (value > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
        return static_cast<std::uint32_t>(value);
    }
    // A name never holds '%' (unisock's rule). Linux's if_nametoindex reads "eth0:x" as
    // eth0 (an alias label), and so does unisock, which asks it.
    if (scope.size() >= conformance::native::raw_interface_name_size() ||
        scope.find_first_of(std::string_view("%\0", 2)) != std::string_view::npos)
        return std::nullopt;
    const unsigned index = conformance::native::raw_interface_index(std::string(scope));
    if (index == 0) return std::nullopt;
    return index;
}

bool is_v4_compatible(const unisock::ip_address::v6_bytes& bytes) {
    for (std::size_t i = 0; i < 12; ++i)
        if (bytes[i] != 0) return false;
    return bytes[12] != 0 || bytes[13] != 0; // ::, ::1 and ::0.0.x.y print as hex in both
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 256) return 0; // the longest address with a scope is under 80 bytes
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    unisock_fuzz::no_throw("ip_address::parse", [&] {
        std::error_code ec;
        const unisock::ip_address ip = unisock::ip_address::parse(text, ec);
        if (ec) {
            unisock_fuzz::check_clean(ec, {unisock::errc::invalid_argument}, "ip_address::parse");
            check(ip == unisock::ip_address{}, "a failed parse returns 0.0.0.0", visible(text));
        }

        // inet_pton reads a C string: a text with a NUL is never an address.
        if (text.find('\0') != std::string_view::npos) {
            check(static_cast<bool>(ec), "a text with a NUL parsed", visible(text));
            return;
        }

        const std::size_t percent = text.find('%');
        const std::string numeric(text.substr(0, percent));
        const auto v4 = percent == std::string_view::npos ? conformance::native::raw_inet_pton_v4(numeric)
                                                          : std::nullopt;
        const auto v6 = conformance::native::raw_inet_pton_v6(numeric);
        const bool os_v4 = v4.has_value();
        bool os_v6 = v6.has_value();
        std::uint32_t scope = 0;
        if (percent != std::string_view::npos && os_v6) {
            const auto wanted = expected_scope(text.substr(percent + 1));
            os_v6 = wanted.has_value();
            scope = wanted.value_or(0);
        }

        check(!ec == (os_v4 || os_v6), ec ? "inet_pton accepts what ip_address::parse refuses"
                                          : "ip_address::parse accepts what inet_pton refuses",
              visible(text));
        if (ec) return;
        if (os_v4) {
            check(ip.is_v4() && ip.to_v4() == *v4, "IPv4 bytes differ from inet_pton's", visible(text));
        } else {
            check(ip.is_v6() && ip.bytes() == *v6, "IPv6 bytes differ from inet_pton's", visible(text));
            check(ip.scope_id() == scope, "scope differs from the documented one", visible(text));
        }

        // The printed text parses back, and matches inet_ntop's (scope aside).
        const std::string printed = ip.to_string();
        std::error_code again;
        check(unisock::ip_address::parse(printed, again) == ip && !again, "to_string's text does not parse back",
              visible(text) + " -> " + printed);
        if (ip.is_v4()) {
            const std::string os_text = conformance::native::raw_inet_ntop_v4(*v4);
            check(!os_text.empty(), "inet_ntop failed");
            check(printed == os_text, "to_string differs from inet_ntop", printed + " vs " + os_text);
        } else if (!is_v4_compatible(ip.bytes())) {
            const std::string os_text = conformance::native::raw_inet_ntop_v6(*v6);
            check(!os_text.empty(), "inet_ntop failed");
            const std::string address_part = printed.substr(0, printed.find('%'));
            check(address_part == os_text, "to_string differs from inet_ntop", printed + " vs " + os_text);
        }
    });
    return 0;
}
