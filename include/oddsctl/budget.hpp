// `oddsctl budget`: what the API has cost (status), what a schedule will cost (plan), and a
// CI gate on the credits left (check). Everything here is computed from the budget ledger
// (Store::ledger) and the plan table; nothing calls the API.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "oddsctl/keys.hpp"
#include "oddsctl/ledger.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl::store {
class LedgerStore;
}  // namespace oddsctl::store

namespace oddsctl::budget {

// ---------------------------------------------------------------------------------------
// Status

// What one ledger row cost. `last` (x-requests-last) is the API's own figure. When it is
// missing but `used` is known and the key's previous row with a known `used` is lower, the
// difference is taken as an estimate (the counter moved by this call). A row of a free
// endpoint ("sports", "events") without figures cost nothing. Otherwise the cost is unknown:
// it is counted as 0 and reported in `unknown_calls`, never guessed.
struct RowSpend {
  std::int64_t credits = 0;
  bool estimated = false;  // from the `used` counter, not from `last`
  bool unknown = false;
};
RowSpend row_spend(const LedgerEntry& row, std::optional<std::int64_t> previous_used);

struct KeyBudget {
  std::string key_id;                // ApiKey::id(), for matching only; never printed
  std::string key_hint;              // "…abcd"
  std::vector<std::string> regions;  // regions that used the key (or configured for it)
  // As last reported by the API: the newest report, except that among reports within 5
  // minutes of it (one run's concurrent calls, recorded out of order) the lowest remaining
  // wins. reported_at is the newest report's time.
  std::optional<std::int64_t> remaining;
  std::optional<std::int64_t> used;
  std::optional<TimePoint> reported_at;
  std::int64_t spent_1h = 0;
  std::int64_t spent_24h = 0;
  std::int64_t spent_30d = 0;
  // Credits per day. The window is the last 24 h when the key has ledger rows in it, else
  // the last 30 d; the rate is the window's spend divided by the part of the window the
  // ledger covers (from the key's first row, at least 1 h, at most the window), so a key
  // first used 10 minutes ago is not averaged over a whole day. nullopt: no rows in 30 d.
  std::optional<double> burn_per_day;
  std::string burn_window;  // "24h", "30d" or "" when unknown
  // reported_at + remaining / burn_per_day; nullopt when burn is 0 or unknown, or
  // remaining unknown. The API's monthly renewal is not taken into account.
  std::optional<TimePoint> runs_out_at;
  std::int64_t calls_30d = 0;                          // ledger rows in 30 d
  std::int64_t estimated_calls = 0;                    // rows whose cost came from the `used` counter
  std::int64_t unknown_calls = 0;                      // /odds rows whose cost is unknown (counted as 0)
  std::map<std::string, std::int64_t> by_command_30d;  // "scan", "sync:hot", ...
  std::map<std::string, std::int64_t> by_sport_30d;
};

struct BudgetStatus {
  TimePoint now{};
  std::vector<KeyBudget> keys;  // ordered by first region (au, uk, us, eu, others)
};

// A key the environment configures (ODDS_API_KEY_<REGION> / ODDS_API_KEY) for a region;
// listed even before it has any ledger row.
struct ConfiguredKey {
  std::string key_id;
  std::string key_hint;
  std::string region;
};

// Every key the environment configures, one entry per region that resolves a key (the one
// definition: `budget`, `budget check` and serve's /v1/budget use it).
std::vector<ConfiguredKey> configured_keys(const EnvLookup& env);

// `rows`: the ledger, oldest first (rows older than 30 d may be included: they are used
// only for the `used` counter of estimates). Pure: no clock, no store.
BudgetStatus compute_status(const std::vector<LedgerEntry>& rows, const std::vector<ConfiguredKey>& configured,
                            TimePoint now);
// Concurrent calls of one run are recorded in the order they complete, not the order the
// API counted them: within this span before a key's newest report, the lowest remaining is
// the newest truth (the counter only falls within a month).
constexpr Millis k_report_span{5 * 60 * 1000};

// The key's remaining credits for a budget guard to start from: the lowest report within
// k_report_span of its newest one (not merely the newest row, which can carry an older
// figure and let a run spend past its reserve). nullopt when never reported.
std::optional<std::int64_t> last_known_remaining(store::LedgerStore& store, const std::string& key_id);
// The same figure with the time of the newest report (for the store's credit reservations,
// which keep the newer of two figures).
struct KnownRemaining {
  std::int64_t remaining = 0;
  TimePoint reported_at{};
};
std::optional<KnownRemaining> last_known_report(store::LedgerStore& store, const std::string& key_id);

// Reads the ledger of the last 30 d (plus the newest known figures per key) from the store.
BudgetStatus budget_status(store::LedgerStore& store, const std::vector<ConfiguredKey>& configured, TimePoint now);

// Keys that serve at least one of `regions` (all keys when empty).
std::vector<KeyBudget> filter_regions(const std::vector<KeyBudget>& keys, const std::vector<std::string>& regions);

// The contract's `budget --json` document, plus per key: burn_window, calls_30d,
// estimated_calls, unknown_calls, by_command_30d, by_sport_30d; and top-level
// `generated_at` and `totals` (the same sums over every key).
nlohmann::json status_json(const BudgetStatus& status);
nlohmann::json key_json(const KeyBudget& key);

// ---------------------------------------------------------------------------------------
// Check

struct CheckResult {
  enum class Outcome { ok, low, unknown };
  Outcome outcome = Outcome::ok;
  std::string reason;  // one line, for stderr
};
// ok: every key has remaining >= min_remaining. low (exit 5): some key is below, named in
// the reason. unknown (exit 1): no key at all, or a key whose remaining was never reported;
// low wins over unknown.
CheckResult check_budget(const std::vector<KeyBudget>& keys, std::int64_t min_remaining);

// ---------------------------------------------------------------------------------------
// Plans and forecasts

struct Plan {
  std::string name;          // "free", "20K", "100K", "5M", "15M", ...
  std::int64_t credits = 0;  // per month
  double price_usd = 0;      // per month
};

// A TOML table of plans: [plans.<name>] credits = N, price_usd = X (see data/plans.toml).
// UsageError naming `origin` when malformed. Sorted by credits.
std::vector<Plan> parse_plans_toml(const std::string& text, const std::string& origin);
std::vector<Plan> load_plans_file(const std::filesystem::path& path);
// The config file's `plans` table, flattened ("5M.credits" -> "5000000"); a plan given here
// replaces the file's plan of the same name or adds one.
std::vector<Plan> merge_plans(std::vector<Plan> base, const std::map<std::string, std::string>& flat,
                              const std::string& origin);
// Where plans.toml is looked for, in order: <exe dir>/../share/oddsctl/plans.toml (installed),
// <exe dir>/../data/plans.toml and <exe dir>/../../data/plans.toml (a build folder inside the
// source tree). The first that exists wins.
std::vector<std::filesystem::path> plans_search_path(const std::filesystem::path& exe);
// The figures compiled in, for when no file is found (as of 2026).
std::vector<Plan> builtin_plans();
const Plan* find_plan(const std::vector<Plan>& plans, const std::string& name);  // case-insensitive
// The cheapest plan whose monthly credits cover `credits_per_month`; nullptr when none does.
const Plan* cheapest_fit(const std::vector<Plan>& plans, std::int64_t credits_per_month);

// The schedule to forecast.
struct Schedule {
  int sports = 0;
  int regions = 0;
  int markets = 0;
  // What each sport's calls of a run are billed as, in regions, when --bookmakers makes it
  // differ from `regions` (budget_billing.hpp); nullopt: `regions`.
  std::optional<std::int64_t> region_units = std::nullopt;
};

constexpr std::int64_t k_day_ms = 24LL * 3600 * 1000;
constexpr int k_month_days = 30;  // a "month" in every forecast

// One run makes one /odds call per sport per region, each costing markets x 1 region (or
// x its books' region equivalents): sports x (region_units or regions) x markets.
std::int64_t credits_per_run(const Schedule& s);

struct Forecast {
  std::string name;  // "scan", "sync:hot", ...
  Millis interval{0};
  std::int64_t per_run = 0;
  double runs_per_day = 0;     // 1 day / interval
  std::int64_t per_day = 0;    // ceil(per_run x runs_per_day)
  std::int64_t per_month = 0;  // ceil(per_run x runs_per_day x 30)
};
// UsageError when the interval is not positive.
Forecast forecast(const std::string& name, const Schedule& s, Millis interval);
// The shortest interval, in whole seconds, at which `per_run` credits a run stay within
// `monthly_credits` over 30 days; nullopt when even one run a month does not fit.
std::optional<Millis> shortest_interval(std::int64_t per_run, std::int64_t monthly_credits);

// Sync's default max ages (issue 5): hot 30s, warm 2m, cold 15m; frozen is on demand only.
struct TierInterval {
  std::string tier;
  Millis interval{0};
};
std::vector<TierInterval> default_tier_intervals();

// The mix of recent runs, taken from the ledger's /odds rows of `command` (e.g. "scan"; ""
// for every command) since `since`: distinct sports and regions, and markets = the largest cost of one call (a call
// asks one region, so its cost is its market count).
Schedule schedule_from_ledger(const std::vector<LedgerEntry>& rows, const std::string& command, TimePoint since);

}  // namespace oddsctl::budget
