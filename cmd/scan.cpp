// oddsctl scan: parse flags into settings, run the scan, print.
#include <algorithm>
#include <iostream>

#include <spdlog/spdlog.h>

#include "app.hpp"
#include "oddsctl/scan.hpp"
#include "oddsctl/worker.hpp"
#include "progress.hpp"
#include "render.hpp"
#include "worker_mode.hpp"

namespace oddsctl::cmd {

namespace {

bool failed(const store::RegionScan& r) {
  return r.status == store::RegionStatus::failed || r.status == store::RegionStatus::partial;
}

// One line per region on stderr; with --quiet only the failures (cron mails what is printed).
void print_region_summary(const scan::ScanReport& report, bool failures_only, bool color = false) {
  for (const auto& r : report.regions) {
    if (failures_only && !failed(r)) continue;
    std::cerr << r.region << ": " << paint(to_string(r.status), failed(r) ? Tone::bad : Tone::none, color) << ", "
              << plural(r.events, "event", "events") << ", "
              << plural(r.opportunity_count, "opportunity", "opportunities") << ", "
              << plural(r.requests, "request", "requests");
    if (r.credits_used) std::cerr << ", " << *r.credits_used << " credits";
    if (r.credits_remaining) std::cerr << " (" << *r.credits_remaining << " left)";
    std::cerr << ", " << r.duration_ms << " ms";
    if (r.source != store::ScanSource::live) std::cerr << " (" << to_string(r.source) << ")";
    if (r.error) std::cerr << ": " << *r.error;
    else if (r.empty != store::EmptyReason::none) std::cerr << ": " << scan::empty_note(r.empty);
    std::cerr << "\n";
  }
}

// What went wrong, naming each failed region and why: the message of the error object.
std::string failure_text(const scan::ScanReport& report) {
  std::string out;
  for (const auto& r : report.regions)
    if (failed(r))
      out += (out.empty() ? "" : "; ") + r.region + " " + to_string(r.status) + ": " + r.error.value_or("?");
  if (report.budget_stopped) out += std::string(out.empty() ? "" : "; ") + "stopped by a budget guard";
  if (report.busy) out += std::string(out.empty() ? "" : "; ") + "a region's lease stayed held (--wait-lock)";
  return out;
}

void print_report(App& app, const scan::ScanReport& report, bool worker) {
  std::vector<Opportunity> opps = report.all_opportunities();
  switch (app.format()) {
    // A worker emits one compact document per cycle: JSON Lines for long runs.
    case Format::json: print_json(scan_report_json(report), app.stdout_tty() && !worker); break;
    case Format::jsonl: {
      std::vector<nlohmann::json> rows;
      for (const auto& o : opps) rows.push_back(scan::opportunity_json(o));
      print_jsonl(rows);
      break;
    }
    case Format::csv: print_opportunities_csv(opps); break;
    case Format::table:
      if (worker) say("== scan ", report.scan_id, " at ", format_rfc3339(report.started_at), "\n");
      if (opps.empty()) {
        int events = 0, scanned = 0;
        for (const auto& r : report.regions)
          if (r.good()) {
            events += r.events;
            ++scanned;
          }
        // Say what happened: "no arbitrage" is only true of regions that were scanned.
        if (scanned == 0) say("No region was scanned (see the region lines on stderr).\n");
        else
          say("No arbitrage found (", events, (events == 1 ? " event" : " events"), " in ", scanned,
              (scanned == 1 ? " region" : " regions"), ").\n");
      } else {
        print_opportunities_table(opps);
      }
      break;
  }
  flush_stdout();
  // --json keeps stderr for the error object (main writes it from app.failure) and the logs:
  // each failed region is logged there at warning level.
  if (!app.json()) print_region_summary(report, app.quiet, app.color_stderr());
  else
    for (const auto& r : report.regions)
      if (failed(r)) spdlog::warn("region {}: {}: {}", r.region, to_string(r.status), r.error.value_or("?"));
  if (report.budget_stopped && !app.json())
    std::cerr << "oddsctl: stopped by a budget guard: what was fetched is stored\n";
  app.failure = failure_text(report);
}

void run(App& app) {
  scan::ScanOptions options = scan_options_from_settings(app.settings);
  std::optional<Millis> every = app.settings.duration("scan.every");
  // A first-time `scan --demo` must not leave sample data in the default store: without an
  // explicit --store/--db it stores nothing (the demo's results are printed, not kept).
  if (options.source == store::ScanSource::demo && !app.store_given()) options.store_results = false;
  std::unique_ptr<store::Store> store;
  if (options.store_results || options.reserve || options.max_credits || options.wait_lock || options.from_store ||
      (every && options.source != store::ScanSource::demo))
    store = app.open_store();
  api::ApiFactory factory = api::http_api_factory(app.settings.env());
  auto health = start_health_listener(app, options.regions, every.has_value());  // --listen (serve.cpp)

  if (!every) {
    Progress progress;
    options.progress = &progress;
    scan::ScanReport report = [&] {
      ProgressLine line(app.decorate_stderr(), "scan", progress);  // erased before the report
      return run_scan(options, store.get(), factory, app.settings.env());
    }();
    print_report(app, report, false);
    app.exit_code = report.exit_code();
    return;
  }

  WorkerMode mode = start_worker_mode(app, *every, options.worker, "scan");
  if (options.source == store::ScanSource::live) {  // once, before the first cycle (a warning: -q drops it)
    const budget::RefreshIntervals refresh = refresh_intervals_from_settings(app.settings);
    const Millis interval = refresh_for(refresh, options.markets, options.bookmakers, options.rules.include_live);
    if (auto note = polling_warning("scan", *every, interval, refresh)) spdlog::warn("{}", *note);
  }
  options.stop = mode.stop;
  app.exit_code = run_worker_mode(app, mode, store.get(), [&]() -> worker::CycleResult {
    scan::ScanReport report = run_scan(options, store.get(), factory, app.settings.env());
    print_report(app, report, true);
    worker::CycleResult r{report.exit_code(), std::nullopt};
    r.all_skipped = !report.regions.empty() &&
                    std::all_of(report.regions.begin(), report.regions.end(),
                                [](const store::RegionScan& x) { return x.status == store::RegionStatus::skipped; });
    for (const auto& region : report.regions)
      if (region.error && region.status != store::RegionStatus::skipped && !r.error) r.error = region.error;
    return r;
  });
}

}  // namespace

void register_scan(CLI::App& root, App& app) {
  CLI::App* cmd = root.add_subcommand("scan", "Find arbitrage: fetch every region in parallel and store the results");
  add_api_options(cmd, app);
  setting_option(cmd, app, "scan.find");
  setting_option(cmd, app, "scan.min_books");
  // value bets (--find value)
  setting_option(cmd, app, "scan.sharp");
  setting_option(cmd, app, "scan.devig");
  setting_option(cmd, app, "scan.min_ev");
  setting_option(cmd, app, "scan.bankroll");
  setting_option(cmd, app, "scan.kelly");
  setting_option(cmd, app, "scan.max_stake_pct");
  // middles, low hold, flags, placeable stakes
  setting_option(cmd, app, "scan.min_middle_ev");
  setting_option(cmd, app, "scan.max_hold");
  setting_option(cmd, app, "scan.outlier_pct");
  setting_option(cmd, app, "scan.verify_above");
  setting_option(cmd, app, "scan.round");
  setting_option(cmd, app, "scan.limit");
  setting_flag(cmd, app, "scan.links");
  setting_flag(cmd, app, "scan.bet_limits");
  setting_option(cmd, app, "scan.min_profit");
  setting_option(cmd, app, "scan.max_quote_age");
  setting_flag(cmd, app, "scan.include_live");
  setting_option(cmd, app, "scan.stake");
  setting_option(cmd, app, "scan.commission");
  setting_flag(cmd, app, "scan.no_store");
  setting_option(cmd, app, "scan.from_file");
  setting_option(cmd, app, "scan.save_responses");
  setting_option(cmd, app, "scan.as_of");
  setting_option(cmd, app, "scan.odds_format");
  setting_flag(cmd, app, "scan.demo");
  setting_option(cmd, app, "scan.wait_lock");
  setting_flag(cmd, app, "scan.from_store");
  setting_option(cmd, app, "scan.every");
  add_worker_options(cmd, app, true);
  cmd->callback([&app] { run(app); });
}

}  // namespace oddsctl::cmd
