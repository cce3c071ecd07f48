// SPDX-License-Identifier: BSL-1.0
// address::parse on any text. Whatever parses must print, and the printed text must
// parse back to an equal address that prints the same way (to_string is canonical);
// whatever fails must fail with a documented, clean error and leave the default address.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "fuzz_check.hpp"
#include "unisock/address.hpp"

using unisock_fuzz::check;
using unisock_fuzz::visible;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The longest valid text is "unix:" and 108 bytes as %HH: larger inputs only cost time.
    if (size > 1024) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    unisock_fuzz::no_throw("address::parse", [&] {
        std::error_code ec;
        const unisock::address parsed = unisock::address::parse(text, ec);
        if (ec) {
            unisock_fuzz::check_clean(ec, {unisock::errc::invalid_argument, unisock::errc::name_too_long},
                                      "address::parse");
            check(parsed == unisock::address{}, "a failed parse returns the default address", visible(text));
            return;
        }

        const std::string printed = parsed.to_string();
        std::error_code again;
        const unisock::address reparsed = unisock::address::parse(printed, again);
        check(!again, "to_string's text does not parse back", visible(text) + " -> " + visible(printed));
        check(reparsed == parsed, "to_string's text parses to another address", visible(text) + " -> " + visible(printed));
        check(reparsed.to_string() == printed, "to_string is not canonical", visible(printed));

        if (parsed.family() == unisock::address_family::local) {
            check(!parsed.path().empty() && parsed.path().size() <= unisock::max_received_local_name,
                  "local name size out of range", visible(text));
            check(parsed.port() == 0 && parsed.ip() == unisock::ip_address{}, "local address with an IP part",
                  visible(text));
            // A name that address::local accepts makes the same address.
            std::error_code local_ec;
            const unisock::address made = unisock::address::local(parsed.path(), local_ec);
            if (!local_ec)
                check(made == parsed, "address::local gives another address", visible(text));
            else
                unisock_fuzz::check_clean(local_ec, {unisock::errc::invalid_argument, unisock::errc::name_too_long},
                                          "address::local");
            return;
        }

        // An IP address: its text alone parses back to it (scope included), and the
        // bracket rule holds (IPv6 only inside [], IPv4 never).
        check(parsed.family() == unisock::address_family::ipv4 || parsed.family() == unisock::address_family::ipv6,
              "unknown family", visible(text));
        check(text.starts_with('[') == parsed.ip().is_v6(), "brackets and family disagree", visible(text));
        std::error_code ip_ec;
        const unisock::ip_address ip = unisock::ip_address::parse(parsed.ip().to_string(), ip_ec);
        check(!ip_ec && ip == parsed.ip(), "the IP address's text does not parse back", visible(text));
        check(parsed.flow_info() == 0, "parse set flow information", visible(text));
    });
    return 0;
}
