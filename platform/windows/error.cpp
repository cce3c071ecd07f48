// SPDX-License-Identifier: BSL-1.0
// Winsock errors: the "winsock" category and the one table from WSA* codes to unisock::errc.
#include <winsock2.h>
#include <windows.h>

#include <iterator>
#include <string>

#include "platform/error_category.hpp"
#include "platform/platform.hpp"
#include "platform/windows/sockaddr.hpp"
#include "platform/windows/unicode.hpp"

namespace unisock::platform {

namespace {

// The system's own text for a WSA (or Win32) code, in UTF-8 (FormatMessageW, so a
// localised message is never read in the ANSI code page), without the trailing line
// break. Where the system has none (Wine has no text for most WSA codes) the portable
// description stands in, so a message is never empty.
std::string format_system_message(int code) {
    wchar_t text[512] = {};
    const DWORD length = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr,
                                        static_cast<DWORD>(code), 0, text, static_cast<DWORD>(std::size(text)), nullptr);
    std::string message = narrow(std::wstring_view(text, length));
    while (!message.empty() && (message.back() == '\r' || message.back() == '\n' || message.back() == ' '))
        message.pop_back();
    if (!message.empty()) return message;
    const errc portable = translate_system_error(code);
    if (portable != errc::unknown) return make_error_code(portable).message();
    return "Winsock error " + std::to_string(code);
}

// connect()'s WSAEWOULDBLOCK means "in progress" (POSIX's EINPROGRESS).
errc translate_connect_error(int native) noexcept {
    if (native == WSAEWOULDBLOCK) return errc::in_progress;
    return translate_system_error(native);
}

} // namespace

const std::error_category& system_category() noexcept {
    static const native_category instance("winsock", format_system_message, translate_system_error, false);
    return instance;
}

const std::error_category& connect_category() noexcept {
    static const native_category instance("winsock", format_system_message, translate_connect_error, false);
    return instance;
}

// getaddrinfo's EAI_* codes are defined as WSA codes on Windows (EAI_NONAME is
// WSAHOST_NOT_FOUND, ...), so resolver errors share the Winsock category.
const std::error_category& resolver_category() noexcept { return system_category(); }

std::error_code last_error() noexcept { return {WSAGetLastError(), system_category()}; }

errc translate_system_error(int native) noexcept {
    switch (native) {
    case WSAEWOULDBLOCK: return errc::would_block;
    case WSAEINPROGRESS: return errc::in_progress;
    case WSAEALREADY: return errc::already_in_progress;
    case WSAETIMEDOUT: return errc::timed_out;
    case WSAEINTR: return errc::interrupted;
    case WSAECONNREFUSED: return errc::connection_refused;
    case WSAECONNRESET: return errc::connection_reset;
    case WSAENETRESET: return errc::connection_reset; // keep-alive found the peer gone
    case WSAECONNABORTED: return errc::connection_aborted;
    case WSAESHUTDOWN: return errc::broken_pipe;
    case WSAENOTCONN: return errc::not_connected;
    case WSAEISCONN: return errc::already_connected;
    case WSAEADDRINUSE: return errc::address_in_use;
    case WSAEADDRNOTAVAIL: return errc::address_not_available;
    case WSAEAFNOSUPPORT: return errc::address_family_not_supported;
    case WSAEPROTONOSUPPORT: return errc::protocol_not_supported;
    case WSAEPROTOTYPE: return errc::protocol_not_supported;
    case WSAESOCKTNOSUPPORT: return errc::socket_type_not_supported;
    case WSAEOPNOTSUPP: return errc::operation_not_supported;
    case WSAENOPROTOOPT: return errc::operation_not_supported;
    case WSAENETDOWN: return errc::network_down;
    case WSASYSNOTREADY: return errc::network_down;
    case WSAENETUNREACH: return errc::network_unreachable;
    case WSAEHOSTUNREACH: return errc::host_unreachable;
    case WSAEHOSTDOWN: return errc::host_unreachable;
    case WSAENOTSOCK: return errc::bad_descriptor;
    case WSAEBADF: return errc::bad_descriptor;
    case WSA_INVALID_HANDLE: return errc::bad_descriptor;
    case WSAEINVAL: return errc::invalid_argument;
    case WSAEFAULT: return errc::invalid_argument;
    case WSA_INVALID_PARAMETER: return errc::invalid_argument;
    case WSAEMSGSIZE: return errc::message_size;
    case WSAENOBUFS: return errc::no_buffer_space;
    case WSA_NOT_ENOUGH_MEMORY: return errc::no_buffer_space;
    case WSAEMFILE: return errc::too_many_open_files;
    case WSAEACCES: return errc::permission_denied;
    case WSAENAMETOOLONG: return errc::name_too_long;
    case WSAHOST_NOT_FOUND: return errc::host_not_found;
    case WSANO_DATA: return errc::host_not_found;
    case WSATRY_AGAIN: return errc::try_again;
    case WSATYPE_NOT_FOUND: return errc::service_not_found;
    case WSANO_RECOVERY: return errc::resolver_failure;
    case WSANOTINITIALISED: return errc::not_initialized;
    case WSAVERNOTSUPPORTED: return errc::not_initialized;
    case WSA_OPERATION_ABORTED: return errc::operation_canceled;
    case WSAECANCELLED: return errc::operation_canceled;
    default: return errc::unknown;
    }
}

errc translate_resolver_error(int native) noexcept { return translate_system_error(native); }

} // namespace unisock::platform
