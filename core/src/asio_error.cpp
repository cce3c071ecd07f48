// SPDX-License-Identifier: BSL-1.0
// Asio's error codes in unisock's error contract. Standalone Asio reports OS errors in
// std::system_category() (errno on POSIX, WSA and Win32 codes on Windows); they are
// re-wrapped in the backend's category, which knows what each native code means
// portably. Asio's own categories (misc, netdb, addrinfo) map to the nearest errc.

#include <asio.hpp>

#include "platform/platform.hpp"
#include "unisock/asio.hpp"

namespace unisock {

std::error_code from_asio_error(const std::error_code& asio_error) noexcept {
    if (!asio_error) return {};
    const std::error_category& category = asio_error.category();
    if (category == asio::error::get_system_category() || category == std::generic_category()) {
        const std::error_code native(asio_error.value(), platform::system_category());
        // Win32's ERROR_OPERATION_ABORTED is not a Winsock code but means the same.
        if (portable_error(native) == errc::unknown && asio_error == asio::error::operation_aborted)
            return make_error_code(errc::operation_canceled);
        return native;
    }
    if (asio_error == asio::error::eof) return make_error_code(errc::unexpected_eof);
    if (category == asio::error::get_netdb_category()) {
        if (asio_error == asio::error::host_not_found) return make_error_code(errc::host_not_found);
        if (asio_error == asio::error::host_not_found_try_again) return make_error_code(errc::try_again);
        return make_error_code(errc::resolver_failure);
    }
    if (category == asio::error::get_addrinfo_category()) {
        if (asio_error == asio::error::service_not_found) return make_error_code(errc::service_not_found);
        return make_error_code(errc::socket_type_not_supported);
    }
    if (asio_error == asio::error::already_open) return make_error_code(errc::invalid_argument);
    if (asio_error == asio::error::fd_set_failure) return make_error_code(errc::no_buffer_space);
    return make_error_code(errc::unknown);
}

} // namespace unisock
