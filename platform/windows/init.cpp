// SPDX-License-Identifier: BSL-1.0
// Winsock start-up: WSAStartup(2.2) once per process on first use, never cleaned up
// implicitly; network_init (system.hpp) holds an explicit reference of its own.
#include <winsock2.h>

#include "platform/platform.hpp"
#include "platform/windows/sockaddr.hpp"

namespace unisock::platform {

namespace {

// One WSAStartup reference. Winsock counts them: every success needs its WSACleanup.
std::error_code start_winsock() noexcept {
    WSADATA data{};
    if (const int result = WSAStartup(MAKEWORD(2, 2), &data); result != 0)
        return {result, system_category()}; // WSAStartup returns its error, it does not set it
    if (data.wVersion != MAKEWORD(2, 2)) {
        // A stack that only offers an older version: unisock relies on 2.2 behaviour.
        WSACleanup();
        return make_error_code(errc::not_initialized);
    }
    return {};
}

} // namespace

// The lazily taken process-wide reference, started by the first caller (C++ makes that
// thread-safe). It is never released: WSACleanup from a static destructor would run under
// the loader lock when unisock is a DLL, which Microsoft forbids, and at process exit
// the system releases Winsock anyway.
std::error_code ensure_initialized() noexcept {
    static const std::error_code status = start_winsock();
    return status;
}

std::error_code network_status() noexcept { return ensure_initialized(); }

std::error_code startup() noexcept { return start_winsock(); }

void cleanup() noexcept { WSACleanup(); }

} // namespace unisock::platform
