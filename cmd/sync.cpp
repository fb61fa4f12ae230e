// oddsctl sync: keep tracked events fresh on tiers; pin, unpin and list them.
#include <algorithm>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "oddsctl/scan.hpp"
#include "oddsctl/sync.hpp"
#include "oddsctl/worker.hpp"
#include "progress.hpp"
#include "render.hpp"
#include "worker_mode.hpp"

namespace oddsctl::cmd {

namespace {

// "12s", "3m", "2h": a human age, whole seconds.
std::string ago(TimePoint then, TimePoint now) {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(now - then);
  if (secs.count() < 0) return "in " + format_duration(std::chrono::duration_cast<Millis>(-secs));
  return format_duration(std::chrono::duration_cast<Millis>(secs)) + " ago";
}

std::vector<std::string> counts_row(const std::string& name, const sync::SyncCounts& c) {
  return {name,
          std::to_string(c.selected),
          std::to_string(c.synced),
          std::to_string(c.changed),
          std::to_string(c.unchanged),
          std::to_string(c.failed),
          std::to_string(c.not_returned),
          std::to_string(c.skipped_deadline),
          std::to_string(c.skipped_budget),
          std::to_string(c.requests),
          std::to_string(c.credits_used)};
}

const std::vector<std::string> k_counts_header{"tier",           "selected", "synced",       "changed",
                                               "unchanged",      "failed",   "not_returned", "skipped_deadline",
                                               "skipped_budget", "requests", "credits_used"};

// Failures with the same error, in the order first seen.
struct FailureGroup {
  std::string error;
  std::vector<std::string> events;  // region/event_id
};

std::vector<FailureGroup> group_failures(const std::vector<sync::SyncFailure>& failures) {
  std::vector<FailureGroup> out;
  for (const auto& f : failures) {
    auto it = std::find_if(out.begin(), out.end(), [&](const FailureGroup& g) { return g.error == f.error; });
    if (it == out.end()) it = out.insert(out.end(), FailureGroup{f.error, {}});
    it->events.push_back(f.region + "/" + f.event_id);
  }
  return out;
}

// "au/e1: boom", or "3 events (au/e1, au/e2, au/e3): boom", at most three named.
std::string group_line(const FailureGroup& g) {
  if (g.events.size() == 1) return g.events[0] + ": " + g.error;
  std::string names;
  for (std::size_t i = 0; i < std::min<std::size_t>(3, g.events.size()); ++i) names += (i ? ", " : "") + g.events[i];
  if (g.events.size() > 3) names += ", ...";
  return std::to_string(g.events.size()) + " events (" + names + "): " + g.error;
}

// The error object's message: how many failed, the first reason, discovery errors, the guard.
std::string failure_text(const sync::SyncReport& r) {
  std::string out;
  if (!r.failures.empty())
    out = std::to_string(r.failures.size()) + (r.failures.size() == 1 ? " event failed" : " events failed") +
          ", first " + r.failures[0].region + "/" + r.failures[0].event_id + ": " + r.failures[0].error;
  for (const auto& e : r.discovery.errors) out += (out.empty() ? "discovery: " : "; discovery: ") + e;
  if (r.budget_tripped) out += std::string(out.empty() ? "" : "; ") + "stopped by a budget guard";
  return out;
}

void print_report(App& app, const sync::SyncReport& r) {
  app.failure = failure_text(r);
  std::vector<std::vector<std::string>> rows;
  for (const auto& [tier, c] : r.tiers) rows.push_back(counts_row(to_string(tier), c));
  if (r.tiers.size() != 1 || r.tier == "auto") rows.push_back(counts_row("total", r.totals));
  switch (app.format()) {
    case Format::json: print_json(sync_report_json(r), app.stdout_tty()); break;
    case Format::jsonl: print_jsonl({sync_report_json(r)}); break;
    case Format::csv: print_csv(k_counts_header, rows); break;
    case Format::table: {
      if (r.discovery.ran)
        say("Discovered ", plural(r.discovery.events, "event", "events"), " in ",
            plural(r.discovery.sports, "sport", "sports"), " (",
            (r.discovery.regions.empty() ? std::string("no region") : [&] {
                       std::string s;
                       for (const auto& x : r.discovery.regions) s += (s.empty() ? "" : ",") + x;
                       return s;
                     }()),
            ").\n");
      if (r.tier == "none") break;
      if (r.totals.selected == 0) {
        say("Nothing due (", r.tier, ").\n");
        break;
      }
      Table t;
      t.header = k_counts_header;
      t.header[6] = "gone";  // narrower on a terminal
      t.header[7] = "deadline";
      t.header[8] = "budget";
      t.header[10] = "credits";
      t.rows = rows;
      t.numeric = {false, true, true, true, true, true, true, true, true, true, true};
      t.print(app.color_stdout());
      say("requests ", r.requests, ", credits ", r.totals.credits_used, ", ", r.duration_ms, " ms\n");
      break;
    }
  }
  if (app.json()) return;
  // Reasons go to stderr, one line per distinct reason with how many events it hit (a missing
  // key fails every event of its region the same way). --quiet keeps the failures.
  const auto groups = group_failures(r.failures);
  const std::size_t shown = std::min<std::size_t>(groups.size(), 10);
  for (std::size_t i = 0; i < shown; ++i) std::cerr << "oddsctl: sync: " << group_line(groups[i]) << "\n";
  if (groups.size() > shown)
    std::cerr << "oddsctl: sync: ... and " << groups.size() - shown << " more kinds of failure (see --json)\n";
  for (const auto& e : r.discovery.errors) std::cerr << "oddsctl: sync --discover: " << e << "\n";
  if (r.budget_tripped) std::cerr << "oddsctl: sync: stopped by a budget guard: what was fetched is stored\n";
  if (app.quiet) return;
  for (const auto& l : r.skipped_leases) std::cerr << "oddsctl: sync: skipped, " << l << "\n";
  if (r.skipped_recent)
    std::cerr << "oddsctl: sync: " << r.skipped_recent
              << " synced less than sync.min_interval ago, skipped (use --force)\n";
  if (r.totals.skipped_deadline)
    std::cerr << "oddsctl: sync: deadline reached: " << r.totals.skipped_deadline
              << " events left for the next run (everything fetched is stored)\n";
  if (r.totals.not_returned)
    std::cerr << "oddsctl: sync: " << r.totals.not_returned
              << " events not returned by the API (over, removed, or no odds in that region)\n";
  if (!r.budget_tripped && r.totals.skipped_budget)
    std::cerr << "oddsctl: sync: " << r.totals.skipped_budget << " events left: their tier's budget share is spent\n";
}

void run(App& app) {
  sync::SyncOptions options = sync_options_from_settings(app.settings);
  auto store = app.open_store();
  api::ApiFactory factory = api::http_api_factory(app.settings.env());
  std::optional<Millis> every = app.settings.duration("sync.every");
  if (!every) {
    Progress progress;
    options.progress = &progress;
    sync::SyncReport report = [&] {
      ProgressLine line(app.decorate_stderr(), "sync", progress);  // erased before the report
      return run_sync(options, *store, factory, app.settings.env());
    }();
    print_report(app, report);
    app.exit_code = report.exit_code();
    return;
  }
  // Worker mode: the same run on a fixed schedule (see oddsctl/worker.hpp).
  WorkerMode mode = start_worker_mode(app, *every, options.worker, "sync");
  options.stop = mode.stop;
  app.exit_code = run_worker_mode(app, mode, store.get(), [&]() -> worker::CycleResult {
    sync::SyncReport report = run_sync(options, *store, factory, app.settings.env());
    print_report(app, report);
    flush_stdout();
    worker::CycleResult r{report.exit_code(), std::nullopt};
    r.all_skipped = report.all_leases_held;
    if (!report.failures.empty()) r.error = report.failures.front().event_id + ": " + report.failures.front().error;
    return r;
  });
}

store::Tier parse_tier(const std::string& text, bool allow_auto = false) {
  auto t = store::tier_from_string(text);
  if (!t)
    throw UsageError("--tier: '" + text + "' is not one of hot, warm, cold, frozen" + (allow_auto ? ", auto" : ""));
  return *t;
}

struct PinArgs {
  std::string event;
  std::string tier;
  std::optional<std::string> region;
};

void run_pin(App& app, const PinArgs& a, bool pin) {
  std::optional<store::Tier> tier;
  if (pin) tier = parse_tier(a.tier);
  std::optional<std::string> region;
  if (a.region) region = checked_region(*a.region, "--region");
  auto store = app.open_store();
  int changed = store->set_pin(a.event, region, tier);
  if (changed == 0)
    throw UsageError("sync " + std::string(pin ? "pin" : "unpin") + ": '" + a.event + "' is not a tracked event" +
                     (a.region ? " in region " + *region : "") + " (run sync --discover first)");
  if (app.json()) {
    print_json({{"event_id", a.event},
                {"region", region ? nlohmann::json(*region) : nlohmann::json(nullptr)},
                {"pinned_tier", tier ? nlohmann::json(to_string(*tier)) : nlohmann::json(nullptr)},
                {"changed", changed}},
               app.stdout_tty());
  } else if (!app.quiet) {
    std::cerr << "oddsctl: " << a.event << ": " << (pin ? std::string("pinned to ") + to_string(*tier) : "unpinned")
              << " in " << changed << (changed == 1 ? " region" : " regions") << "\n";
  }
}

struct ListArgs {
  std::optional<std::string> tier;
  std::optional<std::string> region;
  std::optional<std::string> sport;
  bool all = false;
  bool due = false;
};

void run_list(App& app, const ListArgs& a) {
  sync::ListFilter f;
  if (a.tier) f.tier = parse_tier(*a.tier);
  if (a.region) f.region = checked_region(*a.region, "--region");
  f.sport_key = a.sport;
  f.include_retired = a.all;
  sync::TierPolicy policy = tier_policy_from_settings(app.settings);
  TimePoint now = now_utc();
  auto store = app.open_store(store::OpenMode::read_only);
  auto rows = list_tracked_rows(*store, f, policy, now);
  if (a.due) std::erase_if(rows, [&](const sync::TrackedRow& r) { return !r.next_due || *r.next_due > now; });
  std::vector<nlohmann::json> docs;
  for (const auto& r : rows) docs.push_back(tracked_row_json(r, now));
  switch (app.format()) {
    case Format::json: print_json({{"events", docs}}, app.stdout_tty()); return;
    case Format::jsonl: print_jsonl(docs); return;
    default: break;
  }
  std::vector<std::string> header{"region", "event_id",  "sport",    "commence_time", "match",
                                  "tier",   "last_sync", "next_due", "failures"};
  std::vector<std::vector<std::string>> table;
  for (const auto& r : rows) {
    const auto& e = r.event;
    std::string tier = std::string(to_string(r.tier)) + (r.pinned ? " (pinned)" : "") + (r.retired ? " (retired)" : "");
    std::string last = e.last_synced_at ? (app.format() == Format::csv ? format_rfc3339(*e.last_synced_at)
                                                                       : ago(*e.last_synced_at, now))
                                        : "never";
    std::string next = !r.next_due                   ? "-"
                       : app.format() == Format::csv ? format_rfc3339(*r.next_due)
                       : *r.next_due <= now          ? "now"
                                                     : ago(*r.next_due, now);
    table.push_back({e.region, e.event_id, e.sport_key, format_rfc3339(e.commence_time),
                     e.home_team + " v " + e.away_team, tier, last, next, std::to_string(e.failures)});
  }
  if (app.format() == Format::csv) return print_csv(header, table);
  if (table.empty()) {
    say("No tracked events", (a.tier || a.region || a.sport || a.due ? " match." : " (run oddsctl sync --discover)."),
        "\n");
    return;
  }
  Table t{header, table, {false, false, false, false, false, false, false, false, true}};
  t.print(app.color_stdout());
}

}  // namespace

void register_sync(CLI::App& root, App& app) {
  CLI::App* cmd = root.add_subcommand(
      "sync", "Keep tracked events fresh on tiers: fetch the due events batched, within a deadline");
  add_api_options(cmd, app);
  setting_option(cmd, app, "sync.tier");
  setting_option(cmd, app, "sync.event");
  setting_flag(cmd, app, "sync.force");
  setting_flag(cmd, app, "sync.discover");
  setting_option(cmd, app, "sync.batch_size");
  setting_option(cmd, app, "sync.every");
  add_worker_options(cmd, app, false);
  cmd->footer(
      "Exit codes: 0 ok (also when the deadline left work for the next run), 1 nothing could be synced,\n"
      "2 usage, 3 some events failed (the rest is stored), 5 a budget guard stopped the run.");

  auto pin = std::make_shared<PinArgs>();
  CLI::App* pin_cmd = cmd->add_subcommand("pin", "Fix a tracked event's tier (a watchlist)");
  pin_cmd->add_option("event", pin->event, "event id")->required();
  // The table's tiers but auto, which is not a tier an event can be pinned to.
  std::string pin_tiers;
  for (const auto& t : settings::find_setting("sync.tier")->choices)
    if (t != "auto") pin_tiers += (pin_tiers.empty() ? "" : "|") + t;
  pin_cmd->add_option("--tier", pin->tier, "hot, warm, cold or frozen")->required()->type_name(pin_tiers);
  pin_cmd->add_option("--region", pin->region, "only in this region (default: every region tracking it)");
  pin_cmd->callback([&app, pin] { run_pin(app, *pin, true); });

  auto unpin = std::make_shared<PinArgs>();
  CLI::App* unpin_cmd = cmd->add_subcommand("unpin", "Let a tracked event's tier follow its start time again");
  unpin_cmd->add_option("event", unpin->event, "event id")->required();
  unpin_cmd->add_option("--region", unpin->region, "only in this region (default: every region tracking it)");
  unpin_cmd->callback([&app, unpin] { run_pin(app, *unpin, false); });

  auto list = std::make_shared<ListArgs>();
  CLI::App* list_cmd = cmd->add_subcommand("list", "Tracked events with their tier, last sync and next due time");
  list_cmd->add_option("--tier", list->tier, "only this tier")->type_name(pin_tiers);
  list_cmd->add_option("--region", list->region, "only this region");
  list_cmd->add_option("--sport", list->sport, "only this sport key");
  list_cmd->add_flag("--all", list->all, "include retired events (long over, or no longer returned by the API)");
  list_cmd->add_flag("--due", list->due, "only events due now");
  list_cmd->callback([&app, list] { run_list(app, *list); });

  cmd->require_subcommand(0, 1);
  cmd->callback([&app, cmd] {
    if (cmd->get_subcommands().empty()) run(app);
  });
}

}  // namespace oddsctl::cmd
