// SPDX-License-Identifier: BSL-1.0
// The yardstick for chat_server: an Asio chat room in the style of Asio's chat_server
// example (a room of participants, each with a queue of shared lines and one
// async_write at a time), speaking chat_server's protocol ("[HOST:PORT] text" to every
// other member), one io_context on one thread.
//
//   asio_chat_server PORT         prints "listening on 127.0.0.1:PORT", runs until killed
#include <asio.hpp>

#include <deque>
#include <iostream>
#include <memory>
#include <set>
#include <string>

namespace {

using asio::ip::tcp;

class member;
std::set<member*> room;

class member : public std::enable_shared_from_this<member> {
public:
    explicit member(tcp::socket sock) : socket_(std::move(sock)) {
        const auto peer = socket_.remote_endpoint();
        name_ = "["; // step by step: g++ 12 -O3 warns (-Wrestrict) on "[" + s + ...
        name_ += peer.address().to_string();
        name_ += ':';
        name_ += std::to_string(peer.port());
        name_ += "] ";
    }
    void start() {
        room.insert(this);
        read_line();
    }
    void deliver(const std::shared_ptr<const std::string>& line) {
        const bool idle = queue_.empty();
        queue_.push_back(line);
        if (idle) write_next();
    }

private:
    void read_line() {
        asio::async_read_until(socket_, asio::dynamic_buffer(input_, 4096), '\n',
                               [self = shared_from_this()](const asio::error_code& ec, std::size_t n) {
                                   if (ec) {
                                       self->leave();
                                       return;
                                   }
                                   auto line = std::make_shared<const std::string>(self->name_ + self->input_.substr(0, n));
                                   self->input_.erase(0, n);
                                   for (member* m : room)
                                       if (m != self.get()) m->deliver(line);
                                   self->read_line();
                               });
    }
    void write_next() {
        asio::async_write(socket_, asio::buffer(*queue_.front()),
                          [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
                              if (ec) {
                                  self->leave();
                                  return;
                              }
                              self->queue_.pop_front();
                              if (!self->queue_.empty()) self->write_next();
                          });
    }
    void leave() { room.erase(this); }

    tcp::socket socket_;
    std::string name_;
    std::string input_;
    std::deque<std::shared_ptr<const std::string>> queue_;
};

void accept_next(tcp::acceptor& acceptor) {
    acceptor.async_accept([&acceptor](const asio::error_code& ec, tcp::socket sock) {
        if (!ec) {
            asio::error_code ignored;
            if (sock.remote_endpoint(ignored), !ignored) std::make_shared<member>(std::move(sock))->start();
        }
        accept_next(acceptor);
    });
}

} // namespace

int main(int argc, char** argv) {
    asio::io_context io(1);
    tcp::acceptor acceptor(io, tcp::v4());
    acceptor.bind({asio::ip::address_v4::loopback(), static_cast<unsigned short>(argc > 1 ? std::stoi(argv[1]) : 0)});
    acceptor.listen(asio::socket_base::max_listen_connections);
    std::cout << "listening on 127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
    accept_next(acceptor);
    io.run();
}
