// SPDX-License-Identifier: BSL-1.0
// unisock_bench's entry point: Google Benchmark's command line, plus a counted mode that
// runs one workload a fixed number of times and nothing else, for strace and callgrind:
//
//   unisock_bench [benchmark flags...]           the benchmarks (--benchmark_filter, ...)
//   unisock_bench --run=NAME --count=N           N operations of NAME after its set-up
//   unisock_bench --paired=NAME,BASELINE [--rounds=R]
//                                                NAME and BASELINE set up side by side and
//                                                run in alternating blocks (about 20 ms of
//                                                CPU each, the order swapped every round);
//                                                prints, as one JSON line, the median and
//                                                quartiles of the R per-round ratios of
//                                                CPU per operation, NAME / BASELINE
//   unisock_bench --list-runs                    the names --run and --paired accept

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "workload.hpp"

namespace unisock::bench {

std::map<std::string, runner_factory>& counted_runs() {
    static std::map<std::string, runner_factory> runs;
    return runs;
}

} // namespace unisock::bench

namespace {

std::optional<std::string_view> flag_value(std::string_view arg, std::string_view flag) {
    if (arg.substr(0, flag.size()) != flag) return std::nullopt;
    return arg.substr(flag.size());
}

const unisock::bench::runner_factory* find_run(const std::string& name) {
    const auto& runs = unisock::bench::counted_runs();
    const auto found = runs.find(name);
    if (found == runs.end()) {
        std::fprintf(stderr, "unisock_bench: no workload named %s (--list-runs lists them)\n", name.c_str());
        return nullptr;
    }
    return &found->second;
}

int run_counted(const std::string& name, std::int64_t count) {
    const auto* make = find_run(name);
    if (make == nullptr) return 2;
    try {
        (*make)()(count);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "unisock_bench: %s failed: %s\n", name.c_str(), e.what());
        return 1;
    }
    return 0;
}

// CPU time of the whole process, every thread (std::clock on POSIX; on Windows it is
// wall time, and the paired ratios are of elapsed time there).
double process_cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

double cpu_per_operation(const unisock::bench::runner& run, std::int64_t count) {
    const double start = process_cpu_seconds();
    run(count);
    return (process_cpu_seconds() - start) / static_cast<double>(count);
}

double quantile(std::vector<double> values, double q) {
    std::sort(values.begin(), values.end());
    const double position = q * static_cast<double>(values.size() - 1);
    const auto below = static_cast<std::size_t>(position);
    const std::size_t above = std::min(below + 1, values.size() - 1);
    return values[below] + (values[above] - values[below]) * (position - static_cast<double>(below));
}

int run_paired(const std::string& name, const std::string& baseline, int rounds) {
    const auto* make_name = find_run(name);
    const auto* make_baseline = find_run(baseline);
    if (make_name == nullptr || make_baseline == nullptr) return 2;
    constexpr double block_seconds = 0.02;
    try {
        const unisock::bench::runner measured = (*make_name)();
        const unisock::bench::runner base = (*make_baseline)();
        // A block of about block_seconds of the measured workload; running it warms up.
        std::int64_t block = 1;
        while (block < (std::int64_t{1} << 30) && cpu_per_operation(measured, block) * static_cast<double>(block) < block_seconds) {
            block *= 2;
        }
        base(block);
        std::vector<double> ratios, measured_cpu, base_cpu;
        for (int round = 0; round < rounds; ++round) {
            double a = 0, b = 0;
            if (round % 2 == 0) {
                a = cpu_per_operation(measured, block);
                b = cpu_per_operation(base, block);
            } else {
                b = cpu_per_operation(base, block);
                a = cpu_per_operation(measured, block);
            }
            if (a <= 0 || b <= 0) continue; // a block shorter than the clock's resolution
            ratios.push_back(a / b);
            measured_cpu.push_back(a);
            base_cpu.push_back(b);
        }
        if (ratios.empty()) throw std::runtime_error("no block took measurable CPU time");
        std::printf("{\"name\": \"%s\", \"baseline\": \"%s\", \"rounds\": %zu, \"block\": %lld, "
                    "\"ratio_median\": %.4f, \"ratio_q1\": %.4f, \"ratio_q3\": %.4f, "
                    "\"cpu_ns\": %.1f, \"baseline_cpu_ns\": %.1f}\n",
                    name.c_str(), baseline.c_str(), ratios.size(), static_cast<long long>(block),
                    quantile(ratios, 0.5), quantile(ratios, 0.25), quantile(ratios, 0.75),
                    quantile(measured_cpu, 0.5) * 1e9, quantile(base_cpu, 0.5) * 1e9);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "unisock_bench: %s against %s failed: %s\n", name.c_str(), baseline.c_str(), e.what());
        return 1;
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::optional<std::string> run;
    std::optional<std::string> paired;
    std::int64_t count = 0;
    int rounds = 30;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--list-runs") {
            for (const auto& entry : unisock::bench::counted_runs()) std::puts(entry.first.c_str());
            return 0;
        }
        if (const auto value = flag_value(arg, "--run=")) run = std::string(*value);
        if (const auto value = flag_value(arg, "--count=")) count = std::stoll(std::string(*value));
        if (const auto value = flag_value(arg, "--paired=")) paired = std::string(*value);
        if (const auto value = flag_value(arg, "--rounds=")) rounds = std::stoi(std::string(*value));
    }
    if (run) return run_counted(*run, count);
    if (paired) {
        const std::size_t comma = paired->find(',');
        if (comma == std::string::npos) {
            std::fprintf(stderr, "unisock_bench: --paired=NAME,BASELINE\n");
            return 2;
        }
        return run_paired(paired->substr(0, comma), paired->substr(comma + 1), rounds);
    }

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
