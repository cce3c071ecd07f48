// SPDX-License-Identifier: BSL-1.0
// Name and service lookups through getaddrinfo and friends. The hints and the result list
// are turned into unisock's values by platform/lookup.cpp, shared with Windows.
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>

#include "platform/lookup.hpp"
#include "platform/platform.hpp"
#include "platform/posix/sockaddr.hpp"

namespace unisock::platform {

namespace {

struct addrinfo_deleter {
    void operator()(addrinfo* list) const noexcept { ::freeaddrinfo(list); }
};
using addrinfo_list = std::unique_ptr<addrinfo, addrinfo_deleter>;

// EAI_SYSTEM means "see errno": the error is then a system one, not a resolver one.
std::error_code resolver_error(int code) noexcept {
    if (code == EAI_SYSTEM) return last_error();
    return {code, resolver_category()};
}

// An empty text is "none" (a null pointer) for getaddrinfo and getserv*.
const char* or_null(const std::string& text) noexcept { return text.empty() ? nullptr : text.c_str(); }

// getservbyname/getservbyport return static storage on POSIX (the _r forms are not
// portable between glibc and macOS): one lookup at a time, copied out under the lock.
std::mutex service_database;

#if defined(__GLIBC__)
// glibc's getaddrinfo_a runs the lookup on its own thread, so the caller can stop waiting
// when the deadline passes. The request lives on the heap, owned by the caller and by the
// completion notice (SIGEV_THREAD) alike: whichever lets go last frees it, so a lookup
// that outlives its caller (gai_cancel cannot stop one already running) never writes into
// freed memory. A cancelled request sends no notice: the caller lets go for it as well.
struct async_lookup {
    std::string host;
    std::string service;
    addrinfo hints{};
    gaicb request{};
    std::atomic<int> owners{2};
};

void release(async_lookup* lookup) noexcept {
    if (lookup->owners.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    if (lookup->request.ar_result != nullptr) ::freeaddrinfo(lookup->request.ar_result);
    delete lookup;
}

void lookup_done(sigval value) { release(static_cast<async_lookup*>(value.sival_ptr)); }

timespec timespec_of(deadline::duration time) noexcept {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(time);
    timespec result{};
    result.tv_sec = static_cast<std::time_t>(seconds.count());
    result.tv_nsec = static_cast<long>((time - seconds).count());
    return result;
}

// getaddrinfo's result code; EAI_AGAIN with timed_out set when the deadline passed first.
int lookup_within(const std::string& host, const std::string& service, const addrinfo& hints,
                  const deadline& until, addrinfo*& found, bool& timed_out) {
    auto* lookup = new async_lookup{host, service, hints};
    lookup->request.ar_name = or_null(lookup->host);
    lookup->request.ar_service = or_null(lookup->service);
    lookup->request.ar_request = &lookup->hints;
    sigevent notice{};
    notice.sigev_notify = SIGEV_THREAD;
    notice.sigev_notify_function = lookup_done;
    notice.sigev_value.sival_ptr = lookup;
    gaicb* requests[1] = {&lookup->request};
    if (const int started = ::getaddrinfo_a(GAI_NOWAIT, requests, 1, &notice); started != 0) {
        delete lookup;
        return started;
    }
    const gaicb* const waiting[1] = {&lookup->request};
    while (::gai_error(&lookup->request) == EAI_INPROGRESS) {
        if (until.has_passed()) {
            timed_out = true;
            const int cancelled = ::gai_cancel(&lookup->request);
            release(lookup);
            if (cancelled == EAI_CANCELED) release(lookup);
            return EAI_AGAIN;
        }
        const timespec left = timespec_of(until.remaining());
        ::gai_suspend(waiting, 1, &left); // EAI_INTR and EAI_AGAIN: the loop looks again
    }
    const int result = ::gai_error(&lookup->request);
    found = lookup->request.ar_result;
    lookup->request.ar_result = nullptr;
    release(lookup);
    return result;
}
#endif

// ThreadSanitizer cannot follow the threads glibc's getaddrinfo_a starts inside libc and
// crashes in them: a ThreadSanitizer build blocks in the lookup, as the fallback does.
#if defined(__SANITIZE_THREAD__)
constexpr bool under_thread_sanitizer = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr bool under_thread_sanitizer = true;
#else
constexpr bool under_thread_sanitizer = false;
#endif
#else
constexpr bool under_thread_sanitizer = false;
#endif

int lookup(const std::string& host, const std::string& service, const addrinfo& hints, const deadline& until,
           addrinfo*& found, bool& timed_out) {
#if defined(__GLIBC__)
    if (until.is_limited() && !under_thread_sanitizer)
        return lookup_within(host, service, hints, until, found, timed_out);
#endif
    static_cast<void>(until);
    static_cast<void>(timed_out);
    return ::getaddrinfo(or_null(host), or_null(service), &hints, &found);
}

} // namespace

std::vector<resolved_endpoint> resolve(std::string_view host, std::string_view service,
                                       const resolve_hints& hints, const deadline& until, std::error_code& ec) {
    addrinfo wanted{};
    ec = to_native_hints(hints, wanted);
    if (ec) return {};
    if (until.has_passed()) {
        ec = make_error_code(errc::timed_out);
        return {};
    }

    const std::string host_text(host);
    const std::string service_text(service);
    addrinfo* found = nullptr;
    bool timed_out = false;
    if (const int result = lookup(host_text, service_text, wanted, until, found, timed_out); result != 0) {
        ec = timed_out ? make_error_code(errc::timed_out) : resolver_error(result);
        return {};
    }
    const addrinfo_list list(found);
    ec.clear();
    return endpoints_of(list.get(), hints.canonical_name, [](const char* name) { return std::string(name); });
}

std::string host_name(std::error_code& ec) {
    char name[256] = {}; // HOST_NAME_MAX is 64 on Linux, 255 on macOS; POSIX allows 255
    if (::gethostname(name, sizeof name - 1) != 0) {
        ec = last_error();
        return {};
    }
    ec.clear();
    return name;
}

std::string name_of_address(const ip_address& ip, std::error_code& ec) {
    native_address native;
    ip_to_native(ip, 0, 0, native);
    char name[NI_MAXHOST] = {};
    const int result = ::getnameinfo(native.get(), native.length, name, sizeof name, nullptr, 0, NI_NAMEREQD);
    if (result != 0) {
        ec = resolver_error(result);
        return {};
    }
    ec.clear();
    return name;
}

std::uint16_t service_port(std::string_view service, std::string_view protocol, std::error_code& ec) {
    const std::string service_text(service);
    const std::string protocol_text(protocol);
    const std::lock_guard lock(service_database);
    const servent* entry = ::getservbyname(service_text.c_str(), or_null(protocol_text));
    if (entry == nullptr) {
        ec = make_error_code(errc::service_not_found);
        return 0;
    }
    ec.clear();
    return ntohs(static_cast<std::uint16_t>(entry->s_port));
}

std::string service_name(std::uint16_t port, std::string_view protocol, std::error_code& ec) {
    const std::string protocol_text(protocol);
    const std::lock_guard lock(service_database);
    const servent* entry = ::getservbyport(static_cast<int>(htons(port)), or_null(protocol_text));
    if (entry == nullptr) {
        ec = make_error_code(errc::service_not_found);
        return {};
    }
    ec.clear();
    return entry->s_name;
}

std::uint32_t interface_index(std::string_view name, std::error_code& ec) noexcept {
    char text[IF_NAMESIZE] = {}; // the longest name, its NUL included
    if (name.empty() || name.size() >= sizeof text || name.find('\0') != std::string_view::npos) {
        ec = make_error_code(errc::invalid_argument);
        return 0;
    }
    name.copy(text, name.size());
    const unsigned index = ::if_nametoindex(text);
    if (index == 0) {
        ec = make_error_code(errc::invalid_argument); // ENXIO: no interface of that name
        return 0;
    }
    ec.clear();
    return index;
}

} // namespace unisock::platform
