// SPDX-License-Identifier: BSL-1.0
// S27 real clients (seeds 000, 001: "telnet localhost 8888").
//
// The example servers (built from examples/) answer a line client nobody here wrote —
// Python's socket module and nc — the same way the tutorials' servers do. Each server
// runs as a child process on port 0 and announces its port on its first line.
#include "support/conformance.hpp"

#include <charconv>
#include <optional>

#include "native/process.hpp"
#include "support/example_server.hpp"

namespace {

using namespace conformance;
using native::child_process;

// Runs a Python client: the script reads the port from argv[1] and prints what it got.
std::string python_client(const std::string& script, const std::string& port) {
    child_process python("python3", {"-c", script, port});
    std::string output = python.read_all(std::chrono::milliseconds(patience));
    EXPECT_EQ(python.wait(std::chrono::milliseconds(patience)), 0) << "python3 failed: " << output;
    return output;
}

// Sends input with nc, closes its input, and returns what the server answered.
std::string nc_client(const std::string& input, const std::string& port) {
    // OpenBSD's nc (Debian's) quits 2 s after its input ends with -q; macOS's nc has no
    // -q, and its -w 2 closes the connection after 2 idle seconds instead.
    const std::string quit_flag = unisock::platform_name() == "macos" ? "-w" : "-q";
    child_process nc("nc", {quit_flag, "2", "127.0.0.1", port});
    nc.write_stdin(input);
    nc.close_stdin();
    std::string output = nc.read_all(std::chrono::milliseconds(patience));
    nc.wait(std::chrono::milliseconds(patience));
    return output;
}

class S27_RealClients : public scenario {};

TEST_F(S27_RealClients, PythonSocketModuleGetsTheHelloReplies) {
    if (!native::program_available("python3")) CONFORMANCE_SKIP("python3 is not installed on this machine");
    example_server server("hello_server");
    const std::string script =
        "import socket, sys\n"
        "for message in (b'1', b'2'):\n"
        "    s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10)\n"
        "    s.sendall(message)\n"
        "    print(s.recv(1024).decode())\n"
        "    s.close()\n";
    EXPECT_EQ(python_client(script, server.port()), "welcome to server!\nplease go out!\n");
    EXPECT_EQ(server.stop(), 0) << "hello_server stops cleanly on SIGTERM";
}

TEST_F(S27_RealClients, PythonSocketModuleGetsTheEchoReplies) {
    if (!native::program_available("python3")) CONFORMANCE_SKIP("python3 is not installed on this machine");
    example_server server("echo_server", {"--mode", "threaded"});
    const std::string script =
        "import socket, sys\n"
        "s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10)\n"
        "f = s.makefile('rwb')\n"
        "print(f.readline().decode(), end='')\n"
        "for line in (b'hello\\n', '\\u4f60\\u597d\\n'.encode()):\n"
        "    f.write(line); f.flush()\n"
        "    print(f.readline().decode(), end='')\n";
    EXPECT_EQ(python_client(script, server.port()),
              "Welcome to the server. Type something and hit enter\nOK...hello\nOK...\xE4\xBD\xA0\xE5\xA5\xBD\n");
}

TEST_F(S27_RealClients, PythonClientsChatThroughTheChatServer) {
    if (!native::program_available("python3")) CONFORMANCE_SKIP("python3 is not installed on this machine");
    example_server server("chat_server");
    // Each member's join races with the other's on the server's threads: a pings until
    // b hears it, and from then on both are in the room.
    const std::string script =
        "import socket, sys\n"
        "port = int(sys.argv[1])\n"
        "a = socket.create_connection(('127.0.0.1', port), timeout=10)\n"
        "b = socket.create_connection(('127.0.0.1', port), timeout=10)\n"
        "fa = a.makefile('rb')\n"
        "aname, bname = '%s:%d' % a.getsockname(), '%s:%d' % b.getsockname()\n"
        "def until(f, wanted):\n"
        "    while True:\n"
        "        line = f.readline().decode()\n"
        "        if line == wanted or not line: return line == wanted\n"
        "b.settimeout(0.5)\n"
        "seen = b''\n"
        "for attempt in range(40):\n"
        "    a.sendall(b'ping\\n')\n"
        "    try: seen += b.recv(4096)\n"
        "    except socket.timeout: pass\n"
        "    if ('[%s] ping' % aname).encode() in seen: break\n"
        "else: sys.exit('b never heard a: both never were in the room')\n"
        "b.settimeout(10)\n"
        "b.sendall(b'hi all\\n')\n"
        "print(until(fa, '[%s] hi all\\n' % bname))\n"
        "b.close()\n"
        "print(until(fa, '* %s left\\n' % bname))\n";
    EXPECT_EQ(python_client(script, server.port()), "True\nTrue\n");
}

TEST_F(S27_RealClients, PythonUdpClientGetsItsDatagramsBack) {
    if (!native::program_available("python3")) CONFORMANCE_SKIP("python3 is not installed on this machine");
    example_server server("udp_server");
    const std::string script =
        "import socket, sys\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "s.settimeout(10)\n"
        "for message in (b'one', b'two'):\n"
        "    s.sendto(message, ('127.0.0.1', int(sys.argv[1])))\n"
        "    print(s.recvfrom(1024)[0].decode())\n";
    EXPECT_EQ(python_client(script, server.port()), "one\ntwo\n");
    EXPECT_EQ(server.stop(), 0) << "udp_server stops cleanly on SIGTERM";
}

TEST_F(S27_RealClients, ExampleServersTakeAPositionalPort) {
    for (const std::string name : {"hello_server", "echo_server", "chat_server"}) {
        example_server server(name, {}, true); // throws unless it listens on the port given
        unisock::socket client = unisock::create_connection("127.0.0.1", static_cast<std::uint16_t>(std::stoi(server.port())), patience);
        EXPECT_TRUE(client.is_open()) << name;
        client.close();
        EXPECT_TRUE(server.stop().has_value()) << name << " did not stop";
    }
}

TEST_F(S27_RealClients, AsyncEchoServerAnswersPython) {
    if (!native::program_available("python3")) CONFORMANCE_SKIP("python3 is not installed on this machine");
    example_server server("echo_server", {"--mode", "async"});
    const std::string script =
        "import socket, sys\n"
        "s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10)\n"
        "f = s.makefile('rwb')\n"
        "print(f.readline().decode(), end='')\n"
        "f.write(b'hello\\n'); f.flush()\n"
        "print(f.readline().decode(), end='')\n";
    EXPECT_EQ(python_client(script, server.port()),
              "Welcome to the server. Type something and hit enter\nOK...hello\n");
    EXPECT_EQ(server.stop(), 0) << "echo_server --mode async stops cleanly on SIGTERM";
}

// http_get names an IPv6 literal in brackets in its Host header (RFC 9110), with the
// port when it is not 80: what nginx and every other server expect.
TEST_F(S27_RealClients, HttpGetSendsABracketedHostForAnIpv6Literal) {
    std::error_code ec;
    unisock::socket listener = unisock::create_server(unisock::address::v6_loopback(0), {}, ec);
    if (ec) CONFORMANCE_SKIP("no IPv6 loopback on this machine: " + ec.message());
    listener.set_timeout(patience);
    const std::string port = std::to_string(listener.local_address().port());
    std::string request;
    {
        peer_thread web([&] {
            auto [connection, peer] = listener.accept();
            connection.set_timeout(patience);
            unisock::stream lines(connection);
            for (std::string line; (line = lines.readline()) != "\r\n" && !line.empty();) request += line;
            connection.sendall("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
        });
        child_process client(examples_dir + "/http_get", {"::1", port, "/index.html"});
        const std::string output = client.read_all(std::chrono::milliseconds(patience));
        EXPECT_EQ(client.wait(std::chrono::milliseconds(patience)), 0) << output;
    }
    EXPECT_NE(request.find("GET /index.html HTTP/1.0\r\n"), std::string::npos) << request;
    EXPECT_NE(request.find("Host: [::1]:" + port + "\r\n"), std::string::npos) << request;
}

TEST_F(S27_RealClients, NetcatGetsTheHelloAndEchoReplies) {
    if (!native::program_available("nc")) CONFORMANCE_SKIP("nc (netcat) is not installed on this machine");
    {
        example_server hello("hello_server");
        EXPECT_EQ(nc_client("2", hello.port()), "please go out!");
    }
    example_server echo("echo_server", {"--mode", "sequential"});
    EXPECT_EQ(nc_client("line one\n", echo.port()),
              "Welcome to the server. Type something and hit enter\nOK...line one\n");
}

} // namespace
