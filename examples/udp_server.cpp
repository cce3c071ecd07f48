// Seed 003 ("using UDP"): a UDP echo server. No listen, no accept: recvfrom gives each
// datagram and its sender, and the same bytes go back to that sender.
//
//   udp_server [--host HOST] [--port PORT | PORT]  (default: every interface, port 9999)
#include "common.hpp"

int main(int argc, char** argv) {
    return examples::run([&] {
        const examples::arguments args(argc, argv, "udp_server [--host HOST] [--port PORT | PORT]", {"--host", "--port"});
        const unisock::address local =
            examples::listen_address(args.option("--host", ""), args.server_port("9999"), unisock::socket_type::datagram);
        unisock::socket sock(local.family(), unisock::socket_type::datagram);
        sock.bind(local);
        const examples::stop_on_signal stop(sock); // cancels the blocked recvfrom
        examples::say("listening on ", sock.local_address().to_string());

        for (;;) {
            std::error_code ec;
            const unisock::datagram received = sock.recv_from(65535, ec);
            if (ec == unisock::errc::operation_canceled) return 0;
            if (ec) throw unisock::socket_error(ec, "recvfrom: " + ec.message());
            sock.send_to(received.data, received.sender, ec); // a lost reply is UDP's way
        }
    });
}
