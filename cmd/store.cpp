// oddsctl store migrate | check: thin shells over migrate_store() and Store::check()/info().
#include <iostream>

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "oddsctl/store/migrate.hpp"
#include "render.hpp"

namespace oddsctl::cmd {

namespace {

struct MigrateFlags {
  std::optional<std::string> from;
  std::string to;
  bool dry_run = false;
  bool force = false;
};

// Counts per kind: a table ("kind  count"), CSV, or one JSON document.
void print_counts(App& app, const nlohmann::json& doc, const std::map<std::string, std::int64_t>& counts) {
  switch (app.format()) {
    case Format::json: print_json(doc, app.stdout_tty()); break;
    case Format::jsonl: print_jsonl({doc}); break;
    case Format::csv: {
      std::vector<std::vector<std::string>> rows;
      for (const auto& [kind, n] : counts) rows.push_back({kind, std::to_string(n)});
      print_csv({"kind", "count"}, rows);
      break;
    }
    case Format::table: {
      Table t{{"kind", "count"}, {}, {false, true}};
      for (const auto& [kind, n] : counts) t.rows.push_back({kind, std::to_string(n)});
      t.print(app.color_stdout());
      break;
    }
  }
}

void run_migrate(App& app, const MigrateFlags& flags) {
  std::string from_uri = flags.from.value_or(app.store_uri());
  if (from_uri == flags.to) throw UsageError("store migrate: --from and --to name the same store");
  auto from = open_store(from_uri, store::OpenMode::read_only);
  auto to = store::open_store(flags.to);
  store::MigrateOptions options;
  options.dry_run = flags.dry_run;
  options.force = flags.force;
  store::MigrateReport report = migrate_store(*from, *to, options);
  print_counts(app, to_json(report), report.copied);
  if (!app.quiet && !app.json()) {
    std::cerr << (report.dry_run ? "would copy " : "copied ") << report.from << " -> " << report.to << "\n";
    for (const auto& r : report.invalidated_regions)
      std::cerr << "region " << r << ": no latest good result (kept so)\n";
  }
  if (!app.quiet)
    for (const auto& w : report.warnings) std::cerr << "oddsctl: warning: " << w << "\n";
}

void run_check(App& app) {
  auto store = app.open_store(store::OpenMode::read_only);
  std::vector<std::string> problems = store->check();
  store::StoreInfo info = store->info();
  nlohmann::json doc = {
      {"store", info.location},       {"backend", info.backend}, {"schema_version", info.schema_version},
      {"ok", problems.empty()},       {"problems", problems},    {"counts", info.counts},
      {"size_bytes", info.size_bytes}};
  print_counts(app, doc, info.counts);
  if (!app.json()) {
    std::cerr << info.backend << " " << info.location << ", schema " << info.schema_version << ", " << info.size_bytes
              << " bytes: " << (problems.empty() ? "ok" : "PROBLEMS") << "\n";
    for (const auto& p : problems) std::cerr << "problem: " << p << "\n";
  }
  if (!problems.empty()) app.exit_code = ExitCode::runtime;
}

}  // namespace

void register_store(CLI::App& root, App& app) {
  CLI::App* cmd = root.add_subcommand("store", "Copy a store into another (SQLite <-> MongoDB), check a store");
  cmd->require_subcommand(1);

  auto flags = std::make_shared<MigrateFlags>();
  CLI::App* migrate = cmd->add_subcommand(
      "migrate", "Copy scans, ledger, tracked events, snapshots, meta, alerts and heartbeats (not leases)");
  migrate->add_option("--from", flags->from, "source store URI (default: the configured store)");
  migrate->add_option("--to", flags->to, "target store URI")->required();
  migrate->add_flag("--dry-run", flags->dry_run, "count what would be copied, write nothing");
  migrate->add_flag("--force", flags->force, "merge into a target that already holds data");
  migrate->callback([&app, flags] { run_migrate(app, *flags); });

  CLI::App* check = cmd->add_subcommand("check", "Verify the store's schema and indexes and print its counts");
  check->callback([&app] { run_check(app); });
}

}  // namespace oddsctl::cmd
