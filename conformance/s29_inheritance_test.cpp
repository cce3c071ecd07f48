// SPDX-License-Identifier: BSL-1.0
// S29 no inheritance.
//
// A server that starts a helper program must not hand it its sockets: otherwise the
// child keeps the port listening after the server closes it (a restart then fails with
// address_in_use), and keeps connections open (the client never sees the end of
// stream). unisock makes every socket, accepted ones included, non-inheritable
// (SOCK_CLOEXEC / accept4 / WSA_FLAG_NO_HANDLE_INHERIT); the probe shows what a plain
// socket() does.
#include "native/inherit_probe.hpp"
#include "native/process.hpp"
#include "support/loopback.hpp"

namespace {

using namespace conformance;
using unisock::address_family;
using unisock::reuse_policy;
using unisock::socket_type;

// This test binary, started again to sleep for longer than any check here takes.
conformance::native::child_process start_sleeping_child() {
    return conformance::native::child_process(conformance::native::self_executable_path(),
                                              {std::string(child_sleep_flag), "5000"});
}

void stop(conformance::native::child_process& child) {
    child.terminate();
    EXPECT_TRUE(child.wait(patience).has_value()) << "the child did not stop";
}

class S29_Inheritance : public scenario {};

TEST_F(S29_Inheritance, ChildDoesNotHoldTheListenersPort) {
    record_native(conformance::native::raw_inherited_listener_holds_port(
        conformance::native::self_executable_path(), {std::string(child_sleep_flag), "5000"}));

    unisock::socket listener(address_family::ipv4, socket_type::stream);
    listener.set_option(unisock::option::reuse{reuse_policy::exclusive});
    listener.bind(unisock::address::v4_loopback(0));
    listener.listen(5);
    const unisock::address local = listener.local_address();

    auto child = start_sleeping_child();
    listener.close();

    // Free at once: nothing else holds the port open.
    unisock::socket again(address_family::ipv4, socket_type::stream);
    again.set_option(unisock::option::reuse{reuse_policy::exclusive});
    std::error_code ec;
    again.bind(local, ec);
    if (!ec) again.listen(5, ec);
    EXPECT_FALSE(ec) << "the port is still held while the child runs: " << ec.message();
    EXPECT_FALSE(child.wait(std::chrono::milliseconds(0)).has_value())
        << "the child had already exited: the check proved nothing";
    stop(child);
}

TEST_F(S29_Inheritance, ChildDoesNotHoldAnAcceptedConnection) {
    tcp_pair pair = connect_tcp_pair();
    auto child = start_sleeping_child();
    pair.server.close();

    // The client sees the end of stream now, not when the child exits.
    std::error_code ec;
    const std::string got = pair.client.recv(16, ec);
    EXPECT_FALSE(ec) << "no end of stream while the child runs: " << ec.message();
    EXPECT_EQ(got, "");
    EXPECT_FALSE(child.wait(std::chrono::milliseconds(0)).has_value())
        << "the child had already exited: the check proved nothing";
    stop(child);
}

} // namespace
