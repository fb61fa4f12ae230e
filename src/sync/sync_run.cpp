// One sync run: discover when asked or stale, select due events per tier under a lease,
// fetch them batched, commit, report.
#include <algorithm>
#include <iterator>
#include <set>

#include <spdlog/spdlog.h>

#include "oddsctl/budget/billing.hpp"
#include "oddsctl/keys.hpp"
#include "oddsctl/store/lease_helpers.hpp"

#include "sync/sync_internal.hpp"

namespace oddsctl::sync {

using detail::Batch;
using detail::ClientSet;
using detail::LedgerSink;

namespace {

std::string owner_of(const SyncOptions& options) {
  return options.worker.empty() ? store::default_worker_id() : options.worker;
}

bool wanted(const std::vector<std::string>& filter, const std::string& value) {
  return filter.empty() || std::find(filter.begin(), filter.end(), value) != filter.end();
}

// Held long enough to cover the run: its deadline (or 5 minutes: a 10,000-event run takes
// seconds) plus one call's retries. Short, so a crashed run blocks the next ones only briefly;
// a run outliving its lease at worst repeats work, which is harmless (idempotent).
Millis lease_ttl(const SyncOptions& options) {
  Millis run = options.deadline.value_or(std::chrono::minutes(5));
  return run + options.timeout * (options.max_retries + 1) + std::chrono::seconds(30);
}

// No book of --bookmakers belongs to the region: a call there would bill a whole region for
// an answer the books filter empties, so (as scan does) its events are not asked for at all.
bool buys_nothing(const SyncOptions& options, const std::string& region) {
  if (budget::plan_books(region, options.bookmakers).units != 0) return false;
  spdlog::info("region {}: none of --bookmakers is a book of this region: no call", region);
  return true;
}

// `--event ID`: every region it is tracked in (or those asked), unless synced too recently.
// Without --regions, only the regions that have a key: the others could only fail.
std::vector<std::pair<store::TrackedEvent, store::Tier>> select_event(const SyncOptions& options, store::Store& store,
                                                                      TimePoint now, const EnvLookup& env,
                                                                      SyncReport& report) {
  store::TrackedQuery q;
  q.event_id = options.event_id;
  std::vector<std::pair<store::TrackedEvent, store::Tier>> picked;
  bool known = false;
  std::vector<std::string> keyless;
  for (auto& e : store.list_tracked(q)) {
    if (!wanted(options.regions, e.region)) continue;
    known = true;
    if (buys_nothing(options, e.region)) continue;  // one row per region: logged once each
    if (options.regions.empty() && !resolve_key(e.region, env)) {
      keyless.push_back(e.region);
      continue;
    }
    auto last = e.last_attempt_at ? e.last_attempt_at : e.last_synced_at;
    if (!options.force && last && *last + options.min_interval > now) {
      spdlog::info("sync: {} in {} was synced {} ago (less than sync.min_interval {}); skipped, use --force",
                   e.event_id, e.region, format_duration(now - *last), format_duration(options.min_interval));
      report.skipped_recent += 1;
      continue;
    }
    store::Tier t = options.policy.tier_of(e, now);
    picked.emplace_back(std::move(e), t);
  }
  if (!known)
    throw UsageError("sync --event: '" + *options.event_id + "' is not a tracked event" +
                     (options.regions.empty() ? "" : " in the regions asked") + " (run sync --discover first)");
  if (picked.empty() && report.skipped_recent == 0 && !keyless.empty()) {
    std::string names, vars;
    for (const auto& r : keyless) {
      names += (names.empty() ? "" : ", ") + r;
      vars += (vars.empty() ? "" : ", ") + key_env_var(r);
    }
    throw UsageError("sync --event: '" + *options.event_id + "' is tracked only in regions without an API key (" +
                     names + "): set " + vars + " (or ODDS_API_KEY)");
  }
  for (const auto& r : keyless) spdlog::info("sync --event: region {} has no API key; skipped", r);
  return picked;
}

// The tier leases this run holds: released on every way out (an exception included), each
// release failure logged, never thrown; noted process-wide (leases.hpp) for the worker's
// grace exit.
class HeldLeases {
public:
  HeldLeases(store::Store& store, std::string owner) : m_store(store), m_owner(std::move(owner)) {}
  HeldLeases(const HeldLeases&) = delete;
  HeldLeases& operator=(const HeldLeases&) = delete;
  ~HeldLeases() { release(); }
  void add(const std::string& name) {
    m_names.push_back(name);
    note_lease_held(m_store, name, m_owner);
  }
  std::size_t size() const { return m_names.size(); }
  void release() {
    for (const auto& name : m_names) {
      note_lease_released(m_store, name, m_owner);
      try {
        m_store.release_lease(name, m_owner);
      } catch (const std::exception& e) {
        spdlog::warn("sync: could not release lease {} (it expires on its own): {}", name, e.what());
      }
    }
    m_names.clear();
  }

private:
  store::Store& m_store;
  std::string m_owner;
  std::vector<std::string> m_names;
};

}  // namespace

SyncReport run_sync(const SyncOptions& options, store::Store& store, const api::ApiFactory& api_factory,
                    const EnvLookup& env) {
  SyncReport report;
  report.started_at = now_utc();
  auto t0 = std::chrono::steady_clock::now();
  const TimePoint now = report.started_at;
  Deadline deadline = options.deadline ? Deadline(*options.deadline) : Deadline::never();
  const bool auto_run = options.sync && !options.tier && !options.event_id;
  report.tier = !options.sync ? "none" : options.event_id ? "event" : options.tier ? to_string(*options.tier) : "auto";

  LedgerSink ledger;
  ClientSet clients(options, api_factory, env, store, ledger, deadline, "sync:" + report.tier);
  auto finish = [&] {
    ledger.flush(store);
    report.requests = clients.requests();
    if (clients.guard_tripped()) report.budget_tripped = true;
    for (const auto& [tier, counts] : report.tiers) report.totals += counts;
    report.totals.requests = report.requests;
    report.duration_ms = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - t0).count();
  };

  if (options.discover || (auto_run && options.discover_every)) {
    report.discovery = detail::discover(options, store, clients, env, now, !options.discover);
    ledger.flush(store);
  }
  if (!options.sync) {
    finish();
    return report;
  }

  std::vector<std::pair<store::TrackedEvent, store::Tier>> selected;
  const std::string owner = owner_of(options);
  HeldLeases leases(store, owner);
  int leases_held_elsewhere = 0;
  if (options.event_id) {
    selected = select_event(options, store, now, env, report);
  } else {
    std::map<std::string, std::vector<store::TrackedEvent>> per_region;
    for (auto& e : store.list_tracked({}))
      if (wanted(options.regions, e.region) && wanted(options.sports, e.sport_key))
        per_region[e.region].push_back(std::move(e));
    std::vector<store::Tier> tiers;
    if (options.tier) tiers.push_back(*options.tier);
    else tiers.assign(k_auto_tiers.begin(), k_auto_tiers.end());
    // Tier-major so that the priority order survives into the batches.
    for (auto it = per_region.begin(); it != per_region.end();)
      it = buys_nothing(options, it->first) ? per_region.erase(it) : std::next(it);
    for (store::Tier tier : tiers) {
      for (const auto& [region, events] : per_region) {
        std::string name = "sync:" + region + ":" + to_string(tier);
        // A holder on this host whose process is gone is taken over at once.
        auto lease = acquire_or_reclaim_lease(store, name, owner, lease_ttl(options), now);
        if (!lease.acquired) {
          report.skipped_leases.push_back(name + " held by " + lease.lease.owner);
          spdlog::warn("sync: {} is held by {} until {}; skipped", name, lease.lease.owner,
                       format_rfc3339(lease.lease.expires_at));
          ++leases_held_elsewhere;
          continue;
        }
        leases.add(name);
        for (auto& e : select_due(events, tier, options.policy, now)) selected.emplace_back(std::move(e), tier);
      }
    }
  }
  for (const auto& [event, tier] : selected) report.tiers[tier].selected += 1;
  if (options.progress) options.progress->events_total += static_cast<int>(selected.size());

  std::vector<Batch> batches = detail::make_batches(selected, options.batch_size);
  for (const auto& b : batches) clients.get(b.region);  // made here, before any thread
  spdlog::info("sync {}: {} events selected, {} calls", report.tier, selected.size(), batches.size());
  report.all_leases_held = leases_held_elsewhere > 0 && leases.size() == 0;
  detail::fetch_batches(batches, options, store, clients, ledger, deadline, auto_run, report);
  leases.release();
  finish();
  return report;
}

}  // namespace oddsctl::sync
