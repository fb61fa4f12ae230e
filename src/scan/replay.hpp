// --from-file, parsed once and never held whole as value types: up front every file is
// read and checked (a broken one is a UsageError before any region runs, as it always was),
// packed (replay.cpp: about a third of the JSON's size) and looked at for what detection
// needs before it starts (the newest quote per sport, which is the replay's "now"); then
// region by region the packed events come back in chunks of whole files, each detected and
// dropped.
// Internal to src/scan.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oddsctl/odds.hpp"

namespace oddsctl::scan {

struct ReplayFile {
  std::filesystem::path path;
  bool american = false;  // the prices' format, decided for the file as parse_events_json does
  std::uintmax_t bytes = 0;
  std::string packed;   // its events as plan_replay read them, in a compact form (replay.cpp)
  bool reread = false;  // not packed (it would not be smaller than the file): read it again
};

struct ReplayRegion {
  std::vector<ReplayFile> files;                     // in path order
  std::map<std::string, TimePoint> newest_by_sport;  // newest_update of each sport's events
  // An event id in two files: groups and flags are matched by event id, so such a region is
  // read in one piece, exactly as before chunking.
  bool repeated_ids = false;
};

// Regions that have files only; the files' rules are load_replay's (scan.hpp).
using ReplayPlan = std::map<std::string, ReplayRegion>;
ReplayPlan plan_replay(const std::filesystem::path& path, const std::vector<std::string>& regions, OddsFormat format);

// newest_update of the region's events of `sports` (all when empty).
std::optional<TimePoint> replay_newest(const ReplayRegion& region, const std::vector<std::string>& sports);

// The region's events in file order, in chunks of whole files of about `chunk_bytes` (the
// whole region in one chunk when repeated_ids), prices normalised: fn may change or drop
// what it is given. They are the events plan_replay read, also when a file changed since;
// only a file kept as `reread` is read again (one that no longer reads is a UsageError
// naming it).
inline constexpr std::uintmax_t k_replay_chunk_bytes = 1u << 20;  // ~3 MB of events
void for_each_replay_chunk(const ReplayRegion& region, const std::function<void(std::vector<Event>&)>& fn,
                           std::uintmax_t chunk_bytes = k_replay_chunk_bytes);

}  // namespace oddsctl::scan
