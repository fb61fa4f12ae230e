// `budget plan`: the forecast, the plan search, the books' pricing and the refresh check
// (see oddsctl/budget/plan.hpp). Moved out of cmd/budget.cpp: the command only reads settings and prints.
#include <algorithm>
#include <set>

#include "oddsctl/budget/billing.hpp"
#include "oddsctl/budget/plan.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/keys.hpp"
#include "oddsctl/store.hpp"
#include "oddsctl/text.hpp"

namespace oddsctl::budget {

namespace {

nlohmann::json plan_json(const Plan* p) {
  if (!p) return nullptr;
  return {{"name", p->name}, {"credits", p->credits}, {"price_usd", p->price_usd}};
}

// --bookmakers priced per region: regions= (1 a region) against bookmakers= (a region per
// started group of 10 of the region's books), the scan paying the cheaper (oddsctl/budget/billing.hpp).
BooksPricing price_books(const std::vector<std::string>& books, const std::vector<std::string>& regions) {
  BooksPricing p;
  p.bookmakers = books;
  for (const auto& region : regions) {
    const BookRequest r = plan_books(region, books);
    BooksPricing::Region row;
    row.region = region;
    row.books = r.books;
    row.by_regions = r.units_by_region;
    row.by_bookmakers = r.units_by_bookmakers;
    row.chosen = r.units;
    row.uses_bookmakers = r.by_bookmakers;
    p.by_regions += row.by_regions;
    p.by_bookmakers += row.by_bookmakers;
    p.chosen += row.chosen;
    p.per_region.push_back(std::move(row));
  }
  return p;
}

}  // namespace

std::int64_t PlanReport::billed(std::int64_t credits) const {
  const std::int64_t n = std::max(1, schedule.regions);
  return per_region_keys ? (credits + n - 1) / n : credits;
}

std::optional<Millis> interval_from_scans(store::Store& store, TimePoint since) {
  store::ScanQuery q;
  q.since = since;
  q.limit = 0;
  q.source = store::ScanSource::live;  // demo and replay runs spend nothing: they are no schedule
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

PlanReport plan_budget(const PlanOptions& o, store::Store* store, TimePoint now) {
  PlanReport rep;
  rep.plans = o.plans;
  rep.plans_source = o.plans_source;
  rep.refresh_intervals = o.refresh;
  rep.per_region_keys = o.per_region_keys;
  Schedule& s = rep.schedule;
  std::optional<Millis> interval = o.interval;
  rep.source = "flags";
  if (o.from_ledger) {
    if (!store) throw UsageError("--from-ledger needs a store");
    TimePoint since = now - o.window;
    store::LedgerQuery q;
    q.since = since;
    s = schedule_from_ledger(store->ledger(q), "", since);
    if (s.sports == 0)
      throw UsageError("--from-ledger: no /odds call in the last " + o.window_text +
                       " of the ledger (try --window 7d)");
    if (!interval) interval = interval_from_scans(*store, since);
    if (!interval && !o.plan)
      throw UsageError("--from-ledger: fewer than two scans in the last " + o.window_text +
                       " to measure the interval: give --interval");
    rep.source = "ledger (last " + o.window_text + ")";
  }
  // Counts given override the ledger's (the command passes only what applies).
  if (o.sports > 0) s.sports = o.sports;
  if (o.regions > 0) s.regions = o.regions;
  if (o.markets > 0) s.markets = o.markets;
  if (s.sports <= 0) throw UsageError("budget plan: --sports: give a count or a list of sport keys");
  if (s.markets <= 0 || s.regions <= 0) throw UsageError("budget plan: at least one region and one market are needed");
  if (!interval && !o.plan) throw UsageError("budget plan: --interval DURATION (e.g. 15s) or --plan NAME is required");
  if (o.plan) {
    const Plan* target = find_plan(o.plans, *o.plan);
    if (!target) {
      std::string names;
      for (const auto& p : o.plans) names += (names.empty() ? "" : ", ") + p.name;
      throw UsageError("--plan: no plan named '" + *o.plan + "' (known: " + names + ")");
    }
    rep.target = *target;
  }
  if (!o.bookmakers.empty()) {
    // Named regions, else the first N in the canonical order (a count names none).
    std::vector<std::string> regions = o.region_names;
    if (regions.empty())
      for (const auto& r : known_regions())
        if (static_cast<int>(regions.size()) < s.regions) regions.push_back(r);
    rep.books = price_books(o.bookmakers, regions);
    s.region_units = rep.books->chosen;
  }
  rep.per_run = credits_per_run(s);
  rep.refresh = refresh_for(o.refresh, o.market_names, o.bookmakers, o.in_play);

  if (interval) rep.rows.push_back(forecast("scan", s, *interval));
  if (!o.no_sync) {
    for (const auto& tier : o.sync_tiers) {
      if (tier.interval.count() <= 0) continue;  // on demand only
      Schedule sync = s;
      sync.region_units.reset();  // sync asks for whole regions (its books are not priced here)
      rep.rows.push_back(forecast("sync:" + tier.tier, sync, tier.interval));
      rep.sync_day += rep.rows.back().per_day;
      rep.sync_month += rep.rows.back().per_month;
      rep.sync_run += rep.rows.back().per_run;
    }
  }
  rep.has_sync = !o.no_sync && rep.sync_month > 0;
  // The plan pays for sync too: the scan gets what sync leaves of it. Billing rounds per
  // row, so step the interval up until the whole total fits (a few steps at most).
  rep.sync_billed = rep.has_sync ? rep.billed(rep.sync_month) : 0;
  auto scan_billed = [&](Millis every) { return rep.billed(forecast("scan", s, every).per_month); };
  if (rep.target && rep.target->credits > rep.sync_billed) {
    rep.shortest = shortest_interval(rep.billed(credits_per_run(s)), rep.target->credits - rep.sync_billed);
    for (int i = 0; rep.shortest && i < 100 && scan_billed(*rep.shortest) + rep.sync_billed > rep.target->credits; ++i)
      *rep.shortest += Millis(1000);
    if (rep.shortest) rep.target_scan_billed = scan_billed(*rep.shortest);
  }
  // Without --interval the plan's fit is the scan to forecast: the total then shows it fits.
  rep.scan_row = interval || rep.shortest;
  if (!interval && rep.shortest) rep.rows.insert(rep.rows.begin(), forecast("scan", s, *rep.shortest));
  // The grand total: every row but the sync sum, which repeats its tiers.
  for (const auto& r : rep.rows) {
    rep.total_day += r.per_day;
    rep.total_month += r.per_month;
  }
  return rep;
}

nlohmann::json plan_report_json(const PlanReport& rep) {
  const Schedule& s = rep.schedule;
  auto billed = [&](std::int64_t v) { return rep.billed(v); };
  auto fit = [&](std::int64_t v) { return plan_json(cheapest_fit(rep.plans, billed(v))); };
  nlohmann::json doc;
  doc["schedule"] = {{"sports", s.sports},   {"regions", s.regions},
                     {"markets", s.markets}, {"credits_per_run", credits_per_run(s)},
                     {"source", rep.source}, {"keys", rep.per_region_keys ? "per-region" : "shared"}};
  doc["month_days"] = k_month_days;
  doc["forecasts"] = nlohmann::json::array();
  for (const auto& r : rep.rows) {
    // Only what a scan or sync run buys after the API's refresh interval is new data.
    const std::int64_t stale = unrefreshed_credits(r.per_month, r.interval, rep.refresh);
    doc["forecasts"].push_back({{"name", r.name},
                                {"interval", format_duration(r.interval)},
                                {"interval_s", r.interval.count() / 1000.0},
                                {"credits_per_run", r.per_run},
                                {"runs_per_day", r.runs_per_day},
                                {"credits_per_day", r.per_day},
                                {"credits_per_month", r.per_month},
                                {"billed_per_month", billed(r.per_month)},
                                {"unrefreshed_credits_per_month", stale},
                                {"plan", fit(r.per_month)}});
  }
  if (rep.has_sync)
    doc["sync_total"] = {{"credits_per_day", rep.sync_day},
                         {"credits_per_month", rep.sync_month},
                         {"billed_per_month", billed(rep.sync_month)},
                         {"plan", fit(rep.sync_month)}};
  if (rep.scan_row)
    doc["total"] = {{"credits_per_day", rep.total_day},
                    {"credits_per_month", rep.total_month},
                    {"billed_per_month", billed(rep.total_month)},
                    {"plan", fit(rep.total_month)}};
  if (rep.target)
    doc["target"] = {
        {"plan", plan_json(&*rep.target)},
        {"shortest_interval", rep.shortest ? nlohmann::json(format_duration(*rep.shortest)) : nlohmann::json(nullptr)},
        {"shortest_interval_s", rep.shortest ? nlohmann::json(rep.shortest->count() / 1000) : nlohmann::json(nullptr)},
        {"credits_per_month", rep.shortest ? nlohmann::json(rep.target_scan_billed) : nlohmann::json(nullptr)},
        {"sync_credits_per_month", rep.sync_billed},
        {"total_credits_per_month",
         rep.shortest ? nlohmann::json(rep.target_scan_billed + rep.sync_billed) : nlohmann::json(nullptr)}};
  if (rep.books) {
    const auto& b = *rep.books;
    nlohmann::json regions = nlohmann::json::array();
    for (const auto& r : b.per_region)
      regions.push_back({{"region", r.region},
                         {"bookmakers", r.books},
                         {"by_regions", r.by_regions},
                         {"by_bookmakers", r.by_bookmakers},
                         {"chosen", r.chosen},
                         {"request", r.chosen == 0       ? "none"
                                     : r.uses_bookmakers ? "bookmakers"
                                                         : "regions"}});
    const std::int64_t per_sport_market = static_cast<std::int64_t>(s.sports) * s.markets;
    doc["bookmakers"] = {{"bookmakers", b.bookmakers},
                         {"credits_per_run_by_regions", b.by_regions * per_sport_market},
                         {"credits_per_run_by_bookmakers", b.by_bookmakers * per_sport_market},
                         {"credits_per_run", b.chosen * per_sport_market},
                         {"regions", regions}};
  }
  doc["refresh"] = {{"interval", format_duration(rep.refresh)},
                    {"interval_s", rep.refresh.count() / 1000.0},
                    {"source", rep.refresh_intervals.source},
                    {"reference", rep.refresh_intervals.reference}};
  doc["plans"] = nlohmann::json::array();
  for (const auto& p : rep.plans) doc["plans"].push_back(plan_json(&p));
  doc["plans_source"] = rep.plans_source;
  return doc;
}

std::vector<std::string> plan_report_notes(const PlanReport& rep) {
  std::vector<std::string> out;
  const Schedule& s = rep.schedule;
  if (rep.books) {
    const auto& b = *rep.books;
    const std::int64_t k = static_cast<std::int64_t>(s.sports) * s.markets;
    out.push_back("Books: " + std::to_string(b.bookmakers.size()) + " asked; regions= costs " +
                  std::to_string(b.by_regions * k) + " credits a run, bookmakers= (a region per started group of 10) " +
                  std::to_string(b.by_bookmakers * k) + "; the scan pays " + std::to_string(b.chosen * k) + ":");
    for (const auto& r : b.per_region)
      out.push_back("  " + r.region + ": " +
                    (r.chosen == 0 ? std::string("no book of this region: no call")
                                   : std::to_string(r.books.size()) + " book" + (r.books.size() == 1 ? "" : "s") +
                                         " by " + (r.uses_bookmakers ? "bookmakers=" : "regions=") + " (" +
                                         std::to_string(r.chosen) + " region" + (r.chosen == 1 ? "" : "s") + ")"));
  }
  for (const auto& r : rep.rows) {
    const std::int64_t stale = unrefreshed_credits(r.per_month, r.interval, rep.refresh);
    if (stale > 0)
      out.push_back(r.name + " every " + format_duration(r.interval) + ": " + std::to_string(stale) + " of its " +
                    std::to_string(r.per_month) + " credits a month buy data the API has not refreshed yet (it " +
                    "refreshes these markets every " + format_duration(rep.refresh) + "; " +
                    rep.refresh_intervals.source + ")");
  }
  return out;
}

}  // namespace oddsctl::budget
