// unisock_bench's entry point: Google Benchmark's command line, plus a counted mode that
// runs one workload a fixed number of times and nothing else, for strace and callgrind:
//
//   unisock_bench [benchmark flags...]           the benchmarks (--benchmark_filter, ...)
//   unisock_bench --run=NAME --count=N           N operations of NAME after its set-up
//   unisock_bench --list-runs                    the names --run accepts

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "workload.hpp"

namespace unisock::bench {

std::map<std::string, counted_run>& counted_runs() {
    static std::map<std::string, counted_run> runs;
    return runs;
}

} // namespace unisock::bench

namespace {

std::optional<std::string_view> flag_value(std::string_view arg, std::string_view flag) {
    if (arg.substr(0, flag.size()) != flag) return std::nullopt;
    return arg.substr(flag.size());
}

int run_counted(const std::string& name, std::int64_t count) {
    const auto& runs = unisock::bench::counted_runs();
    const auto found = runs.find(name);
    if (found == runs.end()) {
        std::fprintf(stderr, "unisock_bench: no workload named %s (--list-runs lists them)\n", name.c_str());
        return 2;
    }
    try {
        found->second(count);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "unisock_bench: %s failed: %s\n", name.c_str(), e.what());
        return 1;
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::optional<std::string> run;
    std::int64_t count = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--list-runs") {
            for (const auto& entry : unisock::bench::counted_runs()) std::puts(entry.first.c_str());
            return 0;
        }
        if (const auto value = flag_value(arg, "--run=")) run = std::string(*value);
        if (const auto value = flag_value(arg, "--count=")) count = std::stoll(std::string(*value));
    }
    if (run) return run_counted(*run, count);

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
