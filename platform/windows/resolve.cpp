// SPDX-License-Identifier: BSL-1.0
// Name and service lookups through Winsock's wide-character getaddrinfo family
// (GetAddrInfoW, GetNameInfoW, GetHostNameW): unisock's UTF-8 text is converted to UTF-16
// and back, never read in the ANSI code page. The hints and the result list are turned
// into unisock's values by platform/lookup.cpp, shared with POSIX.
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <netioapi.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include "platform/lookup.hpp"
#include "platform/platform.hpp"
#include "platform/windows/sockaddr.hpp"
#include "platform/windows/unicode.hpp"

// Declared by the Windows SDK's ws2tcpip.h (Windows 8+), missing from mingw-w64's;
// ws2_32 exports both.
#if defined(__MINGW32__)
extern "C" {
WINSOCK_API_LINKAGE INT WSAAPI GetAddrInfoExCancel(LPHANDLE lpHandle);
WINSOCK_API_LINKAGE INT WSAAPI GetAddrInfoExOverlappedResult(LPOVERLAPPED lpOverlapped);
}
#endif

namespace unisock::platform {

namespace {

struct addrinfo_deleter {
    void operator()(ADDRINFOW* list) const noexcept { FreeAddrInfoW(list); }
};
using addrinfo_list = std::unique_ptr<ADDRINFOW, addrinfo_deleter>;

// Winsock's resolver returns its EAI_* codes, which are WSA codes, both as the result
// and through WSAGetLastError.
std::error_code resolver_error(int code) noexcept { return {code, resolver_category()}; }

// An empty text is "none" (a null pointer) for GetAddrInfoW and getserv*.
const wchar_t* or_null(const std::wstring& text) noexcept { return text.empty() ? nullptr : text.c_str(); }
const char* or_null(const std::string& text) noexcept { return text.empty() ? nullptr : text.c_str(); }

struct addrinfoex_deleter {
    void operator()(ADDRINFOEXW* list) const noexcept { FreeAddrInfoExW(list); }
};
using addrinfoex_list = std::unique_ptr<ADDRINFOEXW, addrinfoex_deleter>;

// The time left in whole milliseconds, rounded up so that a wait never ends before the
// deadline, and below INFINITE.
DWORD milliseconds_left(const deadline& until) noexcept {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(until.remaining()).count();
    return static_cast<DWORD>(std::min<long long>(left, INFINITE - 1));
}

// GetAddrInfoExW overlapped: Winsock runs the lookup and signals the event; the caller
// waits for it with the time left, and once the deadline passes cancels it
// (GetAddrInfoExCancel) and waits for the cancellation to complete, so that nothing
// writes into this frame after it returns. The result code; timed_out when the
// cancellation, not the lookup, ended it.
int lookup_within(const std::wstring& host, const std::wstring& service, const ADDRINFOEXW& hints,
                  const deadline& until, ADDRINFOEXW*& found, bool& timed_out) noexcept {
    OVERLAPPED overlapped{};
    overlapped.hEvent = CreateEventW(nullptr, TRUE, FALSE, nullptr);
    if (overlapped.hEvent == nullptr) return static_cast<int>(GetLastError());
    HANDLE lookup = nullptr;
    int result = GetAddrInfoExW(or_null(host), or_null(service), NS_ALL, nullptr, &hints, &found, nullptr,
                                &overlapped, nullptr, &lookup);
    if (result == WSA_IO_PENDING) {
        if (WaitForSingleObject(overlapped.hEvent, milliseconds_left(until)) == WAIT_TIMEOUT) {
            GetAddrInfoExCancel(&lookup);
            WaitForSingleObject(overlapped.hEvent, INFINITE);
        }
        result = GetAddrInfoExOverlappedResult(&overlapped);
        timed_out = result != 0 && until.has_passed();
    }
    CloseHandle(overlapped.hEvent);
    return result;
}

} // namespace

// Text that is not UTF-8 fails with invalid_argument. Without a limit: GetAddrInfoW.
std::vector<resolved_endpoint> resolve(std::string_view host, std::string_view service,
                                       const resolve_hints& hints, const deadline& until, std::error_code& ec) {
    ec = ensure_initialized();
    if (ec) return {};
    ADDRINFOW wanted{};
    ec = to_native_hints(hints, wanted);
    if (ec) return {};
    if (until.has_passed()) {
        ec = make_error_code(errc::timed_out);
        return {};
    }

    const std::wstring host_text = widen(host, ec);
    if (ec) return {};
    const std::wstring service_text = widen(service, ec);
    if (ec) return {};
    if (until.is_limited()) {
        ADDRINFOEXW wanted_ex{};
        static_cast<void>(to_native_hints(hints, wanted_ex)); // checked above
        ADDRINFOEXW* found = nullptr;
        bool timed_out = false;
        if (const int result = lookup_within(host_text, service_text, wanted_ex, until, found, timed_out); result != 0) {
            ec = timed_out ? make_error_code(errc::timed_out) : resolver_error(result);
            return {};
        }
        const addrinfoex_list list(found);
        ec.clear();
        return endpoints_of(list.get(), hints.canonical_name, [](const wchar_t* name) { return narrow(name); });
    }
    ADDRINFOW* found = nullptr;
    if (const int result = GetAddrInfoW(or_null(host_text), or_null(service_text), &wanted, &found); result != 0) {
        ec = resolver_error(result);
        return {};
    }
    const addrinfo_list list(found);
    ec.clear();
    return endpoints_of(list.get(), hints.canonical_name, [](const wchar_t* name) { return narrow(name); });
}

std::string host_name(std::error_code& ec) {
    ec = ensure_initialized();
    if (ec) return {};
    wchar_t name[256] = {}; // the documented maximum of GetHostNameW
    if (GetHostNameW(name, static_cast<int>(std::size(name))) == SOCKET_ERROR) {
        ec = last_error();
        return {};
    }
    return narrow(name);
}

std::string name_of_address(const ip_address& ip, std::error_code& ec) {
    ec = ensure_initialized();
    if (ec) return {};
    native_address native;
    ip_to_native(ip, 0, 0, native);
    wchar_t name[NI_MAXHOST] = {};
    const int result = GetNameInfoW(native.get(), native.length, name, NI_MAXHOST, nullptr, 0, NI_NAMEREQD);
    if (result != 0) {
        ec = resolver_error(result);
        return {};
    }
    return narrow(name);
}

// getservbyname/getservbyport return per-thread storage on Windows: safe to read here.
// They have no wide-character form; service and protocol names are ASCII.
std::uint16_t service_port(std::string_view service, std::string_view protocol, std::error_code& ec) {
    ec = ensure_initialized();
    if (ec) return 0;
    const std::string service_text(service);
    const std::string protocol_text(protocol);
    const servent* entry = ::getservbyname(service_text.c_str(), or_null(protocol_text));
    if (entry == nullptr) {
        ec = make_error_code(errc::service_not_found);
        return 0;
    }
    return ntohs(static_cast<u_short>(entry->s_port));
}

std::string service_name(std::uint16_t port, std::string_view protocol, std::error_code& ec) {
    ec = ensure_initialized();
    if (ec) return {};
    const std::string protocol_text(protocol);
    const servent* entry = ::getservbyport(static_cast<int>(htons(port)), or_null(protocol_text));
    if (entry == nullptr) {
        ec = make_error_code(errc::service_not_found);
        return {};
    }
    return entry->s_name;
}

// A name is tried as an interface name first ("ethernet_32768", "loopback_0"), then as
// the alias Windows shows ("Ethernet", "Wi-Fi").
std::uint32_t interface_index(std::string_view name, std::error_code& ec) noexcept {
    ec = make_error_code(errc::invalid_argument);
    wchar_t wide[IF_MAX_STRING_SIZE + 1] = {};
    if (name.empty() || name.size() > IF_MAX_STRING_SIZE || name.find('\0') != std::string_view::npos) return 0;
    const int length = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, name.data(), static_cast<int>(name.size()),
                                           wide, IF_MAX_STRING_SIZE);
    if (length <= 0) return 0;
    NET_LUID luid{};
    if (ConvertInterfaceNameToLuidW(wide, &luid) != NO_ERROR && ConvertInterfaceAliasToLuid(wide, &luid) != NO_ERROR)
        return 0;
    NET_IFINDEX index = 0;
    if (ConvertInterfaceLuidToIndex(&luid, &index) != NO_ERROR || index == 0) return 0;
    ec.clear();
    return index;
}

} // namespace unisock::platform
