// SPDX-License-Identifier: BSL-1.0
// Network interfaces: argument checks and error messages here, the OS calls in
// platform/*/interfaces.cpp (and the name-to-index lookup in platform/*/resolve.cpp, which
// IPv6 scopes use too).

#include "unisock/interfaces.hpp"

#include <new>
#include <string>

#include "platform/platform.hpp"
#include "unisock/error.hpp"

namespace unisock {

std::vector<network_interface> interfaces() {
    std::error_code ec;
    std::vector<network_interface> list = platform::list_interfaces(ec);
    detail::throw_if(ec, "getifaddrs");
    return list;
}

std::vector<network_interface> interfaces(std::error_code& ec) {
    try {
        return platform::list_interfaces(ec);
    } catch (const std::bad_alloc&) {
        ec = make_error_code(errc::no_buffer_space);
        return {};
    }
}

std::uint32_t interface_name_to_index(std::string_view name) {
    std::error_code ec;
    const std::uint32_t index = interface_name_to_index(name, ec);
    if (ec) detail::throw_error(ec, "if_nametoindex", "\"" + std::string(name) + "\": no interface of that name");
    return index;
}

std::uint32_t interface_name_to_index(std::string_view name, std::error_code& ec) noexcept {
    return platform::interface_index(name, ec);
}

std::string interface_index_to_name(std::uint32_t index) {
    std::error_code ec;
    std::string name = platform::interface_name(index, ec);
    if (ec) detail::throw_error(ec, "if_indextoname", std::to_string(index) + ": no interface of that index");
    return name;
}

std::string interface_index_to_name(std::uint32_t index, std::error_code& ec) noexcept {
    try {
        return platform::interface_name(index, ec);
    } catch (const std::bad_alloc&) {
        ec = make_error_code(errc::no_buffer_space);
        return {};
    }
}

} // namespace unisock
