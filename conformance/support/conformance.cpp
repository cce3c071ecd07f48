// SPDX-License-Identifier: BSL-1.0
#include "support/conformance.hpp"
#include "support/servers.hpp"

#include <cstdio>
#include <map>

#include "native/handles.hpp"
#include "native/process.hpp"

namespace conformance {

void scenario::SetUp() { handles_before_ = native::open_handle_count(); }

void scenario::TearDown() {
    EXPECT_EQ(native::open_handle_count(), handles_before_)
        << "the test left a descriptor or handle open (or closed one it did not own)";
}

void record(std::string_view key, std::string_view value) {
    ::testing::Test::RecordProperty(std::string(key), std::string(value));
}

namespace {

// RecordProperty keeps one value per key, so the n-th record of a kind in one test gets
// the key "kind_n".
void record_numbered(std::string_view kind, std::string_view value) {
    static std::map<std::string, int> counts;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string test = info ? std::string(info->test_suite_name()) + "." + info->name() : "";
    const int n = counts[test + "/" + std::string(kind)]++;
    record(n == 0 ? std::string(kind) : std::string(kind) + "_" + std::to_string(n), value);
}

} // namespace

void record_native(std::string_view what_the_os_did) { record_numbered("native", what_the_os_did); }

void record_note(std::string_view note) { record_numbered("note", note); }

std::string pattern(std::size_t n, char seed) {
    std::string text(n, '\0');
    for (std::size_t i = 0; i < n; ++i) text[i] = static_cast<char>(seed + static_cast<char>(i % 23));
    return text;
}

unisock::task echo_lines(unisock::session& client) {
    std::error_code ec;
    for (std::string line; !(line = co_await client.readline(ec)).empty() && !ec;) co_await client.sendall(line, ec);
}

std::string recv_exactly(unisock::socket& sock, std::size_t size) {
    std::string data;
    while (data.size() < size) {
        const std::string part = sock.recv(size - data.size());
        if (part.empty()) break;
        data += part;
    }
    return data;
}

namespace {
std::map<std::string, child_body, std::less<>>& child_bodies() {
    static std::map<std::string, child_body, std::less<>> bodies;
    return bodies;
}
} // namespace

bool register_child(std::string_view name, child_body body) {
    child_bodies().emplace(std::string(name), body);
    return true;
}

int run_child(std::string_view name, const std::vector<std::string>& args) {
    const auto found = child_bodies().find(name);
    return found == child_bodies().end() ? 125 : found->second(args);
}

std::vector<std::string> child_arguments(std::string_view name, std::vector<std::string> args) {
    args.insert(args.begin(), {std::string(child_flag), std::string(name)});
    return args;
}

void report_fact(std::string_view key, std::string_view value) {
    std::printf("%.*s %.*s\n", static_cast<int>(key.size()), key.data(), static_cast<int>(value.size()), value.data());
    std::fflush(stdout);
}

std::string child_report::fact(std::string_view key) const {
    const auto found = facts.find(key);
    return found == facts.end() ? "(not said)" : found->second;
}

child_report run_child_for_report(std::string_view name, std::vector<std::string> args) {
    native::child_process child(native::self_executable_path(), child_arguments(name, std::move(args)));
    child_report report;
    for (std::optional<std::string> line; (line = child.read_line(patience));) {
        report.output += *line + "\n";
        const std::size_t space = line->find(' ');
        if (space != std::string::npos) report.facts[line->substr(0, space)] = line->substr(space + 1);
    }
    report.exit_code = child.wait(patience);
    return report;
}

namespace {

// Puts the platform header of the report into the JSON output and warms up what the OS
// opens once per process (Winsock's own handles), so the leak check sees only tests.
class report_header : public ::testing::Environment {
public:
    void SetUp() override {
        unisock::socket warm_up(unisock::address_family::ipv4, unisock::socket_type::stream);
        warm_up.close();
        (void)unisock::gethostname();
        (void)unisock::capabilities();
        std::string platform(unisock::platform_name());
        if (native::running_under_wine()) platform += " (Wine)";
        ::testing::Test::RecordProperty("platform", platform);
        ::testing::Test::RecordProperty("compiler", UNISOCK_COMPILER);
        ::testing::Test::RecordProperty("unisock_version", UNISOCK_VERSION);
    }
};

} // namespace

} // namespace conformance

int main(int argc, char** argv) {
    // S29 starts this binary again as a child that only has to exist for a while.
    if (argc == 3 && std::string_view(argv[1]) == conformance::child_sleep_flag) {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::stol(argv[2])));
        return 0;
    }
    if (argc >= 3 && std::string_view(argv[1]) == conformance::child_flag)
        return conformance::run_child(argv[2], std::vector<std::string>(argv + 3, argv + argc));
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new conformance::report_header);
    return RUN_ALL_TESTS();
}
