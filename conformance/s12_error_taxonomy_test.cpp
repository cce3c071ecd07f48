// SPDX-License-Identifier: BSL-1.0
// S12 error taxonomy (seed 003, "处理错误与socket异常").
//
// The tutorial lists four exceptions: socket.error for I/O and communication problems,
// socket.gaierror for address lookups, socket.herror for other address errors, and
// socket.timeout once settimeout() is in force. unisock mirrors them as socket_error and
// its subclasses gai_error, herror and timeout_error; each is raised here where it
// naturally occurs, and each carries the portable code, the native code and its
// namespace, and a message "<operation> <context>: <reason> [<namespace> <code>]".
#include <type_traits>

#include "support/conformance.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::errc;
using unisock::socket_type;

static_assert(std::is_base_of_v<std::system_error, unisock::socket_error>);
static_assert(std::is_base_of_v<unisock::socket_error, unisock::gai_error>);
static_assert(std::is_base_of_v<unisock::socket_error, unisock::herror>);
static_assert(std::is_base_of_v<unisock::socket_error, unisock::timeout_error>);
static_assert(!std::is_base_of_v<unisock::gai_error, unisock::herror>, "herror is not a gaierror in Python");

enum class kind { socket_error, gai_error, herror, timeout_error };

std::string to_string(kind k) {
    switch (k) {
    case kind::socket_error: return "socket_error";
    case kind::gai_error: return "gai_error";
    case kind::herror: return "herror";
    case kind::timeout_error: return "timeout_error";
    }
    return "?";
}

// The most derived unisock exception type of e.
kind kind_of(const unisock::socket_error& e) {
    if (dynamic_cast<const unisock::gai_error*>(&e)) return kind::gai_error;
    if (dynamic_cast<const unisock::herror*>(&e)) return kind::herror;
    if (dynamic_cast<const unisock::timeout_error*>(&e)) return kind::timeout_error;
    return kind::socket_error;
}

// What action threw: the error (copied as a socket_error) and its most derived kind,
// read before the copy slices it off.
struct raised : unisock::socket_error {
    raised(const unisock::socket_error& e, kind k) : unisock::socket_error(e), type(k) {}
    kind type;
};

template <class Action>
std::optional<raised> raised_by(Action action) {
    try {
        action();
    } catch (const unisock::socket_error& e) {
        return raised{e, kind_of(e)};
    }
    return std::nullopt;
}

// "<operation> ...: <reason> [<namespace> <code>]" with this error's own parts; an error
// unisock found itself names its condition there instead ("[unisock timed_out]").
void expect_well_formed_message(const unisock::socket_error& e, std::string_view operation) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(std::string(operation), 0), 0u) << what;
    EXPECT_NE(what.find(": " + e.code().message() + " ["), std::string::npos) << what;
    if (e.native_namespace() == unisock::portable_category().name()) {
        const std::string head = "[unisock ";
        const std::size_t start = what.rfind(head);
        ASSERT_NE(start, std::string::npos) << what;
        const std::string name = what.substr(start + head.size(), what.size() - start - head.size() - 1);
        EXPECT_EQ(what.back(), ']') << what;
        EXPECT_FALSE(name.empty()) << what;
        EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string::npos) << what;
        return;
    }
    const std::string tail = "[" + std::string(e.native_namespace()) + " " + std::to_string(e.native_code()) + "]";
    EXPECT_EQ(what.substr(what.size() - std::min(what.size(), tail.size())), tail) << what;
}

// An address nobody listens on, held by a bound socket so that nobody else gets it.
struct closed_port {
    unisock::socket holder{address_family::ipv4, socket_type::stream};
    unisock::address address;
    closed_port() {
        holder.bind(unisock::address::v4_loopback(0));
        address = holder.local_address();
    }
};

class S12_ErrorTaxonomy : public scenario {};

TEST_F(S12_ErrorTaxonomy, RefusedConnectIsAPlainSocketError) {
    closed_port nobody;
    unisock::socket s(address_family::ipv4, socket_type::stream);
    s.set_timeout(patience);
    const auto e = raised_by([&] { s.connect(nobody.address); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->type, kind::socket_error) << to_string(e->type);
    EXPECT_EQ(e->portable(), errc::connection_refused) << e->what();
    EXPECT_NE(e->native_namespace(), unisock::portable_category().name()) << "the OS's own code is kept";
    expect_well_formed_message(*e, "connect " + nobody.address.to_string());
}

TEST_F(S12_ErrorTaxonomy, FailedLookupIsAGaiError) {
    unisock::resolve_hints numeric;
    numeric.numeric_host = true;
    const auto e = raised_by([&] { (void)unisock::resolve("nonexistent.invalid", "80", numeric); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->type, kind::gai_error) << to_string(e->type);
    EXPECT_EQ(e->portable(), errc::host_not_found) << e->what();
    record_note(std::string("resolver namespace: ") + std::string(e->native_namespace()));
    expect_well_formed_message(*e, "getaddrinfo nonexistent.invalid:80");
}

TEST_F(S12_ErrorTaxonomy, UnknownServiceIsAGaiError) {
    const auto e = raised_by([] { (void)unisock::getservbyname("no-such-service-unisock", "tcp"); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->type, kind::gai_error) << to_string(e->type);
    EXPECT_EQ(e->portable(), errc::service_not_found) << e->what();
}

TEST_F(S12_ErrorTaxonomy, ExpiredTimeoutIsATimeoutError) {
    unisock::socket listener = unisock::create_server(unisock::address::v4_loopback(0));
    unisock::socket s(address_family::ipv4, socket_type::stream);
    s.set_timeout(patience);
    s.connect(listener.local_address());
    s.set_timeout(50ms);
    const auto e = raised_by([&] { (void)s.recv(1024); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->type, kind::timeout_error) << to_string(e->type);
    EXPECT_EQ(e->portable(), errc::timed_out);
    EXPECT_EQ(e->code(), errc::timed_out);
    expect_well_formed_message(*e, "recv");

    // accept times out the same way once nobody else is waiting, and is the same exception.
    const unisock::accepted waiting = listener.accept();
    listener.set_timeout(50ms);
    EXPECT_THROW((void)listener.accept(), unisock::timeout_error);
}

// A bad argument unisock itself detects is a socket_error in the "unisock" namespace.
TEST_F(S12_ErrorTaxonomy, ErrorsFoundByUnisockCarryItsOwnNamespace) {
    unisock::socket s(address_family::ipv4, socket_type::stream);
    const auto e = raised_by([&] { s.set_timeout(std::chrono::seconds(-1)); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->type, kind::socket_error);
    EXPECT_EQ(e->portable(), errc::invalid_argument);
    EXPECT_EQ(e->native_namespace(), unisock::portable_category().name());
    expect_well_formed_message(*e, "settimeout");
}

TEST_F(S12_ErrorTaxonomy, UseAfterCloseIsBadDescriptor) {
    unisock::socket s(address_family::ipv4, socket_type::stream);
    s.close();
    const auto e = raised_by([&] { (void)s.send("x"); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->type, kind::socket_error);
    EXPECT_EQ(e->portable(), errc::bad_descriptor) << e->what();
}

// The three parts of every error, and the comparison that makes the portable code
// usable in portable code: equal to its errc, and to no other.
TEST_F(S12_ErrorTaxonomy, ErrorCodesCompareEqualToTheirPortableCondition) {
    closed_port nobody;
    unisock::socket s(address_family::ipv4, socket_type::stream);
    s.set_timeout(patience);
    const std::error_code ec = s.connect_ex(nobody.address);
    EXPECT_EQ(ec, errc::connection_refused);
    EXPECT_NE(ec, errc::connection_reset);
    EXPECT_NE(ec, errc::timed_out);
    EXPECT_EQ(unisock::portable_error(ec), errc::connection_refused);
    EXPECT_EQ(ec.default_error_condition(), unisock::make_error_condition(errc::connection_refused));
    EXPECT_FALSE(ec.message().empty());
    record_note("connection refused: [" + std::string(ec.category().name()) + " " + std::to_string(ec.value()) +
                "] " + ec.message());
}

TEST_F(S12_ErrorTaxonomy, OneCatchClauseServesEveryKind) {
    closed_port nobody;
    int caught = 0;
    const std::function<void()> failures[] = {
        [&] {
            unisock::socket s(address_family::ipv4, socket_type::stream);
            s.set_timeout(patience);
            s.connect(nobody.address);
        },
        [] {
            unisock::resolve_hints numeric;
            numeric.numeric_host = true;
            (void)unisock::resolve("nonexistent.invalid", "80", numeric);
        },
        [&] {
            unisock::socket s(address_family::ipv4, socket_type::stream);
            s.bind(unisock::address::v4_loopback(0));
            s.listen(1);
            s.set_timeout(1ms);
            (void)s.accept();
        },
    };
    for (const auto& failure : failures) {
        try {
            failure();
        } catch (const unisock::socket_error& e) { // Python: except socket.error, msg
            ++caught;
            EXPECT_NE(e.portable(), errc::unknown) << e.what();
            EXPECT_NE(std::string_view(e.what()), "");
        }
    }
    EXPECT_EQ(caught, 3);
}

// gethostbyaddr is where herror comes from (its place in the hierarchy is checked by the
// static_asserts above). Raising it needs a reverse lookup that fails, which means
// asking DNS, and the suite never leaves the machine: only the loopback is looked up.
TEST_F(S12_ErrorTaxonomy, ReverseLookupOfTheLoopbackSucceeds) {
    std::string name;
    EXPECT_NO_THROW(name = unisock::gethostbyaddr(unisock::ip_address::v4_loopback()));
    EXPECT_FALSE(name.empty());
}

} // namespace
