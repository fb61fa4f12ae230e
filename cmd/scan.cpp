// oddsctl scan: parse flags into settings, run the scan, print.
#include <iostream>

#include "app.hpp"
#include "oddsctl/scan.hpp"
#include "oddsctl/worker.hpp"
#include "render.hpp"

namespace oddsctl::cli {

namespace {

void print_region_summary(const ScanReport& report) {
  for (const auto& r : report.regions) {
    std::cerr << r.region << ": " << to_string(r.status) << ", " << r.events << " events, " << r.opportunity_count
              << " opportunities, " << r.requests << " requests";
    if (r.credits_used) std::cerr << ", " << *r.credits_used << " credits";
    if (r.credits_remaining) std::cerr << " (" << *r.credits_remaining << " left)";
    std::cerr << ", " << r.duration_ms << " ms";
    if (r.error) std::cerr << ": " << *r.error;
    std::cerr << "\n";
  }
}

void print_report(App& app, const ScanReport& report, bool worker) {
  std::vector<Opportunity> opps = report.all_opportunities();
  switch (app.format()) {
    // A worker emits one compact document per cycle: JSON Lines for long runs.
    case Format::json: print_json(scan_report_json(report), app.stdout_tty() && !worker); break;
    case Format::jsonl: {
      std::vector<nlohmann::json> rows;
      for (const auto& o : opps) rows.push_back(opportunity_json(o));
      print_jsonl(rows);
      break;
    }
    case Format::csv: print_opportunities_csv(opps); break;
    case Format::table:
      if (worker) std::cout << "== scan " << report.scan_id << " at " << format_rfc3339(report.started_at) << "\n";
      if (opps.empty()) {
        int events = 0;
        for (const auto& r : report.regions) events += r.events;
        std::cout << "No arbitrage found (" << events << " events in " << report.regions.size() << " regions).\n";
      } else {
        print_opportunities_table(opps);
      }
      break;
  }
  std::cout.flush();
  if (!app.quiet && !app.json()) print_region_summary(report);
  if (report.budget_stopped && !app.quiet)
    std::cerr << "oddsctl: stopped by a budget guard: what was fetched is stored\n";
}

void run(App& app) {
  ScanOptions options = scan_options_from_settings(app.settings);
  std::optional<Millis> every = app.settings.duration("scan.every");
  std::unique_ptr<Store> store;
  if (options.store_results || options.reserve || options.max_credits || options.wait_lock || options.from_store ||
      every)
    store = app.open_store();
  ApiFactory factory = http_api_factory(app.settings.env());

  if (!every) {
    ScanReport report = run_scan(options, store.get(), factory, app.settings.env());
    print_report(app, report, false);
    app.exit_code = report.exit_code();
    return;
  }

  WorkerOptions w = worker_options_from_settings(app.settings, *every, options.worker, "scan");
  const std::atomic<bool>& stop = install_stop_signals(w.grace);
  options.stop = &stop;
  app.exit_code = run_worker(
      w, store.get(), stop,
      [&]() -> CycleResult {
        ScanReport report = run_scan(options, store.get(), factory, app.settings.env());
        print_report(app, report, true);
        CycleResult r{report.exit_code(), std::nullopt};
        for (const auto& region : report.regions)
          if (region.error && region.status != RegionStatus::skipped && !r.error) r.error = region.error;
        return r;
      },
      [&app](const std::string& note) {
        if (!app.quiet) std::cerr << "oddsctl: " << note << "\n";
      });
}

}  // namespace

void register_scan(CLI::App& root, App& app) {
  CLI::App* cmd = root.add_subcommand("scan", "Find arbitrage: fetch every region in parallel and store the results");
  add_api_options(cmd, app);
  setting_option(cmd, app, "--min-profit", "scan.min_profit", "only opportunities with at least this profit, in %");
  setting_option(cmd, app, "--max-quote-age", "scan.max_quote_age", "ignore quotes older than this (default 1h)");
  setting_flag(cmd, app, "--include-live", "scan.include_live", "keep events that already started");
  setting_option(cmd, app, "--stake", "scan.stake", "split this total stake across the legs");
  setting_option(cmd, app, "--commission", "scan.commission", "BOOK=RATE exchange commission (repeatable), e.g. betfair_ex_uk=0.02", true);
  setting_option(cmd, app, "--bookmakers", "api.bookmakers", "only these bookmakers (comma separated)");
  setting_flag(cmd, app, "--no-store", "scan.no_store", "do not store results (the store is then opened only for --reserve/--max-credits)");
  setting_option(cmd, app, "--from-file", "scan.from_file", "replay saved API responses (a file or folder); no network");
  setting_option(cmd, app, "--save-responses", "scan.save_responses", "record raw API responses to this folder for --from-file");
  setting_option(cmd, app, "--as-of", "scan.as_of", "evaluate as of this RFC 3339 time");
  setting_option(cmd, app, "--odds-format", "scan.odds_format", "replayed odds: auto, decimal or american (default auto)");
  setting_flag(cmd, app, "--demo", "scan.demo", "scan the bundled sample data: no key, no network");
  setting_option(cmd, app, "--wait-lock", "scan.wait_lock", "wait this long for a region another run is scanning (then exit 75)");
  setting_flag(cmd, app, "--from-store", "scan.from_store", "scan the latest synced snapshots (oddsctl sync): no network, no credits");
  setting_option(cmd, app, "--every", "scan.every", "worker mode: scan on this schedule until SIGTERM/SIGINT, e.g. 15s");
  setting_option(cmd, app, "--grace", "worker.grace", "worker mode: after a stop signal, exit within this (default 10s)");
  setting_option(cmd, app, "--health-file", "worker.health_file", "worker mode: touch this file after each good cycle");
  setting_option(cmd, app, "--max-cycles", "worker.max_cycles", "worker mode: stop after this many cycles");
  cmd->callback([&app] { run(app); });
}

}  // namespace oddsctl::cli
