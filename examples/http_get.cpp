// SPDX-License-Identifier: BSL-1.0
// Seed 001 (the client): connect to a web server, sendall a GET request, recv(4096)
// until the server closes, print the reply.
//
//   http_get HOST [PORT [PATH]]                   (default port: getservbyname("http"), path /)
#include "common.hpp"

using namespace std::chrono_literals;

namespace {

// RFC 9110's Host: an IPv6 literal in brackets ("[::1]:8080"), the port only when it is
// not HTTP's 80.
std::string host_header(const std::string& host, std::uint16_t port) {
    std::string value = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != 80) value += ":" + std::to_string(port);
    return value;
}

} // namespace

int main(int argc, char** argv) {
    return examples::run([&] {
        const examples::arguments args(argc, argv, "http_get HOST [PORT [PATH]]", {});
        std::string host = args.positional(0, "");
        if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
        if (host.empty()) args.fail("no host given");
        const std::uint16_t port = args.port(args.positional(1, std::to_string(unisock::getservbyname("http", "tcp"))));
        const std::string path = args.positional(2, "/");

        unisock::socket sock = unisock::create_connection(host, port, 10s);
        sock.sendall("GET " + path + " HTTP/1.0\r\nHost: " + host_header(host, port) + "\r\nConnection: close\r\n\r\n");
        for (std::string reply; !(reply = sock.recv(4096)).empty();) std::cout << reply;
        std::cout << std::flush;
        sock.close();
        return 0;
    });
}
