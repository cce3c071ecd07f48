#pragma once
// Addresses: IPv4, IPv6 (with scope and flow info) and Unix-domain paths, as plain values.
// Parsing and formatting are portable code, so the same text is accepted or rejected on
// every OS; the conversion to the OS structures happens inside platform/ only.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace unisock {

// Address families (AF_INET, AF_INET6, AF_UNIX). Any other value is passed through to
// the OS check and fails with errc::address_family_not_supported.
enum class address_family : int { unspecified = 0, ipv4 = 1, ipv6 = 2, local = 3 };

// "ipv4", "ipv6", "local", "unspecified" or "family(N)".
std::string to_string(address_family f);

// An IP address without a port. Holds 4 bytes for IPv4, 16 for IPv6.
class ip_address {
public:
    using v4_bytes = std::array<std::uint8_t, 4>;
    using v6_bytes = std::array<std::uint8_t, 16>;

    ip_address() noexcept = default; // 0.0.0.0
    static ip_address v4(v4_bytes bytes) noexcept;
    static ip_address v6(const v6_bytes& bytes, std::uint32_t scope_id = 0) noexcept;
    static ip_address v4_any() noexcept { return v4({0, 0, 0, 0}); }
    static ip_address v4_loopback() noexcept { return v4({127, 0, 0, 1}); }
    static ip_address v6_any() noexcept { return v6({}); }
    static ip_address v6_loopback() noexcept;

    // Parses dotted-quad IPv4 ("127.0.0.1": four decimal octets 0..255, no leading zeros)
    // or IPv6 text ("::1", "fe80::1%3", "::ffff:1.2.3.4"); a scope after '%' is an
    // interface index or the name of an interface on this machine ("fe80::1%eth0",
    // "%lo0"; on Windows "%ethernet_32768" or the alias "%Ethernet"), stored as its index
    // (if_nametoindex; ConvertInterfaceNameToLuidW). Fails with errc::invalid_argument,
    // for an unknown interface too; the throwing form raises socket_error.
    static ip_address parse(std::string_view text);
    static ip_address parse(std::string_view text, std::error_code& ec) noexcept;

    address_family family() const noexcept { return family_; }
    bool is_v4() const noexcept { return family_ == address_family::ipv4; }
    bool is_v6() const noexcept { return family_ == address_family::ipv6; }
    bool is_loopback() const noexcept;
    bool is_unspecified() const noexcept;
    v4_bytes to_v4() const noexcept; // first 4 bytes
    const v6_bytes& bytes() const noexcept { return bytes_; }
    std::uint32_t scope_id() const noexcept { return scope_id_; }

    // "127.0.0.1", "::1", "fe80::1%3" (RFC 5952 form: lower case, longest zero run as ::).
    std::string to_string() const;

    friend bool operator==(const ip_address&, const ip_address&) noexcept = default;

private:
    address_family family_ = address_family::ipv4;
    v6_bytes bytes_{};
    std::uint32_t scope_id_ = 0;
};

// Longest Unix-domain socket path accepted on every OS (bytes, without the terminating
// NUL): the smallest sun_path (104 bytes on macOS) minus one. Longer paths fail with
// errc::name_too_long instead of being truncated. A creation rule only (address::local):
// names the OS hands back are held as they are, up to max_received_local_name.
inline constexpr std::size_t max_local_path = 103;

// Longest Unix-domain name the OS can hand back (Linux's sun_path: a 108-byte path, or an
// abstract name of a NUL and 107 bytes, which may hold more NULs).
inline constexpr std::size_t max_received_local_name = 108;

// A socket address: an IP address and port, or a Unix-domain path.
class address {
public:
    address() noexcept = default; // 0.0.0.0:0
    address(const ip_address& ip, std::uint16_t port) noexcept : ip_(ip), port_(port) {}
    static address v4(ip_address::v4_bytes bytes, std::uint16_t port) noexcept {
        return {ip_address::v4(bytes), port};
    }
    static address v4_loopback(std::uint16_t port) noexcept { return {ip_address::v4_loopback(), port}; }
    static address v6_loopback(std::uint16_t port) noexcept { return {ip_address::v6_loopback(), port}; }
    static address v4_any(std::uint16_t port) noexcept { return {ip_address::v4_any(), port}; }

    // A Unix-domain path. A leading '\0' names a Linux abstract socket (see
    // capabilities().abstract_local). Fails with errc::name_too_long past max_local_path
    // and errc::invalid_argument for an empty path or one with an embedded NUL.
    static address local(std::string_view path);
    static address local(std::string_view path, std::error_code& ec);
    // A Unix-domain name exactly as the OS handed it back (a recv_from sender, an accepted
    // peer, getsockname/getpeername): no length or NUL rule, since a datagram or a
    // connection is never lost because its sender's name is unusual. Empty is unnamed.
    // Binding or connecting to it fails with errc::name_too_long where it does not fit
    // the OS's sun_path.
    static address local_as_received(std::string_view name);
    // The address of an unnamed Unix-domain socket (an unbound one, such as an accepted
    // connection's peer or one end of a socketpair): family local, empty path, "unix:".
    static address local_unnamed() noexcept;

    // Parses "127.0.0.1:80", "[::1]:80", "[fe80::1%2]:80", or "unix:/path" ("unix:@name"
    // for an abstract name, with to_string()'s %HH escapes). The port must be decimal
    // 0..65535. A Unix-domain name may be up to max_received_local_name bytes, so that
    // parse(to_string(a)) == a for every name the OS hands back (errc::name_too_long past
    // it). Fails with errc::invalid_argument, for a '%' without two hex digits too.
    static address parse(std::string_view text);
    static address parse(std::string_view text, std::error_code& ec);

    address_family family() const noexcept { return is_local_ ? address_family::local : ip_.family(); }
    const ip_address& ip() const noexcept { return ip_; }
    std::uint16_t port() const noexcept { return port_; }
    std::uint32_t flow_info() const noexcept { return flow_info_; }
    void set_flow_info(std::uint32_t value) noexcept { flow_info_ = value; }
    const std::string& path() const noexcept { return path_; } // local addresses only

    // "127.0.0.1:80", "[::1]:80", "unix:/path" (abstract names as "unix:@name"). In a
    // Unix-domain name, '%', control bytes (NUL included) and a filesystem path's leading
    // '@' print as %HH ("@x" as "unix:%40x", "\0a\0b" as "unix:@a%00b"), so the text
    // reads back as the same name; other bytes (UTF-8 included) print as they are.
    std::string to_string() const;

    friend bool operator==(const address&, const address&) noexcept = default;

private:
    ip_address ip_;
    std::uint16_t port_ = 0;
    std::uint32_t flow_info_ = 0;
    bool is_local_ = false;
    std::string path_;
};

} // namespace unisock
