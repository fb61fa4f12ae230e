// Budget status: per key, what the API last reported and what the ledger says was spent.
#include <algorithm>
#include <cmath>
#include <map>

#include "oddsctl/budget.hpp"
#include "oddsctl/keys.hpp"
#include "oddsctl/store.hpp"

namespace oddsctl::budget {

namespace {

constexpr Millis k_hour{3600LL * 1000};
constexpr Millis k_day{k_day_ms};
constexpr Millis k_30d{30LL * k_day_ms};

bool is_free_endpoint(const std::string& endpoint) { return endpoint == "sports" || endpoint == "events"; }

// Known regions first, in their canonical order, then the rest alphabetically.
int region_rank(const std::string& region) {
  const auto& known = known_regions();
  auto it = std::find(known.begin(), known.end(), region);
  return it == known.end() ? static_cast<int>(known.size()) : static_cast<int>(it - known.begin());
}

void add_region(std::vector<std::string>& regions, const std::string& region) {
  if (region.empty() || std::find(regions.begin(), regions.end(), region) != regions.end()) return;
  regions.push_back(region);
  std::sort(regions.begin(), regions.end(), [](const std::string& a, const std::string& b) {
    int ra = region_rank(a), rb = region_rank(b);
    return ra != rb ? ra < rb : a < b;
  });
}

struct KeyState {
  KeyBudget budget;
  std::optional<std::int64_t> last_used;  // the counter of the previous row, for estimates
  std::optional<TimePoint> first_at;      // first row inside the 30 d window
  bool rows_in_24h = false;
  std::vector<const LedgerEntry*> reports;  // rows with a known remaining
};

// See k_report_span: the newest row may carry an older figure than a row just before it.
void set_reported(KeyBudget& kb, const std::vector<const LedgerEntry*>& reports) {
  if (reports.empty()) return;
  TimePoint newest = reports.front()->at;
  for (const auto* r : reports) newest = std::max(newest, r->at);
  const LedgerEntry* best = nullptr;
  for (const auto* r : reports) {
    if (r->at < newest - k_report_span) continue;
    if (!best || *r->credits.remaining < *best->credits.remaining) best = r;
  }
  kb.remaining = best->credits.remaining;
  kb.used = best->credits.used;
  kb.reported_at = newest;
}

}  // namespace

std::vector<ConfiguredKey> configured_keys(const EnvLookup& env) {
  std::vector<ConfiguredKey> out;
  for (const auto& region : known_regions())
    if (auto key = resolve_key(region, env)) out.push_back({key->id(), key->masked(), region});
  return out;
}

RowSpend row_spend(const LedgerEntry& row, std::optional<std::int64_t> previous_used) {
  const Credits& c = row.credits;
  if (c.last) return {std::max<std::int64_t>(0, *c.last), false, false};
  if (c.used && previous_used) {
    // The counter only grows within a month; a drop is the monthly renewal: nothing known.
    if (*c.used >= *previous_used) return {*c.used - *previous_used, true, false};
  }
  if (is_free_endpoint(row.endpoint)) return {0, false, false};
  // An /odds call that was answered with an error and no figures was not charged as far as
  // anyone can tell; only a success without figures is a real unknown.
  if (row.http_status != 0 && (row.http_status < 200 || row.http_status >= 300)) return {0, false, false};
  return {0, false, true};
}

BudgetStatus compute_status(const std::vector<LedgerEntry>& rows, const std::vector<ConfiguredKey>& configured,
                            TimePoint now) {
  std::map<std::string, KeyState> states;
  std::vector<std::string> order;  // first appearance
  auto state_for = [&](const std::string& id, const std::string& hint) -> KeyState& {
    auto it = states.find(id);
    if (it == states.end()) {
      it = states.emplace(id, KeyState{}).first;
      it->second.budget.key_id = id;
      it->second.budget.key_hint = hint;
      order.push_back(id);
    }
    return it->second;
  };

  const TimePoint since_30d = now - k_30d;
  const TimePoint since_24h = now - k_day;
  const TimePoint since_1h = now - k_hour;
  for (const auto& row : rows) {
    // Rows after "now" (--as-of in the past) are not seen; a few minutes of clock skew
    // between machines sharing a store are tolerated and count as now.
    if (row.at > now + k_report_span) continue;
    KeyState& st = state_for(row.key_id, row.key_hint);
    KeyBudget& kb = st.budget;
    if (kb.key_hint.empty()) kb.key_hint = row.key_hint;
    RowSpend spend = row_spend(row, st.last_used);
    if (row.credits.used) st.last_used = row.credits.used;
    if (row.credits.remaining) st.reports.push_back(&row);
    if (row.at < since_30d) continue;  // (a row a little in the future, clock skew, counts)
    add_region(kb.regions, row.region);
    if (!st.first_at || row.at < *st.first_at) st.first_at = row.at;
    ++kb.calls_30d;
    if (spend.estimated) ++kb.estimated_calls;
    if (spend.unknown) ++kb.unknown_calls;
    kb.spent_30d += spend.credits;
    if (row.at >= since_24h) {
      kb.spent_24h += spend.credits;
      st.rows_in_24h = true;
    }
    if (row.at >= since_1h) kb.spent_1h += spend.credits;
    if (spend.credits > 0) {
      kb.by_command_30d[row.command.empty() ? "unknown" : row.command] += spend.credits;
      if (!row.sport.empty()) kb.by_sport_30d[row.sport] += spend.credits;
    }
  }

  for (const auto& ck : configured) {
    auto it = states.find(ck.key_id);
    // A key with ledger rows is labelled by the regions that used it.
    if (it != states.end() && !it->second.budget.regions.empty()) continue;
    KeyState& st = state_for(ck.key_id, ck.key_hint);
    add_region(st.budget.regions, ck.region);
  }

  BudgetStatus status;
  status.now = now;
  for (const auto& id : order) {
    KeyState& st = states[id];
    KeyBudget kb = st.budget;
    set_reported(kb, st.reports);
    if (st.first_at) {
      const Millis window = st.rows_in_24h ? k_day : k_30d;
      const std::int64_t spent = st.rows_in_24h ? kb.spent_24h : kb.spent_30d;
      Millis covered = std::clamp(Millis(now - *st.first_at), k_hour, window);
      kb.burn_per_day =
          static_cast<double>(spent) * static_cast<double>(k_day.count()) / static_cast<double>(covered.count());
      kb.burn_window = st.rows_in_24h ? "24h" : "30d";
    }
    if (kb.burn_per_day && *kb.burn_per_day > 0 && kb.remaining && kb.reported_at) {
      double days = static_cast<double>(std::max<std::int64_t>(0, *kb.remaining)) / *kb.burn_per_day;
      kb.runs_out_at = *kb.reported_at + Millis(static_cast<std::int64_t>(std::llround(days * k_day.count())));
    }
    status.keys.push_back(std::move(kb));
  }
  std::stable_sort(status.keys.begin(), status.keys.end(), [](const KeyBudget& a, const KeyBudget& b) {
    int ra = a.regions.empty() ? 1000 : region_rank(a.regions.front());
    int rb = b.regions.empty() ? 1000 : region_rank(b.regions.front());
    if (ra != rb) return ra < rb;
    std::string fa = a.regions.empty() ? "" : a.regions.front();
    std::string fb = b.regions.empty() ? "" : b.regions.front();
    return fa < fb;
  });
  return status;
}

BudgetStatus budget_status(store::LedgerStore& store, const std::vector<ConfiguredKey>& configured, TimePoint now) {
  store::LedgerQuery q;
  q.since = now - k_30d;
  std::vector<LedgerEntry> rows = store.ledger(q);  // oldest first
  // The newest known figures may be older than 30 days: put them first so that remaining
  // and used are still reported (they fall outside every spend window).
  std::vector<LedgerEntry> all;
  for (auto& latest : store.latest_per_key())
    if (latest.at < *q.since) all.push_back(std::move(latest));
  all.insert(all.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
  return compute_status(all, configured, now);
}

std::optional<std::int64_t> last_known_remaining(store::LedgerStore& store, const std::string& key_id) {
  auto known = last_known_report(store, key_id);
  if (!known) return std::nullopt;
  return known->remaining;
}

std::optional<KnownRemaining> last_known_report(store::LedgerStore& store, const std::string& key_id) {
  std::optional<LedgerEntry> newest;
  for (auto& e : store.latest_per_key())
    if (e.key_id == key_id) newest = std::move(e);
  if (!newest || !newest->credits.remaining) return std::nullopt;
  std::int64_t lowest = *newest->credits.remaining;
  store::LedgerQuery q;
  q.key_id = key_id;
  q.since = newest->at - k_report_span;
  for (const auto& e : store.ledger(q))
    if (e.credits.remaining && e.at <= newest->at) lowest = std::min(lowest, *e.credits.remaining);
  return KnownRemaining{lowest, newest->at};
}

std::vector<KeyBudget> filter_regions(const std::vector<KeyBudget>& keys, const std::vector<std::string>& regions) {
  if (regions.empty()) return keys;
  std::vector<KeyBudget> out;
  for (const auto& k : keys) {
    bool match = std::any_of(regions.begin(), regions.end(), [&](const std::string& r) {
      return std::find(k.regions.begin(), k.regions.end(), r) != k.regions.end();
    });
    if (match) out.push_back(k);
  }
  return out;
}

CheckResult check_budget(const std::vector<KeyBudget>& keys, std::int64_t min_remaining) {
  if (keys.empty())
    return {CheckResult::Outcome::unknown, "no API key known: nothing in the ledger yet (run a scan first)"};
  auto label = [](const KeyBudget& k) {
    std::string regions;
    for (const auto& r : k.regions) regions += (regions.empty() ? "" : ",") + r;
    return k.key_hint + (regions.empty() ? "" : " (" + regions + ")");
  };
  std::string low, unknown;
  for (const auto& k : keys) {
    if (!k.remaining) {
      if (unknown.empty()) unknown = label(k) + ": remaining credits not known yet (no API response recorded)";
    } else if (*k.remaining < min_remaining) {
      if (!low.empty()) low += "; ";
      low += label(k) + ": " + std::to_string(*k.remaining) + " credits remaining < " + std::to_string(min_remaining);
    }
  }
  if (!low.empty()) return {CheckResult::Outcome::low, low};
  if (!unknown.empty()) return {CheckResult::Outcome::unknown, unknown};
  return {CheckResult::Outcome::ok, "every key has at least " + std::to_string(min_remaining) + " credits remaining"};
}

}  // namespace oddsctl::budget
