// Batched fetching: one /odds call per region, sport and chunk of ids, parallel per key,
// each finished batch committed in one transaction.
#include <algorithm>
#include <cmath>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "sync/sync_internal.hpp"

namespace oddsctl::sync::detail {

namespace {

int priority(store::Tier t) {
  switch (t) {
    case store::Tier::hot: return 0;
    case store::Tier::warm: return 1;
    case store::Tier::cold: return 2;
    case store::Tier::frozen: return 3;
  }
  return 4;
}

// Everything a batch's threads share, under one mutex.
struct RunState {
  std::mutex mutex;
  SyncReport& report;
  std::map<store::Tier, std::int64_t> share_left;  // auto runs with max_credits only
  std::set<std::string> stopped_groups;            // a guard refused: no more calls on that key
  explicit RunState(SyncReport& r) : report(r) {}
};

void count_skipped(RunState& st, const Batch& b, bool deadline) {
  std::lock_guard lock(st.mutex);
  for (store::Tier t : b.tiers) {
    if (deadline) st.report.tiers[t].skipped_deadline += 1;
    else st.report.tiers[t].skipped_budget += 1;
  }
  if (deadline) st.report.deadline_hit = true;
}

void fail_all(RunState& st, store::Store& store, const Batch& b, const std::string& error, TimePoint at) {
  std::vector<store::SyncOutcome> outcomes;
  for (const auto& e : b.events) {
    store::SyncOutcome o;
    o.region = e.region;
    o.event_id = e.event_id;
    o.attempted_at = at;
    o.ok = false;
    o.error = error;
    outcomes.push_back(std::move(o));
  }
  std::string store_error;
  try {
    store.record_sync(outcomes);
  } catch (const std::exception& ex) {
    store_error = ex.what();
  }
  std::lock_guard lock(st.mutex);
  for (std::size_t i = 0; i < b.events.size(); ++i) {
    st.report.tiers[b.tiers[i]].failed += 1;
    st.report.failures.push_back({b.region, b.events[i].event_id, error});
  }
  if (!store_error.empty())
    spdlog::warn("sync: could not record failures for {}/{}: {}", b.region, b.sport, store_error);
}

void fetch_one(const Batch& b, const SyncOptions& options, store::Store& store, ClientSet& clients, LedgerSink& ledger,
               const Deadline& deadline, RunState& st) {
  const bool stopping = options.stop && options.stop->load();
  if (stopping || deadline.expired()) return count_skipped(st, b, true);
  RegionClient& rc = clients.get(b.region);  // made before the threads: lookup only
  const std::int64_t estimate = static_cast<std::int64_t>(options.markets.size());
  bool share_taken = false;
  {
    std::unique_lock lock(st.mutex);
    if (st.stopped_groups.count(rc.key_group)) {
      lock.unlock();
      return count_skipped(st, b, false);
    }
    auto it = st.share_left.find(b.lead_tier);
    if (it != st.share_left.end()) {
      if (it->second < estimate) {
        lock.unlock();
        return count_skipped(st, b, false);
      }
      it->second -= estimate;
      share_taken = true;
    }
  }
  auto give_back = [&](std::int64_t credits) {
    if (!share_taken) return;
    std::lock_guard lock(st.mutex);
    st.share_left[b.lead_tier] += credits;
  };
  TimePoint at = now_utc();
  if (rc.error) {
    give_back(estimate);
    return fail_all(st, store, b, *rc.error, at);
  }

  api::OddsRequest req;
  req.sport = b.sport;
  req.markets = options.markets;
  for (const auto& e : b.events) req.event_ids.push_back(e.event_id);
  api::OddsResponse resp;
  try {
    InFlight in_flight(options.progress);
    resp = rc.api->odds(req);
  } catch (const api::ApiError& e) {
    give_back(estimate);
    {
      std::lock_guard lock(st.mutex);
      st.report.tiers[b.lead_tier].requests += 1;
    }
    ledger.flush(store);
    if (e.kind() == api::ApiErrorKind::deadline) return count_skipped(st, b, true);
    if (e.kind() == api::ApiErrorKind::budget) {
      {
        std::lock_guard lock(st.mutex);
        st.stopped_groups.insert(rc.key_group);
        st.report.budget_tripped = true;
      }
      return count_skipped(st, b, false);
    }
    // Out of credits: the key is spent, so no other call on it can succeed either.
    if (e.kind() == api::ApiErrorKind::out_of_credits || e.kind() == api::ApiErrorKind::invalid_key) {
      std::lock_guard lock(st.mutex);
      st.stopped_groups.insert(rc.key_group);
    }
    return fail_all(st, store, b, e.what(), at);
  } catch (const std::exception& e) {
    give_back(estimate);
    ledger.flush(store);
    return fail_all(st, store, b, e.what(), at);
  }

  // Index the answer; ids asked but not returned fail with a reason that says so.
  std::unordered_map<std::string, const Event*> by_id;
  for (const auto& ev : resp.events) by_id.emplace(ev.id, &ev);
  std::int64_t cost = resp.credits.last.value_or(resp.events.empty() ? 0 : estimate);
  give_back(estimate - cost);
  TimePoint taken = now_utc();
  std::vector<store::SyncOutcome> outcomes;
  std::vector<int> kind;  // 0 unchanged, 1 changed, 2 not returned
  for (const auto& tracked : b.events) {
    store::SyncOutcome o;
    o.region = tracked.region;
    o.event_id = tracked.event_id;
    o.attempted_at = taken;
    auto it = by_id.find(tracked.event_id);
    if (it == by_id.end()) {
      o.ok = false;
      o.error = "not returned by the API (over, removed, or no odds in this region)";
      kind.push_back(2);
    } else {
      o.fingerprint = odds_fingerprint(*it->second);
      if (o.fingerprint != tracked.fingerprint) {
        store::Snapshot snap;
        snap.region = tracked.region;
        snap.event_id = tracked.event_id;
        snap.sport_key = tracked.sport_key;
        snap.taken_at = taken;
        snap.fingerprint = o.fingerprint;
        snap.event = *it->second;
        o.snapshot = std::move(snap);
        kind.push_back(1);
      } else {
        kind.push_back(0);
      }
    }
    outcomes.push_back(std::move(o));
  }
  std::string store_error;
  try {
    store.record_sync(outcomes);
  } catch (const std::exception& e) {
    store_error = e.what();
  }
  ledger.flush(store);
  std::lock_guard lock(st.mutex);
  SyncCounts& lead = st.report.tiers[b.lead_tier];
  lead.requests += resp.attempts;
  lead.credits_used += cost;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    SyncCounts& c = st.report.tiers[b.tiers[i]];
    if (!store_error.empty()) {
      c.failed += 1;
      st.report.failures.push_back({b.region, b.events[i].event_id, "store: " + store_error});
    } else if (kind[i] == 2) {
      c.not_returned += 1;
    } else {
      c.synced += 1;
      (kind[i] == 1 ? c.changed : c.unchanged) += 1;
    }
  }
}

}  // namespace

std::vector<Batch> make_batches(const std::vector<std::pair<store::TrackedEvent, store::Tier>>& events,
                                int batch_size) {
  // Per (region, sport), in the order given (priority order), then cut into chunks.
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto key = std::make_pair(events[i].first.region, events[i].first.sport_key);
    auto [it, inserted] = groups.try_emplace(key);
    if (inserted) order.push_back(key);
    it->second.push_back(i);
  }
  std::vector<Batch> batches;
  const std::size_t size = static_cast<std::size_t>(std::max(1, batch_size));
  for (const auto& key : order) {
    const auto& idx = groups[key];
    for (std::size_t start = 0; start < idx.size(); start += size) {
      Batch b;
      b.region = key.first;
      b.sport = key.second;
      for (std::size_t j = start; j < std::min(idx.size(), start + size); ++j) {
        b.events.push_back(events[idx[j]].first);
        b.tiers.push_back(events[idx[j]].second);
      }
      b.lead_tier = *std::min_element(b.tiers.begin(), b.tiers.end(),
                                      [](store::Tier a, store::Tier c) { return priority(a) < priority(c); });
      batches.push_back(std::move(b));
    }
  }
  std::stable_sort(batches.begin(), batches.end(),
                   [](const Batch& a, const Batch& b) { return priority(a.lead_tier) < priority(b.lead_tier); });
  return batches;
}

void fetch_batches(const std::vector<Batch>& batches, const SyncOptions& options, store::Store& store,
                   ClientSet& clients, LedgerSink& ledger, const Deadline& deadline, bool auto_shares,
                   SyncReport& report) {
  RunState st(report);
  if (auto_shares && options.max_credits) {
    for (store::Tier t : k_auto_tiers) {
      auto it = options.budget_share.find(t);
      double share = it == options.budget_share.end() ? 0.0 : it->second;
      st.share_left[t] =
          static_cast<std::int64_t>(std::floor(static_cast<double>(*options.max_credits) * share + 1e-9));
    }
  }
  // One queue per key group (regions sharing a key share its cap), each in priority order.
  std::map<std::string, std::vector<std::size_t>> queues;
  for (std::size_t i = 0; i < batches.size(); ++i) queues[clients.get(batches[i].region).key_group].push_back(i);
  std::vector<std::thread> groups;
  for (auto& [group, queue] : queues) {
    const std::vector<std::size_t>* q = &queue;
    groups.emplace_back([&, q] {
      run_parallel(q->size(), options.concurrency, [&](std::size_t k) {
        const Batch& b = batches[(*q)[k]];
        try {
          fetch_one(b, options, store, clients, ledger, deadline, st);
        } catch (const std::exception& e) {
          // Nothing may escape a worker thread; the batch is reported as failed.
          std::lock_guard lock(st.mutex);
          for (std::size_t i = 0; i < b.events.size(); ++i) {
            st.report.tiers[b.tiers[i]].failed += 1;
            st.report.failures.push_back({b.region, b.events[i].event_id, e.what()});
          }
        }
        if (options.progress) options.progress->events_done += static_cast<int>(b.events.size());
      });
    });
  }
  for (auto& t : groups) t.join();
}

}  // namespace oddsctl::sync::detail
