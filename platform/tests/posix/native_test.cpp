// SPDX-License-Identifier: BSL-1.0
// What the POSIX backend does to the OS socket underneath, read back with the raw
// system calls: the internal non-blocking mode, close-on-exec, the blocking mode a
// released handle gets back, explicit IPV6_V6ONLY, the reuse options, SIGPIPE left
// alone, raw setsockopt/getsockopt with native level and name numbers, the signal mask
// the server engines' threads start with, and a selector registration that a duplicate
// descriptor keeps alive.

#include "core/tests/loopback_connection.hpp"
#include "platform/platform.hpp"
#include "unisock/connection.hpp"
#include "unisock/selector.hpp"
#include "unisock/server.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fcntl.h>
#include <pthread.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <memory>
#include <string>
#include <system_error>
#include <thread>

namespace {

using namespace std::chrono_literals;
using unisock::address;
using unisock::address_family;
using unisock::errc;
using unisock::socket;
using unisock::socket_type;

int fd_of(const socket& s) { return static_cast<int>(s.native_handle()); }

bool is_non_blocking(int fd) { return (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }

bool is_close_on_exec(int fd) { return (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

int native_int_option(int fd, int level, int name) {
    int value = -1;
    socklen_t size = sizeof value;
    EXPECT_EQ(::getsockopt(fd, level, name, &value, &size), 0) << "getsockopt " << level << "/" << name;
    return value;
}

using unisock::test::tcp_connection;

tcp_connection connect_loopback() { return unisock::test::connect_loopback(10s); }

TEST(posix_native, new_sockets_are_non_blocking_and_close_on_exec) {
    for (const socket_type t : {socket_type::stream, socket_type::datagram}) {
        socket s(address_family::ipv4, t);
        EXPECT_TRUE(is_non_blocking(fd_of(s))) << unisock::to_string(t);
        EXPECT_TRUE(is_close_on_exec(fd_of(s))) << unisock::to_string(t);
    }
}

TEST(posix_native, accepted_sockets_are_non_blocking_and_close_on_exec) {
    tcp_connection c = connect_loopback();
    EXPECT_TRUE(is_non_blocking(fd_of(c.server)));
    EXPECT_TRUE(is_close_on_exec(fd_of(c.server)));
}

TEST(posix_native, socketpair_ends_are_non_blocking_and_close_on_exec) {
    unisock::socket_pair p = unisock::socketpair();
    for (const socket* s : {&p.first, &p.second}) {
        EXPECT_TRUE(is_non_blocking(fd_of(*s)));
        EXPECT_TRUE(is_close_on_exec(fd_of(*s)));
    }
}

TEST(posix_native, released_handle_blocks_unless_the_timeout_was_zero) {
    socket blocking(address_family::ipv4, socket_type::stream);
    const int fd = static_cast<int>(blocking.release());
    EXPECT_FALSE(is_non_blocking(fd));
    ::close(fd);

    socket timed(address_family::ipv4, socket_type::stream);
    timed.set_timeout(2s);
    const int timed_fd = static_cast<int>(timed.release());
    EXPECT_FALSE(is_non_blocking(timed_fd));
    ::close(timed_fd);

    socket non_blocking(address_family::ipv4, socket_type::stream);
    non_blocking.set_blocking(false);
    const int nb_fd = static_cast<int>(non_blocking.release());
    EXPECT_TRUE(is_non_blocking(nb_fd));
    ::close(nb_fd);
}

TEST(posix_native, adopt_makes_a_blocking_socket_non_blocking) {
    const int fd = ::socket(AF_INET6, SOCK_DGRAM, 0);
    ASSERT_GE(fd, 0);
    ASSERT_FALSE(is_non_blocking(fd));
    socket adopted = socket::adopt(fd);
    EXPECT_TRUE(is_non_blocking(fd));
    EXPECT_EQ(adopted.family(), address_family::ipv6);
    EXPECT_EQ(adopted.type(), socket_type::datagram);
    EXPECT_EQ(adopted.timeout(), std::nullopt);
}

TEST(posix_native, adopt_of_a_pipe_is_bad_descriptor) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    std::error_code ec;
    socket s = socket::adopt(fds[0], ec);
    EXPECT_EQ(ec, errc::bad_descriptor) << ec.message();
    EXPECT_FALSE(s.is_open());
    ::close(fds[0]);
    ::close(fds[1]);
}

TEST(posix_native, ipv6_sockets_have_v6_only_set_explicitly) {
    socket s(address_family::ipv6, socket_type::stream);
    EXPECT_EQ(native_int_option(fd_of(s), IPPROTO_IPV6, IPV6_V6ONLY), 1);
    s.set_option(unisock::option::v6_only{false});
    EXPECT_EQ(native_int_option(fd_of(s), IPPROTO_IPV6, IPV6_V6ONLY), 0);
}

TEST(posix_native, reuse_policies_map_to_native_options) {
    socket s(address_family::ipv4, socket_type::stream);
    EXPECT_EQ(native_int_option(fd_of(s), SOL_SOCKET, SO_REUSEADDR), 0);
    s.set_option(unisock::option::reuse{unisock::reuse_policy::rebind_after_close});
    EXPECT_NE(native_int_option(fd_of(s), SOL_SOCKET, SO_REUSEADDR), 0);
    s.set_option(unisock::option::reuse{unisock::reuse_policy::exclusive});
    EXPECT_EQ(native_int_option(fd_of(s), SOL_SOCKET, SO_REUSEADDR), 0);
#if defined(__linux__)
    s.set_option(unisock::option::reuse{unisock::reuse_policy::load_balanced});
    EXPECT_NE(native_int_option(fd_of(s), SOL_SOCKET, SO_REUSEPORT), 0);
#endif
}

TEST(posix_native, rebind_after_close_leaves_so_reuseaddr_off_on_a_datagram_socket) {
    socket s(address_family::ipv4, socket_type::datagram);
    s.set_option(unisock::option::reuse{unisock::reuse_policy::rebind_after_close});
    EXPECT_EQ(native_int_option(fd_of(s), SOL_SOCKET, SO_REUSEADDR), 0);
}

TEST(posix_native, typed_options_reach_the_kernel) {
    socket s(address_family::ipv4, socket_type::stream);
    s.set_option(unisock::option::no_delay{true});
    EXPECT_NE(native_int_option(fd_of(s), IPPROTO_TCP, TCP_NODELAY), 0);
    s.set_option(unisock::option::keep_alive{true});
    EXPECT_NE(native_int_option(fd_of(s), SOL_SOCKET, SO_KEEPALIVE), 0);
    s.set_option(unisock::option::linger{5s});
    linger native{};
    socklen_t size = sizeof native;
    ASSERT_EQ(::getsockopt(fd_of(s), SOL_SOCKET, SO_LINGER, &native, &size), 0);
    EXPECT_NE(native.l_onoff, 0);
    EXPECT_EQ(native.l_linger, 5);
}

#if defined(__linux__)
TEST(posix_native, keep_alive_timing_reaches_the_kernel) {
    socket s(address_family::ipv4, socket_type::stream);
    s.set_option(unisock::option::keep_alive_timing{{30s, 5s, 3}});
    EXPECT_EQ(native_int_option(fd_of(s), IPPROTO_TCP, TCP_KEEPIDLE), 30);
    EXPECT_EQ(native_int_option(fd_of(s), IPPROTO_TCP, TCP_KEEPINTVL), 5);
    EXPECT_EQ(native_int_option(fd_of(s), IPPROTO_TCP, TCP_KEEPCNT), 3);
}
#endif

TEST(posix_native, raw_option_round_trip) {
    socket s(address_family::ipv4, socket_type::stream);
    const int on = 1;
    s.set_raw_option(SOL_SOCKET, SO_KEEPALIVE, unisock::const_bytes(&on, sizeof on));
    EXPECT_TRUE(s.get_option<unisock::option::keep_alive>().value);
    int value = 0;
    EXPECT_EQ(s.get_raw_option(SOL_SOCKET, SO_KEEPALIVE, unisock::mutable_bytes(&value, sizeof value)), sizeof value);
    EXPECT_NE(value, 0);
}

TEST(posix_native, raw_option_reads_socket_type) {
    socket s(address_family::ipv4, socket_type::datagram);
    int type = 0;
    const std::size_t size = s.get_raw_option(SOL_SOCKET, SO_TYPE, unisock::mutable_bytes(&type, sizeof type));
    EXPECT_EQ(size, sizeof type);
    EXPECT_EQ(type, SOCK_DGRAM);
}

TEST(posix_native, raw_option_errors_carry_errno) {
    socket s(address_family::ipv4, socket_type::stream);
    int value = 0;
    std::error_code ec;
    s.get_raw_option(SOL_SOCKET, 987654, unisock::mutable_bytes(&value, sizeof value), ec);
    EXPECT_TRUE(ec);
    EXPECT_STREQ(ec.category().name(), "errno");
    EXPECT_THROW(s.set_raw_option(SOL_SOCKET, 987654, unisock::const_bytes(&value, sizeof value)), unisock::socket_error);
}

TEST(posix_native, sigpipe_disposition_is_left_alone) {
    struct sigaction before {};
    ASSERT_EQ(::sigaction(SIGPIPE, nullptr, &before), 0);
    {
        tcp_connection c = connect_loopback();
        c.server.close();
        std::error_code ec;
        for (int i = 0; i < 1000 && !ec; ++i) c.client.send(std::string(1024, 'x'), ec);
        EXPECT_TRUE(ec == errc::broken_pipe || ec == errc::connection_reset) << ec.message();
    }
    struct sigaction after {};
    ASSERT_EQ(::sigaction(SIGPIPE, nullptr, &after), 0);
    EXPECT_EQ(after.sa_handler, before.sa_handler);
}

TEST(posix_native, native_handle_is_the_descriptor) {
    socket s(address_family::ipv4, socket_type::stream);
    EXPECT_EQ(native_int_option(fd_of(s), SOL_SOCKET, SO_TYPE), SOCK_STREAM);
#ifdef SO_DOMAIN
    EXPECT_EQ(native_int_option(fd_of(s), SOL_SOCKET, SO_DOMAIN), AF_INET);
#endif
}

bool blocks(int signal_number) {
    sigset_t mask;
    pthread_sigmask(SIG_BLOCK, nullptr, &mask);
    return sigismember(&mask, signal_number) == 1;
}

TEST(posix_native, a_thread_started_under_async_signals_blocked_takes_no_asynchronous_signal) {
    ASSERT_FALSE(blocks(SIGTERM)) << "the test thread must start with SIGTERM unblocked";
    std::atomic<bool> term_blocked{false}, int_blocked{false}, segv_blocked{true}, pipe_blocked{true};
    std::thread worker;
    {
        const unisock::platform::async_signals_blocked blocked;
        EXPECT_TRUE(blocks(SIGTERM));
        worker = std::thread([&] {
            term_blocked = blocks(SIGTERM);
            int_blocked = blocks(SIGINT);
            segv_blocked = blocks(SIGSEGV);
            pipe_blocked = blocks(SIGPIPE);
        });
    }
    worker.join();
    EXPECT_TRUE(term_blocked);
    EXPECT_TRUE(int_blocked);
    EXPECT_FALSE(segv_blocked) << "a fault must still reach the thread that caused it";
    EXPECT_FALSE(pipe_blocked) << "a write to a closed pipe must still raise SIGPIPE where it is made";
    EXPECT_FALSE(blocks(SIGTERM)) << "the creating thread's mask is restored";
}

// A process-directed SIGTERM must run its handler on an application thread: an engine's
// worker that ends with the signal still deferred (ThreadSanitizer) would lose it.
TEST(posix_native, the_server_engines_handlers_run_with_asynchronous_signals_blocked) {
    for (const unisock::engine e : {unisock::engine::threaded, unisock::engine::async}) {
        std::atomic<int> handler_blocked_term{-1};
        unisock::tcp_server server(
            address::v4_loopback(0),
            [&](unisock::session& client) -> unisock::task {
                handler_blocked_term = blocks(SIGTERM) ? 1 : 0;
                co_await client.sendall("done\n");
            },
            {.engine = e, .log = [](std::string_view) {}});
        std::error_code serve_ec;
        {
            std::jthread serving([&] { server.serve_forever(serve_ec); });
            // Stopped and joined on every way out, a throwing call's included.
            const std::unique_ptr<unisock::tcp_server, void (*)(unisock::tcp_server*)> stop_on_exit(
                &server, [](unisock::tcp_server* s) { s->stop(); });
            socket client = unisock::create_connection("127.0.0.1", server.local_address().port(), 10s);
            client.set_timeout(10s);
            EXPECT_EQ(client.recv(16), "done\n");
        }
        EXPECT_FALSE(serve_ec) << serve_ec.message();
        EXPECT_EQ(handler_blocked_term, 1) << "engine " << static_cast<int>(e);
        EXPECT_FALSE(blocks(SIGTERM)) << "the caller's mask is untouched";
    }
}

// A descriptor of this test's own, closed on every way out.
struct descriptor {
    int fd;
    ~descriptor() {
        if (fd >= 0) ::close(fd);
    }
};

// A registration that epoll keeps after its socket's close() and remove(): a duplicate
// descriptor (as a forked child's would) keeps the socket open, and it is writable, so
// every wait reports it.
struct registration_left_behind {
    unisock::socket_pair pair = unisock::socketpair();
    descriptor duplicate{::dup(fd_of(pair.first))};

    explicit registration_left_behind(unisock::selector& sel) {
        if (duplicate.fd < 0) throw std::system_error(errno, std::generic_category(), "dup");
        sel.add(pair.first, unisock::wait_for::writable);
        pair.first.close();
        sel.remove(pair.first);
    }
};

// A socket closed while registered, but kept open by a duplicate descriptor (or a forked
// child's): epoll keeps its registration and goes on reporting it under its old key. The
// selector must not pass those reports off as the socket registered after it, nor write
// more events than it has room for (the stale and the new one both ready).
TEST(posix_native, a_registration_a_duplicate_descriptor_keeps_is_not_taken_for_another_socket) {
    unisock::selector sel;
    const registration_left_behind stale(sel);
    unisock::socket_pair fresh = unisock::socketpair();
    int marker = 0;
    sel.add(fresh.first, unisock::wait_for::writable, &marker);
    for (int round = 0; round < 3; ++round) {
        const auto events = sel.select(0s);
        ASSERT_EQ(events.size(), 1u) << "round " << round;
        EXPECT_EQ(events[0].sock, &fresh.first);
        EXPECT_EQ(events[0].data, &marker);
        EXPECT_TRUE(events[0].writable);
    }
}

// The same registration left behind must not make select() return at once and empty
// for ever: after its remove() the selector waits as asked, here until a wake() that
// comes only after select() has been called.
TEST(posix_native, a_registration_a_duplicate_descriptor_keeps_does_not_end_every_wait_at_once) {
    unisock::selector sel;
    unisock::socket_pair idle = unisock::socketpair();
    sel.add(idle.first, unisock::wait_for::readable);
    const registration_left_behind stale(sel);

    std::atomic<bool> wake_sent{false};
    std::thread waker([&] {
        std::this_thread::sleep_for(200ms);
        wake_sent = true;
        sel.wake();
    });
    const auto began = std::chrono::steady_clock::now();
    const auto events = sel.select(20s);
    const bool returned_after_the_wake = wake_sent.load();
    const auto waited = std::chrono::steady_clock::now() - began;
    waker.join();
    EXPECT_TRUE(events.empty());
    EXPECT_TRUE(returned_after_the_wake) << "select() returned before anything was ready or woke it";
    EXPECT_LT(waited, 15s) << "select() ran to its timeout: the wake-up was lost";
    EXPECT_TRUE(sel.select(0s).empty()) << "the stale registration is reported again";
}

// When the selector registers everything anew (a stale registration seen), a socket
// closed but not yet removed is left out: its descriptor number may name another
// socket by now, which must neither be reported as the closed one nor be refused when
// it is added itself.
TEST(posix_native, registering_anew_leaves_out_a_socket_closed_before_its_remove) {
    unisock::selector sel;
    unisock::socket_pair closed = unisock::socketpair();
    sel.add(closed.first, unisock::wait_for::readable);
    const int closed_number = fd_of(closed.first);
    closed.first.close(); // not removed yet
    unisock::socket_pair other = unisock::socketpair();
    if (fd_of(other.first) != closed_number && fd_of(other.second) != closed_number)
        GTEST_SKIP() << "the OS did not reuse descriptor " << closed_number;
    unisock::socket& reuser = fd_of(other.first) == closed_number ? other.first : other.second;
    unisock::socket& reusers_peer = &reuser == &other.first ? other.second : other.first;
    reusers_peer.sendall("x"); // the socket now under the closed one's number is readable

    const registration_left_behind stale(sel);
    EXPECT_TRUE(sel.select(0s).empty()) << "the stale report is dropped, the closed socket not reported";
    EXPECT_TRUE(sel.select(0s).empty()) << "the socket under the reused number is not the closed one";
    std::error_code ec;
    sel.add(reuser, unisock::wait_for::readable, nullptr, ec);
    ASSERT_FALSE(ec) << ec.message();
    const auto events = sel.select(0s);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].sock, &reuser);
    EXPECT_TRUE(events[0].readable);
    sel.remove(closed.first);
}

// A registered socket closed (kept open by a duplicate), then the same object given a
// new socket, which the OS numbers as the closed one: its remove() cannot take the old
// registration out (EPOLL_CTL_DEL finds the new socket's file, not registered), and the
// next socket added under the freed key must still get exactly its own event.
TEST(posix_native, a_socket_replaced_under_the_same_number_leaves_no_second_event) {
    unisock::selector sel;
    unisock::socket_pair p = unisock::socketpair();
    const int old_number = fd_of(p.first);
    const descriptor duplicate{::dup(old_number)};
    ASSERT_GE(duplicate.fd, 0) << std::strerror(errno);
    sel.add(p.first, unisock::wait_for::writable);
    p.first.close();
    unisock::socket_pair replacement = unisock::socketpair();
    if (fd_of(replacement.first) != old_number) GTEST_SKIP() << "the OS did not reuse descriptor " << old_number;
    p.first = std::move(replacement.first);
    std::error_code ec;
    sel.remove(p.first, ec); // may fail (ENOENT): the entry goes all the same

    unisock::socket_pair next = unisock::socketpair();
    sel.add(next.first, unisock::wait_for::writable);
    for (int round = 0; round < 3; ++round) {
        const auto events = sel.select(0s);
        ASSERT_EQ(events.size(), 1u) << "round " << round;
        EXPECT_EQ(events[0].sock, &next.first);
    }
}

} // namespace
