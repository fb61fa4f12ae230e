// Pieces of one sync run shared by its files (not part of the public API).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "oddsctl/budget/guard.hpp"
#include "oddsctl/sync.hpp"

namespace oddsctl::sync::detail {

// Collects ledger entries from every client thread; flushed to the store after each batch,
// so a run killed half-way keeps the record of what it spent.
class LedgerSink {
public:
  void add(const LedgerEntry& entry);
  void flush(store::LedgerStore& store);  // never throws: a ledger write failure is logged

private:
  std::mutex m_mutex;
  std::vector<LedgerEntry> m_pending;
};

// One region's client. `error` is set when the factory failed (e.g. no key): every call
// for the region then fails with that message.
struct RegionClient {
  std::string region;
  std::string key_group;  // regions sharing a key share a guard and a concurrency cap
  std::unique_ptr<api::OddsApi> api;
  std::optional<std::string> error;
};

// The clients of one run, made on first use (from one thread only).
class ClientSet {
public:
  ClientSet(const SyncOptions& options, const api::ApiFactory& factory, const EnvLookup& env, store::Store& store,
            LedgerSink& ledger, Deadline deadline, std::string command);
  RegionClient& get(const std::string& region);
  int requests() const;  // HTTP requests made by every client so far
  bool guard_tripped() const;

private:
  const SyncOptions& m_options;
  const api::ApiFactory& m_factory;
  const EnvLookup& m_env;
  store::Store& m_store;
  LedgerSink& m_ledger;
  Deadline m_deadline;
  std::string m_command;
  std::map<std::string, RegionClient> m_clients;
  std::map<std::string, std::shared_ptr<budget::BudgetGuard>> m_guards;  // per key group
  std::shared_ptr<budget::RunCreditCap> m_cap;                           // --max-credits: one cap for the whole run
};

// Runs fn(i) for i in [0, n) on at most `concurrency` threads; fn must not throw.
void run_parallel(std::size_t n, int concurrency, const std::function<void(std::size_t)>& fn);

// Discovery: upserts tracked events from /events for the regions and sports asked.
// only_stale: skip (region, sport) whose last discovery is younger than options.discover_every.
DiscoveryReport discover(const SyncOptions& options, store::Store& store, ClientSet& clients, const EnvLookup& env,
                         TimePoint now, bool only_stale);

// One /odds call's worth of events: one region, one sport, at most batch_size ids.
struct Batch {
  std::string region;
  std::string sport;
  store::Tier lead_tier = store::Tier::hot;  // its budget share and priority: the first event's tier
  std::vector<store::TrackedEvent> events;
  std::vector<store::Tier> tiers;  // per event
};

// Groups events (already in priority order) per (region, sport) into batches of at most
// batch_size, ordered by lead tier priority so the most urgent calls start first.
std::vector<Batch> make_batches(const std::vector<std::pair<store::TrackedEvent, store::Tier>>& events, int batch_size);

// Fetches every batch (parallel per key group), records each finished batch in the store,
// and adds its counts to the report.
void fetch_batches(const std::vector<Batch>& batches, const SyncOptions& options, store::Store& store,
                   ClientSet& clients, LedgerSink& ledger, const Deadline& deadline, bool auto_shares,
                   SyncReport& report);

}  // namespace oddsctl::sync::detail
