// --from-file: saved /odds responses replayed with no network (replay.hpp).
#include "scan/replay.hpp"

#include <algorithm>
#include <cstring>
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

// A packed string's first byte: its length, or one of these.
constexpr unsigned char k_home = 253, k_away = 254, k_long = 255;  // the event's home/away team; a u32 length

// The compact form plan_replay keeps of a file's events, so that each file is parsed once
// and a region still never sits in memory as value types (about 3x the JSON): the fields in
// declaration order, strings as a length and their bytes, times as milliseconds, each
// optional behind a flag; about a third of the JSON's size (no keys, quotes or punctuation).

class Packer {
public:
  explicit Packer(std::string& out) : m_out(out) {}

  void event(const Event& e) {
    for (const std::string* s : {&e.id, &e.sport_key, &e.sport_title, &e.home_team, &e.away_team}) str(*s);
    i64(e.commence_time.time_since_epoch().count());
    u32(e.bookmakers.size());
    for (const auto& b : e.bookmakers) {
      str(b.key);
      str(b.title);
      time(b.last_update);
      opt_str(b.link);
      u32(b.markets.size());
      for (const auto& m : b.markets) {
        str(m.key);
        time(m.last_update);
        opt_str(m.link);
        u32(m.outcomes.size());
        for (const auto& o : m.outcomes) {
          // Most names are a team's: one byte then.
          if (o.name == e.home_team && !o.name.empty()) m_out.push_back(static_cast<char>(k_home));
          else if (o.name == e.away_team && !o.name.empty()) m_out.push_back(static_cast<char>(k_away));
          else str(o.name);
          f64(o.price);
          m_out.push_back(static_cast<char>((o.point ? 1 : 0) | (o.link ? 2 : 0) | (o.bet_limit ? 4 : 0)));
          if (o.point) f64(*o.point);
          if (o.link) str(*o.link);
          if (o.bet_limit) f64(*o.bet_limit);
        }
      }
    }
  }

private:
  std::string& m_out;

  void raw(const void* p, std::size_t n) { m_out.append(static_cast<const char*>(p), n); }
  void u32(std::size_t v) {
    const auto n = static_cast<std::uint32_t>(v);
    raw(&n, sizeof n);
  }
  void i64(std::int64_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  void str(std::string_view s) {
    if (s.size() < k_home) {
      m_out.push_back(static_cast<char>(s.size()));
    } else {
      m_out.push_back(static_cast<char>(k_long));
      u32(s.size());
    }
    m_out.append(s);
  }
  void time(const std::optional<TimePoint>& t) {
    m_out.push_back(t ? 1 : 0);
    if (t) i64(t->time_since_epoch().count());
  }
  void opt_str(const std::optional<std::string>& s) {
    m_out.push_back(s ? 1 : 0);
    if (s) str(*s);
  }
};

// Reads Packer's form back into events whose buffers are reused (the chunk's), prices
// normalised as normalise_prices does.
class Unpacker {
public:
  Unpacker(std::string_view in, bool american) : m_p(in.data()), m_end(in.data() + in.size()), m_american(american) {}
  bool done() const { return m_p >= m_end; }

  void event(Event& e) {
    for (std::string* s : {&e.id, &e.sport_key, &e.sport_title, &e.home_team, &e.away_team}) str(*s);
    e.commence_time = TimePoint(TimePoint::duration(i64()));
    const std::size_t books = u32();
    e.bookmakers.resize(books);
    for (auto& b : e.bookmakers) {
      str(b.key);
      str(b.title);
      time(b.last_update);
      opt_str(b.link);
      b.markets.resize(u32());
      for (auto& m : b.markets) {
        str(m.key);
        time(m.last_update);
        opt_str(m.link);
        const std::size_t n = u32();
        std::size_t used = 0;
        if (m.outcomes.size() < n) m.outcomes.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
          Outcome& o = m.outcomes[used];
          if (const auto c = static_cast<unsigned char>(*m_p); c == k_home || c == k_away) {
            ++m_p;
            o.name.assign(c == k_home ? e.home_team : e.away_team);
          } else {
            str(o.name);
          }
          o.price = f64();
          const auto flags = static_cast<unsigned char>(*m_p++);
          if (flags & 1) o.point = f64();
          else o.point.reset();
          if (flags & 2) str(o.link.emplace());
          else o.link.reset();
          if (flags & 4) o.bet_limit = f64();
          else o.bet_limit.reset();
          if (normalise_price(o.price, m_american)) ++used;  // else the quote is dropped
        }
        m.outcomes.resize(used);
      }
    }
  }

private:
  const char* m_p;
  const char* m_end;
  bool m_american;

  template <class T>
  T get() {
    T v;
    std::memcpy(&v, m_p, sizeof v);
    m_p += sizeof v;
    return v;
  }
  std::size_t u32() { return get<std::uint32_t>(); }
  std::int64_t i64() { return get<std::int64_t>(); }
  double f64() { return get<double>(); }
  void str(std::string& s) {
    std::size_t n = static_cast<unsigned char>(*m_p++);
    if (n == k_long) n = u32();
    s.assign(m_p, n);
    m_p += n;
  }
  void time(std::optional<TimePoint>& t) {
    if (*m_p++) t = TimePoint(TimePoint::duration(i64()));
    else t.reset();
  }
  void opt_str(std::optional<std::string>& s) {
    if (*m_p++) str(s ? *s : s.emplace());
    else s.reset();
  }
};

// The next event of a chunk being filled: one left from an earlier chunk (its buffers
// reused) or a new one.
Event& next_slot(std::vector<Event>& chunk, std::size_t& used) {
  if (used == chunk.size()) chunk.emplace_back();
  return chunk[used++];
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
  std::string packed;  // the file being read, packed; its capacity kept from file to file
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
    // The one parse: every event read (and checked) in full and packed, then its buffers
    // reused for the next.
    packed.clear();
    Packer packer(packed);
    const bool negative = read_replay_file(reader, file, [&](Event& e) {
      packer.event(e);
      std::optional<TimePoint> newest;  // the event's, then one look-up of its sport
      auto see = [&](const std::optional<TimePoint>& t) {
        if (t && (!newest || *t > *newest)) newest = t;
      };
      for (const auto& b : e.bookmakers) {
        see(b.last_update);
        for (const auto& m : b.markets) see(m.last_update);
      }
      if (newest) {
        auto [it, fresh] = dest.newest_by_sport.emplace(e.sport_key, *newest);
        if (!fresh && *newest > it->second) it->second = *newest;
      }
      auto [it, fresh] = seen.emplace(e.id, index);
      if (!fresh && it->second != index) dest.repeated_ids = true;
    });
    ReplayFile f;
    f.path = file;
    f.american = format == OddsFormat::american || (format == OddsFormat::automatic && negative);
    f.bytes = fs::file_size(file, ec);
    // A file of tiny objects can pack larger than itself: that one is read again instead,
    // so that what a plan holds stays below the input's size.
    if (packed.size() <= f.bytes) f.packed.assign(packed);
    else f.reread = true;
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
  // Events are filled into the chunk's slots, so that a chunk reuses the buffers of the one
  // before it; `used` of them are this chunk's.
  std::vector<Event> chunk;
  std::size_t used = 0;
  std::uintmax_t bytes = 0;
  for (const auto& f : region.files) {
    if (f.reread) {
      read_replay_file(reader, f.path, [&](Event& e) {
        Event& slot = next_slot(chunk, used);
        std::swap(slot, e);  // the reader gets the slot's buffers to reuse
        for (auto& b : slot.bookmakers)
          for (auto& m : b.markets)
            std::erase_if(m.outcomes, [&](Outcome& o) { return !normalise_price(o.price, f.american); });
      });
    } else {
      for (Unpacker in(f.packed, f.american); !in.done();) in.event(next_slot(chunk, used));
    }
    bytes += f.bytes;
    if (!region.repeated_ids && bytes >= chunk_bytes) {
      chunk.resize(used);
      fn(chunk);
      used = 0;
      bytes = 0;
    }
  }
  if (used) {
    chunk.resize(used);
    fn(chunk);
  }
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
