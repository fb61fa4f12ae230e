// Worker mode: run a one-shot command's cycle on a fixed schedule until told to stop.
// Cron fires at most once a minute and an arbitrage lasts 10-30 s; a worker closes that gap.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "oddsctl/errors.hpp"
#include "oddsctl/store.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl::worker {

struct WorkerOptions {
  Millis every{15000};
  Millis grace{10000};                               // after a stop signal, exit within this
  std::optional<std::filesystem::path> health_file;  // touched after each good cycle
  std::optional<std::int64_t> max_cycles;            // stop after this many (tests, one-off batches)
  std::string worker_id;
  std::string command;  // "scan", "sync:auto"
};

// What one cycle reports back.
struct CycleResult {
  ExitCode code = ExitCode::ok;
  std::optional<std::string> error;
  // Nothing was done because another run held every lease (every region skipped): not a
  // healthy cycle, whatever the exit code says.
  bool all_skipped = false;
};

// Runs `cycle` at t0, t0+every, t0+2·every, ... (no drift). A cycle that overruns skips the
// ticks it missed and `on_note` says so. Each cycle is given `stop`; when it becomes true
// (SIGTERM/SIGINT) no new cycle starts and the current one should start no new call.
// After each cycle a heartbeat goes to the store. Returns ExitCode::ok when stopped by
// `stop` or max_cycles; runtime errors inside a cycle are recorded, not fatal.
ExitCode run_worker(const WorkerOptions& options, store::Store* store, const std::atomic<bool>& stop,
                    const std::function<CycleResult()>& cycle, const std::function<void(const std::string&)>& on_note);

// Installs SIGTERM/SIGINT handlers: the first sets the returned flag, and after `grace`
// the process exits 0 even if the cycle has not finished (the store stays consistent: every
// write is a transaction); a second signal exits at once with 128+signal.
const std::atomic<bool>& install_stop_signals(Millis grace);

}  // namespace oddsctl::worker
