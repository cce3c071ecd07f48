// SPDX-License-Identifier: BSL-1.0
// The selector through unisock's public API.
//
// select10k/unisock            selector.select(0s) with 10,000 idle sockets registered and
//                              4 ready ones (bench/selector_sizes.hpp; the idle ones are
//                              the raw baseline's, adopted); on Linux its baseline is
//                              select10k/raw_epoll, epoll_wait on the same kind of sockets
// select10k_64ready/unisock    the same with 64 ready sockets

#include <benchmark/benchmark.h>

#include <chrono>
#include <stdexcept>
#include <vector>

#include "selector_sizes.hpp"
#include "unisock/unisock.hpp"
#include "workload.hpp"

namespace {

using namespace unisock::bench;

class selector_select {
public:
    explicit selector_select(int ready_sockets) : ready_sockets_(ready_sockets) {
        idle_.reserve(idle_sockets); // a registered socket must not move
        for (const std::intptr_t idle : idle_socket_pool()) {
            idle_.push_back(unisock::socket::adopt(idle));
            selector_.add(idle_.back(), unisock::wait_for::readable);
        }
        unisock::socket listener = unisock::create_server(unisock::address::v4_loopback(0));
        for (int i = 0; i < ready_sockets; ++i) {
            senders_.push_back(unisock::create_connection("127.0.0.1", listener.local_address().port()));
            ready_.push_back(listener.accept().connection);
            senders_.back().sendall("x");
        }
        // Registered once every socket is in place: the vector no longer moves them.
        for (unisock::socket& sock : ready_) selector_.add(sock, unisock::wait_for::readable);
    }

    selector_select(const selector_select&) = delete;
    selector_select& operator=(const selector_select&) = delete;
    // The pool keeps its sockets for the other variant: given back, not closed.
    ~selector_select() {
        for (unisock::socket& sock : idle_) {
            selector_.remove(sock);
            sock.release();
        }
    }

    void step() {
        const auto events = selector_.select(std::chrono::seconds(0));
        if (events.size() != static_cast<std::size_t>(ready_sockets_))
            throw std::runtime_error("select: not the ready sockets");
        benchmark::DoNotOptimize(events.data());
    }

private:
    std::vector<unisock::socket> idle_;
    std::vector<unisock::socket> senders_;
    std::vector<unisock::socket> ready_;
    int ready_sockets_;
    unisock::selector selector_;
};

const bool registered = register_workload<selector_select>("select10k/unisock", 0, few_ready) &&
                        register_workload<selector_select>("select10k_64ready/unisock", 0, many_ready);

} // namespace
