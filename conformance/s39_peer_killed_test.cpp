// SPDX-License-Identifier: BSL-1.0
// S39 fault: peer killed mid-transfer.
//
// A peer process that is killed (SIGKILL, TerminateProcess: no chance to close anything
// itself) leaves its sockets to the OS, which closes them: with a FIN when nothing was
// left unread (every byte it had sent still arrives, then the end of stream), with a
// reset when unread data was still waiting. The other side sees exactly that: the end of
// stream or connection_reset, never a hang or a crash, and what it received before is a
// prefix of what the peer sent: no byte lost in the middle, none made up. The peer here
// is this test binary started again as a child, killed while it sends or receives.
#include <cstdio>
#include <optional>

#include "native/handles.hpp"
#include "native/process.hpp"
#include "support/conformance.hpp"

namespace {

using namespace conformance;
using unisock::errc;

class S39_PeerKilled : public scenario {};

// The i-th byte the sending child sends: no short period, so a lost or repeated chunk
// anywhere shows as a mismatch.
char byte_at(std::size_t i) { return static_cast<char>(((i ^ (i >> 8) ^ (i >> 16)) * 31 + 7) & 0xff); }

constexpr std::size_t chunk_size = 64 * 1024;

// Connects to 127.0.0.1:args[0] and sends byte_at(0), byte_at(1), ... until killed (or,
// should the parent be gone, until a send fails or times out).
int send_until_killed(const std::vector<std::string>& args) {
    unisock::socket sock = unisock::create_connection("127.0.0.1", static_cast<std::uint16_t>(std::stoi(args.at(0))), patience);
    std::string chunk(chunk_size, '\0');
    std::error_code ec;
    for (std::size_t offset = 0; !ec; offset += chunk_size) {
        for (std::size_t j = 0; j < chunk_size; ++j) chunk[j] = byte_at(offset + j);
        sock.sendall(chunk, ec);
    }
    return 1;
}
const bool sender_registered = register_child("s39-sender", send_until_killed);

// Connects to 127.0.0.1:args[0], reads args[1] bytes, says so on stdout, then stops
// reading and waits to be killed with the rest of the parent's data unread.
int read_then_wait_to_be_killed(const std::vector<std::string>& args) {
    unisock::socket sock = unisock::create_connection("127.0.0.1", static_cast<std::uint16_t>(std::stoi(args.at(0))), patience);
    const std::size_t wanted = std::stoul(args.at(1));
    const std::size_t got = recv_exactly(sock, wanted).size();
    std::printf("read %zu\n", got);
    std::fflush(stdout);
    std::this_thread::sleep_for(patience);
    return 1;
}
const bool reader_registered = register_child("s39-reader", read_then_wait_to_be_killed);

// A listener on 127.0.0.1 and the child that connects to it.
struct killed_peer {
    unisock::socket listener = unisock::create_server(unisock::address::v4_loopback(0));
    std::optional<native::child_process> child;
    unisock::socket connection;

    explicit killed_peer(std::string_view mode, std::vector<std::string> extra = {}) {
        listener.set_timeout(patience);
        extra.insert(extra.begin(), std::to_string(listener.local_address().port()));
        child.emplace(native::self_executable_path(), child_arguments(mode, std::move(extra)));
        connection = listener.accept().connection;
        connection.set_timeout(patience);
    }

    void kill_and_reap() {
        child->kill();
        const std::optional<int> exit_code = child->wait(patience);
        ASSERT_TRUE(exit_code.has_value()) << "the killed child did not end";
        record_note("the child was killed: exit status " + std::to_string(*exit_code));
    }
};

TEST_F(S39_PeerKilled, ReceiverSeesAPrefixThenTheEnd) {
    killed_peer peer("s39-sender");
    constexpr std::size_t before_kill = std::size_t{2} << 20;
    std::string received;
    std::string buffer(chunk_size, '\0');
    std::error_code ec;
    while (!ec && received.size() < before_kill) {
        const std::size_t n = peer.connection.recv_into(unisock::mutable_bytes(buffer.data(), buffer.size()), ec);
        if (n == 0 && !ec) break;
        received.append(buffer, 0, n);
    }
    ASSERT_FALSE(ec) << "the connection failed before the kill: " << ec.message();
    ASSERT_GE(received.size(), before_kill) << "the child stopped sending before it was killed";
    peer.kill_and_reap();
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
        const std::size_t n = peer.connection.recv_into(unisock::mutable_bytes(buffer.data(), buffer.size()), ec);
        if (ec || n == 0) break;
        received.append(buffer, 0, n);
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    record_note("after the kill: " + (ec ? ec.message() : std::string("end of stream")) + ", " +
                std::to_string(received.size()) + " bytes received in all");
    std::size_t first_wrong = 0;
    while (first_wrong < received.size() && received[first_wrong] == byte_at(first_wrong)) ++first_wrong;
    EXPECT_EQ(first_wrong, received.size()) << "byte " << first_wrong << " differs from what the child sent";
    if (ec == errc::timed_out && native::running_under_wine())
        CONFORMANCE_SKIP("Wine sometimes leaves the connection of a process killed by TerminateProcess in the middle "
                         "of a send open (2 runs in 6 here): no end of stream comes");
    EXPECT_TRUE(!ec || ec == errc::connection_reset) << ec.message();
    EXPECT_LT(elapsed, patience) << "the end of the killed peer's connection took too long to show";
}

TEST_F(S39_PeerKilled, SenderFailsWithAResetNotAHang) {
    constexpr std::size_t read_by_child = std::size_t{1} << 20;
    killed_peer peer("s39-reader", {std::to_string(read_by_child)});
    const std::string data(std::size_t{32} << 20, 'x'); // only how much goes matters
    std::error_code ec;
    std::size_t sent = 0;
    {
        peer_thread sender([&] { sent = peer.connection.sendall(data, ec); });
        const std::optional<std::string> line = peer.child->read_line(patience);
        ASSERT_TRUE(line.has_value()) << "the child never said it had read";
        EXPECT_EQ(*line, "read " + std::to_string(read_by_child));
        peer.kill_and_reap();
    }
    record_note("sendall of 32 MiB to a child killed after reading 1 MiB: " + ec.message() + ", " +
                std::to_string(sent) + " bytes sent");
    EXPECT_TRUE(ec == errc::connection_reset || ec == errc::broken_pipe || ec == errc::connection_aborted)
        << ec.message();
    EXPECT_GE(sent, read_by_child);
    EXPECT_LT(sent, data.size());
}

} // namespace
