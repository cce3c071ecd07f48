// SPDX-License-Identifier: BSL-1.0
// POSIX errors: the "errno" and "getaddrinfo" categories and the one table from each
// native code to unisock::errc.
#include <netdb.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "platform/error_category.hpp"
#include "platform/platform.hpp"

namespace unisock::platform {

namespace {

// strerror_r comes in two shapes (XSI returns int, GNU returns the text); each overload
// below takes one, so the right one is picked without a preprocessor test.
[[maybe_unused]] std::string message_from(int result, const char* buffer) {
    return result == 0 ? std::string(buffer) : std::string();
}
[[maybe_unused]] std::string message_from(const char* text, const char*) {
    return text != nullptr ? std::string(text) : std::string();
}

std::string errno_message(int code) {
    char buffer[256] = {};
    std::string message = message_from(::strerror_r(code, buffer, sizeof buffer), buffer);
    if (message.empty()) message = "errno " + std::to_string(code);
    return message;
}

std::string resolver_message(int code) { return ::gai_strerror(code); }

} // namespace

const std::error_category& system_category() noexcept {
    static const native_category instance("errno", errno_message, translate_system_error, true);
    return instance;
}

const std::error_category& resolver_category() noexcept {
    static const native_category instance("getaddrinfo", resolver_message, translate_resolver_error, false);
    return instance;
}

std::error_code last_error() noexcept { return {errno, system_category()}; }

// A switch cannot list both EAGAIN and EWOULDBLOCK (equal on Linux, macOS and the BSDs);
// the same holds for EOPNOTSUPP and ENOTSUP on Linux.
errc translate_system_error(int native) noexcept {
    if (native == EWOULDBLOCK || native == EAGAIN) return errc::would_block;
    if (native == EOPNOTSUPP || native == ENOTSUP) return errc::operation_not_supported;
    switch (native) {
    case EINPROGRESS: return errc::in_progress;
    case EALREADY: return errc::already_in_progress;
    case ETIMEDOUT: return errc::timed_out;
    case EINTR: return errc::interrupted;
    case ECONNREFUSED: return errc::connection_refused;
    case ECONNRESET: return errc::connection_reset;
    case ENETRESET: return errc::connection_reset; // keep-alive found the peer gone
    case ECONNABORTED: return errc::connection_aborted;
    case EPIPE: return errc::broken_pipe;
    case ESHUTDOWN: return errc::broken_pipe;
    case ENOTCONN: return errc::not_connected;
    case EISCONN: return errc::already_connected;
    case EADDRINUSE: return errc::address_in_use;
    case EADDRNOTAVAIL: return errc::address_not_available;
    case EAFNOSUPPORT: return errc::address_family_not_supported;
    case EPFNOSUPPORT: return errc::address_family_not_supported;
    case EPROTONOSUPPORT: return errc::protocol_not_supported;
    case EPROTOTYPE: return errc::protocol_not_supported;
    case ESOCKTNOSUPPORT: return errc::socket_type_not_supported;
    case ENOPROTOOPT: return errc::operation_not_supported;
    case ENETDOWN: return errc::network_down;
    case ENETUNREACH: return errc::network_unreachable;
    case EHOSTUNREACH: return errc::host_unreachable;
    case EHOSTDOWN: return errc::host_unreachable;
    case EBADF: return errc::bad_descriptor;
    case ENOTSOCK: return errc::bad_descriptor;
    case EINVAL: return errc::invalid_argument;
    case EFAULT: return errc::invalid_argument;
    case EMSGSIZE: return errc::message_size;
    case ENOBUFS: return errc::no_buffer_space;
    case ENOMEM: return errc::no_buffer_space;
    case EMFILE: return errc::too_many_open_files;
    case ENFILE: return errc::too_many_open_files;
    case EACCES: return errc::permission_denied;
    case EPERM: return errc::permission_denied;
    case ENAMETOOLONG: return errc::name_too_long;
    case ECANCELED: return errc::operation_canceled;
    default: return errc::unknown;
    }
}

errc translate_resolver_error(int native) noexcept {
    switch (native) {
    case EAI_NONAME: return errc::host_not_found;
#ifdef EAI_NODATA // glibc and older BSDs; macOS folds it into EAI_NONAME
    case EAI_NODATA: return errc::host_not_found;
#endif
#ifdef EAI_ADDRFAMILY // glibc: no address of the asked family ("::1" for IPv4); WSAHOST_NOT_FOUND on Windows
    case EAI_ADDRFAMILY: return errc::host_not_found;
#endif
    case EAI_AGAIN: return errc::try_again;
    case EAI_SERVICE: return errc::service_not_found;
    case EAI_FAIL: return errc::resolver_failure;
    case EAI_FAMILY: return errc::address_family_not_supported;
    case EAI_SOCKTYPE: return errc::socket_type_not_supported;
    case EAI_BADFLAGS: return errc::invalid_argument;
    case EAI_MEMORY: return errc::no_buffer_space;
    default: return errc::unknown;
    }
}

} // namespace unisock::platform
