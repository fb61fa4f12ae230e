// Many runners on one store, simulated: each runner is a thread with its own Store (its own
// connection, as a separate process would have), and every --interval it does what one
// `scan` of one region and sport shard does to the store: take its lease, reserve and settle
// the credits of its region's key (shared by the region's shards: the contended row), store
// a realistic scan (save_scan, --opportunities of them), append its ledger rows, release the
// lease. Prints one JSON document of figures; asserts nothing. scripts/bench-pg drives it.
//
//   bench_pg_runners --store URI [--runners 100] [--shards 25] [--interval 15s]
//                    [--duration 30s] [--opportunities 20] [--ledger 7]
//
// Runners are spread over au, uk, us, eu (runner i: region i % 4, shard i / 4 % shards);
// their first runs are staggered over one interval, as cron jobs on many machines are.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "oddsctl/store.hpp"

using namespace oddsctl;
using Steady = std::chrono::steady_clock;

namespace {

const char* const k_regions[] = {"au", "uk", "us", "eu"};

struct Args {
  std::string store;
  int runners = 100;
  int shards = 25;
  double interval_s = 15;
  double duration_s = 30;
  int opportunities = 20;
  int ledger = 7;
};

double seconds_of(const char* text) {
  std::string s = text;
  double v = std::atof(s.c_str());
  if (!s.empty() && s.back() == 'm') v *= 60;
  return v;
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--store") a.store = v;
    else if (k == "--runners") a.runners = std::atoi(v);
    else if (k == "--shards") a.shards = std::atoi(v);
    else if (k == "--interval") a.interval_s = seconds_of(v);
    else if (k == "--duration") a.duration_s = seconds_of(v);
    else if (k == "--opportunities") a.opportunities = std::atoi(v);
    else if (k == "--ledger") a.ledger = std::atoi(v);
    else {
      std::fprintf(stderr, "bench_pg_runners: unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  if (a.store.empty()) {
    std::fprintf(stderr, "usage: bench_pg_runners --store URI [--runners N] [--interval 15s] [--duration 30s]\n");
    std::exit(2);
  }
  return a;
}

Opportunity make_opportunity(const std::string& region, const std::string& sport, int i, TimePoint now) {
  Opportunity o;
  o.region = region;
  o.sport_key = sport;
  o.sport_title = sport;
  o.event_id = sport + "-ev" + std::to_string(i);
  o.home_team = "Home team " + std::to_string(i);
  o.away_team = "Away team " + std::to_string(i);
  o.commence_time = now + std::chrono::hours(24 + i);
  o.market = i % 3 == 0 ? "h2h" : i % 3 == 1 ? "spreads" : "totals";
  if (i % 3) o.point = -0.5 - (i % 4);
  const double p = 2.04 + (i % 7) / 100.0;
  o.implied_sum = 2 / p;
  o.profit_pct = (p / 2 - 1) * 100;
  for (int side = 0; side < 2; ++side) {
    Leg l;
    l.outcome = side ? o.away_team : o.home_team;
    l.point = o.point;
    l.price = p;
    l.effective_price = p;
    l.bookmakers = {side ? "tab" : "neds", "sportsbet"};
    l.stake = 50;
    o.legs.push_back(l);
  }
  return o;
}

struct Figures {
  std::mutex m;
  std::vector<double> save_ms, lease_ms, credit_ms, ledger_ms, cycle_ms;
  std::int64_t runs = 0, skips = 0, errors = 0, rows = 0;
  void add(std::vector<double>& v, double ms) {
    std::lock_guard<std::mutex> l(m);
    v.push_back(ms);
  }
};

double ms_since(Steady::time_point t) { return std::chrono::duration<double, std::milli>(Steady::now() - t).count(); }

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void runner(const Args& a, int index, Steady::time_point start, Steady::time_point end, Figures& f) {
  const std::string region = k_regions[index % 4];
  const int shard = index / 4 % std::max(1, a.shards);
  const std::string sport = "sport_shard_" + std::to_string(shard);
  const std::string owner = "bench-" + std::to_string(getpid()) + "-" + std::to_string(index);
  std::unique_ptr<store::Store> store;
  try {
    store = store::open_store(a.store);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "runner %d: %s\n", index, e.what());
    std::lock_guard<std::mutex> l(f.m);
    ++f.errors;
    return;
  }
  const auto interval = std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(a.interval_s));
  // Staggered first run, then every interval.
  auto next = start + interval * index / std::max(1, a.runners);
  for (int cycle = 0;; ++cycle) {
    std::this_thread::sleep_until(next);
    if (Steady::now() >= end) break;
    next += interval;
    const auto t_cycle = Steady::now();
    try {
      const TimePoint now = now_utc();
      auto t = Steady::now();
      store::LeaseResult lease =
          store->acquire_lease("scan:" + region + ":" + sport, owner, std::chrono::minutes(2), now);
      f.add(f.lease_ms, ms_since(t));
      if (!lease.acquired) {
        std::lock_guard<std::mutex> l(f.m);
        ++f.skips;
        continue;
      }
      store::CreditRequest req;
      req.key_id = "key-" + region;
      req.owner = owner;
      req.cost = 3;
      req.reserve = 100;
      req.known_remaining = 1'000'000;
      req.known_at = now;
      req.now = now;
      t = Steady::now();
      store::CreditGrant grant = store->reserve_credits(req);
      if (grant.hold) {
        Credits c;
        c.used = 3;
        c.remaining = 999'000 - cycle;
        c.last = 3;
        store->settle_credits(*grant.hold, 3, c, now);
      }
      f.add(f.credit_ms, ms_since(t));

      store::RegionScan scan;
      scan.scan_id = owner + "-" + std::to_string(cycle);
      scan.region = region;
      scan.worker = owner;
      scan.started_at = now;
      scan.duration_ms = 640;
      scan.requests = a.ledger;
      scan.credits_used = 3;
      scan.credits_remaining = 999'000 - cycle;
      scan.events = 72;
      for (int i = 0; i < a.opportunities; ++i) scan.opportunities.push_back(make_opportunity(region, sport, i, now));
      t = Steady::now();
      store->save_scan(scan);
      f.add(f.save_ms, ms_since(t));

      std::vector<LedgerEntry> entries;
      for (int i = 0; i < a.ledger; ++i) {
        LedgerEntry e;
        e.at = now;
        e.key_id = req.key_id;
        e.key_hint = "…" + region;
        e.region = region;
        e.command = "scan";
        e.endpoint = i == 0 ? "sports" : "odds";
        e.sport = i == 0 ? "" : sport;
        e.http_status = 200;
        e.credits.used = 3;
        e.credits.remaining = 999'000 - cycle;
        entries.push_back(e);
      }
      t = Steady::now();
      store->append_ledger(entries);
      f.add(f.ledger_ms, ms_since(t));
      store->release_lease("scan:" + region + ":" + sport, owner);
      f.add(f.cycle_ms, ms_since(t_cycle));
      std::lock_guard<std::mutex> l(f.m);
      ++f.runs;
      f.rows += 1 + a.opportunities + a.ledger;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "runner %d: %s\n", index, e.what());
      std::lock_guard<std::mutex> l(f.m);
      ++f.errors;
    }
  }
}

nlohmann::json summary(const std::vector<double>& v) {
  return {{"n", v.size()}, {"p50_ms", pct(v, 0.5)}, {"p99_ms", pct(v, 0.99)}, {"max_ms", pct(v, 1.0)}};
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  // The schema first, once (the runners would otherwise all race to make it: safe, slower).
  try {
    store::open_store(a.store);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_pg_runners: %s\n", e.what());
    return 1;
  }
  Figures f;
  const auto start = Steady::now() + std::chrono::milliseconds(200);
  const auto end = start + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(a.duration_s));
  std::vector<std::thread> threads;
  for (int i = 0; i < a.runners; ++i) threads.emplace_back(runner, std::cref(a), i, start, end, std::ref(f));
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(end - start).count();
  nlohmann::json doc = {
      {"runners", a.runners},
      {"interval_s", a.interval_s},
      {"duration_s", a.duration_s},
      {"opportunities_per_scan", a.opportunities},
      {"runs", f.runs},
      {"lease_skips", f.skips},
      {"errors", f.errors},
      {"rows_written", f.rows},
      {"rows_per_day", static_cast<std::int64_t>(static_cast<double>(f.rows) / seconds * 86400.0)},
      {"scans_per_day", static_cast<std::int64_t>(static_cast<double>(f.runs) / seconds * 86400.0)},
      {"save_scan", summary(f.save_ms)},
      {"acquire_lease", summary(f.lease_ms)},
      {"credits_reserve_settle", summary(f.credit_ms)},
      {"append_ledger", summary(f.ledger_ms)},
      {"store_cycle", summary(f.cycle_ms)},
  };
  std::printf("%s\n", doc.dump(2).c_str());
  return f.errors == 0 ? 0 : 1;
}
