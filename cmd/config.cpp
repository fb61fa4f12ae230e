// oddsctl config: placeholder until config show/path land (keeps the binary linking).
#include "app.hpp"

namespace oddsctl::cli {

void register_config(CLI::App& root, App& app) {
  (void)app;
  root.add_subcommand("config", "Show the effective configuration and where each value came from");
}

}  // namespace oddsctl::cli
