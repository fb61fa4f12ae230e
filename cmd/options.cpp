// Settings into typed options: the one place where the settings bag becomes what the
// library takes (ApiOptions, ScanOptions, SyncOptions, TierPolicy, RetentionPolicy,
// WorkerOptions). The library never sees Settings; commands call these, and so do the tests
// of the parsing rules.
#include "options.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "oddsctl/errors.hpp"
#include "oddsctl/keys.hpp"

namespace oddsctl {

namespace {

Millis positive_duration(const Settings& s, const std::string& key, Millis fallback, bool allow_zero = false) {
  auto d = s.duration(key);
  if (!d) return fallback;
  if (*d < Millis(0) || (!allow_zero && *d == Millis(0)))
    throw UsageError(key + ": must be " + (allow_zero ? "0 or more" : "more than 0") + ", got '" +
                     s.get_or(key, "") + "'");
  return *d;
}

int int_setting(const Settings& s, const std::string& key, int fallback, int min_value) {
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

std::optional<Millis>* policy_field(RetentionPolicy& p, const std::string& kind) {
  if (kind == "scans") return &p.scans_older_than;
  if (kind == "snapshots") return &p.snapshots_older_than;
  if (kind == "ledger") return &p.ledger_older_than;
  if (kind == "alerts") return &p.alerts_older_than;
  if (kind == "heartbeats") return &p.heartbeats_older_than;
  return nullptr;
}

}  // namespace

ApiOptions api_options_from_settings(const Settings& s) {
  ApiOptions o;
  o.regions = canonical_regions(s.list("api.regions"));
  o.sports = s.list("api.sports");
  o.markets = s.list("api.markets");
  check_markets(o.markets);
  o.bookmakers = s.list("api.bookmakers");
  o.concurrency = static_cast<int>(s.integer("api.concurrency").value_or(o.concurrency));
  o.timeout = s.duration("api.timeout").value_or(o.timeout);
  o.connect_timeout = s.duration("api.connect_timeout").value_or(o.connect_timeout);
  o.deadline = s.duration("api.deadline");
  o.max_retries = static_cast<int>(s.integer("api.retries").value_or(o.max_retries));
  o.reserve = s.integer("budget.reserve");  // bounds (>= 0) are the table's
  o.max_credits = s.integer("budget.max_credits");
  auto base = s.resolve("api.base_url");
  o.base_url = checked_base_url(base ? base->value : o.base_url);
  return o;
}

ScanOptions scan_options_from_settings(const Settings& s) {
  ScanOptions o;
  static_cast<ApiOptions&>(o) = api_options_from_settings(s);
  o.rules.markets = o.markets;
  o.rules.bookmakers = o.bookmakers;

  o.rules.min_profit_pct = s.number("scan.min_profit").value_or(0.0);
  o.rules.max_quote_age = s.duration("scan.max_quote_age").value_or(std::chrono::hours(1));
  o.rules.include_live = s.boolean("scan.include_live").value_or(false);
  o.rules.stake = s.number("scan.stake");
  o.detect.find = parse_find_kinds(s.list("scan.find"));
  o.detect.flags.min_books = static_cast<int>(s.integer("scan.min_books").value_or(4));
  // value bets (--find value)
  if (auto sharp = s.list("scan.sharp"); !sharp.empty()) o.detect.value.sharp = sharp;
  if (auto m = s.get("scan.devig")) o.detect.value.devig = devig_method_from_string(*m).value_or(DevigMethod::power);
  o.detect.value.min_ev_pct = s.number("scan.min_ev").value_or(1.0);
  o.detect.value.min_books = o.detect.flags.min_books;
  o.detect.value.bankroll = s.number("scan.bankroll");
  o.detect.value.kelly = s.number("scan.kelly").value_or(0.25);
  o.detect.value.max_stake_pct = s.number("scan.max_stake_pct").value_or(5.0);
  // middles, low hold, flags, placeable stakes
  o.detect.middle.min_middle_ev_pct = s.number("scan.min_middle_ev").value_or(0.0);
  o.detect.middle.model_dir = data_dir() / "middles";
  o.detect.lowhold.max_hold_pct = s.number("scan.max_hold").value_or(2.0);
  o.detect.flags.outlier_pct = s.number("scan.outlier_pct").value_or(25.0);
  o.detect.flags.verify_above_pct = s.number("scan.verify_above").value_or(5.0);
  o.detect.stakes.round_step = s.number("scan.round");
  for (const auto& [book, amount] : s.file_table("limit")) add_stake_limit(o.detect.stakes, book + "=" + amount, "[limit] " + book);
  for (const auto& item : s.list("scan.limit")) add_stake_limit(o.detect.stakes, item);
  o.links = s.boolean("scan.links").value_or(false);
  o.bet_limits = o.detect.stakes.bet_limits = s.boolean("scan.bet_limits").value_or(false);
  if ((o.detect.stakes.round_step || !o.detect.stakes.limits.empty()) && !o.rules.stake)
    throw UsageError(std::string(o.detect.stakes.round_step ? "--round" : "--limit") + " needs --stake (the total to split)");
  // Config file [commission] table first, then --commission flags on top.
  for (const auto& [book, rate] : s.file_table("commission")) o.rules.commissions.set_from_text(book + "=" + rate);
  for (const auto& item : s.list("scan.commission")) o.rules.commissions.set_from_text(item);

  if (auto f = s.get("scan.from_file")) {
    o.from_file = std::filesystem::path(*f);
    o.source = ScanSource::replay;
  }
  if (s.boolean("scan.demo").value_or(false)) {
    if (o.from_file) throw UsageError("--demo and --from-file: use one");
    o.from_file = data_dir() / "demo";
    o.source = ScanSource::demo;
  }
  o.from_store = s.boolean("scan.from_store").value_or(false);
  if (o.from_store && o.from_file) throw UsageError("--from-store and --from-file/--demo: use one");
  if (o.from_store) {
    o.command = "scan-from-store";
    o.source = ScanSource::store;
  }
  if (auto as_of = s.get("scan.as_of")) {
    // On live odds "now" is the clock: an earlier --as-of would count started events as
    // pre-match and store the result as if it were current.
    if (o.source == ScanSource::live)
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
  if (o.from_file && o.save_responses) throw UsageError("--save-responses records live calls; it makes no sense with --from-file");
  o.store_results = !s.boolean("scan.no_store").value_or(false);
  o.lease_ttl = s.duration("scan.lease_ttl").value_or(Millis(120000));
  o.wait_lock = s.duration("scan.wait_lock");
  o.worker = s.get_or("worker_id", default_worker_id());
  return o;
}

TierPolicy tier_policy_from_settings(const Settings& s) {
  TierPolicy p;
  p.hot_within = positive_duration(s, "tiers.hot.within", p.hot_within, true);
  p.warm_within = positive_duration(s, "tiers.warm.within", p.warm_within, true);
  if (p.warm_within < p.hot_within)
    throw UsageError("tiers.warm.within (" + format_duration(p.warm_within) + ") is shorter than tiers.hot.within (" +
                     format_duration(p.hot_within) + ")");
  for (Tier t : k_all_tiers) {
    std::string name = to_string(t);
    p.max_age[t] = positive_duration(s, "tiers." + name + ".max_age", p.max_age[t], true);
    p.limit[t] = int_setting(s, "tiers." + name + ".limit", p.limit[t], 0);
  }
  p.forget_after = positive_duration(s, "sync.forget_after", p.forget_after, true);
  p.backoff_cap = positive_duration(s, "sync.backoff_cap", p.backoff_cap);
  p.give_up_after = int_setting(s, "sync.give_up_after", p.give_up_after, 0);
  return p;
}

SyncOptions sync_options_from_settings(const Settings& s) {
  SyncOptions o;
  static_cast<ApiOptions&>(o) = api_options_from_settings(s);
  o.policy = tier_policy_from_settings(s);
  o.event_id = s.get("sync.event");
  if (o.event_id && o.event_id->empty()) throw UsageError("--event: the event id is empty");
  o.force = s.boolean("sync.force").value_or(false);
  o.discover = s.boolean("sync.discover").value_or(false);
  auto tier_text = s.get("sync.tier");
  if (tier_text && o.event_id) throw UsageError("--tier and --event do not go together: --event syncs one event whatever its tier");
  if (o.force && !o.event_id) throw UsageError("--force only applies to --event");
  if (tier_text && *tier_text != "auto") {
    o.tier = tier_from_string(*tier_text);
    if (!o.tier) throw UsageError("--tier: '" + *tier_text + "' is not one of hot, warm, cold, frozen, auto");
  }
  // `sync --discover` alone only discovers; `sync` alone is `sync --tier auto`.
  o.sync = !(o.discover && !tier_text && !o.event_id);
  if (!o.tier && !o.event_id && o.sync)
    o.discover_every = positive_duration(s, "sync.discover_every", std::chrono::hours(6), true);
  o.batch_size = int_setting(s, "sync.batch_size", o.batch_size, 1);
  o.min_interval = positive_duration(s, "sync.min_interval", o.min_interval, true);
  for (Tier t : k_auto_tiers) {
    auto v = s.number(std::string("budget.share.") + to_string(t));
    if (!v) continue;
    if (*v < 0 || *v > 1)
      throw UsageError(std::string("budget.share.") + to_string(t) + ": a share is between 0 and 1, got " + std::to_string(*v));
    o.budget_share[t] = *v;
  }
  o.worker = s.get_or("worker_id", "");
  return o;
}

WorkerOptions worker_options_from_settings(const Settings& settings, Millis every, std::string worker_id,
                                           std::string command) {
  WorkerOptions w;
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

RetentionPolicy retention_policy_from_settings(const Settings& settings) {
  RetentionPolicy policy;
  const auto generic = settings.resolve(k_retention_older_than);
  for (const auto& kind : retention_kinds()) {
    const auto own = settings.resolve(kind.key);
    const bool generic_applies = kind.follows_older_than && generic && !generic->value.empty();
    std::optional<ResolvedSetting> chosen;
    if (own && own->source == SettingSource::flag)
      chosen = own;
    else if (generic_applies && generic->source == SettingSource::flag)
      chosen = generic;
    else if (own && (own->source == SettingSource::env || own->source == SettingSource::file))
      chosen = own;
    else if (generic_applies && generic->source != SettingSource::default_value)
      chosen = generic;
    else if (own && !own->value.empty())
      chosen = own;  // a built-in default from the settings table
    auto* field = policy_field(policy, kind.kind);
    *field = chosen && !chosen->value.empty() ? age_value(chosen->key, chosen->value) : kind.default_age;
  }
  const auto keep = settings.integer(k_retention_keep_last).value_or(k_default_keep_last);
  if (keep < 0) throw UsageError("--keep-last: must be 0 or more (got " + std::to_string(keep) + ")");
  policy.keep_last_scans = static_cast<int>(keep);
  const auto batch = settings.integer(k_retention_batch_size).value_or(k_default_batch_size);
  if (batch < 1) throw UsageError("retention.batch_size: must be 1 or more (got " + std::to_string(batch) + ")");
  policy.batch_size = static_cast<int>(batch);
  return policy;
}

}  // namespace oddsctl
