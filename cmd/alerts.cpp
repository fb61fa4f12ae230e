// oddsctl alerts: placeholder until the alerts service lands (keeps the binary linking).
#include "app.hpp"

namespace oddsctl::cli {

void register_alerts(CLI::App& root, App& app) {
  (void)app;
  root.add_subcommand("alerts", "Send each new cached opportunity once (webhook, command, or stdout)");
}

}  // namespace oddsctl::cli
