// Worker mode, shared by `scan --every` and `sync --every`: the worker.* settings, SIGTERM and
// SIGINT as a graceful stop, and run_worker's notes on stderr (none with -q).
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "app.hpp"
#include "oddsctl/worker.hpp"

namespace oddsctl::cmd {

// The worker.* flags (--grace, --health-file, --max-cycles; --listen for scan).
void add_worker_options(CLI::App* cmd, App& app, bool with_listen);

struct WorkerMode {
  worker::WorkerOptions options;
  const std::atomic<bool>* stop = nullptr;  // set by SIGTERM/SIGINT: give it to the runs
};

// Reads the worker.* settings for `command` ("scan", "sync") and installs the stop signals.
WorkerMode start_worker_mode(const App& app, Millis every, const std::string& worker_id, const std::string& command);

// Runs `cycle` on the schedule until stopped; returns the worker's exit code.
ExitCode run_worker_mode(App& app, const WorkerMode& mode, store::Store* store,
                         const std::function<worker::CycleResult()>& cycle);

}  // namespace oddsctl::cmd
