// SPDX-License-Identifier: BSL-1.0
#pragma once
// A measured operation, written once and run three ways: as a Google Benchmark (process
// CPU time per operation, repetitions interleaved); as a fixed number of operations
// (`unisock_bench --run=NAME --count=N`), which bench/syscalls.sh runs under strace and
// bench/callgrind.sh under callgrind (the installed Google Benchmark, 1.7, cannot fix an
// iteration count from the command line); and paired with its raw baseline in alternating
// blocks (`unisock_bench --paired=NAME,BASELINE`, bench/paired.sh), so that a loaded
// machine slows both sides of each ratio alike.
//
// A workload is a class whose constructor sets up (connections, peer threads) and whose
// step() performs one operation, throwing on failure. step() is called directly from a
// template, not through a virtual call, so the loop adds the same few instructions to
// every variant.

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace unisock::bench {

// Runs that many operations of a workload already set up.
using runner = std::function<void(std::int64_t count)>;
// Sets a workload up and returns its runner (which owns it): --run=NAME --count=N makes one
// and runs it once; --paired makes two and alternates them.
using runner_factory = std::function<runner()>;
std::map<std::string, runner_factory>& counted_runs();

// Registers Workload(args...) as the benchmark NAME and as the counted run NAME.
// bytes_per_step > 0 also reports throughput. Process CPU time is measured, so a peer
// thread's work counts (the ping-pong benchmarks); for one thread it is that thread's.
template <class Workload, class... Args>
bool register_workload(const std::string& name, std::size_t bytes_per_step, Args... args) {
    benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& state) {
        try {
            Workload workload(args...);
            for (auto _ : state) workload.step();
        } catch (const std::exception& e) {
            state.SkipWithError(e.what());
        }
        state.SetItemsProcessed(state.iterations());
        if (bytes_per_step > 0) {
            state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes_per_step));
        }
    })->MeasureProcessCPUTime();
    counted_runs().emplace(name, [=]() -> runner {
        return [workload = std::make_shared<Workload>(args...)](std::int64_t count) {
            for (std::int64_t i = 0; i < count; ++i) workload->step();
        };
    });
    return true;
}

} // namespace unisock::bench
