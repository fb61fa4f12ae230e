// The one parser of the API options (scan, sync, cache get --fallback-scan).
#include "oddsctl/api/options.hpp"

#include <algorithm>

#include "oddsctl/api.hpp"
#include "oddsctl/budget/billing.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/text.hpp"
#include "oddsctl/keys.hpp"

namespace oddsctl::api {

namespace {

const std::vector<std::string> k_featured = {"h2h", "spreads", "totals", "outrights", "h2h_lay", "outrights_lay"};
const std::vector<std::string> k_additional = {"alternate_spreads",    "alternate_totals", "btts",
                                               "draw_no_bet",          "h2h_3_way",        "team_totals",
                                               "alternate_team_totals"};
// Markets that also come per period (quarter, half, period, innings).
const std::vector<std::string> k_period_bases = {"h2h",    "h2h_3_way",        "spreads",     "alternate_spreads",
                                                 "totals", "alternate_totals", "team_totals", "alternate_team_totals"};
const std::vector<std::string> k_periods = {
    "q1",           "q2", "q3", "q4", "h1", "h2", "p1", "p2", "p3", "1st_1_innings", "1st_3_innings", "1st_5_innings",
    "1st_7_innings"};
const std::vector<std::string> k_prop_prefixes = {"player_", "batter_", "pitcher_"};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string nearest_market(const std::string& key) {
  std::vector<std::string> named = k_featured;
  named.insert(named.end(), k_additional.begin(), k_additional.end());
  return nearest_word(key, named, 2);  // more than two edits away is not a typo
}

}  // namespace

bool is_known_market(const std::string& key) {
  if (contains(k_featured, key) || contains(k_additional, key)) return true;
  for (const auto& base : k_period_bases)
    for (const auto& p : k_periods)
      if (key == base + "_" + p) return true;
  for (const auto& prefix : k_prop_prefixes)
    if (key.size() > prefix.size() && key.rfind(prefix, 0) == 0 &&
        std::all_of(key.begin(), key.end(),
                    [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '_'; }))
      return true;
  return false;
}

void check_markets(const std::vector<std::string>& markets) {
  if (markets.empty()) throw UsageError("--markets: give at least one market (e.g. h2h,spreads,totals)");
  std::vector<std::string> problems;
  for (const auto& m : markets) {
    if (m.size() > 4 && m.compare(m.size() - 4, 4, "_lay") == 0)
      throw UsageError("--markets: '" + m +
                       "' is an exchange lay market; lay prices are never combined with back prices");
    if (is_known_market(m)) continue;
    std::string near = nearest_market(m);
    problems.push_back("'" + m + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
  }
  if (problems.empty()) return;
  std::string list;
  for (const auto& p : problems) list += (list.empty() ? "" : ", ") + p;
  throw UsageError("--markets: unknown market " + list +
                   "; valid: h2h, spreads, totals, outrights, alternate_spreads, alternate_totals, btts, draw_no_bet, "
                   "h2h_3_way, team_totals, alternate_team_totals, their period forms (e.g. h2h_q1, totals_h1) "
                   "and player_*/batter_*/pitcher_* props");
}

std::vector<std::string> canonical_regions(const std::vector<std::string>& asked) {
  std::vector<std::string> lowered;
  for (const auto& r : asked) {
    std::string l = r;
    std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (l == "all") return known_regions();
    if (!is_known_region(l)) throw UsageError("--regions: unknown region '" + r + "' (known: au, uk, us, eu, or all)");
    lowered.push_back(l);
  }
  std::vector<std::string> out;
  for (const auto& r : known_regions())
    if (contains(lowered, r)) out.push_back(r);
  return out;
}

ClientOptions client_options(const ApiOptions& o, const std::string& region, const std::string& command) {
  ClientOptions co;
  co.base_url = o.base_url;
  co.region = region;
  co.command = command;
  co.connect_timeout = o.connect_timeout;
  co.request_timeout = o.timeout;
  co.max_retries = o.max_retries;
  // Only this region's books, and only when naming them costs no more than asking for the
  // region (oddsctl/budget/billing.hpp); otherwise regions= alone and the engine keeps the books asked.
  const budget::BookRequest books = budget::plan_books(region, o.bookmakers);
  if (books.by_bookmakers && books.units > 0) co.bookmakers = books.books;
  return co;
}

}  // namespace oddsctl::api
