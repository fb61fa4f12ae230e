// `oddsctl clv`: closing-line value of stored value bets and of a user's placed bets, from
// what the store already holds (no API call, no credits). Nothing here prints.
//
// The close of an event is the last stored sync snapshot or scan taken before its
// commence_time: from a snapshot the fair price is computed as the value detector does (the
// same --sharp reference and --devig method); from a scan, the p_fair of a value bet it stored
// for the same event, market, outcome and line. The newer of the two wins.
// CLV % = (p_close * effective_price - 1) * 100: the EV the bet had against the closing fair
// price; a bet "beats the close" when that is above 0.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "oddsctl/engine/arbitrage.hpp"
#include "oddsctl/store.hpp"
#include "oddsctl/engine/value.hpp"

namespace oddsctl::clv {

struct PlacedBet {
  std::string region;  // may be empty (file bets): any region
  std::string event_id;
  std::string sport_key;  // filled from the store when the file does not say
  std::string market = "h2h";
  std::string outcome;
  std::optional<double> point;  // the bet's own line (spreads: its side's point)
  std::string bookmaker;
  double price = 0;  // decimal, as taken
  std::optional<TimePoint> placed_at;
  std::string origin = "file";        // "stored" (a stored value bet) or "file" (--bets)
  std::optional<double> p_fair_then;  // stored value bets: the fair probability when found
};

// A --bets file: CSV with a header (event, market, outcome, line, book, price, time; also
// event_id, point, bookmaker, placed_at, region, sport) or JSON (an array of objects with
// those keys, or {"bets": [...]}). UsageError naming file:line for a bad row.
std::vector<PlacedBet> read_placed_bets(const std::filesystem::path& path);

struct ClvOptions {
  std::vector<std::string> regions;                    // empty: every region
  store::ScanSource source = store::ScanSource::live;  // whose stored scans are read
  bool stored_bets = true;                             // the stored value bets (--no-stored: only --bets)
  std::vector<PlacedBet> bets;                         // --bets
  engine::ValueRules value;                            // reference books and method for snapshots
  engine::CommissionTable commissions = engine::CommissionTable::defaults();
  TimePoint now{};  // events starting after this have no close yet
};

struct ClvBet {
  PlacedBet bet;
  double effective_price = 0;
  // "ok"; "open" (the event has not started: no close yet); "no_close" (nothing stored
  // before the start prices it); "unknown_event" (the store knows no such event).
  std::string status = "ok";
  std::optional<TimePoint> commence_time;
  std::optional<TimePoint> closed_at;  // when the closing line was stored
  std::string closing_from;            // "snapshot" or "scan"
  std::optional<double> closing_p_fair;
  std::optional<double> closing_fair_price;
  std::vector<std::string> reference;
  std::optional<double> clv_pct;
};

struct ClvSummary {
  std::string name;  // "all", a bookmaker, a sport key
  int bets = 0;
  int with_close = 0;
  std::optional<double> mean_clv_pct;
  std::optional<double> beat_close_share;  // 0..1 of those with a close
};

struct ClvReport {
  TimePoint now{};
  std::vector<ClvBet> bets;
  ClvSummary overall;
  std::vector<ClvSummary> by_book;
  std::vector<ClvSummary> by_sport;
};

ClvReport run_clv(store::Store& store, const ClvOptions& options);
nlohmann::json clv_report_json(const ClvReport& report);

}  // namespace oddsctl::clv
