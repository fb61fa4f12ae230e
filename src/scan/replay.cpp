// --from-file: saved /odds responses replayed with no network (replay.hpp).
#include "scan/replay.hpp"

#include <algorithm>
#include <system_error>
#include <unordered_map>

#include "core/odds_reader.hpp"
#include "core/price.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/keys.hpp"
#include "oddsctl/scan.hpp"
#include "util/modules.hpp"

namespace fs = std::filesystem;

namespace oddsctl::scan {

namespace {

// The region a file belongs to: the nearest enclosing folder named after a region.
std::optional<std::string> region_of(const fs::path& file, const fs::path& root) {
  for (fs::path dir = file.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    std::string name = dir.filename().string();
    if (is_known_region(name)) return name;
    if (dir == root || dir == dir.parent_path()) break;
  }
  return std::nullopt;
}

// Reads one file with the reader; every failure is a UsageError naming the file.
bool read_replay_file(EventReader& reader, const fs::path& file, const std::function<void(Event&)>& sink) {
  try {
    return reader.read_file(file, sink);
  } catch (const Error&) {
    throw;
  } catch (const std::system_error&) {
    throw UsageError("--from-file: cannot read " + file.string());
  } catch (const std::exception& e) {
    throw UsageError("--from-file: " + file.string() + ": " + e.what());
  }
}

}  // namespace

ReplayPlan plan_replay(const fs::path& path, const std::vector<std::string>& regions, OddsFormat format) {
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(path, ec)) {
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
      if (it->is_regular_file() && it->path().extension() == ".json") files.push_back(it->path());
    std::sort(files.begin(), files.end());
    if (files.empty()) throw UsageError("--from-file: no .json files under " + path.string());
  } else if (fs::is_regular_file(path, ec)) {
    files.push_back(path);
  } else {
    throw UsageError("--from-file: " + path.string() + ": no such file or folder");
  }

  ReplayPlan out;
  EventReader reader;
  std::map<std::string, std::unordered_map<std::string, std::size_t>> ids;  // per region: event id -> file
  for (std::size_t index = 0; index < files.size(); ++index) {
    const fs::path& file = files[index];
    std::optional<std::string> region = region_of(file, path);
    if (!region) {
      if (regions.size() != 1)
        throw UsageError("--from-file: cannot tell which region " + file.filename().string() +
                         " is from (put it in a folder named au, uk, us or eu, or pass exactly one --regions)");
      region = regions.front();
    }
    if (!regions.empty() && std::find(regions.begin(), regions.end(), *region) == regions.end()) continue;
    ReplayRegion& dest = out[*region];
    auto& seen = ids[*region];
    // The check pass: every event read (and checked) in full, only looked at, then its
    // buffers reused for the next.
    const bool negative = read_replay_file(reader, file, [&](Event& e) {
      auto see = [&](const std::optional<TimePoint>& t) {
        if (!t) return;
        auto [it, fresh] = dest.newest_by_sport.emplace(e.sport_key, *t);
        if (!fresh && *t > it->second) it->second = *t;
      };
      for (const auto& b : e.bookmakers) {
        see(b.last_update);
        for (const auto& m : b.markets) see(m.last_update);
      }
      auto [it, fresh] = seen.emplace(e.id, index);
      if (!fresh && it->second != index) dest.repeated_ids = true;
    });
    ReplayFile f;
    f.path = file;
    f.american = format == OddsFormat::american || (format == OddsFormat::automatic && negative);
    f.bytes = fs::file_size(file, ec);
    dest.files.push_back(std::move(f));
  }
  // Only regions that have files: run_scan refuses an asked region without any, rather
  // than storing it as "ok, 0 events".
  return out;
}

std::optional<TimePoint> replay_newest(const ReplayRegion& region, const std::vector<std::string>& sports) {
  std::optional<TimePoint> newest;
  for (const auto& [sport, t] : region.newest_by_sport)
    if (sports.empty() || std::find(sports.begin(), sports.end(), sport) != sports.end())
      if (!newest || t > *newest) newest = t;
  return newest;
}

void for_each_replay_chunk(const ReplayRegion& region, const std::function<void(std::vector<Event>&)>& fn,
                           std::uintmax_t chunk_bytes) {
  EventReader reader;
  std::vector<Event> chunk, file_events;
  std::uintmax_t bytes = 0;
  for (const auto& f : region.files) {
    file_events.clear();
    read_replay_file(reader, f.path, [&](Event& e) { file_events.push_back(std::move(e)); });
    normalise_prices(file_events, f.american);
    if (chunk.empty()) chunk.swap(file_events);
    else
      chunk.insert(chunk.end(), std::make_move_iterator(file_events.begin()),
                   std::make_move_iterator(file_events.end()));
    bytes += f.bytes;
    if (!region.repeated_ids && bytes >= chunk_bytes) {
      fn(chunk);
      chunk.clear();
      bytes = 0;
    }
  }
  if (!chunk.empty()) fn(chunk);
}

std::map<std::string, std::vector<Event>> load_replay(const fs::path& path, const std::vector<std::string>& regions,
                                                      OddsFormat format) {
  std::map<std::string, std::vector<Event>> out;
  for (const auto& [name, region] : plan_replay(path, regions, format)) {
    auto& dest = out[name];
    for_each_replay_chunk(region, [&](std::vector<Event>& chunk) {
      dest.insert(dest.end(), std::make_move_iterator(chunk.begin()), std::make_move_iterator(chunk.end()));
    });
  }
  return out;
}

fs::path data_dir() {
  if (const char* env = std::getenv("ODDSCTL_DATA_DIR"); env && *env) return env;
  // Only places relative to the binary, so that an installed tree can move: installed
  // (bin/../share/oddsctl), then a build folder's (CMake links <build>/share/oddsctl to the
  // source tree's data/).
  const std::string exe_dir = util::executable_dir();
  if (exe_dir.empty()) return "/usr/share/oddsctl";  // no /proc: the usual place
  const fs::path installed = fs::path(exe_dir).parent_path() / "share" / "oddsctl";
  std::error_code ec;
  for (const fs::path& dir : {installed, fs::path(exe_dir) / "share" / "oddsctl"})
    if (fs::is_directory(dir / "demo", ec)) return dir;
  return installed;  // missing: the caller's error names where it looked
}

}  // namespace oddsctl::scan
