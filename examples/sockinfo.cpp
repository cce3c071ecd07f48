// SPDX-License-Identifier: BSL-1.0
// Seeds 001 and 003: what the resolver knows. Prints this machine's name, the first IPv4
// address of HOST (gethostbyname), every address getaddrinfo gives for it, and the port of
// SERVICE (getservbyname) or the name of a numeric port (getservbyport).
//
//   sockinfo [HOST [SERVICE]]                     (default localhost http)
#include "common.hpp"

namespace {

bool is_number(const std::string& text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

} // namespace

int main(int argc, char** argv) {
    return examples::run([&] {
        const examples::arguments args(argc, argv, "sockinfo [HOST [SERVICE]]", {});
        const std::string host = args.positional(0, "localhost");
        const std::string service = args.positional(1, "http");

        examples::say("this host: ", unisock::gethostname());
        examples::say("ip address of ", host, " is ", unisock::gethostbyname(host).to_string());
        for (const auto& found : unisock::resolve(host, {}, {.type = unisock::socket_type::stream}))
            examples::say("  ", unisock::to_string(found.family), " ", found.endpoint.ip().to_string());

        if (is_number(service)) {
            const std::uint16_t port = args.port(service);
            examples::say("port ", port, "/tcp is ", unisock::getservbyport(port, "tcp"));
        } else {
            examples::say(service, "/tcp is port ", unisock::getservbyname(service, "tcp"));
        }
        return 0;
    });
}
