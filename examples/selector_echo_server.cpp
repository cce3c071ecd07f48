// SPDX-License-Identifier: BSL-1.0
// Seed 004's non-blocking lesson taken to its end: the echo server of seeds 001 and 002
// with one thread and any number of clients, on unisock::selector (Python's selectors).
//
// Every socket is non-blocking and registered with the selector; the one thread reacts
// to what is ready: a new connection, a line to echo ("OK..." + the line, after a welcome
// line, as echo_server does), room to send what a slow client has not taken yet, or a
// client that has gone. A client that sends a line longer than 1,024 bytes is dropped.
//
//   selector_echo_server [--host HOST] [--port PORT | PORT]   (default: every interface,
//                        port 8888; port 0 = any)
#include <atomic>
#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "common.hpp"
#include "unisock/selector.hpp"

namespace {

constexpr std::size_t max_line = 1024;

struct client {
    unisock::socket sock;
    std::string peer;
    std::string input;  // received, not yet a whole line
    std::string output; // to send, not yet taken by the client
};

class echo_loop {
public:
    explicit echo_loop(unisock::socket listener) : listener_(std::move(listener)) {
        listener_.set_blocking(false);
        selector_.add(listener_, unisock::wait_for::readable); // no data: the listener
    }

    // From a signal handler: an atomic store and the selector's async-signal-safe wake().
    void stop() noexcept {
        stopping_.store(true);
        selector_.wake();
    }

    void run() {
        while (!stopping_.load()) {
            for (const unisock::selector_event& e : selector_.select()) {
                if (e.sock == nullptr) continue; // dropped earlier in this round
                if (e.data == nullptr)
                    accept_all();
                else
                    serve(*static_cast<client*>(e.data), e);
            }
        }
    }

private:
    void accept_all() {
        for (;;) {
            std::error_code ec;
            unisock::accepted a = listener_.accept(ec);
            if (ec == unisock::errc::would_block) return;
            if (ec) {
                examples::say("accept: ", ec.message());
                return;
            }
            auto c = std::make_unique<client>(client{std::move(a.connection), a.peer.to_string(), {}, {}});
            c->sock.set_blocking(false);
            examples::say("Connected with ", c->peer);
            c->output = "Welcome to the server. Type something and hit enter\n";
            client& added = *c;
            clients_.emplace(&added, std::move(c));
            selector_.add(added.sock, unisock::wait_for::either, &added);
        }
    }

    void serve(client& c, const unisock::selector_event& e) {
        std::error_code ec;
        if (e.readable) {
            char buffer[4096];
            const std::size_t got = c.sock.recv_into(buffer, ec);
            if (!ec && got == 0) return drop(c, "left");
            if (ec && ec != unisock::errc::would_block) return drop(c, ec.message());
            c.input.append(buffer, got);
            for (std::size_t end; (end = c.input.find('\n')) != std::string::npos;) {
                c.output += "OK..." + c.input.substr(0, end + 1);
                c.input.erase(0, end + 1);
            }
            if (c.input.size() > max_line) return drop(c, "sent a line longer than 1024 bytes");
        }
        if (!c.output.empty()) {
            const std::size_t sent = c.sock.send(c.output, ec);
            if (ec && ec != unisock::errc::would_block) return drop(c, ec.message());
            c.output.erase(0, sent);
        }
        // Waiting for writable only while something waits to be sent: a writable socket
        // is ready almost always, and the loop would spin.
        selector_.modify(c.sock, c.output.empty() ? unisock::wait_for::readable : unisock::wait_for::either, &c);
    }

    void drop(client& c, const std::string& why) {
        examples::say(c.peer, ": ", why);
        selector_.remove(c.sock); // before the socket closes
        clients_.erase(&c);
    }

    unisock::socket listener_;
    unisock::selector selector_;
    std::map<client*, std::unique_ptr<client>> clients_;
    std::atomic<bool> stopping_{false};
};

} // namespace

int main(int argc, char** argv) {
    return examples::run([&] {
        const examples::arguments args(argc, argv, "selector_echo_server [--host HOST] [--port PORT | PORT]",
                                       {"--host", "--port"});
        unisock::socket listener = unisock::create_server(
            examples::listen_address(args.option("--host", ""), args.server_port("8888")));
        const unisock::address local = listener.local_address();
        echo_loop loop(std::move(listener));
        const examples::stop_on_signal stop(loop);
        examples::say("listening on ", local.to_string());
        loop.run();
        return 0;
    });
}
