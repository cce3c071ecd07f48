// Seed 001 (the client): connect to a web server, sendall a GET request, recv(4096)
// until the server closes, print the reply.
//
//   http_get HOST [PORT [PATH]]                   (default port: getservbyname("http"), path /)
#include "common.hpp"

using namespace std::chrono_literals;

int main(int argc, char** argv) {
    return examples::run([&] {
        const examples::arguments args(argc, argv, "http_get HOST [PORT [PATH]]", {});
        const std::string host = args.positional(0, "");
        if (host.empty()) args.fail("no host given");
        const std::uint16_t port = args.port(args.positional(1, std::to_string(unisock::getservbyname("http", "tcp"))));
        const std::string path = args.positional(2, "/");

        unisock::socket sock = unisock::create_connection(host, port, 10s);
        sock.sendall("GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
        for (std::string reply; !(reply = sock.recv(4096)).empty();) std::cout << reply;
        std::cout << std::flush;
        sock.close();
        return 0;
    });
}
