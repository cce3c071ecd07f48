// SPDX-License-Identifier: BSL-1.0
// The yardstick for the async engine: a plain Asio echo server with the same protocol as
// unisock_echo_server (a welcome line, then "OK..." + each line), one io_context on
// one thread, written the way Asio's examples are (async_read_until on a per-connection
// dynamic buffer, async_write of the reply).
//
//   asio_echo_server PORT         prints "listening on 127.0.0.1:PORT", runs until killed
#include <asio.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

namespace {

using asio::ip::tcp;

class connection : public std::enable_shared_from_this<connection> {
public:
    explicit connection(tcp::socket sock) : socket_(std::move(sock)) {}
    void start() {
        reply_ = "welcome\n";
        write_reply();
    }

private:
    void read_line() {
        asio::async_read_until(socket_, asio::dynamic_buffer(input_, 65536), '\n',
                               [self = shared_from_this()](const asio::error_code& ec, std::size_t n) {
                                   if (ec) return;
                                   self->reply_.assign("OK...");
                                   self->reply_.append(self->input_, 0, n);
                                   self->input_.erase(0, n);
                                   self->write_reply();
                               });
    }
    void write_reply() {
        asio::async_write(socket_, asio::buffer(reply_), [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
            if (!ec) self->read_line();
        });
    }

    tcp::socket socket_;
    std::string input_;
    std::string reply_;
};

void accept_next(tcp::acceptor& acceptor) {
    acceptor.async_accept([&acceptor](const asio::error_code& ec, tcp::socket sock) {
        if (!ec) std::make_shared<connection>(std::move(sock))->start();
        accept_next(acceptor);
    });
}

} // namespace

int main(int argc, char** argv) {
    asio::io_context io(1);
    // No reuse_address: the listener is exclusive, as unisock's is.
    tcp::acceptor acceptor(io, tcp::v4());
    acceptor.bind({asio::ip::address_v4::loopback(), static_cast<unsigned short>(argc > 1 ? std::stoi(argv[1]) : 0)});
    acceptor.listen(asio::socket_base::max_listen_connections);
    std::cout << "listening on 127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
    accept_next(acceptor);
    io.run();
}
