// Seed 000, exercise 1: the hello server.
//
// One client at a time. Each connection gets 5 seconds to send its message: "1" is
// welcomed, anything else is sent away, and a silent client costs only the timeout
// ("time out") before the server goes back to accept.
//
//   hello_server [--host HOST] [--port PORT]      (default localhost 8001; port 0 = any)
#include "common.hpp"

using namespace std::chrono_literals;

namespace {

void answer(unisock::socket& connection) {
    connection.set_timeout(5s);
    try {
        const std::string message = connection.recv(1024);
        connection.send(message == "1" ? "welcome to server!" : "please go out!");
    } catch (const unisock::timeout_error&) {
        examples::say("time out");
    } catch (const unisock::socket_error& e) {
        examples::say("connection failed: ", e.what());
    }
}

} // namespace

int main(int argc, char** argv) {
    return examples::run([&] {
        const examples::arguments args(argc, argv, "hello_server [--host HOST] [--port PORT]", {"--host", "--port"});
        const examples::stop_on_signal stop;
        unisock::socket listener = unisock::create_server(
            examples::listen_address(args.option("--host", "localhost"), args.port(args.option("--port", "8001"))),
            {.backlog = 5});
        const auto stop_accepting = listener.cancel_on(stop.token());
        examples::say("listening on ", listener.local_address().to_string());

        while (auto client = examples::next_client(listener)) {
            const auto stop_answering = client->connection.cancel_on(stop.token());
            answer(client->connection);
        }
        return 0;
    });
}
