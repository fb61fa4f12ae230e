// Text forms of the Store's enums: the same words the JSON output and the stored rows use.
#include "oddsctl/errors.hpp"
#include "oddsctl/store.hpp"

namespace oddsctl::store {

const char* to_string(RegionStatus s) {
  switch (s) {
    case RegionStatus::ok: return "ok";
    case RegionStatus::partial: return "partial";
    case RegionStatus::failed: return "failed";
    case RegionStatus::skipped: return "skipped";
  }
  return "failed";
}

// A stored status this binary does not know is a corrupt row, not a user mistake.
RegionStatus region_status_from_string(const std::string& s) {
  if (s == "ok") return RegionStatus::ok;
  if (s == "partial") return RegionStatus::partial;
  if (s == "failed") return RegionStatus::failed;
  if (s == "skipped") return RegionStatus::skipped;
  throw StoreError("unknown region status '" + s + "'");
}

const char* to_string(ScanSource s) {
  switch (s) {
    case ScanSource::live: return "live";
    case ScanSource::replay: return "replay";
    case ScanSource::demo: return "demo";
    case ScanSource::store: return "store";
  }
  return "live";
}

// nullopt for a word this binary does not know: the caller decides whether that is a user's
// typo (a usage error) or a corrupt row (a store error).
std::optional<ScanSource> scan_source_from_string(const std::string& s) {
  if (s == "live") return ScanSource::live;
  if (s == "replay") return ScanSource::replay;
  if (s == "demo") return ScanSource::demo;
  if (s == "store") return ScanSource::store;
  return std::nullopt;
}

const char* to_string(EmptyReason r) {
  switch (r) {
    case EmptyReason::none: return "none";
    case EmptyReason::no_events: return "no_events";
    case EmptyReason::filtered: return "filtered";
    case EmptyReason::no_snapshots: return "no_snapshots";
  }
  return "none";
}

std::optional<EmptyReason> empty_reason_from_string(const std::string& s) {
  if (s == "none") return EmptyReason::none;
  if (s == "no_events") return EmptyReason::no_events;
  if (s == "filtered") return EmptyReason::filtered;
  if (s == "no_snapshots") return EmptyReason::no_snapshots;
  return std::nullopt;
}

const char* to_string(Tier t) {
  switch (t) {
    case Tier::hot: return "hot";
    case Tier::warm: return "warm";
    case Tier::cold: return "cold";
    case Tier::frozen: return "frozen";
  }
  return "cold";
}

std::optional<Tier> tier_from_string(const std::string& s) {
  if (s == "hot") return Tier::hot;
  if (s == "warm") return Tier::warm;
  if (s == "cold") return Tier::cold;
  if (s == "frozen") return Tier::frozen;
  return std::nullopt;
}

}  // namespace oddsctl::store
