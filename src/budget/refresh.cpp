// The API's documented refresh intervals: data/refresh_intervals.toml, or built-in figures.
#include <algorithm>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "oddsctl/budget/plan.hpp"
#include "oddsctl/errors.hpp"
#include "budget/toml_file.hpp"
#include "util/modules.hpp"

namespace oddsctl::budget {

namespace {

bool is_featured(const std::string& m) { return m == "h2h" || m == "spreads" || m == "totals" || m == "h2h_lay"; }
bool is_outright(const std::string& m) { return m == "outrights" || m == "outrights_lay"; }
bool is_exchange(const std::string& book) {
  return book.rfind("betfair_ex_", 0) == 0 || book == "betfair" || book == "matchbook" || book == "smarkets";
}

Millis read_interval(const toml::table& t, const std::string& table, const char* field, const std::string& origin,
                     Millis fallback) {
  const toml::node* n = t.get(field);
  if (!n) return fallback;
  auto text = n->value<std::string>();
  if (!text)
    throw UsageError(origin + ":" + std::to_string(n->source().begin.line) + ": " + table + "." + field +
                     ": give a duration with its unit, e.g. \"60s\"");
  Millis d = parse_duration(*text, origin + ": " + table + "." + field);
  if (d.count() <= 0) throw UsageError(origin + ": " + table + "." + field + ": must be more than 0");
  return d;
}

}  // namespace

RefreshIntervals parse_refresh_toml(const std::string& text, const std::string& origin) {
  toml::table root = toml_file::parse_toml(text, origin);
  RefreshIntervals r;
  r.source = origin;
  if (auto ref = root["source"].value<std::string>()) r.reference = *ref;
  for (auto& [name, target] : {std::pair<const char*, RefreshInterval*>{"featured", &r.featured},
                               {"additional", &r.additional},
                               {"outrights", &r.outrights},
                               {"exchanges", &r.exchanges}}) {
    const toml::node* node = root.get(name);
    if (!node) continue;
    const toml::table* t = node->as_table();
    if (!t) throw UsageError(origin + ": " + name + " is not a table ([" + name + "] pre_match = \"60s\")");
    for (const auto& [key, value] : *t) {
      (void)value;
      if (key.str() != "pre_match" && key.str() != "in_play")
        throw UsageError(origin + ":" + std::to_string(key.source().begin.line) + ": " + name + "." +
                         std::string(key.str()) + ": unknown key (pre_match, in_play)");
    }
    target->pre_match = read_interval(*t, name, "pre_match", origin, target->pre_match);
    target->in_play = read_interval(*t, name, "in_play", origin, target->in_play);
  }
  return r;
}

RefreshIntervals load_refresh_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("refresh intervals file " + path.string() + ": cannot be read");
  std::ostringstream os;
  os << in.rdbuf();
  return parse_refresh_toml(os.str(), path.string());
}

std::vector<std::filesystem::path> refresh_search_path(const std::filesystem::path& exe_dir) {
  const char* name = "refresh_intervals.toml";
  return {exe_dir / ".." / "share" / "oddsctl" / name, exe_dir / ".." / "data" / name,
          exe_dir / ".." / ".." / "data" / name};
}

std::optional<std::filesystem::path> find_data_file(const std::string& name) {
  const std::filesystem::path dir = util::executable_dir();
  if (dir.empty()) return std::nullopt;
  for (const auto& p :
       {dir / ".." / "share" / "oddsctl" / name, dir / ".." / "data" / name, dir / ".." / ".." / "data" / name}) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(p, ec)) return std::filesystem::weakly_canonical(p, ec);
  }
  return std::nullopt;
}

Millis refresh_for(const RefreshIntervals& r, const std::vector<std::string>& markets,
                   const std::vector<std::string>& bookmakers, bool in_play) {
  auto pick = [&](const RefreshInterval& i) { return in_play ? i.in_play : i.pre_match; };
  if (!bookmakers.empty() && std::all_of(bookmakers.begin(), bookmakers.end(), is_exchange)) return pick(r.exchanges);
  if (markets.empty()) return pick(r.featured);
  std::optional<Millis> shortest;
  for (const auto& m : markets) {
    const Millis every = is_featured(m) ? pick(r.featured) : is_outright(m) ? pick(r.outrights) : pick(r.additional);
    shortest = shortest ? std::min(*shortest, every) : every;
  }
  return *shortest;
}

std::int64_t unrefreshed_credits(std::int64_t credits, Millis every, Millis refresh) {
  if (credits <= 0 || every.count() <= 0 || every >= refresh) return 0;
  // credits x (refresh - every) / refresh, in integers (rounded down: never overstated).
  return credits * (refresh.count() - every.count()) / refresh.count();
}

std::optional<std::string> polling_warning(const std::string& command, Millis every, Millis refresh,
                                           const RefreshIntervals& source) {
  if (every.count() <= 0 || every >= refresh) return std::nullopt;
  const std::int64_t pct = 100 * (refresh.count() - every.count()) / refresh.count();
  return command + " --every " + format_duration(every) +
         " is shorter than the API's refresh interval for these markets (" + format_duration(refresh) + ", " +
         source.source + "): about " + std::to_string(pct) +
         "% of the calls' credits buy data the API has not refreshed yet";
}

}  // namespace oddsctl::budget
