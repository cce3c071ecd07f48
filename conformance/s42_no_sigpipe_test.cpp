// SPDX-License-Identifier: BSL-1.0
// S42 fault: no SIGPIPE.
//
// On POSIX, writing to a connection the peer has closed raises SIGPIPE, and the default
// action of SIGPIPE ends the process, silently: a server dies because one client hung up.
// Programs are told to ignore SIGPIPE, but a library cannot count on that. unisock never
// lets a send raise it (MSG_NOSIGNAL, SO_NOSIGPIPE on Apple), so with SIGPIPE at its
// default disposition socket::send, sendall, stream::write and a tcp_server handler's
// sendall to a gone peer fail with broken_pipe or connection_reset, and the process goes
// on. This runs in a child process with SIGPIPE put back to SIG_DFL, so a failure kills
// the child, not the test run; the child reports each call's error. The native probe
// shows what a plain send(2) does in the same child: it dies of SIGPIPE. Windows has no
// SIGPIPE; the errors are asserted there the same way.
#include <functional>

#include "native/sigpipe_probe.hpp"
#include "support/loopback.hpp"
#include "support/servers.hpp"

namespace {

using namespace conformance;
using unisock::errc;

class S42_NoSigpipe : public scenario {};

std::string portable_name(const std::error_code& ec) {
    if (ec == errc::broken_pipe) return "broken_pipe";
    if (ec == errc::connection_reset) return "connection_reset";
    return ec ? "other(" + ec.message() + ")" : "success";
}

// Sends to a peer that has gone until a send fails (the first ones after the peer's close
// may still be taken: its reset has to come back first), then twice more: on POSIX the
// first failure is ECONNRESET, and a send after that is EPIPE, where SIGPIPE would come.
// Both errors, as "first, last". Bounded.
std::string until_it_fails_and_after(const std::function<void(std::error_code&)>& send_once) {
    std::error_code first;
    for (int attempt = 0; attempt < 400 && !first; ++attempt) {
        send_once(first);
        if (!first) std::this_thread::sleep_for(5ms);
    }
    std::error_code last = first;
    for (int again = 0; again < 2 && first; ++again) send_once(last);
    return portable_name(first) + ", " + portable_name(last);
}

// A connection whose server end is closed at once (with the data it never read, so the
// client gets a reset even where an abortive close is missing, as in Wine).
unisock::socket client_of_a_gone_peer() {
    tcp_pair pair = connect_tcp_pair();
    pair.client.sendall("unread");
    std::this_thread::sleep_for(20ms); // the bytes are in the server's receive buffer
    pair.server.close();
    return std::move(pair.client);
}

const std::string chunk = pattern(64 * 1024);

void server_handler_sends_to_a_gone_client(unisock::engine engine, const std::string& key) {
    std::string handler_errors;
    std::atomic<bool> handler_done{false}; // handler_errors is written before
    running_server server(
        [&](unisock::session& client) -> unisock::task {
            co_await client.sendall("ready\n");
            // The client's "bye", then it is gone; on Windows its reset may discard the
            // "bye" unread, so how the read ends does not matter.
            std::error_code bye;
            (void)co_await client.readline(bye);
            std::error_code first;
            for (int attempt = 0; attempt < 400 && !first; ++attempt) {
                co_await client.sendall(chunk, first);
                if (!first) std::this_thread::sleep_for(5ms);
            }
            std::error_code last = first;
            for (int again = 0; again < 2 && first; ++again) co_await client.sendall(chunk, last);
            handler_errors = portable_name(first) + ", " + portable_name(last);
            handler_done.store(true, std::memory_order_release);
        },
        {.engine = engine});
    {
        // Gone once it is being served (a reset before the accept is another story).
        unisock::socket client = unisock::create_connection("127.0.0.1", server.address().port(), patience);
        (void)recv_exactly(client, 6); // "ready\n"
        client.sendall("bye\n");
        client.abort();
    }
    // The handler ends by itself once its sends fail.
    const auto give_up = std::chrono::steady_clock::now() + patience;
    while (!handler_done.load(std::memory_order_acquire) && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(10ms);
    const std::error_code serve_ec = server.stop();
    report_fact(key, handler_done.load() ? handler_errors : "the handler never ended");
    if (serve_ec) report_fact(key + "_serve_forever", serve_ec.message());
}

// args[0]: "unisock" (every unisock send to a gone peer) or "raw" (the native probe).
int sigpipe_child(const std::vector<std::string>& args) {
    try {
        report_fact("disposition", native::restore_default_sigpipe());
        if (args.at(0) == "raw") {
            report_fact("raw", native::raw_unsuppressed_sends_to_reset_peer());
            return 0;
        }
        unisock::socket sender = client_of_a_gone_peer();
        report_fact("send", until_it_fails_and_after([&](std::error_code& ec) { (void)sender.send("x", ec); }));
        sender = client_of_a_gone_peer();
        report_fact("sendall", until_it_fails_and_after([&](std::error_code& ec) { (void)sender.sendall(chunk, ec); }));
        sender = client_of_a_gone_peer();
        unisock::stream writer(sender, 1024);
        report_fact("stream_write", until_it_fails_and_after([&](std::error_code& ec) { writer.write(chunk, ec); }));
        server_handler_sends_to_a_gone_client(unisock::engine::threaded, "threaded_server_sendall");
        server_handler_sends_to_a_gone_client(unisock::engine::async, "async_server_sendall");
        report_fact("alive", "yes");
        return 0;
    } catch (const std::exception& e) {
        report_fact("exception", e.what());
        return 2;
    }
}
const bool child_registered = register_child("s42-sigpipe", sigpipe_child);

TEST_F(S42_NoSigpipe, SendsToAGonePeerFailWithoutKillingTheProcess) {
    const child_report raw = run_child_for_report("s42-sigpipe", {"raw"});
    record_native(raw.fact("disposition") + "; " +
                  (raw.facts.count("raw") ? raw.fact("raw")
                                          : "a plain send(2) ended the process: exit status " +
                                                (raw.exit_code ? std::to_string(*raw.exit_code) : "none")));

    const child_report r = run_child_for_report("s42-sigpipe", {"unisock"});
    for (const auto& [key, value] : r.facts) record_note(key + ": " + value);
    ASSERT_TRUE(r.exit_code.has_value()) << "the child did not end\n" << r.output;
    EXPECT_EQ(*r.exit_code, 0) << "the child died (128 + 13 = SIGPIPE) or failed\n" << r.output;
    EXPECT_EQ(r.fact("alive"), "yes") << r.output;
    for (const char* server_failed : {"threaded_server_sendall_serve_forever", "async_server_sendall_serve_forever"})
        EXPECT_EQ(r.fact(server_failed), "(not said)") << r.output;
    // Each call's first failure and the one after it (where a raw send would raise SIGPIPE).
    for (const char* call : {"send", "sendall", "stream_write", "threaded_server_sendall", "async_server_sendall"}) {
        const std::string errors = r.fact(call);
        const std::size_t comma = errors.find(", ");
        ASSERT_NE(comma, std::string::npos) << call << ": " << errors << "\n" << r.output;
        for (const std::string& error : {errors.substr(0, comma), errors.substr(comma + 2)})
            EXPECT_TRUE(error == "broken_pipe" || error == "connection_reset") << call << ": " << errors << "\n" << r.output;
    }
}

} // namespace
