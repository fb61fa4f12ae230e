#include "worker_mode.hpp"

#include <iostream>

#include "options.hpp"

namespace oddsctl::cmd {

void add_worker_options(CLI::App* cmd, App& app, bool with_listen) {
  setting_option(cmd, app, "worker.grace");
  setting_option(cmd, app, "worker.health_file");
  setting_option(cmd, app, "worker.max_cycles");
  if (with_listen) setting_option(cmd, app, "worker.listen");
}

WorkerMode start_worker_mode(const App& app, Millis every, const std::string& worker_id, const std::string& command) {
  WorkerMode mode;
  mode.options = worker_options_from_settings(app.settings, every, worker_id, command);
  mode.stop = &worker::install_stop_signals(mode.options.grace);
  return mode;
}

ExitCode run_worker_mode(App& app, const WorkerMode& mode, store::Store* store,
                         const std::function<worker::CycleResult()>& cycle) {
  return run_worker(mode.options, store, *mode.stop, cycle, [&app](const std::string& note) {
    if (!app.quiet) std::cerr << "oddsctl: " << note << "\n";
  });
}

}  // namespace oddsctl::cmd
