// SPDX-License-Identifier: BSL-1.0
#pragma once
/// @file
/// Addresses: IPv4, IPv6 (with scope and flow info) and Unix-domain paths, as plain values.
/// Parsing and formatting are portable code, so the same text is accepted or rejected on
/// every OS: nothing in this file makes a system call (no inet_pton / inet_ntop on POSIX,
/// no InetPtonW / InetNtopW on Windows). The conversion to the OS structures (sockaddr_in,
/// sockaddr_in6, sockaddr_un) happens inside the library, when a socket call needs one.
/// Values: distinct objects may be used from different threads; a shared one only for
/// reading.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace unisock {

/// Address families: AF_INET, AF_INET6 and AF_UNIX on POSIX and on Windows (the numbers
/// here are unisock's own, translated per OS). Any other value is passed through to the
/// OS check and fails with errc::address_family_not_supported.
enum class address_family : int { unspecified = 0, ipv4 = 1, ipv6 = 2, local = 3 };

/// "ipv4", "ipv6", "local", "unspecified" or "family(N)". Throws only std::bad_alloc.
std::string to_string(address_family f);

/// An IP address without a port. Holds 4 bytes for IPv4, 16 for IPv6 (with a scope id).
class ip_address {
public:
    /// The 4 bytes of an IPv4 address, in network order (127, 0, 0, 1).
    using v4_bytes = std::array<std::uint8_t, 4>;
    /// The 16 bytes of an IPv6 address, in network order.
    using v6_bytes = std::array<std::uint8_t, 16>;

    /// 0.0.0.0.
    ip_address() noexcept = default;
    /// The IPv4 address of these bytes.
    static ip_address v4(v4_bytes bytes) noexcept;
    /// The IPv6 address of these bytes, with a scope (interface index) for link-local ones.
    static ip_address v6(const v6_bytes& bytes, std::uint32_t scope_id = 0) noexcept;
    /// 0.0.0.0 (INADDR_ANY): every IPv4 interface, for bind.
    static ip_address v4_any() noexcept { return v4({0, 0, 0, 0}); }
    /// 127.0.0.1 (INADDR_LOOPBACK).
    static ip_address v4_loopback() noexcept { return v4({127, 0, 0, 1}); }
    /// :: (in6addr_any): every IPv6 interface, for bind.
    static ip_address v6_any() noexcept { return v6({}); }
    /// ::1 (in6addr_loopback).
    static ip_address v6_loopback() noexcept;

    /// Parses dotted-quad IPv4 ("127.0.0.1": four decimal octets 0..255, no leading zeros)
    /// or IPv6 text ("::1", "fe80::1%3", "::ffff:1.2.3.4"); a scope after '%' is an
    /// interface index or the name of an interface on this machine ("fe80::1%eth0",
    /// "%lo0"; on Windows "%ethernet_32768" or the alias "%Ethernet"), stored as its index
    /// (POSIX: if_nametoindex; Windows: ConvertInterfaceNameToLuidW). Fails with
    /// errc::invalid_argument, for an unknown interface too; the throwing form raises
    /// socket_error. The numeric text is parsed by portable code, the same on every OS.
    static ip_address parse(std::string_view text);
    /// parse(text), reporting a failure in ec instead of throwing.
    static ip_address parse(std::string_view text, std::error_code& ec) noexcept;

    /// address_family::ipv4 or address_family::ipv6.
    address_family family() const noexcept { return family_; }
    /// True for an IPv4 address.
    bool is_v4() const noexcept { return family_ == address_family::ipv4; }
    /// True for an IPv6 address.
    bool is_v6() const noexcept { return family_ == address_family::ipv6; }
    /// True for 127.0.0.0/8, ::1, and 127.0.0.0/8 mapped into IPv6 (an IPv4 loopback
    /// client of a dual-stack server).
    bool is_loopback() const noexcept;
    /// True for 0.0.0.0 and ::.
    bool is_unspecified() const noexcept;
    /// The first 4 bytes (the address itself for IPv4).
    v4_bytes to_v4() const noexcept;
    /// All 16 bytes (IPv4 addresses use the first 4).
    const v6_bytes& bytes() const noexcept { return bytes_; }
    /// The IPv6 scope (interface index); 0 for IPv4 and for global addresses.
    std::uint32_t scope_id() const noexcept { return scope_id_; }

    /// "127.0.0.1", "::1", "fe80::1%3" (RFC 5952 form: lower case, longest zero run as
    /// ::). Portable code: no inet_ntop (POSIX) or InetNtopW (Windows).
    std::string to_string() const;

    /// Same family, bytes and scope.
    friend bool operator==(const ip_address&, const ip_address&) noexcept = default;

private:
    address_family family_ = address_family::ipv4;
    v6_bytes bytes_{};
    std::uint32_t scope_id_ = 0;
};

/// Longest Unix-domain socket path accepted on every OS (bytes, without the terminating
/// NUL): the smallest sun_path (104 bytes on macOS) minus one. Longer paths fail with
/// errc::name_too_long instead of being truncated. A creation rule only (address::local):
/// names the OS hands back are held as they are, up to max_received_local_name.
inline constexpr std::size_t max_local_path = 103;

/// Longest Unix-domain name the OS can hand back (Linux's sun_path: a 108-byte path, or an
/// abstract name of a NUL and 107 bytes, which may hold more NULs).
inline constexpr std::size_t max_received_local_name = 108;

/// A socket address: an IP address and port (sockaddr_in, sockaddr_in6), or a
/// Unix-domain path (sockaddr_un on POSIX and, from Windows 10 1803, in afunix.h).
class address {
public:
    /// 0.0.0.0:0.
    address() noexcept = default;
    /// ip and port.
    address(const ip_address& ip, std::uint16_t port) noexcept : ip_(ip), port_(port) {}
    /// The IPv4 address of these bytes, and port.
    static address v4(ip_address::v4_bytes bytes, std::uint16_t port) noexcept {
        return {ip_address::v4(bytes), port};
    }
    /// 127.0.0.1:port.
    static address v4_loopback(std::uint16_t port) noexcept { return {ip_address::v4_loopback(), port}; }
    /// `[::1]:port`.
    static address v6_loopback(std::uint16_t port) noexcept { return {ip_address::v6_loopback(), port}; }
    /// 0.0.0.0:port: every IPv4 interface, for bind.
    static address v4_any(std::uint16_t port) noexcept { return {ip_address::v4_any(), port}; }

    /// A Unix-domain path. A leading NUL byte names a Linux abstract socket (where
    /// capabilities().local_abstract is true; elsewhere bind and connect fail). Fails with
    /// errc::name_too_long past max_local_path and errc::invalid_argument for an empty path
    /// or one with an embedded NUL; the throwing form raises socket_error. Makes no system
    /// call: the path is checked here and copied into sun_path when a socket uses it.
    static address local(std::string_view path);
    /// local(path), reporting a failure in ec instead of throwing.
    static address local(std::string_view path, std::error_code& ec);
    /// A Unix-domain name exactly as the OS handed it back (a recv_from sender, an accepted
    /// peer, getsockname/getpeername): no length or NUL rule, since a datagram or a
    /// connection is never lost because its sender's name is unusual. Empty is unnamed.
    /// Binding or connecting to it fails with errc::name_too_long where it does not fit
    /// the OS's sun_path.
    static address local_as_received(std::string_view name);

    /// The address of an unnamed Unix-domain socket (an unbound one, such as an accepted
    /// connection's peer or one end of a socketpair): family local, empty path, "unix:".
    static address local_unnamed() noexcept;

    /// Parses "127.0.0.1:80", "[::1]:80", "[fe80::1%2]:80", or "unix:/path" ("unix:@name"
    /// for an abstract name, with to_string()'s %HH escapes). The port must be decimal
    /// 0..65535. A Unix-domain name may be up to max_received_local_name bytes, so that
    /// parse(to_string(a)) == a for every name the OS hands back (errc::name_too_long past
    /// it). Fails with errc::invalid_argument, for a '%' without two hex digits too; the
    /// throwing form raises socket_error. Portable code, no system call (no inet_pton on
    /// POSIX, no InetPtonW or WSAStringToAddressW on Windows).
    static address parse(std::string_view text);
    /// parse(text), reporting a failure in ec instead of throwing.
    static address parse(std::string_view text, std::error_code& ec);

    /// address_family::local for a Unix-domain path, else the IP address's family.
    address_family family() const noexcept { return is_local_ ? address_family::local : ip_.family(); }
    /// The IP address (0.0.0.0 for a local address).
    const ip_address& ip() const noexcept { return ip_; }
    /// The port, in host order (0 for a local address).
    std::uint16_t port() const noexcept { return port_; }
    /// IPv6 flow information (sin6_flowinfo); 0 for other families.
    std::uint32_t flow_info() const noexcept { return flow_info_; }
    /// Sets the IPv6 flow information sent with this address.
    void set_flow_info(std::uint32_t value) noexcept { flow_info_ = value; }
    /// The Unix-domain path (local addresses only; a leading NUL byte for an abstract name).
    const std::string& path() const noexcept { return path_; }

    /// "127.0.0.1:80", "[::1]:80", "unix:/path" (abstract names as "unix:@name"). In a
    /// Unix-domain name, '%', control bytes (NUL included) and a filesystem path's leading
    /// '@' print as %HH ("@x" as "unix:%40x", "\0a\0b" as "unix:@a%00b"), so the text
    /// reads back as the same name; other bytes (UTF-8 included) print as they are.
    /// Portable code: no inet_ntop (POSIX) or InetNtopW (Windows).
    std::string to_string() const;

    /// Same family, IP address, port, flow information and path.
    friend bool operator==(const address&, const address&) noexcept = default;

private:
    ip_address ip_;
    std::uint16_t port_ = 0;
    std::uint32_t flow_info_ = 0;
    bool is_local_ = false;
    std::string path_;
};

} // namespace unisock
