// Winsock start-up: WSAStartup(2.2) once per process on first use, WSACleanup at exit.
#include <winsock2.h>

#include "platform/platform.hpp"

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

// The lazily started process-wide reference: constructed by the first caller (C++ makes
// that thread-safe), released when static objects are destroyed at exit.
class winsock_session {
public:
    winsock_session() noexcept : status_(start_winsock()) {}
    winsock_session(const winsock_session&) = delete;
    winsock_session& operator=(const winsock_session&) = delete;
    ~winsock_session() {
        if (!status_) WSACleanup();
    }

    std::error_code status() const noexcept { return status_; }

private:
    std::error_code status_;
};

} // namespace

std::error_code ensure_initialized() noexcept {
    static const winsock_session session;
    return session.status();
}

std::error_code startup() noexcept { return start_winsock(); }

void cleanup() noexcept { WSACleanup(); }

} // namespace unisock::platform
