// SPDX-License-Identifier: BSL-1.0
// Raw OS helper: a thread in a network namespace of its own, with nftables rules (S35-S37).
#include "native/netns.hpp"

#include <exception>
#include <thread>

#if defined(__linux__)
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "native/process.hpp"
#include "native/raw_tcp.hpp"
#endif

namespace conformance::native {

std::string tcp_blackhole_rules(const std::string& ip) {
    const std::string family = ip.find(':') == std::string::npos ? "ip" : "ip6";
    return "table inet unisock_blackhole {\n"
           "  chain input {\n"
           "    type filter hook input priority 0; policy accept;\n"
           "    " + family + " daddr " + ip + " meta l4proto tcp drop\n"
           "  }\n"
           "}\n";
}

#if defined(__linux__)

namespace {

// SIOCSIFFLAGS on a socket of the namespace: a new namespace's lo starts down.
std::optional<std::string> bring_up_loopback() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return "socket: " + raw::last_error_text();
    ifreq request{};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    std::optional<std::string> failed;
    if (::ioctl(fd, SIOCGIFFLAGS, &request) != 0) {
        failed = "SIOCGIFFLAGS lo: " + raw::last_error_text();
    } else {
        request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
        if (::ioctl(fd, SIOCSIFFLAGS, &request) != 0) failed = "SIOCSIFFLAGS lo up: " + raw::last_error_text();
    }
    ::close(fd);
    return failed;
}

// `nft -f -` in this thread's namespace (posix_spawn's child inherits it).
std::optional<std::string> load_rules(const std::string& rules) {
    std::string nft = "nft";
    if (!program_available(nft)) nft = "/usr/sbin/nft"; // root's PATH has sbin; others' may not
    if (!program_available(nft)) return std::string("nft (package nftables) is not installed");
    child_process loader(nft, {"-f", "-"});
    loader.write_stdin(rules);
    loader.close_stdin();
    loader.read_all(std::chrono::seconds(10));
    const std::optional<int> status = loader.wait(std::chrono::seconds(10));
    if (status != 0) return "nft -f - refused the rules (exit " + (status ? std::to_string(*status) : "timeout") + ")";
    return std::nullopt;
}

} // namespace

std::optional<std::string> run_in_private_network(const std::string& nft_rules, const std::function<void()>& body) {
    std::optional<std::string> reason;
    std::exception_ptr failure; // rethrown on the caller's thread, where the test catches it
    std::thread inside([&] {
        try {
            if (::unshare(CLONE_NEWNET) != 0) {
                reason = "unshare(CLONE_NEWNET): " + raw::last_error_text() + " (a network namespace needs root)";
                return;
            }
            reason = bring_up_loopback();
            if (!reason) reason = load_rules(nft_rules);
            if (!reason) body();
        } catch (...) {
            failure = std::current_exception();
        }
    });
    inside.join();
    if (failure) std::rethrow_exception(failure);
    return reason;
}

std::string raw_connect_within(const std::string& ip, std::uint16_t port, int ms) {
    sockaddr_storage storage{};
    socklen_t length = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    if (::inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        length = sizeof *v4;
    } else if (::inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        length = sizeof *v6;
    } else {
        return "not an address: " + ip;
    }
    const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return "socket: " + raw::last_error_text();
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&] {
        return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - start).count()) + " ms";
    };
    std::string outcome;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&storage), length) == 0) {
        outcome = "connected at once";
    } else if (errno != EINPROGRESS) {
        outcome = "connect: " + raw::last_error_text() + " at once";
    } else {
        pollfd watched{fd, POLLOUT, 0};
        const int ready = ::poll(&watched, 1, ms);
        int error = 0;
        socklen_t size = sizeof error;
        if (ready == 0) {
            outcome = "no answer within " + std::to_string(ms) + " ms (EINPROGRESS, poll timed out)";
        } else if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error != 0) {
            outcome = raw::error_name(error) + " after " + elapsed();
        } else {
            outcome = "connected after " + elapsed();
        }
    }
    ::close(fd);
    return "connect(" + ip + " port " + std::to_string(port) + "): " + outcome;
}

#else

std::optional<std::string> run_in_private_network(const std::string&, const std::function<void()>&) {
    return std::string("a private network to blackhole an address in (a network namespace with nftables) "
                       "exists on Linux only, not on this OS (Windows, Wine, macOS)");
}

std::string raw_connect_within(const std::string&, std::uint16_t, int) { return {}; }

#endif

} // namespace conformance::native
