// The sync report: totals, exit code and the contract's JSON document.
#include <nlohmann/json.hpp>

#include "oddsctl/sync.hpp"

namespace oddsctl::sync {

SyncCounts& SyncCounts::operator+=(const SyncCounts& o) {
  selected += o.selected;
  synced += o.synced;
  changed += o.changed;
  unchanged += o.unchanged;
  failed += o.failed;
  not_returned += o.not_returned;
  skipped_deadline += o.skipped_deadline;
  skipped_budget += o.skipped_budget;
  requests += o.requests;
  credits_used += o.credits_used;
  return *this;
}

ExitCode SyncReport::exit_code() const {
  if (budget_tripped) return ExitCode::budget;
  const int failures_seen = totals.failed + static_cast<int>(discovery.errors.size());
  const bool something_done = totals.synced > 0 || (discovery.ran && discovery.events > 0);
  if (failures_seen == 0) return ExitCode::ok;
  return something_done ? ExitCode::partial : ExitCode::runtime;
}

namespace {

nlohmann::json counts_json(const SyncCounts& c) {
  return {{"selected", c.selected},
          {"synced", c.synced},
          {"changed", c.changed},
          {"unchanged", c.unchanged},
          {"failed", c.failed},
          {"not_returned", c.not_returned},
          {"skipped_deadline", c.skipped_deadline},
          {"skipped_budget", c.skipped_budget},
          {"requests", c.requests},
          {"credits_used", c.credits_used}};
}

}  // namespace

nlohmann::json sync_report_json(const SyncReport& r) {
  nlohmann::json j = {{"tier", r.tier}};
  // The contract's fields first, in its order.
  // (a named object: items() of a temporary would dangle)
  const nlohmann::json totals = counts_json(r.totals);
  for (const char* k :
       {"selected", "synced", "changed", "unchanged", "failed", "skipped_deadline", "requests", "credits_used"})
    j[k] = totals.at(k);
  j["duration_ms"] = r.duration_ms;
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& f : r.failures)
    failures.push_back({{"event_id", f.event_id}, {"error", f.error}, {"region", f.region}});
  j["failures"] = failures;
  // Extras (add, never rename).
  j["started_at"] = format_rfc3339(r.started_at);
  j["not_returned"] = r.totals.not_returned;
  j["skipped_budget"] = r.totals.skipped_budget;
  j["skipped_recent"] = r.skipped_recent;
  j["skipped_leases"] = r.skipped_leases;
  j["budget_tripped"] = r.budget_tripped;
  j["deadline_hit"] = r.deadline_hit;
  nlohmann::json tiers = nlohmann::json::object();
  for (const auto& [tier, c] : r.tiers) tiers[to_string(tier)] = counts_json(c);
  j["tiers"] = tiers;
  if (r.discovery.ran)
    j["discovery"] = {{"regions", r.discovery.regions},
                      {"sports", r.discovery.sports},
                      {"events", r.discovery.events},
                      {"errors", r.discovery.errors}};
  else j["discovery"] = nullptr;
  return j;
}

}  // namespace oddsctl::sync
