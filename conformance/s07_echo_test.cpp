// SPDX-License-Identifier: BSL-1.0
// S07 echo until close (seeds 001, 002).
//
// The echo server answers every message with "OK..." and the message, and stops serving
// a connection when recv() returns nothing: the client has closed in order. The server
// is the tutorial's one-client-at-a-time loop: a handler on the library's sequential
// engine, where co_await read() returning "" is that empty recv().
#include "support/conformance.hpp"
#include "support/servers.hpp"

#include <future>

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::socket_type;

class S07_Echo : public scenario {};

// Echoes until an orderly close; reports how the loop ended in ended (when given).
unisock::task echo_until_close(unisock::session& connection, std::promise<std::string>* ended) {
    std::string how;
    std::error_code ec;
    for (;;) {
        const std::string data = co_await connection.read(4096, ec);
        if (ec) {
            how = "read failed: " + ec.message();
            break;
        }
        if (data.empty()) {
            how = "orderly close";
            break;
        }
        co_await connection.sendall("OK..." + data, ec);
        if (ec) {
            how = "sendall failed: " + ec.message();
            break;
        }
    }
    if (ended) ended->set_value(how);
}

unisock::tcp_server_options sequential() {
    unisock::tcp_server_options options;
    options.engine = unisock::engine::sequential;
    options.idle_timeout = patience;
    return options;
}

TEST_F(S07_Echo, EachMessageComesBackWithOkPrefix) {
    std::promise<std::string> ended;
    running_server server([&](unisock::session& c) { return echo_until_close(c, &ended); }, sequential());
    std::future<std::string> end = ended.get_future();

    unisock::socket client(address_family::ipv4, socket_type::stream);
    client.set_timeout(patience);
    client.connect(server.address());
    for (const std::string message : {"hello", "1", "how are you", "bye"}) {
        client.sendall(message);
        EXPECT_EQ(client.recv(4096), "OK..." + message);
    }
    client.close();
    ASSERT_EQ(end.wait_for(patience), std::future_status::ready);
    EXPECT_EQ(end.get(), "orderly close");
}

TEST_F(S07_Echo, EmptyRecvMeansThePeerClosedInOrder) {
    unisock::socket_pair pair = unisock::socketpair();
    pair.first.set_timeout(patience);
    pair.second.set_timeout(patience);
    pair.first.sendall("last words");
    pair.first.shutdown(unisock::shutdown_how::write);
    EXPECT_EQ(pair.second.recv(4096), "last words");
    EXPECT_EQ(pair.second.recv(4096), "") << "end of stream reads as empty, not as an error";
    EXPECT_EQ(pair.second.recv(4096), "") << "and stays empty";
    // The half-closed side still receives the echo.
    pair.second.sendall("OK...last words");
    EXPECT_EQ(pair.first.recv(4096), "OK...last words");
}

TEST_F(S07_Echo, LargeMessageIsEchoedWhole) {
    running_server server([](unisock::session& c) { return echo_until_close(c, nullptr); }, sequential());
    unisock::socket client(address_family::ipv4, socket_type::stream);
    client.set_timeout(patience);
    client.connect(server.address());
    const std::string message = pattern(200 * 1024);
    std::string received;
    std::thread sender([&] {
        client.sendall(message);
        client.shutdown(unisock::shutdown_how::write);
    });
    for (std::string part = client.recv(65536); !part.empty(); part = client.recv(65536)) {
        received += part;
        if (received.size() > 2 * message.size()) break;
    }
    sender.join();
    // Each recv of the server became one "OK..." + chunk: strip the prefixes back off.
    std::string echoed;
    for (std::size_t at = 0; at < received.size();) {
        ASSERT_EQ(received.compare(at, 5, "OK..."), 0) << "at " << at;
        at += 5;
        const std::size_t next = received.find("OK...", at);
        const std::size_t end = next == std::string::npos ? received.size() : next;
        echoed += received.substr(at, end - at);
        at = end;
    }
    EXPECT_EQ(echoed, message);
}

} // namespace
