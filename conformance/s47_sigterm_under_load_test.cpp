// SPDX-License-Identifier: BSL-1.0
// S47 abuse: SIGTERM under load (seeds 000, 001: the servers, stopped the way a service
// manager stops them).
//
// A server is told to stop while fifty clients are in the middle of their exchanges: it
// must stop accepting, give its handlers the grace period, close what is left and exit
// with status 0 within a few seconds, and every client must see an orderly end of its
// connection or a reset, never a hang. The echo_server (threaded mode, its default) and
// chat_server (async) examples get a real SIGTERM as child processes; the library's
// tcp_server gets one in this process, where a handler calls stop() on whichever thread
// the OS picks (the unit test stop_from_a_signal_handler does it on an idle server, from
// the thread that serves). On Windows the examples are ended with TerminateProcess, which
// gives them no chance to clean up (exit status 1): the exit status is not asserted there,
// and under Wine, where the killed process's sockets may outlive it, they are skipped, as
// is the library's async engine (support/servers.hpp).
#include "support/conformance.hpp"
#include "support/example_server.hpp"
#include "support/servers.hpp"

#include <atomic>
#include <future>
#include <memory>
#include <vector>

#include "native/handles.hpp"
#include "native/process.hpp"
#include "native/signals.hpp"

namespace {

using namespace conformance;
using clock = std::chrono::steady_clock;

class S47_SigtermUnderLoad : public scenario {};

constexpr std::size_t load_clients = 50;
// The examples' sessions end after the line in hand once the server stops, well within
// their stop_grace of 2 s; past it the sessions are closed and the process exits.
constexpr auto example_exit_bound = 5s;

struct load_outcome {
    std::atomic<std::size_t> exchanges{0};
    std::atomic<std::size_t> ended{0}; // the end of the stream
    std::atomic<std::size_t> reset{0};  // a reset or broken pipe
};

// What a client does until its connection ends: echo round trips, or (talk) chat lines
// sent while reading what the room says.
enum class exchange { echo, talk };

void record_end(const std::error_code& ec, load_outcome& outcome) {
    if (!ec) {
        outcome.ended++;
    } else if (ec == unisock::errc::connection_reset || ec == unisock::errc::broken_pipe ||
               ec == unisock::errc::connection_aborted) {
        outcome.reset++;
    } else {
        ADD_FAILURE() << "a loaded client's connection ended with " << ec.message();
    }
}

void keep_busy(unisock::socket& client, exchange kind, const std::string& reply_prefix, load_outcome& outcome) {
    unisock::stream lines(client);
    std::string line(200, 'w');
    line += "\n";
    std::error_code ec;
    for (;;) {
        client.sendall(line, ec);
        if (ec) break;
        if (kind == exchange::echo) {
            const std::string reply = lines.readline(unisock::stream::default_line_limit, ec);
            if (ec || reply.empty()) break;
            EXPECT_EQ(reply, reply_prefix + line);
        } else {
            // What the room says meanwhile; the end shows here too.
            bool ended = false;
            while (!ended && !client.wait(unisock::wait_for::readable, std::chrono::milliseconds(50)))
                ended = client.recv(65536, ec).empty() || ec;
            if (ended) break;
        }
        outcome.exchanges++;
    }
    record_end(ec, outcome);
}

// load_clients clients busy against port from threads of their own, until their
// connections end; joined when destroyed.
class load {
public:
    load(std::uint16_t port, exchange kind, const std::string& greeting, const std::string& reply_prefix) {
        clients_.reserve(load_clients); // the threads hold references
        for (std::size_t i = 0; i < load_clients; ++i) {
            unisock::socket& client = clients_.emplace_back(unisock::create_connection("127.0.0.1", port, patience));
            client.set_timeout(patience);
            if (!greeting.empty()) {
                EXPECT_EQ(recv_exactly(client, greeting.size()), greeting);
            }
        }
        for (unisock::socket& client : clients_)
            threads_.push_back(std::make_unique<peer_thread>(
                [&client, kind, reply_prefix, this] { keep_busy(client, kind, reply_prefix, outcome_); }));
        // Every client mid-exchange before the signal comes.
        const auto until = clock::now() + patience;
        while (outcome_.exchanges < 2 * load_clients && clock::now() < until) std::this_thread::sleep_for(10ms);
    }
    // Waits for every client to see its end (each read is bounded by patience).
    const load_outcome& finish() {
        threads_.clear();
        return outcome_;
    }
    std::string summary() const {
        return std::to_string(load_clients) + " clients, " + std::to_string(outcome_.exchanges) + " exchanges; " +
               std::to_string(outcome_.ended) + " saw the end of the stream, " + std::to_string(outcome_.reset) +
               " a reset";
    }

private:
    std::vector<unisock::socket> clients_;
    load_outcome outcome_;
    std::vector<std::unique_ptr<peer_thread>> threads_;
};

void example_exits_cleanly(const std::string& name, const std::vector<std::string>& args, exchange kind,
                           const std::string& greeting, const std::string& reply_prefix) {
    if (native::running_under_wine())
        CONFORMANCE_SKIP("Wine: the examples can only be ended with TerminateProcess, which runs none of their code "
                         "(exit status 1), and a socket of the killed process may stay open in wineserver (a client "
                         "waited out its 10 s timeout)");
    example_server server(name, args);
    load clients(server.port_number(), kind, greeting, reply_prefix);
    const auto start = clock::now();
    const std::optional<int> exit_code = server.stop();
    const auto took = clock::now() - start;
    const load_outcome& outcome = clients.finish();
    record_note(name + ": exit status " + (exit_code ? std::to_string(*exit_code) : std::string("none")) + " " +
                milliseconds_text(took) + " after the signal; " + clients.summary());
    ASSERT_TRUE(exit_code.has_value()) << name << " did not exit";
    EXPECT_EQ(outcome.ended + outcome.reset, load_clients) << "clients whose connection did not end cleanly";
    if (!native::child_process::terminate_lets_it_clean_up())
        CONFORMANCE_SKIP("exit status not asserted: this OS ends the child with TerminateProcess (status " +
                         std::to_string(*exit_code) +
                         "), which runs none of its code; the examples stop cleanly only on a SIGINT/SIGTERM, "
                         "which Windows raises for a Ctrl+C in the child's own console");
    EXPECT_EQ(*exit_code, 0);
    EXPECT_LT(took, sanitizer_build ? patience : example_exit_bound);
}

TEST_F(S47_SigtermUnderLoad, EchoServerExampleExitsWithStatusZero) {
    example_exits_cleanly("echo_server", {"--mode", "threaded"}, exchange::echo,
                          echo_server_greeting, "OK...");
}

TEST_F(S47_SigtermUnderLoad, ChatServerExampleExitsWithStatusZero) {
    example_exits_cleanly("chat_server", {}, exchange::talk, "", "");
}

// ---- the library's tcp_server, stopped from a SIGTERM handler in this process

std::atomic<unisock::tcp_server*> signalled_server{nullptr};

void stop_signalled_server() noexcept {
    if (unisock::tcp_server* server = signalled_server.load()) server->stop();
}

void library_server_stops_on_sigterm(unisock::engine engine, const std::string& name) {
    constexpr auto grace = 500ms;
    unisock::tcp_server server(unisock::address::v4_loopback(0), echo_lines,
                               {.engine = engine,
                                .max_connections = 2 * load_clients,
                                .threads = 2,
                                .stop_grace = grace,
                                .log = [](std::string_view) {}});
    std::error_code serve_error;
    std::promise<void> served;
    std::future<void> serving_ended = served.get_future();
    peer_thread serving([&] {
        server.serve_forever(serve_error);
        served.set_value();
    });
    // On every way out (a client that cannot connect throws), the server stops before the
    // thread that serves it is joined.
    struct stop_on_exit {
        unisock::tcp_server& server;
        ~stop_on_exit() {
            signalled_server = nullptr;
            server.stop();
        }
    } stopper{server};
    const native::terminate_signal_handler on_sigterm(stop_signalled_server);
    signalled_server = &server;
    std::optional<load> clients;
    clients.emplace(server.local_address().port(), exchange::echo, "", "");
    const auto start = clock::now();
    native::terminate_signal_handler::send_to_self();
    const auto bound = grace + (sanitizer_build ? patience : 3s);
    const bool ended_in_time = serving_ended.wait_for(bound) == std::future_status::ready;
    const auto took = clock::now() - start;
    server.stop(); // does nothing after the signal's stop; ends a failed test instead of hanging it
    serving.join();
    const load_outcome& outcome = clients->finish();
    record_note(name + ": serve_forever returned " + milliseconds_text(took) +
                " after SIGTERM (stop_grace 500 ms); " + clients->summary());
    EXPECT_TRUE(ended_in_time) << "serve_forever did not return after the signal";
    EXPECT_FALSE(serve_error) << serve_error.message();
    EXPECT_EQ(server.active_sessions(), 0u);
    EXPECT_EQ(outcome.ended + outcome.reset, load_clients) << "clients whose connection did not end cleanly";
}

TEST_F(S47_SigtermUnderLoad, LibraryAsyncEngineStopsFromTheSignalHandler) {
    SKIP_ANOTHER_ASYNC_SERVER_UNDER_WINE();
    library_server_stops_on_sigterm(unisock::engine::async, "async engine, 2 threads");
}

TEST_F(S47_SigtermUnderLoad, LibraryThreadedEngineStopsFromTheSignalHandler) {
    library_server_stops_on_sigterm(unisock::engine::threaded, "threaded engine");
}

} // namespace
