// --from-file: saved /odds responses replayed with no network.
#include <algorithm>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "oddsctl/errors.hpp"
#include "oddsctl/keys.hpp"
#include "oddsctl/scan.hpp"

namespace fs = std::filesystem;

namespace oddsctl {

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("--from-file: cannot read " + path.string());
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

// The region a file belongs to: the nearest enclosing folder named after a region.
std::optional<std::string> region_of(const fs::path& file, const fs::path& root) {
  for (fs::path dir = file.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    std::string name = dir.filename().string();
    if (is_known_region(name)) return name;
    if (dir == root || dir == dir.parent_path()) break;
  }
  return std::nullopt;
}

}  // namespace

std::map<std::string, std::vector<Event>> load_replay(const fs::path& path, const std::vector<std::string>& regions,
                                                      OddsFormat format) {
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

  std::map<std::string, std::vector<Event>> out;
  for (const auto& file : files) {
    std::optional<std::string> region = region_of(file, path);
    if (!region) {
      if (regions.size() != 1)
        throw UsageError("--from-file: cannot tell which region " + file.filename().string() +
                         " is from (put it in a folder named au, uk, us or eu, or pass exactly one --regions)");
      region = regions.front();
    }
    if (!regions.empty() && std::find(regions.begin(), regions.end(), *region) == regions.end()) continue;
    std::vector<Event> events;
    try {
      events = parse_events_json(read_file(file), format);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw UsageError("--from-file: " + file.string() + ": " + e.what());
    }
    auto& dest = out[*region];
    dest.insert(dest.end(), std::make_move_iterator(events.begin()), std::make_move_iterator(events.end()));
  }
  // Only regions that have files: run_scan refuses an asked region without any, rather
  // than storing it as "ok, 0 events".
  return out;
}

fs::path data_dir() {
  if (const char* env = std::getenv("ODDSCTL_DATA_DIR"); env && *env) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "share" / "oddsctl";
    if (fs::is_directory(installed / "demo", ec)) return installed;
  }
#ifdef ODDSCTL_SOURCE_DATA_DIR
  return ODDSCTL_SOURCE_DATA_DIR;
#else
  return "/usr/local/share/oddsctl";
#endif
}

}  // namespace oddsctl
