// Settings into typed options: the one place where the settings bag becomes what the
// library takes (ApiOptions, ScanOptions, SyncOptions, TierPolicy, RetentionPolicy,
// WorkerOptions). The library never sees Settings; commands call these, and so do the tests
// of the parsing rules.
#include "options.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "oddsctl/budget/plan.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/keys.hpp"
#include "oddsctl/store/lease_helpers.hpp"

namespace oddsctl::cmd {

namespace {

Millis positive_duration(const settings::Settings& s, const std::string& key, Millis fallback,
                         bool allow_zero = false) {
  auto d = s.duration(key);
  if (!d) return fallback;
  if (*d < Millis(0) || (!allow_zero && *d == Millis(0)))
    throw UsageError(key + ": must be " + (allow_zero ? "0 or more" : "more than 0") + ", got '" + s.get_or(key, "") +
                     "'");
  return *d;
}

int int_setting(const settings::Settings& s, const std::string& key, int fallback, int min_value) {
  auto v = s.integer(key);
  if (!v) return fallback;
  if (*v < min_value || *v > 1000000)
    throw UsageError(key + ": " + std::to_string(*v) + " is out of range (at least " + std::to_string(min_value) + ")");
  return static_cast<int>(*v);
}

// "never" (or "off", "none") keeps that kind forever.
std::optional<Millis> age_value(const std::string& key, const std::string& text) {
  if (text == "never" || text == "off" || text == "none") return std::nullopt;
  return parse_duration(text, key);
}

std::optional<Millis>* policy_field(store::RetentionPolicy& p, const std::string& kind) {
  if (kind == "scans") return &p.scans_older_than;
  if (kind == "snapshots") return &p.snapshots_older_than;
  if (kind == "ledger") return &p.ledger_older_than;
  if (kind == "alerts") return &p.alerts_older_than;
  if (kind == "heartbeats") return &p.heartbeats_older_than;
  return nullptr;
}

}  // namespace

api::ApiOptions api_options_from_settings(const settings::Settings& s) {
  api::ApiOptions o;
  o.regions = api::canonical_regions(s.list("api.regions"));
  o.sports = s.list("api.sports");
  o.markets = s.list("api.markets");
  api::check_markets(o.markets);
  o.bookmakers = s.list("api.bookmakers");
  o.concurrency = static_cast<int>(s.integer("api.concurrency").value_or(o.concurrency));
  o.timeout = s.duration("api.timeout").value_or(o.timeout);
  o.connect_timeout = s.duration("api.connect_timeout").value_or(o.connect_timeout);
  o.deadline = s.duration("api.deadline");
  o.max_retries = static_cast<int>(s.integer("api.retries").value_or(o.max_retries));
  o.sports_ttl = s.duration("api.sports_ttl").value_or(o.sports_ttl);
  o.reserve = s.integer("budget.reserve");  // bounds (>= 0) are the table's
  o.max_credits = s.integer("budget.max_credits");
  auto base = s.resolve("api.base_url");
  o.base_url = api::checked_base_url(base ? base->value : o.base_url);
  return o;
}

scan::ScanOptions scan_options_from_settings(const settings::Settings& s) {
  scan::ScanOptions o;
  static_cast<api::ApiOptions&>(o) = api_options_from_settings(s);
  o.rules.markets = o.markets;
  o.rules.bookmakers = o.bookmakers;

  o.rules.min_profit_pct = s.number("scan.min_profit").value_or(0.0);
  o.rules.max_quote_age = s.duration("scan.max_quote_age").value_or(std::chrono::hours(1));
  o.rules.include_live = s.boolean("scan.include_live").value_or(false);
  o.rules.stake = s.number("scan.stake");
  o.detect.find = engine::parse_find_kinds(s.list("scan.find"));
  o.detect.flags.min_books = static_cast<int>(s.integer("scan.min_books").value_or(4));
  // value bets (--find value)
  if (auto sharp = s.list("scan.sharp"); !sharp.empty()) o.detect.value.sharp = sharp;
  if (auto m = s.get("scan.devig"))
    o.detect.value.devig = engine::devig_method_from_string(*m).value_or(engine::DevigMethod::power);
  o.detect.value.min_ev_pct = s.number("scan.min_ev").value_or(1.0);
  o.detect.value.min_books = o.detect.flags.min_books;
  o.detect.value.bankroll = s.number("scan.bankroll");
  o.detect.value.kelly = s.number("scan.kelly").value_or(0.25);
  o.detect.value.max_stake_pct = s.number("scan.max_stake_pct").value_or(5.0);
  // middles, low hold, flags, placeable stakes
  o.detect.middle.min_middle_ev_pct = s.number("scan.min_middle_ev").value_or(0.0);
  o.detect.middle.model_dir = scan::data_dir() / "middles";
  o.detect.lowhold.max_hold_pct = s.number("scan.max_hold").value_or(2.0);
  o.detect.flags.outlier_pct = s.number("scan.outlier_pct").value_or(25.0);
  o.detect.flags.verify_above_pct = s.number("scan.verify_above").value_or(5.0);
  o.detect.stakes.round_step = s.number("scan.round");
  for (const auto& [book, amount] : s.file_table("limit"))
    add_stake_limit(o.detect.stakes, book + "=" + amount, "[limit] " + book);
  for (const auto& item : s.list("scan.limit")) add_stake_limit(o.detect.stakes, item);
  o.links = s.boolean("scan.links").value_or(false);
  o.bet_limits = o.detect.stakes.bet_limits = s.boolean("scan.bet_limits").value_or(false);
  if ((o.detect.stakes.round_step || !o.detect.stakes.limits.empty()) && !o.rules.stake)
    throw UsageError(std::string(o.detect.stakes.round_step ? "--round" : "--limit") +
                     " needs --stake (the total to split)");
  // Config file [commission] table first, then --commission flags on top.
  for (const auto& [book, rate] : s.file_table("commission")) o.rules.commissions.set_from_text(book + "=" + rate);
  for (const auto& item : s.list("scan.commission")) o.rules.commissions.set_from_text(item);

  if (auto f = s.get("scan.from_file")) {
    o.from_file = std::filesystem::path(*f);
    o.source = store::ScanSource::replay;
  }
  if (s.boolean("scan.demo").value_or(false)) {
    if (o.from_file) throw UsageError("--demo and --from-file: use one");
    o.from_file = scan::data_dir() / "demo";
    o.source = store::ScanSource::demo;
  }
  o.from_store = s.boolean("scan.from_store").value_or(false);
  if (o.from_store && o.from_file) throw UsageError("--from-store and --from-file/--demo: use one");
  if (o.from_store) {
    o.command = "scan-from-store";
    o.source = store::ScanSource::store;
  }
  if (auto as_of = s.get("scan.as_of")) {
    // On live odds "now" is the clock: an earlier --as-of would count started events as
    // pre-match and store the result as if it were current.
    if (o.source == store::ScanSource::live)
      throw UsageError("--as-of only goes with --from-file, --demo or --from-store (a live scan is evaluated now)");
    o.as_of = parse_rfc3339(*as_of, "--as-of");
  }
  o.odds_format = parse_odds_format(s.get_or("scan.odds_format", "auto"));
  if (auto d = s.get("scan.save_responses")) {
    // Checked before any credit is spent on responses that could not be kept.
    std::error_code ec;
    std::filesystem::create_directories(*d, ec);
    if (ec || ::access(d->c_str(), W_OK) != 0)
      throw UsageError("--save-responses " + *d + ": not a writable folder" + (ec ? " (" + ec.message() + ")" : ""));
    o.save_responses = std::filesystem::path(*d);
  }
  if (o.from_file && o.save_responses)
    throw UsageError("--save-responses records live calls; it makes no sense with --from-file");
  o.store_results = !s.boolean("scan.no_store").value_or(false);
  o.lease_ttl = s.duration("scan.lease_ttl").value_or(Millis(120000));
  o.wait_lock = s.duration("scan.wait_lock");
  o.worker = s.get_or("worker_id", store::default_worker_id());
  return o;
}

sync::TierPolicy tier_policy_from_settings(const settings::Settings& s) {
  sync::TierPolicy p;
  p.hot_within = positive_duration(s, "tiers.hot.within", p.hot_within, true);
  p.warm_within = positive_duration(s, "tiers.warm.within", p.warm_within, true);
  if (p.warm_within < p.hot_within)
    throw UsageError("tiers.warm.within (" + format_duration(p.warm_within) + ") is shorter than tiers.hot.within (" +
                     format_duration(p.hot_within) + ")");
  for (store::Tier t : sync::k_all_tiers) {
    std::string name = to_string(t);
    p.max_age[t] = positive_duration(s, "tiers." + name + ".max_age", p.max_age[t], true);
    p.limit[t] = int_setting(s, "tiers." + name + ".limit", p.limit[t], 0);
  }
  p.forget_after = positive_duration(s, "sync.forget_after", p.forget_after, true);
  p.backoff_cap = positive_duration(s, "sync.backoff_cap", p.backoff_cap);
  p.give_up_after = int_setting(s, "sync.give_up_after", p.give_up_after, 0);
  return p;
}

sync::SyncOptions sync_options_from_settings(const settings::Settings& s) {
  sync::SyncOptions o;
  static_cast<api::ApiOptions&>(o) = api_options_from_settings(s);
  o.policy = tier_policy_from_settings(s);
  o.event_id = s.get("sync.event");
  if (o.event_id && o.event_id->empty()) throw UsageError("--event: the event id is empty");
  o.force = s.boolean("sync.force").value_or(false);
  o.discover = s.boolean("sync.discover").value_or(false);
  auto tier_text = s.get("sync.tier");
  if (tier_text && o.event_id)
    throw UsageError("--tier and --event do not go together: --event syncs one event whatever its tier");
  if (o.force && !o.event_id) throw UsageError("--force only applies to --event");
  if (tier_text && *tier_text != "auto") {
    o.tier = store::tier_from_string(*tier_text);
    if (!o.tier) throw UsageError("--tier: '" + *tier_text + "' is not one of hot, warm, cold, frozen, auto");
  }
  // `sync --discover` alone only discovers; `sync` alone is `sync --tier auto`.
  o.sync = !(o.discover && !tier_text && !o.event_id);
  if (!o.tier && !o.event_id && o.sync)
    o.discover_every = positive_duration(s, "sync.discover_every", std::chrono::hours(6), true);
  o.batch_size = int_setting(s, "sync.batch_size", o.batch_size, 1);
  o.min_interval = positive_duration(s, "sync.min_interval", o.min_interval, true);
  for (store::Tier t : sync::k_auto_tiers) {
    auto v = s.number(std::string("budget.share.") + to_string(t));
    if (!v) continue;
    if (*v < 0 || *v > 1)
      throw UsageError(std::string("budget.share.") + to_string(t) + ": a share is between 0 and 1, got " +
                       std::to_string(*v));
    o.budget_share[t] = *v;
  }
  o.worker = s.get_or("worker_id", "");
  return o;
}

worker::WorkerOptions worker_options_from_settings(const settings::Settings& settings, Millis every,
                                                   std::string worker_id, std::string command) {
  worker::WorkerOptions w;
  w.every = every;
  if (w.every < Millis(1000)) throw UsageError("--every: must be at least 1s");
  w.grace = settings.duration("worker.grace").value_or(Millis(10000));
  if (auto h = settings.get("worker.health_file")) {
    // Found at start, not after a day of cycles that were never reported healthy.
    std::filesystem::path dir = std::filesystem::absolute(*h).parent_path();
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
      throw UsageError("--health-file " + *h + ": the folder " + dir.string() + " does not exist");
    if (::access(dir.c_str(), W_OK) != 0)
      throw UsageError("--health-file " + *h + ": the folder " + dir.string() + " is not writable");
    w.health_file = *h;
  }
  w.max_cycles = settings.integer("worker.max_cycles");
  if (w.max_cycles && *w.max_cycles < 1) throw UsageError("--max-cycles: must be 1 or more");
  w.worker_id = std::move(worker_id);
  w.command = std::move(command);
  return w;
}

store::RetentionPolicy retention_policy_from_settings(const settings::Settings& settings) {
  store::RetentionPolicy policy;
  const auto generic = settings.resolve(cleanup::k_retention_older_than);
  for (const auto& kind : cleanup::retention_kinds()) {
    const auto own = settings.resolve(kind.key);
    const bool generic_applies = kind.follows_older_than && generic && !generic->value.empty();
    std::optional<settings::ResolvedSetting> chosen;
    if (own && own->source == settings::SettingSource::flag) chosen = own;
    else if (generic_applies && generic->source == settings::SettingSource::flag) chosen = generic;
    else if (own && (own->source == settings::SettingSource::env || own->source == settings::SettingSource::file))
      chosen = own;
    else if (generic_applies && generic->source != settings::SettingSource::default_value) chosen = generic;
    else if (own && !own->value.empty()) chosen = own;  // a built-in default from the settings table
    auto* field = policy_field(policy, kind.kind);
    *field = chosen && !chosen->value.empty() ? age_value(chosen->key, chosen->value) : kind.default_age;
  }
  const auto keep = settings.integer(cleanup::k_retention_keep_last).value_or(cleanup::k_default_keep_last);
  if (keep < 0) throw UsageError("--keep-last: must be 0 or more (got " + std::to_string(keep) + ")");
  policy.keep_last_scans = static_cast<int>(keep);
  const auto batch = settings.integer(cleanup::k_retention_batch_size).value_or(cleanup::k_default_batch_size);
  if (batch < 1) throw UsageError("retention.batch_size: must be 1 or more (got " + std::to_string(batch) + ")");
  policy.batch_size = static_cast<int>(batch);
  return policy;
}

// ---------------------------------------------------------------------------------------
// budget plan

namespace {

// The plan table: budget.plans_file, else the first plans.toml on the search path, else the
// built-in figures; then the config file's `plans` table on top.
std::vector<budget::Plan> plans_from_settings(const settings::Settings& s, std::string& source) {
  std::vector<budget::Plan> plans;
  if (auto file = s.get("budget.plans_file")) {
    plans = budget::load_plans_file(*file);
    source = *file;
  } else if (auto found = budget::find_data_file("plans.toml")) {
    plans = budget::load_plans_file(*found);
    source = found->string();
  } else {
    source = "built-in (as of 2026)";
    plans = budget::builtin_plans();
  }
  auto table = s.file_table("plans");
  if (!table.empty()) {
    std::string origin = s.file() ? s.file()->string() : "config file";
    plans = merge_plans(std::move(plans), table, origin + " [plans]");
    source += " + " + origin;
  }
  return plans;
}

// A count ("4"), "all" (= every entry of `all`) or a list (its distinct entries).
int count_setting(const settings::Settings& s, const std::string& key, const char* flag,
                  const std::vector<std::string>& all) {
  auto values = s.list(key);
  if (values.size() == 1 && values[0] == "all") return static_cast<int>(all.size());
  if (values.size() == 1 && !values[0].empty() && std::all_of(values[0].begin(), values[0].end(), ::isdigit)) {
    long n = std::stol(values[0]);
    if (n <= 0 || n > 100000) throw UsageError(std::string(flag) + ": " + values[0] + " is not a count from 1 up");
    return static_cast<int>(n);
  }
  return static_cast<int>(std::set<std::string>(values.begin(), values.end()).size());
}

// The names of a list setting, none when it is a count or "all" (then `all` when given).
std::vector<std::string> names_setting(const settings::Settings& s, const std::string& key,
                                       const std::vector<std::string>& all) {
  auto values = s.list(key);
  if (values.size() == 1 && values[0] == "all") return all;
  if (values.size() == 1 && !values[0].empty() && std::all_of(values[0].begin(), values[0].end(), ::isdigit)) return {};
  std::vector<std::string> out;
  for (const auto& v : values)
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  return out;
}

bool given_as_flag(const settings::Settings& s, const std::string& key) {
  auto r = s.resolve(key);
  return r && r->source == settings::SettingSource::flag;
}

}  // namespace

budget::RefreshIntervals refresh_intervals_from_settings(const settings::Settings& s) {
  if (auto file = s.get("budget.refresh_file")) return budget::load_refresh_file(*file);
  if (auto found = budget::find_data_file("refresh_intervals.toml")) return budget::load_refresh_file(*found);
  return budget::RefreshIntervals{};
}

budget::PlanOptions plan_options_from_settings(const settings::Settings& s) {
  budget::PlanOptions o;
  const auto& all_regions = known_regions();
  o.plans = plans_from_settings(s, o.plans_source);
  o.refresh = refresh_intervals_from_settings(s);
  o.interval = s.duration("plan.interval");
  o.plan = s.get("plan.plan");
  o.from_ledger = s.boolean("plan.from_ledger").value_or(false);
  o.window_text = s.get_or("plan.window", "24h");
  o.window = s.duration("plan.window").value_or(o.window);
  o.per_region_keys = s.get_or("plan.keys", "shared") == "per-region";
  o.no_sync = s.boolean("plan.no_sync").value_or(false);
  o.bookmakers = s.list("plan.bookmakers");
  if (o.bookmakers.empty()) o.bookmakers = s.list("api.bookmakers");  // what the scan would ask
  o.in_play = s.boolean("scan.include_live").value_or(false);

  // The mix: flags (or config/env), else the ledger's recent runs.
  if (!o.from_ledger || given_as_flag(s, "plan.sports")) {
    if (!s.get("plan.sports") || s.list("plan.sports").empty())
      throw UsageError("budget plan: --sports N (a count or a list of sport keys) is required, or --from-ledger");
    o.sports = count_setting(s, "plan.sports", "--sports", {});
    if (o.sports <= 0) throw UsageError("budget plan: --sports: give a count or a list of sport keys");
  }
  if (!o.from_ledger || given_as_flag(s, "plan.regions")) {
    o.regions = count_setting(s, "plan.regions", "--regions", all_regions);
    o.region_names = names_setting(s, "plan.regions", all_regions);
    for (auto& r : o.region_names)
      std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (o.regions == 0) {
      o.region_names = api::canonical_regions(s.list("api.regions"));
      o.regions = static_cast<int>(o.region_names.size());
    }
    if (o.regions == 0) {
      // Default: the regions that have a key, else every region.
      for (const auto& r : all_regions)
        if (resolve_key(r, s.env())) o.region_names.push_back(r);
      if (o.region_names.empty()) o.region_names = all_regions;
      o.regions = static_cast<int>(o.region_names.size());
    }
  }
  if (!o.from_ledger || given_as_flag(s, "plan.markets")) {
    o.markets = count_setting(s, "plan.markets", "--markets", {});
    o.market_names = names_setting(s, "plan.markets", {});
    if (o.markets == 0) {
      o.market_names = s.list("api.markets");
      o.markets = static_cast<int>(o.market_names.size());
    }
    if (o.markets <= 0) throw UsageError("budget plan: at least one region and one market are needed");
  }
  for (const auto& tier : budget::default_tier_intervals())
    o.sync_tiers.push_back({tier.tier, s.duration("tiers." + tier.tier + ".max_age").value_or(tier.interval)});
  return o;
}

}  // namespace oddsctl::cmd
