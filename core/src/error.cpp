// SPDX-License-Identifier: BSL-1.0
#include "unisock/error.hpp"

#include <string>

namespace unisock {

namespace {

const char* describe(errc e) noexcept {
    switch (e) {
    case errc::success: return "success";
    case errc::would_block: return "operation would block";
    case errc::in_progress: return "operation in progress";
    case errc::already_in_progress: return "operation already in progress";
    case errc::timed_out: return "timed out";
    case errc::operation_canceled: return "operation canceled";
    case errc::interrupted: return "interrupted";
    case errc::connection_refused: return "connection refused";
    case errc::connection_reset: return "connection reset by peer";
    case errc::connection_aborted: return "connection aborted";
    case errc::broken_pipe: return "broken pipe";
    case errc::not_connected: return "socket is not connected";
    case errc::already_connected: return "socket is already connected";
    case errc::address_in_use: return "address already in use";
    case errc::address_not_available: return "address not available";
    case errc::address_family_not_supported: return "address family not supported";
    case errc::protocol_not_supported: return "protocol not supported";
    case errc::socket_type_not_supported: return "socket type not supported";
    case errc::operation_not_supported: return "operation not supported";
    case errc::network_down: return "network is down";
    case errc::network_unreachable: return "network is unreachable";
    case errc::host_unreachable: return "host is unreachable";
    case errc::bad_descriptor: return "bad socket descriptor";
    case errc::invalid_argument: return "invalid argument";
    case errc::message_size: return "message too long";
    case errc::no_buffer_space: return "no buffer space available";
    case errc::too_many_open_files: return "too many open files";
    case errc::permission_denied: return "permission denied";
    case errc::name_too_long: return "name too long";
    case errc::host_not_found: return "host not found";
    case errc::try_again: return "temporary failure in name resolution";
    case errc::service_not_found: return "service not found";
    case errc::resolver_failure: return "name resolution failed";
    case errc::not_initialized: return "network subsystem not initialized";
    case errc::unexpected_eof: return "unexpected end of stream";
    case errc::unknown: return "unknown error";
    }
    return "unknown error";
}

// Whether generic (a std::errc value) is the standard's name for e. Where the standard has
// two names that may or may not share a value (EAGAIN/EWOULDBLOCK, ENOTSUP/EOPNOTSUPP),
// both count; conditions the standard has no name for (resolver errors, ...) match none.
bool is_generic_counterpart(errc e, int generic) noexcept {
    const auto is = [generic](std::errc candidate) { return generic == static_cast<int>(candidate); };
    switch (e) {
    case errc::would_block: return is(std::errc::operation_would_block) || is(std::errc::resource_unavailable_try_again);
    case errc::in_progress: return is(std::errc::operation_in_progress);
    case errc::already_in_progress: return is(std::errc::connection_already_in_progress);
    case errc::timed_out: return is(std::errc::timed_out);
    case errc::operation_canceled: return is(std::errc::operation_canceled);
    case errc::interrupted: return is(std::errc::interrupted);
    case errc::connection_refused: return is(std::errc::connection_refused);
    case errc::connection_reset: return is(std::errc::connection_reset);
    case errc::connection_aborted: return is(std::errc::connection_aborted);
    case errc::broken_pipe: return is(std::errc::broken_pipe);
    case errc::not_connected: return is(std::errc::not_connected);
    case errc::already_connected: return is(std::errc::already_connected);
    case errc::address_in_use: return is(std::errc::address_in_use);
    case errc::address_not_available: return is(std::errc::address_not_available);
    case errc::address_family_not_supported: return is(std::errc::address_family_not_supported);
    case errc::protocol_not_supported: return is(std::errc::protocol_not_supported);
    case errc::operation_not_supported: return is(std::errc::operation_not_supported) || is(std::errc::not_supported);
    case errc::network_down: return is(std::errc::network_down);
    case errc::network_unreachable: return is(std::errc::network_unreachable);
    case errc::host_unreachable: return is(std::errc::host_unreachable);
    case errc::bad_descriptor: return is(std::errc::bad_file_descriptor);
    case errc::invalid_argument: return is(std::errc::invalid_argument);
    case errc::message_size: return is(std::errc::message_size);
    case errc::no_buffer_space: return is(std::errc::no_buffer_space);
    case errc::too_many_open_files: return is(std::errc::too_many_files_open);
    case errc::permission_denied: return is(std::errc::permission_denied);
    case errc::name_too_long: return is(std::errc::filename_too_long);
    case errc::success: return generic == 0;
    case errc::socket_type_not_supported: // ESOCKTNOSUPPORT has no std::errc name
    case errc::host_not_found:
    case errc::try_again:
    case errc::service_not_found:
    case errc::resolver_failure:
    case errc::not_initialized:
    case errc::unexpected_eof:
    case errc::unknown: return false;
    }
    return false;
}

// The enumerator's own name, which messages print for the library's own codes: a name
// says what happened where an ordinal would not.
const char* enumerator_name(errc e) noexcept {
    switch (e) {
    case errc::success: return "success";
    case errc::would_block: return "would_block";
    case errc::in_progress: return "in_progress";
    case errc::already_in_progress: return "already_in_progress";
    case errc::timed_out: return "timed_out";
    case errc::operation_canceled: return "operation_canceled";
    case errc::interrupted: return "interrupted";
    case errc::connection_refused: return "connection_refused";
    case errc::connection_reset: return "connection_reset";
    case errc::connection_aborted: return "connection_aborted";
    case errc::broken_pipe: return "broken_pipe";
    case errc::not_connected: return "not_connected";
    case errc::already_connected: return "already_connected";
    case errc::address_in_use: return "address_in_use";
    case errc::address_not_available: return "address_not_available";
    case errc::address_family_not_supported: return "address_family_not_supported";
    case errc::protocol_not_supported: return "protocol_not_supported";
    case errc::socket_type_not_supported: return "socket_type_not_supported";
    case errc::operation_not_supported: return "operation_not_supported";
    case errc::network_down: return "network_down";
    case errc::network_unreachable: return "network_unreachable";
    case errc::host_unreachable: return "host_unreachable";
    case errc::bad_descriptor: return "bad_descriptor";
    case errc::invalid_argument: return "invalid_argument";
    case errc::message_size: return "message_size";
    case errc::no_buffer_space: return "no_buffer_space";
    case errc::too_many_open_files: return "too_many_open_files";
    case errc::permission_denied: return "permission_denied";
    case errc::name_too_long: return "name_too_long";
    case errc::host_not_found: return "host_not_found";
    case errc::try_again: return "try_again";
    case errc::service_not_found: return "service_not_found";
    case errc::resolver_failure: return "resolver_failure";
    case errc::not_initialized: return "not_initialized";
    case errc::unexpected_eof: return "unexpected_eof";
    case errc::unknown: return "unknown";
    }
    return nullptr;
}

class portable_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "unisock"; }
    std::string message(int value) const override { return describe(static_cast<errc>(value)); }

    // A portable code (and through it every native code, whose category asks here) equals
    // its std::errc counterpart: make_error_code(errc::timed_out) == std::errc::timed_out.
    bool equivalent(int value, const std::error_condition& condition) const noexcept override {
        if (condition.category() == std::generic_category())
            return is_generic_counterpart(static_cast<errc>(value), condition.value());
        return default_error_condition(value) == condition;
    }

    // And the other way round: a std::errc code (or a std::system_category one that maps
    // to it) equals the portable condition, so std::error_code(ETIMEDOUT,
    // std::system_category()) == unisock::errc::timed_out too.
    bool equivalent(const std::error_code& code, int condition) const noexcept override {
        if (condition == static_cast<int>(errc::success)) return !code; // of any category
        if (code.category() == *this) return code.value() == condition;
        const std::error_condition generic = code.default_error_condition();
        return generic.category() == std::generic_category() &&
               is_generic_counterpart(static_cast<errc>(condition), generic.value());
    }
};

bool is_resolver_error(errc e) noexcept {
    return e == errc::host_not_found || e == errc::try_again || e == errc::service_not_found ||
           e == errc::resolver_failure;
}

} // namespace

const std::error_category& portable_category() noexcept {
    static const portable_category_impl instance;
    return instance;
}

std::error_condition make_error_condition(errc e) noexcept {
    return {static_cast<int>(e), portable_category()};
}

std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), portable_category()};
}

errc portable_error(const std::error_code& ec) noexcept {
    if (!ec) return errc::success;
    const std::error_condition condition = ec.default_error_condition();
    if (condition.category() != portable_category()) return errc::unknown;
    return static_cast<errc>(condition.value());
}

socket_error::socket_error(std::error_code ec, const std::string& what)
    : std::system_error(ec), what_(what) {}

namespace detail {

std::string compose_message(const std::error_code& ec, std::string_view operation,
                            std::string_view context) {
    std::string text(operation);
    if (!context.empty()) {
        text += ' ';
        text += context;
    }
    text += ": ";
    text += ec.message();
    text += " [";
    text += ec.category().name();
    text += ' ';
    const char* name = ec.category() == portable_category() ? enumerator_name(static_cast<errc>(ec.value())) : nullptr;
    text += name != nullptr ? std::string(name) : std::to_string(ec.value());
    text += ']';
    return text;
}

void throw_error(const std::error_code& ec, std::string_view operation, std::string_view context) {
    const std::string what = compose_message(ec, operation, context);
    const errc portable = portable_error(ec);
    if (portable == errc::timed_out) throw timeout_error(ec, what);
    if (is_resolver_error(portable)) throw gai_error(ec, what);
    throw socket_error(ec, what);
}

} // namespace detail

} // namespace unisock
