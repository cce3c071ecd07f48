// SPDX-License-Identifier: BSL-1.0
// Address parsing and formatting, written by hand rather than through inet_pton/inet_ntop
// so that every OS accepts and rejects exactly the same text and prints the same canonical
// form (the OS functions differ: glibc accepts "1.2.3.04" in some calls, Windows accepts
// a shortened "127.1", each prints IPv4-compatible addresses its own way).

#include "unisock/address.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "platform/platform.hpp"
#include "unisock/error.hpp"

namespace unisock {

namespace {

constexpr std::size_t v6_group_count = 8;
constexpr std::size_t max_v4_part_digits = 3;
constexpr std::size_t max_v6_group_digits = 4;
constexpr std::size_t max_port_digits = 5;
constexpr std::size_t max_scope_digits = 10; // 4294967295
constexpr std::string_view local_prefix = "unix:";

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

std::optional<unsigned> hex_value(char c) noexcept {
    if (is_digit(c)) return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
    return std::nullopt;
}

// A decimal number of 1..max_digits digits no greater than limit; nothing else (no sign,
// no space, no "0x").
std::optional<std::uint32_t> parse_decimal(std::string_view text, std::size_t max_digits,
                                           std::uint64_t limit) noexcept {
    if (text.empty() || text.size() > max_digits) return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : text) {
        if (!is_digit(c)) return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
        if (value > limit) return std::nullopt;
    }
    return static_cast<std::uint32_t>(value);
}

// One part of a dotted quad: 0..255 in decimal, and no leading zero except "0" itself, so
// that "010" is never read as octal by one OS and decimal by another.
std::optional<std::uint8_t> parse_v4_part(std::string_view part) noexcept {
    if (part.size() > 1 && part.front() == '0') return std::nullopt;
    const auto value = parse_decimal(part, max_v4_part_digits, 255);
    if (!value) return std::nullopt;
    return static_cast<std::uint8_t>(*value);
}

// Exactly four parts separated by single dots.
std::optional<ip_address::v4_bytes> parse_v4(std::string_view text) noexcept {
    ip_address::v4_bytes bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const bool last = i + 1 == bytes.size();
        const std::size_t dot = text.find('.');
        if (last != (dot == std::string_view::npos)) return std::nullopt;
        const auto part = parse_v4_part(text.substr(0, dot));
        if (!part) return std::nullopt;
        bytes[i] = *part;
        if (!last) text.remove_prefix(dot + 1);
    }
    return bytes;
}

std::optional<std::uint16_t> parse_v6_group(std::string_view text) noexcept {
    if (text.empty() || text.size() > max_v6_group_digits) return std::nullopt;
    unsigned value = 0;
    for (const char c : text) {
        const auto digit = hex_value(c);
        if (!digit) return std::nullopt;
        value = value * 16 + *digit;
    }
    return static_cast<std::uint16_t>(value);
}

// The 16-bit groups of one side of a "::" (or of a whole address without one), in order.
struct v6_groups {
    std::array<std::uint16_t, v6_group_count> values{};
    std::size_t count = 0;

    bool push(std::uint16_t value) noexcept {
        if (count == values.size()) return false;
        values[count++] = value;
        return true;
    }
};

// "a:b:c" as groups; an empty text is no group. When ends_address is set the last piece
// may be a dotted quad, which fills two groups (RFC 4291 section 2.2, form 3).
std::optional<v6_groups> parse_v6_groups(std::string_view text, bool ends_address) noexcept {
    v6_groups groups;
    if (text.empty()) return groups;
    for (;;) {
        const std::size_t colon = text.find(':');
        const std::string_view piece = text.substr(0, colon);
        const bool last = colon == std::string_view::npos;
        if (last && ends_address && piece.find('.') != std::string_view::npos) {
            const auto v4 = parse_v4(piece);
            if (!v4) return std::nullopt;
            if (!groups.push(static_cast<std::uint16_t>((*v4)[0] << 8 | (*v4)[1])) ||
                !groups.push(static_cast<std::uint16_t>((*v4)[2] << 8 | (*v4)[3])))
                return std::nullopt;
            return groups;
        }
        const auto group = parse_v6_group(piece);
        if (!group || !groups.push(*group)) return std::nullopt;
        if (last) return groups;
        text.remove_prefix(colon + 1);
    }
}

// The address part of an IPv6 text (no scope): 8 groups, or fewer around one "::" that
// stands for at least one zero group.
std::optional<ip_address::v6_bytes> parse_v6_address(std::string_view text) noexcept {
    v6_groups head;
    v6_groups tail;
    const std::size_t gap = text.find("::");
    if (gap == std::string_view::npos) {
        const auto all = parse_v6_groups(text, true);
        if (!all || all->count != v6_group_count) return std::nullopt;
        head = *all;
    } else {
        const std::string_view after = text.substr(gap + 2);
        if (after.find("::") != std::string_view::npos) return std::nullopt;
        const auto before_gap = parse_v6_groups(text.substr(0, gap), false);
        const auto after_gap = parse_v6_groups(after, true);
        if (!before_gap || !after_gap) return std::nullopt;
        if (before_gap->count + after_gap->count >= v6_group_count) return std::nullopt;
        head = *before_gap;
        tail = *after_gap;
    }
    ip_address::v6_bytes bytes{};
    const auto store = [&bytes](std::size_t index, std::uint16_t value) {
        bytes[2 * index] = static_cast<std::uint8_t>(value >> 8);
        bytes[2 * index + 1] = static_cast<std::uint8_t>(value & 0xff);
    };
    for (std::size_t i = 0; i < head.count; ++i) store(i, head.values[i]);
    for (std::size_t i = 0; i < tail.count; ++i) store(v6_group_count - tail.count + i, tail.values[i]);
    return bytes;
}

// The scope after '%': a decimal interface index, or the name of an interface on this
// machine (looked up in platform/, the one place that knows how each OS names them).
std::optional<std::uint32_t> parse_scope(std::string_view scope) noexcept {
    const bool numeric = !scope.empty() && scope.find_first_not_of("0123456789") == std::string_view::npos;
    if (numeric) return parse_decimal(scope, max_scope_digits, std::numeric_limits<std::uint32_t>::max());
    if (scope.empty() || scope.find('%') != std::string_view::npos) return std::nullopt;
    std::error_code ec;
    const std::uint32_t index = platform::interface_index(scope, ec);
    if (ec) return std::nullopt;
    return index;
}

// "addr" or "addr%scope" (see parse_scope).
std::optional<ip_address> parse_v6(std::string_view text) noexcept {
    std::uint32_t scope = 0;
    const std::size_t percent = text.find('%');
    if (percent != std::string_view::npos) {
        const auto parsed = parse_scope(text.substr(percent + 1));
        if (!parsed) return std::nullopt;
        scope = *parsed;
        text = text.substr(0, percent);
    }
    const auto bytes = parse_v6_address(text);
    if (!bytes) return std::nullopt;
    return ip_address::v6(*bytes, scope);
}

std::optional<ip_address> parse_ip(std::string_view text) noexcept {
    if (text.find(':') != std::string_view::npos) return parse_v6(text);
    const auto bytes = parse_v4(text);
    if (!bytes) return std::nullopt;
    return ip_address::v4(*bytes);
}

std::optional<std::uint16_t> parse_port(std::string_view text) noexcept {
    const auto value = parse_decimal(text, max_port_digits, 65535);
    if (!value) return std::nullopt;
    return static_cast<std::uint16_t>(*value);
}

// "[v6]:port" or "a.b.c.d:port".
std::optional<address> parse_ip_and_port(std::string_view text) noexcept {
    std::optional<ip_address> ip;
    std::string_view port_text;
    if (!text.empty() && text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        ip = parse_v6(text.substr(1, close - 1));
        const std::string_view rest = text.substr(close + 1);
        if (rest.empty() || rest.front() != ':') return std::nullopt;
        port_text = rest.substr(1);
    } else {
        const std::size_t colon = text.find(':');
        if (colon == std::string_view::npos) return std::nullopt;
        const auto bytes = parse_v4(text.substr(0, colon));
        if (bytes) ip = ip_address::v4(*bytes);
        port_text = text.substr(colon + 1);
    }
    const auto port = parse_port(port_text);
    if (!ip || !port) return std::nullopt;
    return address(*ip, *port);
}

std::string quoted(std::string_view text) {
    std::string result = "'";
    result += text;
    result += '\'';
    return result;
}

// A path for an error message: the path itself, unless it is too long to be one.
std::string describe_path(std::string_view path) {
    if (path.size() > max_local_path) return std::to_string(path.size()) + "-byte path";
    return quoted(path);
}

// The text form of a Unix-domain name (see address.hpp): '%' and every control byte
// become %HH, and so does a filesystem path's leading '@', which would otherwise read
// back as an abstract name.
bool needs_escape(char c) noexcept {
    const auto byte = static_cast<unsigned char>(c);
    return c == '%' || byte < 0x20 || byte == 0x7f;
}

void append_escaped_byte(std::string& out, char c) {
    constexpr std::string_view digits = "0123456789abcdef";
    const auto byte = static_cast<unsigned char>(c);
    out += '%';
    out += digits[byte >> 4];
    out += digits[byte & 0xfu];
}

void append_local_name(std::string& out, std::string_view name) {
    const bool abstract = !name.empty() && name.front() == '\0';
    if (abstract) {
        out += '@';
        name.remove_prefix(1);
    } else if (!name.empty() && name.front() == '@') {
        append_escaped_byte(out, '@');
        name.remove_prefix(1);
    }
    for (const char c : name) {
        if (needs_escape(c))
            append_escaped_byte(out, c);
        else
            out += c;
    }
}

// The name behind the text after "unix:": a leading '@' is the abstract name's NUL, %HH
// a byte. nullopt for a '%' without two hex digits after it.
std::optional<std::string> unescape_local_name(std::string_view text) {
    std::string name;
    if (text.starts_with('@')) {
        name += '\0';
        text.remove_prefix(1);
    }
    while (!text.empty()) {
        if (text.front() != '%') {
            name += text.front();
            text.remove_prefix(1);
            continue;
        }
        const auto high = text.size() >= 3 ? hex_value(text[1]) : std::nullopt;
        const auto low = text.size() >= 3 ? hex_value(text[2]) : std::nullopt;
        if (!high || !low) return std::nullopt;
        name += static_cast<char>((*high << 4) | *low);
        text.remove_prefix(3);
    }
    return name;
}

void append_hex(std::string& out, std::uint16_t value) {
    constexpr std::string_view digits = "0123456789abcdef";
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
        const unsigned digit = (value >> shift) & 0xfu;
        started = started || digit != 0 || shift == 0;
        if (started) out += digits[digit];
    }
}

void append_v4(std::string& out, const std::uint8_t* bytes) {
    for (int i = 0; i < 4; ++i) {
        if (i != 0) out += '.';
        out += std::to_string(bytes[i]);
    }
}

bool is_v4_mapped(const ip_address::v6_bytes& bytes) noexcept {
    for (std::size_t i = 0; i < 10; ++i)
        if (bytes[i] != 0) return false;
    return bytes[10] == 0xff && bytes[11] == 0xff;
}

// The longest run of at least two zero groups, the leftmost one on a tie (RFC 5952
// section 4.2). count is 0 when there is none.
struct zero_run {
    std::size_t start = 0;
    std::size_t count = 0;
};

zero_run longest_zero_run(const std::array<std::uint16_t, v6_group_count>& groups) noexcept {
    zero_run best;
    for (std::size_t i = 0; i < groups.size();) {
        if (groups[i] != 0) {
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < groups.size() && groups[end] == 0) ++end;
        if (end - i >= 2 && end - i > best.count) best = {i, end - i};
        i = end;
    }
    return best;
}

std::string format_v6(const ip_address::v6_bytes& bytes) {
    if (is_v4_mapped(bytes)) {
        // RFC 5952 section 5: IPv4-mapped addresses keep the dotted quad.
        std::string out = "::ffff:";
        append_v4(out, bytes.data() + 12);
        return out;
    }
    std::array<std::uint16_t, v6_group_count> groups{};
    for (std::size_t i = 0; i < groups.size(); ++i)
        groups[i] = static_cast<std::uint16_t>(bytes[2 * i] << 8 | bytes[2 * i + 1]);
    const zero_run run = longest_zero_run(groups);
    std::string out;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        if (run.count != 0 && i == run.start) {
            out += "::";
            i += run.count - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        append_hex(out, groups[i]);
    }
    return out;
}

} // namespace

std::string to_string(address_family f) {
    switch (f) {
    case address_family::unspecified: return "unspecified";
    case address_family::ipv4: return "ipv4";
    case address_family::ipv6: return "ipv6";
    case address_family::local: return "local";
    }
    return "family(" + std::to_string(static_cast<int>(f)) + ")";
}

// ---- ip_address ----------------------------------------------------------------------

ip_address ip_address::v4(v4_bytes bytes) noexcept {
    ip_address ip;
    ip.family_ = address_family::ipv4;
    for (std::size_t i = 0; i < bytes.size(); ++i) ip.bytes_[i] = bytes[i];
    return ip;
}

ip_address ip_address::v6(const v6_bytes& bytes, std::uint32_t scope_id) noexcept {
    ip_address ip;
    ip.family_ = address_family::ipv6;
    ip.bytes_ = bytes;
    ip.scope_id_ = scope_id;
    return ip;
}

ip_address ip_address::v6_loopback() noexcept {
    v6_bytes bytes{};
    bytes[15] = 1;
    return v6(bytes);
}

bool ip_address::is_loopback() const noexcept {
    if (is_v4()) return bytes_[0] == 127;
    // An IPv4 loopback client of a dual-stack server shows up as ::ffff:127.x.y.z.
    if (is_v4_mapped(bytes_)) return bytes_[12] == 127;
    return bytes_ == v6_loopback().bytes_;
}

bool ip_address::is_unspecified() const noexcept {
    for (const std::uint8_t b : bytes_)
        if (b != 0) return false;
    return true;
}

ip_address::v4_bytes ip_address::to_v4() const noexcept {
    return {bytes_[0], bytes_[1], bytes_[2], bytes_[3]};
}

ip_address ip_address::parse(std::string_view text) {
    std::error_code ec;
    const ip_address ip = parse(text, ec);
    if (ec) detail::throw_error(ec, "parse ip address", quoted(text));
    return ip;
}

ip_address ip_address::parse(std::string_view text, std::error_code& ec) noexcept {
    const auto ip = parse_ip(text);
    ec = ip ? std::error_code{} : make_error_code(errc::invalid_argument);
    return ip.value_or(ip_address{});
}

std::string ip_address::to_string() const {
    if (is_v4()) {
        std::string out;
        append_v4(out, bytes_.data());
        return out;
    }
    std::string out = format_v6(bytes_);
    if (scope_id_ != 0) {
        out += '%';
        out += std::to_string(scope_id_);
    }
    return out;
}

// ---- address ---------------------------------------------------------------------------

address address::local(std::string_view path) {
    std::error_code ec;
    address result = local(path, ec);
    if (ec) detail::throw_error(ec, "local address", describe_path(path));
    return result;
}

address address::local(std::string_view path, std::error_code& ec) {
    ec.clear();
    if (path.empty() || path.find('\0', 1) != std::string_view::npos)
        ec = make_error_code(errc::invalid_argument);
    else if (path.size() > max_local_path)
        ec = make_error_code(errc::name_too_long);
    if (ec) return {};
    address result = local_unnamed();
    result.path_ = path;
    return result;
}

address address::local_as_received(std::string_view name) {
    if (name.empty()) return local_unnamed();
    address result = local_unnamed();
    result.path_ = name;
    return result;
}

address address::local_unnamed() noexcept {
    address result;
    result.is_local_ = true;
    return result;
}

address address::parse(std::string_view text) {
    std::error_code ec;
    address result = parse(text, ec);
    if (ec) detail::throw_error(ec, "parse address", quoted(text));
    return result;
}

address address::parse(std::string_view text, std::error_code& ec) {
    if (text.starts_with(local_prefix)) {
        // Any name the OS can hand back reads back from its text: the limit is
        // max_received_local_name, and an abstract name may hold NULs.
        const std::string_view rest = text.substr(local_prefix.size());
        const std::optional<std::string> name = unescape_local_name(rest);
        // Only '@' starts an abstract name; a path holds no NUL.
        const bool abstract = rest.starts_with('@');
        ec.clear();
        if (!name || name->empty() || (!abstract && name->find('\0') != std::string::npos))
            ec = make_error_code(errc::invalid_argument);
        else if (name->size() > max_received_local_name)
            ec = make_error_code(errc::name_too_long);
        if (ec) return {};
        return local_as_received(*name);
    }
    const auto result = parse_ip_and_port(text);
    ec = result ? std::error_code{} : make_error_code(errc::invalid_argument);
    return result.value_or(address{});
}

std::string address::to_string() const {
    if (is_local_) {
        std::string out(local_prefix);
        append_local_name(out, path_);
        return out;
    }
    std::string out;
    if (ip_.is_v6()) {
        out += '[';
        out += ip_.to_string();
        out += ']';
    } else {
        out = ip_.to_string();
    }
    out += ':';
    out += std::to_string(port_);
    return out;
}

} // namespace unisock
