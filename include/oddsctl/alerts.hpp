// `oddsctl alerts`: send each cached opportunity once to a webhook, a command, or stdout.
// Decoupled from scanning: it reads each region's latest good result from the store and
// runs on its own schedule. Nothing here prints; the command renders the report.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "oddsctl/engine/arbitrage.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/store.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl::alerts {

// The dedupe key "{region}:{event_id}:{market}:{point}". The point is written in its
// shortest exact decimal form ("-0.5", "220.5", "3"); h2h has no point and writes "null"
// ("au:e1:h2h:null"), so a key never ends with a bare colon.
// Other kinds than arbitrage add ":{kind}", a value bet then ":{outcome}:{bookmaker}"
// ("uk:e1:h2h:null:value:Arsenal:skybet"), a middle or low hold each leg's
// ":{outcome}@{point}". Escalation and --min-profit use opportunity_score (EV for value bets).
std::string alert_key(const Opportunity& o);

enum class AlertReason { fresh, escalation };
const char* to_string(AlertReason r);  // "new", "escalation"

// Whether an opportunity is due, given its last mark:
// - never sent, or sent longer ago than `window` (sent_at + window <= now): new;
// - sent within the window and profit_pct >= mark.profit_pct + escalation_step: escalation;
// - otherwise nullopt (suppressed). A tiny tolerance keeps 2.5 -> 3.0 with step 0.5 due
//   despite floating point.
std::optional<AlertReason> alert_due(const std::optional<store::AlertMark>& mark, double profit_pct, TimePoint now,
                                     Millis window, double escalation_step);

// What a delivery did. `error` is one line and never holds the webhook's path or query
// (they often carry a token).
struct Delivery {
  bool ok = false;
  std::string error;
};

// Delivers one alert payload. Must not throw for a failed delivery (return !ok instead).
using AlertSink = std::function<Delivery(const nlohmann::json& payload)>;

// HTTP POST of the payload as application/json; 2xx is delivered, anything else (another
// status, a refused connection, a timeout) is not. libcurl, one connection per call.
AlertSink webhook_sink(const std::string& url, Millis timeout);
// Runs `command` with /bin/sh -c, the payload (one JSON line) on its stdin, its stdout and
// stderr sent to our stderr, ODDSCTL_ALERT_KEY and ODDSCTL_ALERT_REASON in its environment
// (and none of ODDS_API_KEY*, ODDSCTL_SERVE_TOKEN: a notifier needs no secret of ours).
// Exit 0 is delivered; a non-zero exit, a signal, or running past `timeout` (then the
// command's process group is killed) is not.
AlertSink exec_sink(const std::string& command, Millis timeout);

struct AlertOptions {
  std::vector<std::string> regions;                    // resolved; empty: every region with a cached result
  store::ScanSource source = store::ScanSource::live;  // whose latest good results are alerted on
  double min_profit_pct = 0;
  bool include_flagged = false;  // --include-flagged: alert on flagged opportunities too
  Millis window = std::chrono::hours(1);
  double escalation_step = 0.5;  // percentage points
  // Regions whose latest good scan is older than this are skipped: their opportunities
  // are likely gone. nullopt: no limit.
  std::optional<Millis> max_age = std::chrono::minutes(15);
  bool dry_run = false;  // decide only: deliver nothing, mark nothing
  TimePoint now{};
  std::string owner;  // lease owner (host:pid or --worker-id)
  Millis lease_ttl = std::chrono::minutes(2);
};

struct AlertResult {
  std::string key;
  AlertReason reason = AlertReason::fresh;
  Opportunity opportunity;
  nlohmann::json payload;  // opportunity_json + alert_key + reason
  bool attempted = false;  // false in a dry run
  bool delivered = false;
  std::string error;
};

struct AlertRegion {
  std::string region;
  std::string status;  // "ok", "missing" (no good scan), "stale"
  std::optional<std::string> scan_id;
  std::optional<Millis> age;
  int opportunities = 0;  // in the cached scan, before --min-profit
};

struct AlertReport {
  TimePoint now{};
  bool dry_run = false;
  bool skipped_busy = false;  // another alerts run holds the "alerts" lease
  std::vector<AlertRegion> regions;
  std::vector<AlertResult> alerts;  // due ones, best first
  int considered = 0;               // opportunities at or above --min-profit
  int suppressed = 0;               // sent within the window without enough escalation

  int delivered() const;
  int failed() const;
  // 0 when every due alert was delivered (or none was due, or a dry run); 3 when some
  // failed; 1 when every attempted one failed.
  ExitCode exit_code() const;
};

// Reads the latest good scan of each region, decides which opportunities are due, delivers
// them best first through `sink`, and marks each delivered one in the store (a failed one is
// left unmarked so the next run retries it). Holds the store lease "alerts" for the run so
// that two overlapping runs do not both send; when it is held elsewhere nothing is sent and
// skipped_busy is set. A store failure while marking throws StoreError after the delivery.
AlertReport run_alerts(store::Store& store, const AlertOptions& options, const AlertSink& sink);

// {"generated_at", "dry_run", "skipped_busy", "considered", "due", "delivered", "failed",
//  "suppressed", "regions": [...], "alerts": [{"alert_key", "reason", "region", "event_id",
//  "market", "point", "profit_pct", "delivered", "error", "payload"}]}
nlohmann::json alert_report_json(const AlertReport& report);

}  // namespace oddsctl::alerts
