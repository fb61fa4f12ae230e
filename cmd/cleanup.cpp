// oddsctl cleanup: the retention policy from flags and config, the store's batched cleanup,
// the report.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "oddsctl/cleanup.hpp"
#include "render.hpp"

namespace oddsctl::cmd {

namespace {

std::string human_bytes(std::int64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  return (u == 0 ? std::to_string(n) : fmt_number(v, 1)) + " " + units[u];
}

void run(App& app) {
  const bool dry_run = app.settings.boolean("cleanup.dry_run").value_or(false);
  const bool vacuum = app.settings.boolean("cleanup.vacuum").value_or(false);
  store::RetentionPolicy policy = retention_policy_from_settings(app.settings);  // usage errors before opening
  auto store = app.open_store();
  cleanup::CleanupResult result = cleanup::run_cleanup(*store, policy, now_utc(), dry_run, vacuum);
  auto rows = cleanup_report_rows(result);
  switch (app.format()) {
    case Format::json: print_json(cleanup_report_json(result), app.stdout_tty()); break;
    case Format::jsonl: print_jsonl({cleanup_report_json(result)}); break;
    case Format::csv: print_csv({"kind", "region", "rows"}, rows); break;
    case Format::table:
      say((dry_run ? "Would remove (dry run, nothing changed):\n" : "Removed:\n"));
      Table{{"KIND", "REGION", "ROWS"}, rows, {false, false, true}}.print(app.color_stdout());
      say("Store size: ", human_bytes(result.report.bytes_before), " before, ", human_bytes(result.report.bytes_after),
          " after", (result.vacuumed ? " (compacted)" : (vacuum ? " (not compacted: dry run)" : "")), "\n");
  }
}

}  // namespace

void register_cleanup(CLI::App& root, App& app) {
  CLI::App* cmd = root.add_subcommand(
      "cleanup", "Remove old scans, snapshots, ledger rows, expired leases; keep each region's latest good scan");
  setting_option(cmd, app, cleanup::k_retention_keep_last);
  setting_option(cmd, app, cleanup::k_retention_older_than);
  setting_option(cmd, app, cleanup::k_retention_batch_size);
  setting_flag(cmd, app, "cleanup.dry_run");
  setting_flag(cmd, app, "cleanup.vacuum");
  cmd->callback([&app] { run(app); });
}

}  // namespace oddsctl::cmd
