// oddsctl budget [plan|check]: credits spent and left per key, forecasts, and a CI gate.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>

#include "app.hpp"
#include "oddsctl/budget.hpp"
#include "oddsctl/keys.hpp"
#include "render.hpp"

namespace oddsctl::cli {

namespace {

struct BudgetFlags {
  std::vector<std::string> regions;   // status/check: only keys serving these
  std::optional<std::string> as_of;   // "now" for the windows
  // plan
  std::optional<std::string> interval;
  std::optional<std::string> plan;
  bool from_ledger = false;
  std::string window = "24h";
  std::string keys = "shared";
  bool no_sync = false;
};

TimePoint now_for(const BudgetFlags& f) { return f.as_of ? parse_rfc3339(*f.as_of, "--as-of") : now_utc(); }

// --region values, repeatable or comma separated; an unknown region is a usage error (as in
// every command), not an empty answer.
std::vector<std::string> flat_regions(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values)
    for (auto& r : split_list(v)) out.push_back(checked_region(r, "--region"));
  return out;
}

// Keys the environment configures, so a key shows up before its first call.
std::vector<ConfiguredKey> configured_keys(const App& app) {
  std::vector<ConfiguredKey> out;
  for (const auto& region : known_regions())
    if (auto key = resolve_key(region, app.settings.env())) out.push_back({key->id(), key->masked(), region});
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
  std::cout << "\n";
  t.print();
}

void print_status_table(const App& app, const BudgetStatus& status) {
  if (status.keys.empty()) {
    std::cout << "No credits recorded yet: the ledger is empty and no ODDS_API_KEY* is set.\n";
    return;
  }
  Table t{{"KEY", "REGION", "REMAINING", "USED", "REPORTED", "SPENT_1H", "SPENT_24H", "SPENT_30D", "BURN/DAY",
           "RUNS_OUT"},
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

void run_status(App& app, const BudgetFlags& f) {
  auto store = app.open_store(OpenMode::read_only);
  BudgetStatus status = budget_status(*store, configured_keys(app), now_for(f));
  status.keys = filter_regions(status.keys, flat_regions(f.regions));
  switch (app.format()) {
    case Format::json: print_json(status_json(status), app.stdout_tty()); break;
    case Format::jsonl: {
      std::vector<nlohmann::json> rows;
      for (const auto& k : status.keys) rows.push_back(key_json(k));
      print_jsonl(rows);
      break;
    }
    case Format::csv: {
      std::vector<std::vector<std::string>> rows;
      for (const auto& k : status.keys) {
        auto j = key_json(k);
        std::vector<std::string> row;
        for (const char* f2 : {"key", "region", "remaining", "used", "reported_at", "spent_1h", "spent_24h", "spent_30d",
                               "burn_per_day", "runs_out_at"})
          row.push_back(j[f2].is_null() ? "" : j[f2].is_string() ? j[f2].get<std::string>() : j[f2].dump());
        rows.push_back(std::move(row));
      }
      print_csv({"key", "region", "remaining", "used", "reported_at", "spent_1h", "spent_24h", "spent_30d",
                 "burn_per_day", "runs_out_at"},
                rows);
      break;
    }
    case Format::table: print_status_table(app, status); break;
  }
}

void run_check(App& app, const BudgetFlags& f) {
  app.allow_formats({Format::table, Format::json, Format::jsonl}, "budget check");
  auto min = app.settings.integer("budget.min_remaining");
  if (!min) throw UsageError("budget check: --min-remaining N is required (or budget.min_remaining in the config)");
  if (*min < 0) throw UsageError("--min-remaining: " + std::to_string(*min) + " is negative");
  auto store = app.open_store(OpenMode::read_only);
  auto regions = flat_regions(f.regions);
  for (const auto& r : regions)
    if (r.empty()) throw UsageError("--region: empty region");
  BudgetStatus status = budget_status(*store, configured_keys(app), now_for(f));
  auto keys = filter_regions(status.keys, regions);
  CheckResult result = check_budget(keys, *min);
  if (result.outcome == CheckResult::Outcome::unknown && keys.empty() && !regions.empty())
    result.reason = "no key known for region " + joined(regions) + ": nothing in the ledger and no key set";
  const char* outcome = result.outcome == CheckResult::Outcome::ok    ? "ok"
                        : result.outcome == CheckResult::Outcome::low ? "low"
                                                                       : "unknown";
  if (app.format() == Format::json || app.format() == Format::jsonl) {
    nlohmann::json doc = {{"ok", result.outcome == CheckResult::Outcome::ok}, {"outcome", outcome},
                          {"min_remaining", *min}, {"reason", result.reason}, {"keys", nlohmann::json::array()}};
    for (const auto& k : keys) doc["keys"].push_back(key_json(k));
    if (app.format() == Format::json) print_json(doc, app.stdout_tty());
    else print_jsonl({doc});
  } else if (result.outcome == CheckResult::Outcome::ok) {
    std::cout << "ok: " << result.reason << " (";
    for (std::size_t i = 0; i < keys.size(); ++i)
      std::cout << (i ? ", " : "") << keys[i].key_hint << " " << joined(keys[i].regions) << ": " << *keys[i].remaining;
    std::cout << ")\n";
  }
  if (result.outcome == CheckResult::Outcome::low) throw BudgetError("budget check: " + result.reason);
  if (result.outcome == CheckResult::Outcome::unknown) throw Error(ExitCode::runtime, "budget check: " + result.reason);
}


std::filesystem::path exe_path() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : p;
}

// The plan table: --plans-file / budget.plans_file, else the first plans.toml on the search
// path, else the built-in figures; then the config file's `plans` table on top.
std::vector<Plan> load_plans(const App& app, std::string& source) {
  std::vector<Plan> plans;
  if (auto file = app.settings.get("budget.plans_file")) {
    plans = load_plans_file(*file);
    source = *file;
  } else {
    source = "built-in (as of 2026)";
    plans = builtin_plans();
    for (const auto& p : plans_search_path(exe_path())) {
      std::error_code ec;
      if (std::filesystem::is_regular_file(p, ec)) {
        plans = load_plans_file(p);
        source = std::filesystem::weakly_canonical(p, ec).string();
        break;
      }
    }
  }
  auto table = app.settings.file_table("plans");
  if (!table.empty()) {
    std::string origin = app.settings.file() ? app.settings.file()->string() : "config file";
    plans = merge_plans(std::move(plans), table, origin + " [plans]");
    source += " + " + origin;
  }
  return plans;
}

int count_setting(const App& app, const std::string& key, const char* flag, const std::vector<std::string>& all) {
  auto values = app.settings.list(key);
  if (values.size() == 1 && values[0] == "all") return static_cast<int>(all.size());
  if (values.size() == 1 && !values[0].empty() && std::all_of(values[0].begin(), values[0].end(), ::isdigit)) {
    long n = std::stol(values[0]);
    if (n <= 0 || n > 100000) throw UsageError(std::string(flag) + ": " + values[0] + " is not a count from 1 up");
    return static_cast<int>(n);
  }
  return static_cast<int>(std::set<std::string>(values.begin(), values.end()).size());
}

bool given_as_flag(const App& app, const std::string& key) {
  auto r = app.settings.resolve(key);
  return r && r->source == SettingSource::flag;
}

// The median gap between recent scan runs, for --from-ledger without --interval.
std::optional<Millis> interval_from_scans(Store& store, TimePoint since) {
  ScanQuery q;
  q.since = since;
  q.limit = 0;
  q.source = ScanSource::live;  // demo and replay runs spend nothing: they are no schedule
  std::set<std::string> seen;
  std::vector<TimePoint> starts;
  for (const auto& s : store.list_scans(q))
    if (s.command == "scan" && seen.insert(s.scan_id).second) starts.push_back(s.started_at);
  if (starts.size() < 2) return std::nullopt;
  std::sort(starts.begin(), starts.end());
  std::vector<Millis> gaps;
  for (std::size_t i = 1; i < starts.size(); ++i) gaps.push_back(starts[i] - starts[i - 1]);
  std::sort(gaps.begin(), gaps.end());
  Millis median = gaps[gaps.size() / 2];
  // Whole seconds: a schedule is not set in milliseconds.
  return Millis(std::max<std::int64_t>(1, (median.count() + 500) / 1000) * 1000);
}

nlohmann::json plan_json(const Plan* p) {
  if (!p) return nullptr;
  return {{"name", p->name}, {"credits", p->credits}, {"price_usd", p->price_usd}};
}

std::string price_text(const Plan* p) {
  if (!p) return "none fits";
  return p->name + " ($" + fmt_number(p->price_usd, 2) + "/month)";
}

void run_budget_plan(App& app, const BudgetFlags& f) {
  app.allow_formats({Format::table, Format::json, Format::jsonl}, "budget plan");
  if (f.keys != "shared" && f.keys != "per-region")
    throw UsageError("--keys: '" + f.keys + "' is not shared or per-region");
  const auto& all_regions = known_regions();
  std::string plans_source;
  std::vector<Plan> plans = load_plans(app, plans_source);

  // The mix: flags (or config/env), else the ledger's recent runs.
  Schedule s;
  std::optional<Millis> interval;
  if (f.interval) interval = parse_duration(*f.interval, "--interval");
  std::string source = "flags";
  if (f.from_ledger) {
    Millis window = parse_duration(f.window, "--window");
    auto store = app.open_store(OpenMode::read_only);
    TimePoint since = now_utc() - window;
    LedgerQuery q;
    q.since = since;
    s = schedule_from_ledger(store->ledger(q), "", since);
    if (s.sports == 0)
      throw UsageError("--from-ledger: no /odds call in the last " + f.window + " of the ledger (try --window 7d)");
    if (!interval) interval = interval_from_scans(*store, since);
    if (!interval && !f.plan)
      throw UsageError("--from-ledger: fewer than two scans in the last " + f.window + " to measure the interval: give --interval");
    source = "ledger (last " + f.window + ")";
  }
  if (!f.from_ledger || given_as_flag(app, "plan.sports")) {
    if (!app.settings.get("plan.sports") || app.settings.list("plan.sports").empty())
      throw UsageError("budget plan: --sports N (a count or a list of sport keys) is required, or --from-ledger");
    s.sports = count_setting(app, "plan.sports", "--sports", {});
  }
  if (!f.from_ledger || given_as_flag(app, "plan.regions")) {
    s.regions = count_setting(app, "plan.regions", "--regions", all_regions);
    if (s.regions == 0) s.regions = static_cast<int>(app.settings.list("api.regions").size());
    if (s.regions == 0) {
      // Default: the regions that have a key, else every region.
      int with_key = 0;
      for (const auto& r : all_regions) with_key += resolve_key(r, app.settings.env()) ? 1 : 0;
      s.regions = with_key ? with_key : static_cast<int>(all_regions.size());
    }
  }
  if (!f.from_ledger || given_as_flag(app, "plan.markets")) {
    s.markets = count_setting(app, "plan.markets", "--markets", {});
    if (s.markets == 0) s.markets = static_cast<int>(app.settings.list("api.markets").size());
  }
  if (s.sports <= 0) throw UsageError("budget plan: --sports: give a count or a list of sport keys");
  if (s.markets <= 0 || s.regions <= 0) throw UsageError("budget plan: at least one region and one market are needed");
  if (!interval && !f.plan) throw UsageError("budget plan: --interval DURATION (e.g. 15s) or --plan NAME is required");
  const Plan* target = nullptr;
  if (f.plan) {
    target = find_plan(plans, *f.plan);
    if (!target) {
      std::string names;
      for (const auto& p : plans) names += (names.empty() ? "" : ", ") + p.name;
      throw UsageError("--plan: no plan named '" + *f.plan + "' (known: " + names + ")");
    }
  }
  // With a key per region each key pays only for its own region's calls.
  const bool per_region = f.keys == "per-region";
  auto billed = [&](std::int64_t v) { return per_region ? (v + s.regions - 1) / s.regions : v; };

  std::vector<Forecast> rows;
  if (interval) rows.push_back(forecast("scan", s, *interval));
  std::int64_t sync_day = 0, sync_month = 0, sync_run = 0;
  if (!f.no_sync) {
    for (const auto& tier : default_tier_intervals()) {
      Millis every = app.settings.duration("tiers." + tier.tier + ".max_age").value_or(tier.interval);
      if (every.count() <= 0) continue;  // on demand only
      rows.push_back(forecast("sync:" + tier.tier, s, every));
      sync_day += rows.back().per_day;
      sync_month += rows.back().per_month;
      sync_run += rows.back().per_run;
    }
  }
  const bool has_sync = !f.no_sync && sync_month > 0;
  // The plan pays for sync too: the scan gets what sync leaves of it. Billing rounds per
  // row, so step the interval up until the whole total fits (a few steps at most).
  std::optional<Millis> shortest;
  const std::int64_t sync_billed = has_sync ? billed(sync_month) : 0;
  auto scan_billed = [&](Millis every) { return billed(forecast("scan", s, every).per_month); };
  if (target && target->credits > sync_billed) {
    shortest = shortest_interval(billed(credits_per_run(s)), target->credits - sync_billed);
    for (int i = 0; shortest && i < 100 && scan_billed(*shortest) + sync_billed > target->credits; ++i)
      *shortest += Millis(1000);
  }
  // Without --interval the plan's fit is the scan to forecast: the total then shows it fits.
  const bool scan_row = interval || shortest;
  if (!interval && shortest) rows.insert(rows.begin(), forecast("scan", s, *shortest));
  // The grand total: every row but the sync sum, which repeats its tiers.
  std::int64_t total_day = 0, total_month = 0;
  for (const auto& r : rows) {
    total_day += r.per_day;
    total_month += r.per_month;
  }

  if (app.format() == Format::json || app.format() == Format::jsonl) {
    nlohmann::json doc;
    doc["schedule"] = {{"sports", s.sports}, {"regions", s.regions}, {"markets", s.markets},
                       {"credits_per_run", credits_per_run(s)}, {"source", source}, {"keys", f.keys}};
    doc["month_days"] = k_month_days;
    doc["forecasts"] = nlohmann::json::array();
    for (const auto& r : rows)
      doc["forecasts"].push_back({{"name", r.name}, {"interval", format_duration(r.interval)},
                                  {"interval_s", r.interval.count() / 1000.0}, {"credits_per_run", r.per_run},
                                  {"runs_per_day", r.runs_per_day}, {"credits_per_day", r.per_day},
                                  {"credits_per_month", r.per_month}, {"billed_per_month", billed(r.per_month)},
                                  {"plan", plan_json(cheapest_fit(plans, billed(r.per_month)))}});
    if (has_sync)
      doc["sync_total"] = {{"credits_per_day", sync_day}, {"credits_per_month", sync_month},
                           {"billed_per_month", billed(sync_month)},
                           {"plan", plan_json(cheapest_fit(plans, billed(sync_month)))}};
    if (scan_row)
      doc["total"] = {{"credits_per_day", total_day}, {"credits_per_month", total_month},
                      {"billed_per_month", billed(total_month)},
                      {"plan", plan_json(cheapest_fit(plans, billed(total_month)))}};
    if (target)
      doc["target"] = {{"plan", plan_json(target)},
                       {"shortest_interval", shortest ? nlohmann::json(format_duration(*shortest)) : nlohmann::json(nullptr)},
                       {"shortest_interval_s", shortest ? nlohmann::json(shortest->count() / 1000) : nlohmann::json(nullptr)},
                       {"credits_per_month", shortest ? nlohmann::json(scan_billed(*shortest)) : nlohmann::json(nullptr)},
                       {"sync_credits_per_month", sync_billed},
                       {"total_credits_per_month",
                        shortest ? nlohmann::json(scan_billed(*shortest) + sync_billed) : nlohmann::json(nullptr)}};
    doc["plans"] = nlohmann::json::array();
    for (const auto& p : plans) doc["plans"].push_back(plan_json(&p));
    doc["plans_source"] = plans_source;
    if (app.format() == Format::json) print_json(doc, app.stdout_tty());
    else print_jsonl({doc});
    return;
  }

  std::cout << "Schedule: " << plural(s.sports, "sport", "sports") << " x " << plural(s.regions, "region", "regions")
            << " x " << plural(s.markets, "market", "markets") << " = " << plural(credits_per_run(s), "credit", "credits") << " a run (one /odds call per sport and region; from "
            << source << ")\n";
  if (per_region) std::cout << "Keys: one per region, so each key is billed 1/" << s.regions << " of the total.\n";
  std::cout << "\n";
  Table t{{"RUN", "EVERY", "PER_RUN", "RUNS/DAY", "PER_DAY", "PER_MONTH", "PLAN"}, {}, {false, false, true, true, true, true, false}};
  if (per_region) {
    t.header.insert(t.header.end() - 1, "PER_KEY_MONTH");
    t.numeric.insert(t.numeric.end() - 1, true);
  }
  auto add_row = [&](std::vector<std::string> cells, std::int64_t per_month) {
    if (per_region) cells.push_back(std::to_string(billed(per_month)));
    cells.push_back(price_text(cheapest_fit(plans, billed(per_month))));
    t.rows.push_back(std::move(cells));
  };
  for (const auto& r : rows)
    add_row({r.name, format_duration(r.interval), std::to_string(r.per_run), fmt_number(r.runs_per_day, 1),
             std::to_string(r.per_day), std::to_string(r.per_month)},
            r.per_month);
  if (has_sync)
    add_row({"sync (all)", "", std::to_string(sync_run), "", std::to_string(sync_day), std::to_string(sync_month)},
            sync_month);
  if (scan_row && rows.size() > 1)
    add_row({"total", "", "", "", std::to_string(total_day), std::to_string(total_month)}, total_month);
  if (!rows.empty()) t.print(app.color_stdout());
  std::cout << "\nA month is 30 days; figures are upper bounds (a sport with no event costs 0). Plans: " << plans_source
            << " (prices as of 2026, check https://the-odds-api.com/#get-access).\n";
  if (target) {
    std::cout << "\nPlan " << target->name << " (" << target->credits << " credits/month, $"
              << fmt_number(target->price_usd, 2) << "): ";
    const char* unit = per_region ? " credits/month per key" : " credits/month";
    if (shortest && sync_billed > 0)
      std::cout << "scan every " << format_duration(*shortest) << " or less often (scan " << scan_billed(*shortest)
                << " + sync " << sync_billed << " = " << scan_billed(*shortest) + sync_billed << unit << ").\n";
    else if (shortest)
      std::cout << "scan every " << format_duration(*shortest) << " or less often (" << scan_billed(*shortest) << unit
                << ").\n";
    else if (sync_billed >= target->credits)
      std::cout << "too small: sync alone costs " << sync_billed << unit
                << " (raise tiers.*.max_age, or --no-sync to plan the scan alone).\n";
    else
      std::cout << "too small: one run costs " << billed(credits_per_run(s)) << " credits.\n";
  }
}

}  // namespace

void register_budget(CLI::App& root, App& app) {
  auto flags = std::make_shared<BudgetFlags>();
  CLI::App* cmd = root.add_subcommand(
      "budget", "Credits per key: left, spent (1h/24h/30d), burn rate and run-out date; plan and check below");
  cmd->require_subcommand(0, 1);
  cmd->add_option("--region", flags->regions, "only keys serving these regions (repeatable or comma separated)");
  cmd->add_option("--as-of", flags->as_of, "compute the windows as of this RFC 3339 time (default now)");
  setting_option(cmd, app, "budget.plans_file");

  CLI::App* plan = cmd->add_subcommand("plan", "Forecast a schedule's credits per run, day and 30-day month; pick a plan");
  plan->add_option("--interval", flags->interval, "how often the scan runs, e.g. 15s");
  setting_option(plan, app, "plan.regions");
  setting_option(plan, app, "plan.markets");
  setting_option(plan, app, "plan.sports");
  plan->add_flag("--from-ledger", flags->from_ledger, "take sports, regions, markets (and interval) from recent runs");
  plan->add_option("--window", flags->window, "how far back --from-ledger looks (default 24h)");
  plan->add_option("--plan", flags->plan, "the shortest interval that fits this plan, e.g. 5M");
  plan->add_option("--keys", flags->keys, "shared (one key pays for every region, default) or per-region");
  plan->add_flag("--no-sync", flags->no_sync, "forecast the scan only, not the sync tiers");
  setting_option(plan, app, "budget.plans_file");
  plan->callback([&app, flags] { run_budget_plan(app, *flags); });

  CLI::App* check = cmd->add_subcommand("check", "Exit 5 when a key has fewer than --min-remaining credits (for CI)");
  setting_option(check, app, "budget.min_remaining");
  check->add_option("--region", flags->regions, "only keys serving these regions (repeatable or comma separated)");
  check->add_option("--as-of", flags->as_of, "compute as of this RFC 3339 time (default now)");
  check->callback([&app, flags] { run_check(app, *flags); });

  cmd->callback([&app, flags, cmd] {
    if (cmd->get_subcommands().empty()) run_status(app, *flags);
  });
}

}  // namespace oddsctl::cli
