// The API clients, ledger sink and thread helper of one sync run.
#include <algorithm>
#include <thread>

#include <spdlog/spdlog.h>

#include "oddsctl/budget.hpp"
#include "oddsctl/store/lease_helpers.hpp"
#include "sync/sync_internal.hpp"

namespace oddsctl::sync::detail {

void LedgerSink::add(const LedgerEntry& entry) {
  std::lock_guard lock(m_mutex);
  m_pending.push_back(entry);
}

void LedgerSink::flush(store::LedgerStore& store) {
  std::vector<LedgerEntry> batch;
  {
    std::lock_guard lock(m_mutex);
    batch.swap(m_pending);
  }
  if (batch.empty()) return;
  try {
    store.append_ledger(batch);
  } catch (const std::exception& e) {
    spdlog::warn("sync: could not record {} budget ledger entries: {}", batch.size(), e.what());
  }
}

ClientSet::ClientSet(const SyncOptions& options, const api::ApiFactory& factory, const EnvLookup& env,
                     store::Store& store, LedgerSink& ledger, Deadline deadline, std::string command)
    : m_options(options),
      m_factory(factory),
      m_env(env),
      m_store(store),
      m_ledger(ledger),
      m_deadline(deadline),
      m_command(std::move(command)),
      m_cap(std::make_shared<budget::RunCreditCap>(options.max_credits)) {}

RegionClient& ClientSet::get(const std::string& region) {
  auto it = m_clients.find(region);
  if (it != m_clients.end()) return it->second;
  RegionClient rc;
  rc.region = region;
  auto key = resolve_key(region, m_env);
  // Regions without a key still get a group of their own; the factory reports the error.
  rc.key_group = key ? key->id() : "region:" + region;
  // One guard per key (regions sharing a key share it), all under one --max-credits cap for
  // the whole run; paid calls are reserved in the store, so other processes see them.
  auto& guard = m_guards[rc.key_group];
  if (!guard) {
    budget::BudgetGuard::Options g;
    g.reserve = m_options.reserve;
    g.cap = m_cap;
    if (key && (m_options.reserve || m_options.max_credits)) {
      try {
        if (auto known = budget::last_known_report(m_store, key->id())) {  // not just the newest row: see budget.hpp
          g.known_remaining = known->remaining;
          g.known_at = known->reported_at;
        }
      } catch (const std::exception& e) {
        spdlog::warn("sync: could not read the budget ledger: {}", e.what());
      }
    }
    if (key) {
      if (m_options.reserve) g.reservations = &m_store;  // only a reserve needs other runs' holds
      g.key_id = key->id();
      g.owner = m_options.worker.empty() ? store::default_worker_id() : m_options.worker;
      g.hold_ttl = budget::credit_hold_ttl(m_options.timeout);
    }
    guard = std::make_shared<budget::BudgetGuard>(std::move(g));
  }
  api::ClientOptions co = client_options(m_options, region, m_command);
  co.deadline = m_deadline;
  co.guard = guard;
  LedgerSink* ledger = &m_ledger;
  Progress* progress = m_options.progress;
  co.on_ledger = [ledger, progress](const LedgerEntry& e) {
    if (progress && e.credits.last) progress->credits += *e.credits.last;
    ledger->add(e);
  };
  try {
    rc.api = m_factory(region, std::move(co));
    if (!rc.api) rc.error = "no API client for region " + region;
  } catch (const std::exception& e) {
    rc.error = e.what();
  }
  return m_clients.emplace(region, std::move(rc)).first->second;
}

int ClientSet::requests() const {
  int n = 0;
  for (const auto& [region, rc] : m_clients)
    if (rc.api) n += rc.api->requests();
  return n;
}

bool ClientSet::guard_tripped() const {
  for (const auto& [group, guard] : m_guards)
    if (guard && guard->tripped()) return true;
  return false;
}

void run_parallel(std::size_t n, int concurrency, const std::function<void(std::size_t)>& fn) {
  if (n == 0) return;
  std::size_t threads = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(1, concurrency)));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) fn(i);
  };
  if (threads == 1) {
    work();
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
}

}  // namespace oddsctl::sync::detail
