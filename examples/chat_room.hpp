#pragma once
// The chat room of seed 000 (exercise 4), used by chat_server and by the S09 conformance
// scenario, which checks this very logic.
//
// Every line a member sends goes to all the other members as "[HOST:PORT] text"; joins
// and leaves are announced to the others as "* HOST:PORT joined" and "* HOST:PORT left".
//
// A slow or dead member must never stall the others, so broadcasting never touches a
// socket: it only appends the line to each member's bounded queue, and each member has a
// writer thread of its own that sends what its queue holds. A member that lets its queue
// fill up (it has not read for queue_limit lines, so the OS buffers are full too) is
// dropped: its socket is canceled, which wakes its reader and its writer, and it leaves
// like anyone else. A dead peer makes its reader or its writer fail (connection_reset,
// broken_pipe), with the same result. Only public unisock API and standard C++ are used.

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "unisock/unisock.hpp"

namespace examples {

struct chat_limits {
    std::size_t queue_limit = 1024; // lines waiting for one member before it is dropped
    std::size_t line_limit = 4096;  // a longer line is passed on in pieces of this size
};

class chat_room {
public:
    explicit chat_room(chat_limits limits = {}) : limits_(limits) {}
    chat_room(const chat_room&) = delete;
    chat_room& operator=(const chat_room&) = delete;

    // Serves one member on the calling thread until it leaves, is dropped, or the room is
    // closed. Never throws for a network error: each one ends the membership.
    void serve(unisock::socket& connection, const unisock::address& peer) {
        member self(connection, peer.to_string());
        std::thread writer([&] { write_queued_lines(self); });
        if (join(self)) {
            pass_on_lines_from(self);
            leave(self);
        }
        self.stop_writing();
        connection.cancel(); // wakes the writer if it is blocked in send
        writer.join();
    }

    // Ends every membership (the server is stopping): serve() returns on every thread.
    void close() {
        const std::lock_guard lock(mutex_);
        closed_ = true;
        for (member* m : members_) m->connection.cancel();
    }

private:
    struct member {
        member(unisock::socket& c, std::string n) : connection(c), name(std::move(n)) {}

        unisock::socket& connection;
        const std::string name;
        std::mutex mutex;
        std::condition_variable wake;
        std::vector<std::string> queue;
        bool stopped = false;

        void stop_writing() {
            const std::lock_guard lock(mutex);
            stopped = true;
            wake.notify_one();
        }
    };

    bool join(member& self) {
        const std::lock_guard lock(mutex_);
        if (closed_) return false;
        members_.push_back(&self);
        send_to_others(self, "* " + self.name + " joined\n");
        return true;
    }

    void leave(member& self) {
        const std::lock_guard lock(mutex_);
        members_.erase(std::find(members_.begin(), members_.end(), &self));
        send_to_others(self, "* " + self.name + " left\n");
    }

    // The member's reader: every line it sends goes to the others, until it closes the
    // connection (an empty read), fails, or is canceled.
    void pass_on_lines_from(member& self) {
        unisock::stream lines(self.connection);
        for (;;) {
            std::error_code ec;
            std::string line = lines.readline(limits_.line_limit, ec);
            if (ec || line.empty()) return;
            while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
            const std::lock_guard lock(mutex_);
            send_to_others(self, "[" + self.name + "] " + line + "\n");
        }
    }

    // Called with mutex_ held, so a member cannot leave (and close its socket) meanwhile.
    void send_to_others(const member& from, const std::string& line) {
        for (member* to : members_) {
            if (to == &from) continue;
            const std::lock_guard lock(to->mutex);
            if (to->queue.size() >= limits_.queue_limit) {
                to->connection.cancel(); // too slow: dropped, it leaves from its own thread
                continue;
            }
            to->queue.push_back(line);
            to->wake.notify_one();
        }
    }

    // The member's writer: sends everything queued in one go, until the member stops. A
    // failed send cancels the connection, so that the reader ends the membership.
    static void write_queued_lines(member& self) {
        for (;;) {
            std::string batch;
            {
                std::unique_lock lock(self.mutex);
                self.wake.wait(lock, [&] { return self.stopped || !self.queue.empty(); });
                if (self.stopped) return;
                for (const auto& line : self.queue) batch += line;
                self.queue.clear();
            }
            std::error_code ec;
            self.connection.sendall(batch, ec);
            if (ec) {
                self.connection.cancel();
                return;
            }
        }
    }

    const chat_limits limits_;
    std::mutex mutex_;
    std::vector<member*> members_;
    bool closed_ = false;
};

} // namespace examples
