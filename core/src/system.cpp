// SPDX-License-Identifier: BSL-1.0
// Process-wide setup and facts. The OS-specific parts (starting Winsock, probing what the
// OS offers, reading the backlog limit) live in platform/*/init.cpp and system.cpp; the
// Windows backend starts Winsock by itself wherever it needs it.

#include "unisock/system.hpp"

#include "platform/platform.hpp"
#include "unisock/error.hpp"

namespace unisock {

network_init::network_init() {
    const std::error_code ec = platform::startup();
    detail::throw_if(ec, "network_init");
    started_ = true;
}

network_init::network_init(std::error_code& ec) noexcept {
    ec = platform::startup();
    started_ = !ec;
}

network_init::~network_init() {
    if (started_) platform::cleanup();
}

std::error_code network_status() noexcept {
    return platform::network_status();
}

const platform_capabilities& capabilities() noexcept {
    static const platform_capabilities cached = platform::query_capabilities();
    return cached;
}

std::string_view platform_name() noexcept {
    return platform::os_name();
}

int listen_backlog_limit() noexcept {
    return platform::backlog_limit();
}

} // namespace unisock
