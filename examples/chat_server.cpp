// Seed 000, exercise 4: the chat room server.
//
// Every line a client sends goes to all the other clients as "[HOST:PORT] text", and
// joins and leaves are announced as "* HOST:PORT joined" / "* HOST:PORT left". A client
// that stops reading or dies never stalls the others (see chat_room.hpp).
//
//   chat_server [--host HOST] [--port PORT]       (default: every interface, port 8889)
#include "chat_room.hpp"
#include "common.hpp"

int main(int argc, char** argv) {
    return examples::run([&] {
        const examples::arguments args(argc, argv, "chat_server [--host HOST] [--port PORT]", {"--host", "--port"});
        examples::chat_room room;
        examples::connection_threads threads; // joined after stop has canceled their connections
        const examples::stop_on_signal stop;
        unisock::socket listener = unisock::create_server(
            examples::listen_address(args.option("--host", ""), args.port(args.option("--port", "8889"))));
        const auto stop_accepting = listener.cancel_on(stop.token());
        examples::say("listening on ", listener.local_address().to_string());

        while (auto client = examples::next_client(listener)) {
            threads.start([&room, client = std::move(*client), token = stop.token()]() mutable {
                const auto stop_chatting = client.connection.cancel_on(token);
                examples::say(client.peer.to_string(), " joined");
                room.serve(client.connection, client.peer);
                examples::say(client.peer.to_string(), " left");
            });
        }
        return 0;
    });
}
