// oddsctl budget [plan|check]: credits spent and left per key, forecasts, and a CI gate.
// Thin: settings in (options.cpp), the library computes (src/budget), render.hpp prints.
#include <algorithm>
#include <iostream>

#include "app.hpp"
#include "oddsctl/budget.hpp"
#include "oddsctl/budget/plan.hpp"
#include "oddsctl/keys.hpp"
#include "options.hpp"
#include "render.hpp"

namespace oddsctl::cmd {

namespace {

TimePoint now_for(const App& app) {
  auto as_of = app.settings.get("budget.as_of");
  return as_of ? parse_rfc3339(*as_of, "--as-of") : now_utc();
}

// --region values, repeatable or comma separated; an unknown region is a usage error (as in
// every command), not an empty answer.
std::vector<std::string> flat_regions(const App& app) {
  std::vector<std::string> out;
  for (const auto& r : app.settings.list("budget.region")) out.push_back(checked_region(r, "--region"));
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

std::string opt_int(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "?"; }

void print_breakdown(const char* title, const std::map<std::string, std::int64_t>& spent) {
  if (spent.empty()) return;
  std::vector<std::pair<std::string, std::int64_t>> rows(spent.begin(), spent.end());
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  Table t{{title, "CREDITS_30D"}, {}, {false, true}};
  for (const auto& [name, n] : rows) t.rows.push_back({name, std::to_string(n)});
  print_lines({""});
  t.print();
}

void print_status_table(const App& app, const budget::BudgetStatus& status) {
  if (status.keys.empty()) {
    print_lines({"No credits recorded yet: the ledger is empty and no ODDS_API_KEY* is set."});
    return;
  }
  Table t{
      {"KEY", "REGION", "REMAINING", "USED", "REPORTED", "SPENT_1H", "SPENT_24H", "SPENT_30D", "BURN/DAY", "RUNS_OUT"},
      {},
      {false, false, true, true, false, true, true, true, true, false}};
  std::map<std::string, std::int64_t> by_command, by_sport;
  std::int64_t unknown = 0, estimated = 0;
  for (const auto& k : status.keys) {
    t.rows.push_back({k.key_hint, joined(k.regions), opt_int(k.remaining), opt_int(k.used),
                      k.reported_at ? format_rfc3339(*k.reported_at) : "never", std::to_string(k.spent_1h),
                      std::to_string(k.spent_24h), std::to_string(k.spent_30d),
                      k.burn_per_day ? fmt_number(*k.burn_per_day, 1) + (k.burn_window == "30d" ? " (30d)" : "") : "?",
                      k.runs_out_at ? format_rfc3339(*k.runs_out_at) : "-"});
    for (const auto& [c, n] : k.by_command_30d) by_command[c] += n;
    for (const auto& [s, n] : k.by_sport_30d) by_sport[s] += n;
    unknown += k.unknown_calls;
    estimated += k.estimated_calls;
  }
  t.print(app.color_stdout());
  print_breakdown("COMMAND", by_command);
  print_breakdown("SPORT", by_sport);
  if (!app.quiet && (unknown || estimated))
    std::cerr << "note: " << estimated << " calls costed from the x-requests-used counter, " << unknown
              << " calls of unknown cost (no credit headers) counted as 0\n";
}

void run_status(App& app) {
  auto store = app.open_store(store::OpenMode::read_only);
  budget::BudgetStatus status = budget_status(*store, budget::configured_keys(app.settings.env()), now_for(app));
  status.keys = filter_regions(status.keys, flat_regions(app));
  switch (app.format()) {
    case Format::json: print_json(status_json(status), app.stdout_tty()); break;
    case Format::jsonl: {
      std::vector<nlohmann::json> rows;
      for (const auto& k : status.keys) rows.push_back(key_json(k));
      print_jsonl(rows);
      break;
    }
    case Format::csv: {
      const std::vector<std::string> fields = {"key",      "region",    "remaining", "used",         "reported_at",
                                               "spent_1h", "spent_24h", "spent_30d", "burn_per_day", "runs_out_at"};
      std::vector<std::vector<std::string>> rows;
      for (const auto& k : status.keys) {
        auto j = key_json(k);
        std::vector<std::string> row;
        for (const auto& f : fields)
          row.push_back(j[f].is_null() ? "" : j[f].is_string() ? j[f].get<std::string>() : j[f].dump());
        rows.push_back(std::move(row));
      }
      print_csv(fields, rows);
      break;
    }
    case Format::table: print_status_table(app, status); break;
  }
}

void run_check(App& app) {
  app.allow_formats({Format::table, Format::json, Format::jsonl}, "budget check");
  auto min = app.settings.integer("budget.min_remaining");
  if (!min) throw UsageError("budget check: --min-remaining N is required (or budget.min_remaining in the config)");
  if (*min < 0) throw UsageError("--min-remaining: " + std::to_string(*min) + " is negative");
  auto store = app.open_store(store::OpenMode::read_only);
  auto regions = flat_regions(app);
  for (const auto& r : regions)
    if (r.empty()) throw UsageError("--region: empty region");
  budget::BudgetStatus status = budget_status(*store, budget::configured_keys(app.settings.env()), now_for(app));
  auto keys = filter_regions(status.keys, regions);
  budget::CheckResult result = check_budget(keys, *min);
  if (result.outcome == budget::CheckResult::Outcome::unknown && keys.empty() && !regions.empty())
    result.reason = "no key known for region " + joined(regions) + ": nothing in the ledger and no key set";
  const char* outcome = result.outcome == budget::CheckResult::Outcome::ok    ? "ok"
                        : result.outcome == budget::CheckResult::Outcome::low ? "low"
                                                                              : "unknown";
  if (app.format() == Format::json || app.format() == Format::jsonl) {
    nlohmann::json doc = {{"ok", result.outcome == budget::CheckResult::Outcome::ok},
                          {"outcome", outcome},
                          {"min_remaining", *min},
                          {"reason", result.reason},
                          {"keys", nlohmann::json::array()}};
    for (const auto& k : keys) doc["keys"].push_back(key_json(k));
    if (app.format() == Format::json) print_json(doc, app.stdout_tty());
    else print_jsonl({doc});
  } else if (result.outcome == budget::CheckResult::Outcome::ok) {
    std::string line = "ok: " + result.reason + " (";
    for (std::size_t i = 0; i < keys.size(); ++i)
      line += (i ? ", " : "") + keys[i].key_hint + " " + joined(keys[i].regions) + ": " +
              std::to_string(*keys[i].remaining);
    print_lines({line + ")"});
  }
  if (result.outcome == budget::CheckResult::Outcome::low) throw BudgetError("budget check: " + result.reason);
  if (result.outcome == budget::CheckResult::Outcome::unknown)
    throw Error(ExitCode::runtime, "budget check: " + result.reason);
}

std::string price_text(const budget::Plan* p) {
  if (!p) return "none fits";
  return p->name + " ($" + fmt_number(p->price_usd, 2) + "/month)";
}

void print_plan_table(const App& app, const budget::PlanReport& rep) {
  const budget::Schedule& s = rep.schedule;
  const bool per_region = rep.per_region_keys;
  std::vector<std::string> out;
  out.push_back("Schedule: " + plural(s.sports, "sport", "sports") + " x " + plural(s.regions, "region", "regions") +
                " x " + plural(s.markets, "market", "markets") + " = " +
                plural(credits_per_run(s), "credit", "credits") + " a run (one /odds call per sport and region; from " +
                rep.source + ")");
  if (per_region)
    out.push_back("Keys: one per region, so each key is billed 1/" + std::to_string(s.regions) + " of the total.");
  out.push_back("");
  print_lines(out);
  Table t{{"RUN", "EVERY", "PER_RUN", "RUNS/DAY", "PER_DAY", "PER_MONTH", "PLAN"},
          {},
          {false, false, true, true, true, true, false}};
  if (per_region) {
    t.header.insert(t.header.end() - 1, "PER_KEY_MONTH");
    t.numeric.insert(t.numeric.end() - 1, true);
  }
  auto add_row = [&](std::vector<std::string> cells, std::int64_t per_month) {
    if (per_region) cells.push_back(std::to_string(rep.billed(per_month)));
    cells.push_back(price_text(cheapest_fit(rep.plans, rep.billed(per_month))));
    t.rows.push_back(std::move(cells));
  };
  for (const auto& r : rep.rows)
    add_row({r.name, format_duration(r.interval), std::to_string(r.per_run), fmt_number(r.runs_per_day, 1),
             std::to_string(r.per_day), std::to_string(r.per_month)},
            r.per_month);
  if (rep.has_sync)
    add_row({"sync (all)", "", std::to_string(rep.sync_run), "", std::to_string(rep.sync_day),
             std::to_string(rep.sync_month)},
            rep.sync_month);
  if (rep.scan_row && rep.rows.size() > 1)
    add_row({"total", "", "", "", std::to_string(rep.total_day), std::to_string(rep.total_month)}, rep.total_month);
  if (!rep.rows.empty()) t.print(app.color_stdout());
  out.clear();
  out.push_back("");
  out.push_back("A month is 30 days; figures are upper bounds (a sport with no event costs 0). Plans: " +
                rep.plans_source + " (prices as of 2026, check https://the-odds-api.com/#get-access).");
  auto notes = plan_report_notes(rep);
  if (!notes.empty()) {
    out.push_back("");
    out.insert(out.end(), notes.begin(), notes.end());
  }
  if (rep.target) {
    const budget::Plan& target = *rep.target;
    std::string line = "Plan " + target.name + " (" + std::to_string(target.credits) + " credits/month, $" +
                       fmt_number(target.price_usd, 2) + "): ";
    const std::string unit = per_region ? " credits/month per key" : " credits/month";
    if (rep.shortest && rep.sync_billed > 0)
      line += "scan every " + format_duration(*rep.shortest) + " or less often (scan " +
              std::to_string(rep.target_scan_billed) + " + sync " + std::to_string(rep.sync_billed) + " = " +
              std::to_string(rep.target_scan_billed + rep.sync_billed) + unit + ").";
    else if (rep.shortest)
      line += "scan every " + format_duration(*rep.shortest) + " or less often (" +
              std::to_string(rep.target_scan_billed) + unit + ").";
    else if (rep.sync_billed >= target.credits)
      line += "too small: sync alone costs " + std::to_string(rep.sync_billed) + unit +
              " (raise tiers.*.max_age, or --no-sync to plan the scan alone).";
    else line += "too small: one run costs " + std::to_string(rep.billed(credits_per_run(s))) + " credits.";
    out.push_back("");
    out.push_back(line);
  }
  print_lines(out);
}

void run_budget_plan(App& app) {
  app.allow_formats({Format::table, Format::json, Format::jsonl}, "budget plan");
  budget::PlanOptions options = plan_options_from_settings(app.settings);
  std::unique_ptr<store::Store> store;
  if (options.from_ledger) store = app.open_store(store::OpenMode::read_only);
  budget::PlanReport report = plan_budget(options, store.get(), now_utc());
  if (app.format() == Format::json) print_json(plan_report_json(report), app.stdout_tty());
  else if (app.format() == Format::jsonl) print_jsonl({plan_report_json(report)});
  else print_plan_table(app, report);
}

}  // namespace

void register_budget(CLI::App& root, App& app) {
  CLI::App* cmd = root.add_subcommand(
      "budget", "Credits per key: left, spent (1h/24h/30d), burn rate and run-out date; plan and check below");
  cmd->require_subcommand(0, 1);
  setting_option(cmd, app, "budget.region");
  setting_option(cmd, app, "budget.as_of");
  setting_option(cmd, app, "budget.plans_file");

  CLI::App* plan =
      cmd->add_subcommand("plan", "Forecast a schedule's credits per run, day and 30-day month; pick a plan");
  setting_option(plan, app, "plan.interval");
  setting_option(plan, app, "plan.regions");
  setting_option(plan, app, "plan.markets");
  setting_option(plan, app, "plan.sports");
  setting_option(plan, app, "plan.bookmakers");
  setting_flag(plan, app, "plan.from_ledger");
  setting_option(plan, app, "plan.window");
  setting_option(plan, app, "plan.plan");
  setting_option(plan, app, "plan.keys");
  setting_flag(plan, app, "plan.no_sync");
  setting_option(plan, app, "budget.plans_file");
  setting_option(plan, app, "budget.refresh_file");
  plan->callback([&app] { run_budget_plan(app); });

  CLI::App* check = cmd->add_subcommand("check", "Exit 5 when a key has fewer than --min-remaining credits (for CI)");
  setting_option(check, app, "budget.min_remaining");
  setting_option(check, app, "budget.region");
  setting_option(check, app, "budget.as_of");
  check->callback([&app] { run_check(app); });

  cmd->callback([&app, cmd] {
    if (cmd->get_subcommands().empty()) run_status(app);
  });
}

}  // namespace oddsctl::cmd
