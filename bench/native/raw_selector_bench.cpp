// SPDX-License-Identifier: BSL-1.0
// The selector's raw baseline (Linux): epoll used directly.
//
// select10k/raw_epoll           epoll_wait(timeout 0) on 10,000 idle sockets and 4 ready
//                               ones (bench/selector_sizes.hpp): the floor of
//                               selector.select(0s)
// select10k_64ready/raw_epoll   the same with 64 ready sockets

#include <stdexcept>
#include <vector>

#include "native/raw_os.hpp"
#include "selector_sizes.hpp"

namespace unisock::bench {

std::span<const std::intptr_t> idle_socket_pool() {
    static std::vector<raw::socket_handle> sockets;
    static const std::vector<std::intptr_t> handles = [] {
        std::vector<std::intptr_t> opened;
        for (int i = 0; i < idle_sockets; ++i) {
            sockets.push_back(raw::open_socket(SOCK_DGRAM, 0));
            opened.push_back(static_cast<std::intptr_t>(sockets.back().get()));
        }
        return opened;
    }();
    return handles;
}

} // namespace unisock::bench

#if defined(__linux__)

#include <sys/epoll.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include "workload.hpp"

namespace {

using namespace unisock::bench;

class epoll_select {
public:
    explicit epoll_select(int ready_sockets) : ready_sockets_(ready_sockets), epoll_(epoll_create1(EPOLL_CLOEXEC)) {
        if (epoll_ < 0) raw::fail("epoll_create1");
        for (const std::intptr_t idle : idle_socket_pool()) watch(static_cast<int>(idle));
        const raw::socket_handle listener = raw::tcp_listener(0);
        const auto port = ntohs(raw::local_address(listener.get()).sin_port);
        for (int i = 0; i < ready_sockets; ++i) {
            senders_.push_back(raw::tcp_connect(port, 0));
            ready_.push_back(raw::tcp_accept(listener.get(), 0));
            raw::send_all(senders_.back().get(), "x", 1);
            watch(ready_.back().get());
        }
        events_.resize(idle_sockets + ready_.size());
    }
    epoll_select(const epoll_select&) = delete;
    epoll_select& operator=(const epoll_select&) = delete;
    ~epoll_select() { close(epoll_); }

    void step() {
        const int count = epoll_wait(epoll_, events_.data(), static_cast<int>(events_.size()), 0);
        if (count != ready_sockets_) throw std::runtime_error("epoll_wait: not the ready sockets");
        benchmark::DoNotOptimize(events_.data());
    }

private:
    void watch(int fd) {
        epoll_event e{};
        e.events = EPOLLIN | EPOLLRDHUP; // what the selector asks for readable
        e.data.u64 = static_cast<std::uint64_t>(fd);
        if (epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &e) != 0) raw::fail("epoll_ctl");
    }

    int ready_sockets_;
    int epoll_;
    std::vector<raw::socket_handle> senders_;
    std::vector<raw::socket_handle> ready_;
    std::vector<epoll_event> events_;
};

const bool registered = register_workload<epoll_select>("select10k/raw_epoll", 0, few_ready) &&
                        register_workload<epoll_select>("select10k_64ready/raw_epoll", 0, many_ready);

} // namespace

#endif
