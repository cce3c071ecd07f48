// SPDX-License-Identifier: BSL-1.0
// S48 data integrity (seeds 001, 002: the echo server, taken to a crowd).
//
// Two hundred clients each send 3 MB through an echo server at the same time, and each
// checks that every byte comes back, in order, and is its own: a server that mixed up two
// sessions' buffers, dropped a partial send or repeated a chunk would show here. The
// servers are the library's (threaded and async engines, echoing bytes as they come) and
// the echo_server example (async mode, echoing lines as "OK..." + line). Each client's
// bytes follow a pattern of its own, so a byte from another client is a mismatch too.
//
// The clients run on a few threads, each taking its turn over its share of connections:
// a 64 KiB chunk out to every connection, then each chunk back, so that every connection
// is busy at once while nothing in flight outgrows the loopback's buffers. Under a
// sanitizer or Wine, where each byte costs many times more, the clients send less (noted
// in the report); the other builds send the full 3 MB each.
#include "support/conformance.hpp"
#include "support/example_server.hpp"
#include "support/servers.hpp"

#include <algorithm>
#include <atomic>
#include <vector>

#include "native/handles.hpp"

namespace {

using namespace conformance;

class S48_DataIntegrity : public scenario {};

constexpr std::size_t clients = 200;
constexpr std::size_t client_threads = 8;
constexpr std::size_t chunk = 64 * 1024;

// 3 MB a client, or a tenth of it where every byte is checked by a sanitizer or carried
// by Wine's socket emulation.
std::size_t bytes_per_client() {
    constexpr std::size_t full = 3'000'000;
    return sanitizer_build || native::running_under_wine() ? full / 10 : full;
}

std::string build_note(std::size_t per_client) {
    std::string note = std::to_string(clients) + " clients x " + std::to_string(per_client) + " bytes";
    if (per_client < 3'000'000) note += " (a tenth of 3 MB: sanitizer or Wine build)";
    return note;
}

// Client c's byte at offset i: letters only (a line protocol may carry it), a different
// sequence per client, and one that does not repeat within a chunk.
char byte_of(std::size_t c, std::size_t i) {
    return static_cast<char>('a' + (i * 7 + i / 4093 + c * 11) % 26);
}

// Lines of 1,000 bytes (999 and a newline) for the line echo, within the example's
// 1,024-byte line limit.
constexpr std::size_t line_size = 1000;

std::string bytes_of(std::size_t c, std::size_t offset, std::size_t size, bool lines) {
    std::string data(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
        data[i] = lines && (offset + i) % line_size == line_size - 1 ? '\n' : byte_of(c, offset + i);
    return data;
}

struct tally {
    std::atomic<std::size_t> intact_clients{0};
    std::atomic<std::size_t> bytes_checked{0};
    std::atomic<std::size_t> mismatched_chunks{0};
    std::atomic<std::size_t> failed_clients{0};
};

// One client's connection and where it stands.
struct client {
    std::size_t id = 0;
    unisock::socket sock;
    std::size_t offset = 0;
    bool ok = true;
};

// The bytes sent for one chunk and what must come back for them: the same bytes for the
// byte echo, "OK..." + line for each line of the line echo.
using framing = std::string (*)(const std::string& sent);

std::string same_bytes(const std::string& sent) { return sent; }

std::string ok_prefixed(const std::string& sent) {
    std::string reply;
    reply.reserve(sent.size() + sent.size() / line_size * 4);
    for (std::size_t start = 0; start < sent.size(); start += line_size)
        reply += "OK..." + sent.substr(start, line_size);
    return reply;
}

// Runs every client against the server at port: each thread takes its share of the
// clients through the whole transfer, a chunk to each in turn.
void run_clients(std::uint16_t port, std::size_t per_client, bool lines, const std::string& greeting, tally& result) {
    const framing expected_reply = lines ? ok_prefixed : same_bytes;
    const std::size_t piece = lines ? chunk / line_size * line_size : chunk;
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < client_threads; ++t) {
        threads.emplace_back([&, t] {
            std::vector<client> mine;
            for (std::size_t c = t; c < clients; c += client_threads) {
                client& one = mine.emplace_back();
                one.id = c;
                std::string failure;
                try {
                    one.sock = unisock::create_connection("127.0.0.1", port, patience);
                    one.sock.set_timeout(patience);
                    if (!greeting.empty() && recv_exactly(one.sock, greeting.size()) != greeting)
                        failure = "the greeting differs";
                } catch (const unisock::socket_error& e) {
                    failure = e.what();
                }
                if (!failure.empty()) {
                    one.ok = false;
                    ADD_FAILURE() << "client " << c << " could not start: " << failure;
                }
            }
            for (std::size_t offset = 0; offset < per_client; offset += piece) {
                const std::size_t size = std::min(piece, per_client - offset);
                std::vector<std::string> sent(mine.size());
                for (std::size_t k = 0; k < mine.size(); ++k) {
                    if (!mine[k].ok) continue;
                    sent[k] = bytes_of(mine[k].id, offset, size, lines);
                    std::error_code ec;
                    mine[k].sock.sendall(sent[k], ec);
                    if (ec) {
                        mine[k].ok = false;
                        ADD_FAILURE() << "client " << mine[k].id << ": sendall at " << offset << ": " << ec.message();
                    }
                }
                for (std::size_t k = 0; k < mine.size(); ++k) {
                    if (!mine[k].ok) continue;
                    const std::string want = expected_reply(sent[k]);
                    std::string got;
                    try {
                        got = recv_exactly(mine[k].sock, want.size());
                    } catch (const unisock::socket_error& e) {
                        mine[k].ok = false;
                        ADD_FAILURE() << "client " << mine[k].id << ": recv at " << offset << ": " << e.what();
                        continue; // a failed read, not a mismatch: the client counts as failed
                    }
                    if (got != want) {
                        mine[k].ok = false;
                        result.mismatched_chunks++;
                        const auto first = std::mismatch(got.begin(), got.end(), want.begin(), want.end());
                        ADD_FAILURE() << "client " << mine[k].id << ": the chunk at " << offset << " came back with "
                                      << got.size() << " of " << want.size() << " bytes, first difference at byte "
                                      << (first.first - got.begin());
                        continue;
                    }
                    result.bytes_checked += want.size();
                }
            }
            for (client& one : mine) (one.ok ? result.intact_clients : result.failed_clients)++;
        });
    }
    for (std::thread& thread : threads) thread.join();
}

unisock::task echo_bytes(unisock::session& client) {
    std::error_code ec;
    for (std::string data; !(data = co_await client.read(chunk, ec)).empty() && !ec;) {
        co_await client.sendall(data, ec);
        if (ec) break;
    }
}

void check_and_record(const tally& result, std::size_t per_client, const std::string& server,
                      std::chrono::steady_clock::duration took) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
    record_note(server + ": " + build_note(per_client) + ", " + std::to_string(result.intact_clients) + " intact, " +
                std::to_string(result.bytes_checked / 1'000'000) + " MB checked in " + std::to_string(ms) + " ms");
    EXPECT_EQ(result.intact_clients, clients) << result.failed_clients << " clients failed";
    EXPECT_EQ(result.mismatched_chunks, 0u);
}

TEST_F(S48_DataIntegrity, ThreadedEngineEchoesEveryByteOfTwoHundredClients) {
    unisock::tcp_server_options options;
    options.engine = unisock::engine::threaded;
    options.max_connections = clients;
    options.idle_timeout = patience;
    running_server server(echo_bytes, options);
    tally result;
    const std::size_t per_client = bytes_per_client();
    const auto start = std::chrono::steady_clock::now();
    run_clients(server.address().port(), per_client, false, "", result);
    check_and_record(result, per_client, "threaded engine", std::chrono::steady_clock::now() - start);
    EXPECT_FALSE(server.stop());
}

TEST_F(S48_DataIntegrity, AsyncEngineEchoesEveryByteOfTwoHundredClients) {
    unisock::tcp_server_options options;
    options.engine = unisock::engine::async;
    options.threads = 2;
    options.idle_timeout = patience;
    running_server server(echo_bytes, options);
    tally result;
    const std::size_t per_client = bytes_per_client();
    const auto start = std::chrono::steady_clock::now();
    run_clients(server.address().port(), per_client, false, "", result);
    check_and_record(result, per_client, "async engine, 2 threads", std::chrono::steady_clock::now() - start);
    EXPECT_FALSE(server.stop());
}

TEST_F(S48_DataIntegrity, EchoServerExampleAnswersEveryLineOfTwoHundredClients) {
    example_server server("echo_server", {"--mode", "async"});
    tally result;
    const std::size_t per_client = bytes_per_client();
    const auto start = std::chrono::steady_clock::now();
    run_clients(server.port_number(), per_client, true, echo_server_greeting,
                result);
    check_and_record(result, per_client, "echo_server --mode async (lines of 1,000 bytes)",
                     std::chrono::steady_clock::now() - start);
    EXPECT_TRUE(server.stop().has_value()) << "echo_server did not stop";
}

} // namespace
