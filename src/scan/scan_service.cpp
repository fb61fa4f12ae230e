// One scan run: every region in parallel, each with its own key and lease; one budget guard
// per API key (regions sharing a key share it) under one --max-credits cap for the run.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "oddsctl/budget/guard.hpp"
#include "oddsctl/budget.hpp"
#include "oddsctl/budget/billing.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/store/lease_helpers.hpp"
#include "oddsctl/scan.hpp"
#include "oddsctl/sync.hpp"
#include "scan/replay.hpp"
#include "scan/sports_cache.hpp"

namespace oddsctl::scan {

namespace {

using SteadyClock = std::chrono::steady_clock;

std::int64_t elapsed_ms(SteadyClock::time_point since) {
  return std::chrono::duration_cast<Millis>(SteadyClock::now() - since).count();
}

// What one region's work produced, before it is written to the store.
struct RegionWork {
  store::RegionScan scan;
  std::vector<LedgerEntry> ledger;
  bool budget_stopped = false;
  bool busy = false;
};

// Holds the region's lease for the duration of the work; renews it when a third of its TTL
// has passed so a long region scan is not taken over by the next cron run. Released on every
// way out (the destructor too); a release failure is logged, never thrown, so it cannot
// mask the failure that ended the work. Noted process-wide (leases.hpp) so that the
// worker's grace exit releases it too.
class LeaseKeeper {
public:
  LeaseKeeper(store::Store* store, std::string name, std::string owner, Millis ttl)
      : m_store(store), m_name(std::move(name)), m_owner(std::move(owner)), m_ttl(ttl), m_last(SteadyClock::now()) {
    if (m_store) note_lease_held(*m_store, m_name, m_owner);
  }
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;
  ~LeaseKeeper() { release(); }
  void renew_if_due() {
    std::lock_guard lock(m_mutex);
    if (!m_store || SteadyClock::now() - m_last < m_ttl / 3) return;
    m_store->renew_lease(m_name, m_owner, m_ttl, now_utc());
    m_last = SteadyClock::now();
  }
  void release() {
    std::lock_guard lock(m_mutex);
    if (!m_store) return;
    store::Store* store = std::exchange(m_store, nullptr);
    note_lease_released(*store, m_name, m_owner);
    try {
      store->release_lease(m_name, m_owner);
    } catch (const std::exception& e) {
      spdlog::warn("could not release lease {} (it expires on its own): {}", m_name, e.what());
    }
  }

private:
  std::mutex m_mutex;
  store::Store* m_store;
  std::string m_name, m_owner;
  Millis m_ttl;
  SteadyClock::time_point m_last;
};

// Waits for the region lease; false with the holder's description when it stays held. A
// holder on this host whose process is gone is taken over at once (leases.hpp).
bool take_lease(const ScanOptions& o, store::Store* store, const std::string& region, std::string& holder) {
  const std::string name = "scan:" + region;
  auto deadline = SteadyClock::now() + o.wait_lock.value_or(Millis(0));
  for (;;) {
    store::LeaseResult r = acquire_or_reclaim_lease(*store, name, o.worker, o.lease_ttl, now_utc());
    if (r.acquired) return true;
    holder = r.lease.owner + " until " + format_rfc3339(r.lease.expires_at);
    if (SteadyClock::now() >= deadline || (o.stop && o.stop->load())) return false;
    std::this_thread::sleep_for(Millis(200));
  }
}

// The cause in a store failure's message, without the backend and operation it starts with
// ("sqlite /p.db: save scan: database or disk is full" -> "database or disk is full").
std::string store_cause(const std::exception& e, const std::string& op) {
  std::string what = e.what();
  auto at = what.find(": " + op + ": ");
  return at == std::string::npos ? what : what.substr(at + op.size() + 4);
}

void finish_status(store::RegionScan& scan, std::size_t sports_total, const std::string& first_error) {
  if (scan.failed_sports.empty()) {
    scan.status = store::RegionStatus::ok;
  } else if (scan.failed_sports.size() < sports_total) {
    scan.status = store::RegionStatus::partial;
    scan.error = first_error;
  } else {
    scan.status = store::RegionStatus::failed;
    scan.error = first_error;
  }
}

// The budget of one run: one guard per API key, shared by every region that uses the key,
// and one --max-credits cap shared by every guard. Each guard reserves its calls in the
// store (when there is one), so that other processes sharing the key see them.
class RunBudget {
public:
  RunBudget(const ScanOptions& o, store::Store* store)
      : m_options(o), m_store(store), m_cap(std::make_shared<budget::RunCreditCap>(o.max_credits)) {}

  std::shared_ptr<budget::BudgetGuard> guard_for(const ApiKey& key) {
    std::lock_guard lock(m_mutex);
    auto& guard = m_guards[key.id()];
    if (guard) return guard;
    budget::BudgetGuard::Options g;
    g.reserve = m_options.reserve;
    g.cap = m_cap;
    if (m_store && (m_options.reserve || m_options.max_credits)) {
      // Not just the newest row: see budget.hpp.
      if (auto known = budget::last_known_report(*m_store, key.id())) {
        g.known_remaining = known->remaining;
        g.known_at = known->reported_at;
      }
    }
    // Only a reserve needs the other processes' reservations: without one, a paid call costs
    // no store write (the --max-credits cap is this run's own).
    if (m_options.reserve) g.reservations = m_store;
    g.key_id = key.id();
    g.owner = m_options.worker;
    g.hold_ttl = budget::credit_hold_ttl(m_options.timeout);
    guard = std::make_shared<budget::BudgetGuard>(std::move(g));
    return guard;
  }

private:
  const ScanOptions& m_options;
  store::Store* m_store;
  std::shared_ptr<budget::RunCreditCap> m_cap;
  std::mutex m_mutex;
  std::map<std::string, std::shared_ptr<budget::BudgetGuard>> m_guards;
};

void fetch_live(const ScanOptions& o, const std::string& region, const api::ApiFactory& factory, const EnvLookup& env,
                store::Store* store, RunBudget& budget, LeaseKeeper* lease, RegionWork& work,
                std::vector<Event>& events) {
  store::RegionScan& scan = work.scan;
  std::optional<ApiKey> key = resolve_key(region, env);
  if (!key) {
    scan.status = store::RegionStatus::failed;
    scan.error = "region " + region + ": no API key: set " + key_env_var(region) + " (or ODDS_API_KEY)";
    return;
  }
  // The run's guard for this key, shared with the other regions using it.
  std::shared_ptr<budget::BudgetGuard> guard = budget.guard_for(*key);
  std::mutex ledger_mutex;
  api::ClientOptions co = client_options(o, region, o.command);
  co.deadline = o.deadline ? Deadline(*o.deadline) : Deadline::never();
  co.guard = guard;
  co.on_ledger = [&](const LedgerEntry& e) {
    if (o.progress && e.credits.last) o.progress->credits += *e.credits.last;
    std::lock_guard lock(ledger_mutex);
    work.ledger.push_back(e);
  };
  if (o.save_responses) co.save_responses_dir = *o.save_responses;
  std::unique_ptr<api::OddsApi> api = factory(region, co);

  if (budget::plan_books(region, o.bookmakers).units == 0) {
    // No book of --bookmakers belongs to this region: any call would buy nothing (the
    // result is the filtered empty answer, as if the API had been asked).
    spdlog::info("region {}: none of --bookmakers is a book of this region: no call", region);
    return;
  }
  std::vector<std::string> sports = o.sports;
  if (sports.empty()) {
    try {
      // Kept in the store for api.sports_ttl: a worker's later cycles make only /odds calls.
      for (const auto& s : sports_list(store, o.sports_ttl, *api))
        if (s.active && !s.has_outrights) sports.push_back(s.key);
    } catch (const api::ApiError& e) {
      scan.status = store::RegionStatus::failed;
      scan.error = e.what();
      scan.requests = api->requests();
      return;
    }
  }
  if (o.progress) o.progress->sports_total += static_cast<int>(sports.size());

  std::mutex mutex;
  std::string first_error;
  std::atomic<std::size_t> next{0};
  // A spent quota or a bad key fails every later call too: stop instead of burning retries.
  std::atomic<bool> abort_region{false};
  auto worker = [&] {
    for (;;) {
      std::size_t i = next.fetch_add(1);
      if (i >= sports.size()) return;
      struct Done {  // a sport is done whichever way its iteration ends
        Progress* p;
        ~Done() {
          if (p) ++p->sports_done;
        }
      } done{o.progress};
      const std::string& sport = sports[i];
      std::string error;
      bool stopped = abort_region.load() || (o.stop && o.stop->load());
      if (!stopped && co.deadline.expired())
        error = "region " + region + ": " + sport + ": deadline reached before the call";
      if (stopped) error = "region " + region + ": " + sport + ": not fetched (run stopped)";
      if (error.empty()) {
        try {
          if (lease) lease->renew_if_due();
          InFlight in_flight(o.progress);
          api::OddsRequest request{sport, o.rules.markets, {}};
          request.include_links = request.include_sids = o.links;
          request.include_bet_limits = o.bet_limits;
          api::OddsResponse r = api->odds(request);
          std::lock_guard lock(mutex);
          events.insert(events.end(), std::make_move_iterator(r.events.begin()),
                        std::make_move_iterator(r.events.end()));
          continue;
        } catch (const api::ApiError& e) {
          error = e.what();
          if (e.kind() == api::ApiErrorKind::budget) {
            work.budget_stopped = true;
            abort_region = true;
          }
          if (e.kind() == api::ApiErrorKind::invalid_key || e.kind() == api::ApiErrorKind::out_of_credits)
            abort_region = true;
        } catch (const std::exception& e) {
          error = "region " + region + ": " + sport + ": " + e.what();
        }
      }
      std::lock_guard lock(mutex);
      scan.failed_sports.push_back(sport);
      // The cause beats its consequences: prefer a real error over "not fetched".
      if (first_error.empty() ||
          (first_error.find("not fetched") != std::string::npos && error.find("not fetched") == std::string::npos))
        first_error = error;
      spdlog::warn("{}", error);
    }
  };
  std::vector<std::thread> threads;
  int n = std::min<int>(o.concurrency, static_cast<int>(sports.size()));
  for (int t = 0; t < n; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  std::sort(scan.failed_sports.begin(), scan.failed_sports.end());
  finish_status(scan, sports.size(), first_error);
  scan.requests = api->requests();
}

// Why a region's answer holds no odds, if it holds none: the API's own empty board is a
// good result; an answer emptied by the request's own filters, or a --from-store scan with
// nothing synced, is not (it must never replace the latest good result).
bool any_quoted(const std::vector<Event>& events) {
  return std::any_of(events.begin(), events.end(), [](const Event& e) { return !e.bookmakers.empty(); });
}

store::EmptyReason empty_reason(const ScanOptions& o, bool replay, bool quoted) {
  if (quoted) return store::EmptyReason::none;
  if (o.from_store) return store::EmptyReason::filtered;  // snapshots there, but not of the sports asked
  if (replay) return !o.sports.empty() ? store::EmptyReason::filtered : store::EmptyReason::no_events;
  return o.bookmakers.empty() ? store::EmptyReason::no_events : store::EmptyReason::filtered;
}

void credits_from_ledger(RegionWork& work) {
  std::optional<std::int64_t> used;
  std::optional<std::int64_t> remaining;
  // Within one run the key's credits only go down, and concurrent responses are logged in
  // arrival order, not the API's: the lowest report is the latest truth.
  for (const auto& e : work.ledger) {
    if (e.credits.last) used = used.value_or(0) + *e.credits.last;
    if (e.credits.remaining) remaining = remaining ? std::min(*remaining, *e.credits.remaining) : *e.credits.remaining;
  }
  work.scan.credits_used = used;
  work.scan.credits_remaining = remaining;
}

// What a replayed region gave: its events are read, detected and dropped chunk by chunk
// (replay.hpp), so only the counts and the opportunities are left.
struct Replayed {
  std::size_t events = 0;
  bool quoted = false;
  TimePoint now{};
  std::vector<Opportunity> opportunities;
};

// Detection is per event (groups, flags and stakes never look across events), so the
// region's opportunities are each chunk's, in the order find_opportunities gives them.
Replayed replay_region(const ScanOptions& o, const std::string& region, const ReplayRegion& files) {
  Replayed out;
  engine::ArbRules rules = o.rules;
  rules.now = o.as_of ? *o.as_of : replay_newest(files, o.sports).value_or(now_utc());
  out.now = rules.now;
  for_each_replay_chunk(files, [&](std::vector<Event>& events) {
    if (!o.sports.empty())
      std::erase_if(events, [&](const Event& e) {
        return std::find(o.sports.begin(), o.sports.end(), e.sport_key) == o.sports.end();
      });
    out.events += events.size();
    out.quoted = out.quoted || any_quoted(events);
    auto found = find_opportunities(region, events, rules, o.detect);
    out.opportunities.insert(out.opportunities.end(), std::make_move_iterator(found.begin()),
                             std::make_move_iterator(found.end()));
  });
  std::stable_sort(out.opportunities.begin(), out.opportunities.end(), opportunity_before);
  return out;
}

RegionWork scan_region(const ScanOptions& o, const std::string& region, const std::string& scan_id, TimePoint started,
                       store::Store* store, const api::ApiFactory& factory, const EnvLookup& env,
                       const ReplayPlan* replay, RunBudget& budget) {
  RegionWork work;
  store::RegionScan& scan = work.scan;
  scan.scan_id = scan_id;
  scan.region = region;
  scan.command = o.command;
  scan.source = o.source;
  scan.worker = o.worker;
  scan.started_at = started;
  auto t0 = SteadyClock::now();

  std::optional<LeaseKeeper> lease;
  if (store) {
    std::string holder;
    bool taken = false;
    try {
      taken = take_lease(o, store, region, holder);
    } catch (const std::exception& e) {
      scan.status = store::RegionStatus::failed;
      scan.error = "store: take lease scan:" + region + ": " + store_cause(e, "acquire lease");
      spdlog::error("region {}: {}", region, *scan.error);
      scan.duration_ms = elapsed_ms(t0);
      return work;
    }
    if (!taken) {
      scan.status = store::RegionStatus::skipped;
      scan.error = "region " + region + ": another run holds its lease (" + holder + ")";
      spdlog::info("{}", *scan.error);
      work.busy = o.wait_lock.has_value();
      return work;
    }
    lease.emplace(store, "scan:" + region, o.worker, o.lease_ttl);
    spdlog::debug("region {}: lease scan:{} taken by {}", region, region, o.worker);
  }

  std::vector<Event> events;
  std::optional<Replayed> replayed;
  bool nothing_synced = false;
  try {
    if (replay) {
      static const ReplayRegion no_files;
      auto it = replay->find(region);
      replayed = replay_region(o, region, it != replay->end() ? it->second : no_files);
    } else if (o.from_store) {
      events = sync::freshest_events(*store, region, o.rules.max_quote_age, o.as_of.value_or(now_utc()));
      nothing_synced = events.empty();
      if (!o.sports.empty())
        std::erase_if(events, [&](const Event& e) {
          return std::find(o.sports.begin(), o.sports.end(), e.sport_key) == o.sports.end();
        });
    } else {
      fetch_live(o, region, factory, env, store, budget, lease ? &*lease : nullptr, work, events);
    }
    // A requested stop (SIGTERM in worker mode) is not a failure: a region it cut short before
    // anything came back is skipped (not stored); one with answers keeps them (partial, the
    // sports not fetched named). fetch_live prefers a real error over "not fetched", so an
    // error naming the stop means the stop was the only cause.
    const bool cut_by_stop = o.stop && o.stop->load() && scan.status != store::RegionStatus::ok && scan.error &&
                             scan.error->find("(run stopped)") != std::string::npos;
    if (cut_by_stop && events.empty()) {
      scan.status = store::RegionStatus::skipped;
      scan.error = "region " + region + ": run stopped before its calls were made (nothing stored)";
      scan.failed_sports.clear();
    }
    if (scan.status != store::RegionStatus::failed && scan.status != store::RegionStatus::skipped) {
      const bool quoted = replayed ? replayed->quoted : any_quoted(events);
      scan.empty = nothing_synced ? store::EmptyReason::no_snapshots : empty_reason(o, replay != nullptr, quoted);
      if (!scan.good()) spdlog::warn("region {}: {}", region, empty_note(scan.empty));
      TimePoint now = o.as_of ? *o.as_of : now_utc();
      if (replayed) {
        now = replayed->now;
        scan.opportunities = std::move(replayed->opportunities);
      } else {
        engine::ArbRules rules = o.rules;
        rules.now = now;
        scan.opportunities = find_opportunities(region, events, rules, o.detect);
      }
      if (store) annotate_history(*store, region, scan.opportunities, now);  // seen_since, previous_price
    }
  } catch (const std::exception& e) {
    scan.status = store::RegionStatus::failed;
    scan.error = "region " + region + ": " + e.what();
  }
  scan.events = static_cast<int>(replayed ? replayed->events : events.size());
  scan.opportunity_count = static_cast<int>(scan.opportunities.size());
  credits_from_ledger(work);
  scan.duration_ms = elapsed_ms(t0);
  spdlog::info("region {}: {} ({}), {} events, {} opportunities, {} requests, {} credits, {} ms{}{}", region,
               to_string(scan.status), to_string(scan.source), scan.events, scan.opportunity_count, scan.requests,
               scan.credits_used.value_or(0), scan.duration_ms, scan.error ? ": " : "", scan.error.value_or(""));

  if (store) {
    // The ledger first, in its own transaction, even for a failed region: credits were spent.
    // A failed write fails the region, named ("store: save scan au: database or disk is
    // full"); the lease is released whatever happened, and its release cannot mask that.
    std::optional<std::string> store_error;
    if (!work.ledger.empty()) {
      try {
        store->append_ledger(work.ledger);
      } catch (const std::exception& e) {
        store_error = "store: save ledger " + region + ": " + store_cause(e, "append ledger");
        // Keep every row that still fits: one at a time.
        std::size_t kept = 0;
        for (const auto& entry : work.ledger) {
          try {
            store->append_ledger({entry});
            ++kept;
          } catch (const std::exception&) {}
        }
        spdlog::error("region {}: {} ({} of {} ledger rows kept)", region, *store_error, kept, work.ledger.size());
      }
    }
    if (o.store_results && scan.status != store::RegionStatus::skipped) {
      try {
        store->save_scan(scan);
      } catch (const std::exception& e) {
        std::string error = "store: save scan " + region + ": " + store_cause(e, "save scan");
        spdlog::error("region {}: {}", region, error);
        if (!store_error) store_error = error;
      }
    }
    lease->release();
    if (store_error) {
      scan.status = store::RegionStatus::failed;
      scan.error = *store_error;
    }
  }
  return work;
}

// The first asked region that has a key: its client checks --sports (a free call).
std::optional<std::string> ordered_first_keyed(const std::vector<std::string>& regions, const EnvLookup& env) {
  for (const auto& r : known_regions())
    if (std::find(regions.begin(), regions.end(), r) != regions.end() && resolve_key(r, env)) return r;
  return std::nullopt;
}

// Unknown sport keys are a usage error before any credit is spent: the free /v4/sports list
// is the reference, kept in the store for api.sports_ttl (default 1h) so that a cron scan
// every minute does not pay a round trip for it.
void check_sports(const ScanOptions& o, const std::optional<std::string>& region, store::Store* store,
                  const api::ApiFactory& factory) {
  if (!region) return;  // no key anywhere: each region fails with its own message
  auto known_from_store = [&]() -> std::vector<std::string> {
    std::vector<std::string> keys;
    if (auto kept = stored_sports(store, o.sports_ttl, now_utc()))
      for (const auto& s : *kept) keys.push_back(s.key);
    return keys;
  };
  auto unknown_in = [&](const std::vector<std::string>& known) {
    std::vector<std::string> out;
    for (const auto& s : o.sports)
      if (std::find(known.begin(), known.end(), s) == known.end()) out.push_back(s);
    return out;
  };
  std::vector<std::string> known = known_from_store();
  if (!known.empty() && unknown_in(known).empty()) return;

  api::ClientOptions co = client_options(o, *region, o.command);
  co.deadline = o.deadline ? Deadline(*o.deadline) : Deadline::never();
  std::vector<LedgerEntry> ledger;
  co.on_ledger = [&](const LedgerEntry& e) { ledger.push_back(e); };
  std::vector<Sport> sports;
  try {
    sports = factory(*region, co)->sports();
  } catch (const api::ApiError& e) {
    // Not a verdict on the sports: let the scan run and report the API's failure per region.
    spdlog::warn("could not check --sports against /v4/sports: {}", e.what());
    return;
  }
  if (store && !ledger.empty()) store->append_ledger(ledger);
  known.clear();
  for (const auto& s : sports) known.push_back(s.key);
  if (o.sports_ttl.count() > 0) keep_sports(store, sports, now_utc());
  std::vector<std::string> unknown = unknown_in(known);
  if (unknown.empty()) return;
  std::string list;
  for (const auto& s : unknown) list += (list.empty() ? "'" : ", '") + s + "'";
  throw UsageError("--sports: unknown sport key " + list +
                   " (not among the sports /v4/sports lists as in season; keys look like soccer_epl, "
                   "basketball_nba)");
}

}  // namespace

const char* empty_note(store::EmptyReason r) {
  switch (r) {
    case store::EmptyReason::none: return "";
    case store::EmptyReason::no_events:
      return "the API has no events on the board for the sports asked (stored: a real empty answer)";
    case store::EmptyReason::filtered:
      return "every answer came back empty because of the request's own filters (--bookmakers, --sports): "
             "nothing usable, not kept as the latest good result";
    case store::EmptyReason::no_snapshots:
      return "no synced snapshots in the store: run `oddsctl sync --discover` first; not kept as the latest good "
             "result";
  }
  return "";
}

ScanReport run_scan(const ScanOptions& options, store::Store* store, const api::ApiFactory& factory,
                    const EnvLookup& env) {
  ScanOptions o = options;
  ScanReport report;
  report.scan_id = new_scan_id();
  RunBudget budget(o, store);  // one guard per key, one --max-credits cap
  report.started_at = now_utc();
  auto t0 = SteadyClock::now();

  std::optional<ReplayPlan> replay;
  if (o.from_file) {
    replay = plan_replay(*o.from_file, o.regions, o.odds_format);
    if (o.regions.empty())
      for (const auto& [region, files] : *replay) o.regions.push_back(region);
    // A region asked for but absent from the files would be stored as "ok, 0 events".
    std::vector<std::string> missing;
    for (const auto& r : o.regions)
      if (!replay->count(r)) missing.push_back(r);
    if (!missing.empty()) {
      std::string present, absent;
      for (const auto& [r, unused] : *replay) present += (present.empty() ? "" : ", ") + r;
      for (const auto& r : missing) absent += (absent.empty() ? "" : ", ") + r;
      throw UsageError("--from-file " + o.from_file->string() + ": no responses for region " + absent +
                       " (the files hold: " + (present.empty() ? "none" : present) + ")");
    }
  } else if (o.from_store) {
    if (!store) throw UsageError("--from-store needs a store (it cannot be used with --no-store)");
    if (o.regions.empty()) o.regions = known_regions();
  } else if (o.regions.empty()) {
    for (const auto& r : known_regions())
      if (resolve_key(r, env)) o.regions.push_back(r);
    if (o.regions.empty())
      throw UsageError(
          "no API key set: set ODDS_API_KEY or ODDS_API_KEY_<REGION> (e.g. ODDS_API_KEY_AU), "
          "or try --demo for bundled sample data");
  }
  if (!replay && !o.from_store) warn_unknown_bookmakers(o.bookmakers, o.regions);
  if (!replay && !o.from_store && !o.sports.empty())
    check_sports(o, ordered_first_keyed(o.regions, env), store, factory);

  // Regions in the canonical order, so output is stable whatever order they finish in.
  std::vector<std::string> ordered;
  for (const auto& r : known_regions())
    if (std::find(o.regions.begin(), o.regions.end(), r) != o.regions.end()) ordered.push_back(r);

  // A store shared by threads serialises internally; the API calls are what run in parallel.
  std::vector<RegionWork> results(ordered.size());
  std::vector<std::exception_ptr> errors(ordered.size());
  std::vector<std::thread> threads;
  if (o.progress) o.progress->regions_total += static_cast<int>(ordered.size());
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    threads.emplace_back([&, i] {
      try {
        results[i] = scan_region(o, ordered[i], report.scan_id, report.started_at, store, factory, env,
                                 replay ? &*replay : nullptr, budget);
      } catch (...) {
        errors[i] = std::current_exception();
      }
      if (o.progress) ++o.progress->regions_done;
    });
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);  // a store failure: nothing to report as partial

  for (auto& w : results) {
    report.budget_stopped = report.budget_stopped || w.budget_stopped;
    report.busy = report.busy || w.busy;
    report.regions.push_back(std::move(w.scan));
  }
  report.duration_ms = elapsed_ms(t0);
  return report;
}

std::vector<Opportunity> ScanReport::all_opportunities() const {
  std::vector<Opportunity> all;
  for (const auto& r : regions) all.insert(all.end(), r.opportunities.begin(), r.opportunities.end());
  std::stable_sort(all.begin(), all.end(), opportunity_before);
  return all;
}

ExitCode ScanReport::exit_code() const {
  if (busy) return ExitCode::busy;
  if (budget_stopped) return ExitCode::budget;
  bool any_bad = false, any_good = false;
  for (const auto& r : regions) {
    if (r.status == store::RegionStatus::ok || r.status == store::RegionStatus::partial) any_good = true;
    if (r.status == store::RegionStatus::failed || r.status == store::RegionStatus::partial) any_bad = true;
  }
  if (!any_bad) return ExitCode::ok;
  return any_good ? ExitCode::partial : ExitCode::runtime;
}

std::string new_scan_id() {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  auto t = now_utc();
  std::string ts = format_rfc3339(std::chrono::floor<std::chrono::seconds>(t));  // 2026-11-22T22:37:18Z
  std::string compact;
  for (char c : ts)
    if (std::isdigit(static_cast<unsigned char>(c))) compact += c;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%06x", (rd() ^ (counter++ * 2654435761u)) & 0xffffff);
  return compact.substr(0, 8) + "-" + compact.substr(8) + "-" + suffix;
}

}  // namespace oddsctl::scan
