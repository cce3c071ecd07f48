#pragma once
// A loopback server with one thread per connection (the tutorials' threaded servers),
// for the scenarios that need many clients at once. Destroying it cancels the blocked
// accept and every connection, then joins every thread: nothing outlives the test.

#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "support/conformance.hpp"

namespace conformance {

class threaded_server {
public:
    using handler = std::function<void(unisock::socket& connection, const unisock::address& peer)>;

    explicit threaded_server(handler serve)
        : listener_(unisock::create_server(unisock::address::v4_loopback(0))),
          address_(listener_.local_address()),
          serve_(std::move(serve)),
          accepting_([this] { accept_all(); }) {}

    ~threaded_server() {
        listener_.cancel();
        accepting_.join();
        {
            const std::lock_guard lock(mutex_);
            for (const auto& connection : connections_) connection->cancel();
        }
        for (std::thread& t : threads_) t.join();
    }
    threaded_server(const threaded_server&) = delete;
    threaded_server& operator=(const threaded_server&) = delete;

    const unisock::address& address() const noexcept { return address_; }

private:
    void accept_all() {
        for (;;) {
            std::error_code ec;
            unisock::accepted client = listener_.accept(ec);
            if (ec) return; // canceled by the destructor
            const std::lock_guard lock(mutex_);
            connections_.push_back(std::make_unique<unisock::socket>(std::move(client.connection)));
            unisock::socket& connection = *connections_.back();
            connection.set_timeout(patience);
            threads_.emplace_back([this, &connection, peer = client.peer] { serve_(connection, peer); });
        }
    }

    unisock::socket listener_;
    unisock::address address_;
    const handler serve_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<unisock::socket>> connections_;
    std::vector<std::thread> threads_;
    std::thread accepting_;
};

} // namespace conformance
