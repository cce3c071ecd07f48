// Process-wide setup and facts. The OS-specific parts (starting Winsock, probing what the
// OS offers, reading the backlog limit) live in platform/*/init.cpp and system.cpp.

#include "unisock/system.hpp"

#include "platform/platform.hpp"
#include "unisock/error.hpp"

namespace unisock {

namespace {

platform_capabilities query_capabilities_once() noexcept {
    // The probes open sockets, which Windows refuses before the stack is up. If it cannot
    // start, the probes fail and report the features as missing, which is then true.
    static_cast<void>(platform::ensure_initialized());
    return platform::query_capabilities();
}

} // namespace

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
    return platform::ensure_initialized();
}

const platform_capabilities& capabilities() noexcept {
    static const platform_capabilities cached = query_capabilities_once();
    return cached;
}

std::string_view platform_name() noexcept {
    return platform::os_name();
}

int listen_backlog_limit() noexcept {
    return platform::backlog_limit();
}

} // namespace unisock
