// SPDX-License-Identifier: BSL-1.0
// The backends' error category (see platform/error_category.hpp).
#include "platform/error_category.hpp"

namespace unisock::platform {

std::error_condition native_category::default_error_condition(int code) const noexcept {
    const errc portable = translate_(code);
    if (portable == errc::unknown) return {code, *this};
    return make_error_condition(portable);
}

bool native_category::equivalent(int code, const std::error_condition& condition) const noexcept {
    if (default_error_condition(code) == condition) return true;
    if (codes_are_errno_ && condition == std::error_condition(code, std::generic_category())) return true;
    const errc portable = translate_(code);
    // The portable category knows each condition's std::errc counterpart.
    return portable != errc::unknown && make_error_code(portable) == condition;
}

} // namespace unisock::platform
