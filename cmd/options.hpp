// Settings into the typed options the library takes: parsed and validated once, here (a
// UsageError names the flag, env var or file:line of a bad value). The library never sees
// Settings.
#pragma once

#include "oddsctl/api/options.hpp"
#include "oddsctl/budget/plan.hpp"
#include "oddsctl/cleanup.hpp"
#include "oddsctl/scan.hpp"
#include "oddsctl/settings.hpp"
#include "oddsctl/sync.hpp"
#include "oddsctl/worker.hpp"

namespace oddsctl::cmd {

// From api.*, budget.reserve and budget.max_credits. UsageError (exit 2) on any bad value,
// before any credit is spent: unknown regions or market keys, lay markets, out-of-range
// numbers, a base URL that is not http(s).
api::ApiOptions api_options_from_settings(const settings::Settings& settings);

// ScanOptions from layered settings (api.*, scan.*, budget.*, commission.* keys); validates
// every value (UsageError). `env` resolves which regions have keys for the default region list.
scan::ScanOptions scan_options_from_settings(const settings::Settings& settings);

// The policy from config keys tiers.* and sync.*, defaults where unset. UsageError on a bad value.
sync::TierPolicy tier_policy_from_settings(const settings::Settings& settings);

// Builds SyncOptions from settings: api.*, budget.*, tiers.*, and sync.tier ("hot"... or
// "auto"), sync.event, sync.force, sync.discover (the flags), sync.* knobs. UsageError on a
// bad value or a bad combination.
sync::SyncOptions sync_options_from_settings(const settings::Settings& settings);

// From settings: `every` (the --every value), worker.grace, worker.health_file,
// worker.max_cycles. UsageError on a bad value.
worker::WorkerOptions worker_options_from_settings(const settings::Settings& settings, Millis every,
                                                   std::string worker_id, std::string command);

// Per kind, the first of: its own key set by a flag; --older-than (retention.older_than set
// by a flag); its own key from env or config file; retention.older_than from env or config
// (for the kinds it applies to); the kind's default. keep_last and batch_size likewise from
// their keys. UsageError for a negative keep_last or a batch_size < 1.
store::RetentionPolicy retention_policy_from_settings(const settings::Settings& settings);

// budget plan: plan.* (counts or lists of sports, regions, markets; --bookmakers, --interval,
// --plan, --from-ledger, --window, --keys, --no-sync), api.regions / api.markets defaults,
// the regions with a key, tiers.*.max_age, the plans table (budget.plans_file, else
// find_data_file("plans.toml"), else built in; the config file's
// [plans] on top) and the refresh intervals (budget.refresh_file, else
// refresh_intervals.toml found the same way, else built in). UsageError on a bad value.
budget::PlanOptions plan_options_from_settings(const settings::Settings& settings);
// The API's refresh intervals as above (also for scan --every's warning).
budget::RefreshIntervals refresh_intervals_from_settings(const settings::Settings& settings);

}  // namespace oddsctl::cmd
