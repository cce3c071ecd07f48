// SPDX-License-Identifier: BSL-1.0
// The load generator (Asio, one thread): N connections to an echo or chat server on
// 127.0.0.1, every reply checked, and the server process measured from /proc (Linux).
//
//   load_client echo PORT SERVER_PID CONNECTIONS SECONDS
//     each connection reads the welcome line, then sends a 64-byte line and waits for
//     "OK..." + that line, again and again; prints round trips/s, p50/p99 latency,
//     the server's CPU per round trip, and its RSS and descriptors per connection.
//   load_client chat PORT SERVER_PID MEMBERS SECONDS
//     MEMBERS connect; 8 of them talk (each keeps 4 lines in flight: it sends the next
//     one when the last member has heard the one before); every member counts what it
//     hears. Prints deliveries/s, server CPU per delivery, RSS per member.
//
// Output: one line of "key=value" fields, for bench/load.sh.
#include <asio.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

// ---- the server process, from /proc ------------------------------------------------------

struct process_sample {
    double cpu_seconds = 0; // user + system
    long rss_kib = 0;
    long descriptors = 0;
};

process_sample sample(int pid) {
    process_sample s;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    const auto close_paren = text.rfind(')');
    std::istringstream fields(text.substr(close_paren + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; fields >> field; ++i) {
        if (i == 14) utime = std::stol(field);
        if (i == 15) {
            stime = std::stol(field);
            break;
        }
    }
    s.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0) s.rss_kib = std::stol(line.substr(6));
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
        ++s.descriptors;
    return s;
}

// ---- connections ---------------------------------------------------------------------------

struct run_state {
    asio::io_context io{1};
    tcp::endpoint server;
    bool measuring = false;
    bool stopping = false;
    std::size_t ready = 0;
    std::size_t failures = 0;
    std::uint64_t trips = 0;
    std::vector<std::uint32_t> latencies_us;
    std::string first_failure;

    void fail(const std::string& what) {
        if (failures++ == 0) first_failure = what;
    }
};

class echo_connection : public std::enable_shared_from_this<echo_connection> {
public:
    echo_connection(run_state& st, std::size_t id) : st_(st), socket_(st.io), id_(id) {}

    void start() {
        socket_.async_connect(st_.server, [self = shared_from_this()](const asio::error_code& ec) {
            if (ec) return self->st_.fail("connect: " + ec.message());
            self->socket_.set_option(tcp::no_delay(true));
            self->read_line([self](const std::string& line) {
                if (line != "welcome\n") return self->st_.fail("no welcome line");
                ++self->st_.ready;
                self->wait_for_start();
            });
        });
    }

private:
    template <class Then>
    void read_line(Then then) {
        asio::async_read_until(socket_, asio::dynamic_buffer(input_), '\n',
                               [self = shared_from_this(), then](const asio::error_code& ec, std::size_t n) {
                                   if (ec) return self->st_.fail("read: " + ec.message());
                                   const std::string line = self->input_.substr(0, n);
                                   self->input_.erase(0, n);
                                   then(line);
                               });
    }

    void wait_for_start() {
        if (st_.stopping) return;
        if (!st_.measuring) {
            // Polled by a short timer: connections only start once all are ready.
            auto timer = std::make_shared<asio::steady_timer>(st_.io, std::chrono::milliseconds(20));
            timer->async_wait([self = shared_from_this(), timer](const asio::error_code&) { self->wait_for_start(); });
            return;
        }
        send_one();
    }

    void send_one() {
        if (st_.stopping) return;
        message_ = "connection " + std::to_string(id_) + " trip " + std::to_string(seq_++) + " ";
        message_.resize(63, '.');
        message_ += '\n';
        expected_ = "OK..." + message_;
        sent_at_ = clock_type::now();
        asio::async_write(socket_, asio::buffer(message_), [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
            if (ec) return self->st_.fail("write: " + ec.message());
            self->read_line([self](const std::string& line) {
                if (line != self->expected_) return self->st_.fail("wrong reply: " + line);
                if (self->st_.measuring) {
                    ++self->st_.trips;
                    self->st_.latencies_us.push_back(static_cast<std::uint32_t>(
                        std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - self->sent_at_).count()));
                }
                self->send_one();
            });
        });
    }

    run_state& st_;
    tcp::socket socket_;
    std::size_t id_;
    std::uint64_t seq_ = 0;
    std::string input_, message_, expected_;
    clock_type::time_point sent_at_;
};

// Runs the io_context until pred() or the deadline.
template <class Pred>
bool run_until(run_state& st, Pred pred, std::chrono::seconds limit) {
    const auto until = clock_type::now() + limit;
    while (!pred() && clock_type::now() < until) st.io.run_for(std::chrono::milliseconds(10));
    return pred();
}

int run_echo(run_state& st, int pid, std::size_t connections, int seconds) {
    const process_sample idle = sample(pid);
    std::vector<std::shared_ptr<echo_connection>> all;
    for (std::size_t i = 0; i < connections; ++i) {
        all.push_back(std::make_shared<echo_connection>(st, i));
        all.back()->start();
        if (i % 200 == 199) st.io.run_for(std::chrono::milliseconds(5)); // let the server accept
    }
    if (!run_until(st, [&] { return st.ready + st.failures >= connections; }, std::chrono::seconds(120))) {
        std::cout << "error=only " << st.ready << " of " << connections << " connections were served\n";
        return 1;
    }
    const process_sample connected = sample(pid);
    st.measuring = true;
    const auto start = clock_type::now();
    const process_sample before = sample(pid);
    st.io.run_for(std::chrono::seconds(seconds));
    const process_sample after = sample(pid);
    const double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
    st.measuring = false;
    st.stopping = true;
    std::sort(st.latencies_us.begin(), st.latencies_us.end());
    const auto percentile = [&](double p) {
        return st.latencies_us.empty() ? 0u : st.latencies_us[static_cast<std::size_t>(p * (st.latencies_us.size() - 1))];
    };
    std::printf("connections=%zu served=%zu failures=%zu trips_per_s=%.0f p50_us=%u p99_us=%u cpu_us_per_trip=%.3f "
                "rss_bytes_per_conn=%.0f fds_per_conn=%.3f%s%s\n",
                connections, st.ready, st.failures, static_cast<double>(st.trips) / elapsed, percentile(0.5),
                percentile(0.99), (after.cpu_seconds - before.cpu_seconds) * 1e6 / static_cast<double>(std::max<std::uint64_t>(st.trips, 1)),
                static_cast<double>(connected.rss_kib - idle.rss_kib) * 1024.0 / static_cast<double>(connections),
                static_cast<double>(connected.descriptors - idle.descriptors) / static_cast<double>(connections),
                st.failures ? " first_failure=" : "", st.first_failure.c_str());
    return st.failures == 0 ? 0 : 1;
}

// ---- chat ----------------------------------------------------------------------------------

struct chat_state;

class chat_member : public std::enable_shared_from_this<chat_member> {
public:
    chat_member(run_state& st, chat_state& chat, std::size_t id) : st_(st), chat_(chat), socket_(st.io), id_(id) {}
    void start();
    void say(const std::string& line) {
        auto text = std::make_shared<std::string>(line);
        asio::async_write(socket_, asio::buffer(*text), [self = shared_from_this(), text](const asio::error_code& ec, std::size_t) {
            if (ec) self->st_.fail("write: " + ec.message());
        });
    }
    std::string name;

private:
    void read_more();
    run_state& st_;
    chat_state& chat_;
    tcp::socket socket_;
    std::size_t id_;
    std::string input_;
};

struct chat_state {
    static constexpr std::size_t talkers = 8;
    static constexpr int in_flight = 4;
    std::vector<std::shared_ptr<chat_member>> members;
    std::vector<std::uint64_t> next_line = std::vector<std::uint64_t>(talkers, 0);
    std::uint64_t deliveries = 0;
    std::size_t connected = 0;
    bool talking = false;

    void talk(std::size_t talker) {
        members[talker]->say("talker " + std::to_string(talker) + " line " + std::to_string(next_line[talker]++) + "\n");
    }
};

void chat_member::start() {
    socket_.async_connect(st_.server, [self = shared_from_this()](const asio::error_code& ec) {
        if (ec) return self->st_.fail("connect: " + ec.message());
        self->name = self->socket_.local_endpoint().address().to_string() + ":" +
                     std::to_string(self->socket_.local_endpoint().port());
        ++self->chat_.connected;
        self->read_more();
    });
}

void chat_member::read_more() {
    asio::async_read_until(socket_, asio::dynamic_buffer(input_), '\n',
                           [self = shared_from_this()](const asio::error_code& ec, std::size_t n) {
                               if (ec) {
                                   if (!self->st_.stopping) self->st_.fail("read: " + ec.message());
                                   return;
                               }
                               const std::string line = self->input_.substr(0, n);
                               self->input_.erase(0, n);
                               if (self->st_.measuring) ++self->chat_.deliveries;
                               // The last member paces the talkers.
                               if (self->id_ + 1 == self->chat_.members.size() && self->chat_.talking &&
                                   line.find("] talker ") != std::string::npos) {
                                   const std::size_t at = line.find("] talker ") + 9;
                                   const std::size_t talker = std::stoul(line.substr(at));
                                   if (talker < chat_state::talkers) self->chat_.talk(talker);
                               }
                               self->read_more();
                           });
}

int run_chat(run_state& st, int pid, std::size_t members, int seconds) {
    chat_state chat;
    const process_sample idle = sample(pid);
    for (std::size_t i = 0; i < members; ++i) {
        chat.members.push_back(std::make_shared<chat_member>(st, chat, i));
        chat.members.back()->start();
        if (i % 200 == 199) st.io.run_for(std::chrono::milliseconds(5));
    }
    if (!run_until(st, [&] { return chat.connected + st.failures >= members; }, std::chrono::seconds(120))) {
        std::cout << "error=only " << chat.connected << " of " << members << " members connected\n";
        return 1;
    }
    st.io.run_for(std::chrono::seconds(2)); // the server has taken every member into the room
    const process_sample connected = sample(pid);
    chat.talking = true;
    for (std::size_t t = 0; t < chat_state::talkers; ++t)
        for (int k = 0; k < chat_state::in_flight; ++k) chat.talk(t);
    st.io.run_for(std::chrono::seconds(1)); // warm up
    st.measuring = true;
    const auto start = clock_type::now();
    const process_sample before = sample(pid);
    st.io.run_for(std::chrono::seconds(seconds));
    const process_sample after = sample(pid);
    const double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
    st.measuring = false;
    chat.talking = false;
    st.stopping = true;
    std::printf("members=%zu connected=%zu failures=%zu deliveries_per_s=%.0f cpu_us_per_delivery=%.3f "
                "rss_bytes_per_member=%.0f fds_per_member=%.3f%s%s\n",
                members, chat.connected, st.failures, static_cast<double>(chat.deliveries) / elapsed,
                (after.cpu_seconds - before.cpu_seconds) * 1e6 / static_cast<double>(std::max<std::uint64_t>(chat.deliveries, 1)),
                static_cast<double>(connected.rss_kib - idle.rss_kib) * 1024.0 / static_cast<double>(members),
                static_cast<double>(connected.descriptors - idle.descriptors) / static_cast<double>(members),
                st.failures ? " first_failure=" : "", st.first_failure.c_str());
    return st.failures == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 6) {
        std::cerr << "usage: load_client echo|chat PORT SERVER_PID CONNECTIONS SECONDS\n";
        return 2;
    }
    run_state st;
    st.server = tcp::endpoint(asio::ip::address_v4::loopback(), static_cast<unsigned short>(std::stoi(argv[2])));
    const int pid = std::stoi(argv[3]);
    const std::size_t n = std::stoul(argv[4]);
    const int seconds = std::stoi(argv[5]);
    return std::string(argv[1]) == "chat" ? run_chat(st, pid, n, seconds) : run_echo(st, pid, n, seconds);
}
