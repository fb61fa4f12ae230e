// The bookmaker keys of each region, as The Odds API lists them (2026). Only used to warn
// about a typo in --bookmakers: the API adds books often, so an unknown key still goes out.
#include <algorithm>
#include <map>

#include <spdlog/spdlog.h>

#include "oddsctl/scan.hpp"

namespace oddsctl::scan {

const std::vector<std::string>& known_bookmakers(const std::string& region) {
  static const std::map<std::string, std::vector<std::string>> books = {
      {"au",
       {"betfair_ex_au", "betr_au", "betright", "bet365_au", "boombet", "dabble_au", "ladbrokes_au", "neds", "playup",
        "pointsbetau", "sportsbet", "surgeau", "tab", "tabtouch", "unibet"}},
      {"uk",
       {"sport888",   "betfair_ex_uk", "betfair_sb_uk", "betfred_uk",   "betvictor", "betway",       "boylesports",
        "casumo",     "coral",         "grosvenor",     "ladbrokes_uk", "leovegas",  "livescorebet", "matchbook",
        "paddypower", "skybet",        "smarkets",      "unibet_uk",    "virginbet", "williamhill"}},
      {"us", {"betonlineag", "betmgm",   "betrivers",   "betus",       "bovada",      "williamhill_us", "draftkings",
              "fanatics",    "fanduel",  "lowvig",      "mybookieag",  "ballybet",    "betanysports",   "betparx",
              "espnbet",     "fliff",    "hardrockbet", "windcreek",   "pointsbetus", "superbook",      "unibet_us",
              "wynnbet",     "barstool", "betfred_us",  "circasports", "foxbet",      "sugarhouse",     "twinspires"}},
      {"eu",
       {"onexbet",    "sport888",  "betclic_fr",      "betanysports", "betfair_ex_eu", "betonlineag", "betsson",
        "betvictor",  "coolbet",   "everygame",       "gtbets",       "leovegas_se",   "marathonbet", "matchbook",
        "mybookieag", "nordicbet", "parionssport_fr", "pinnacle",     "pmu_fr",        "suprabets",   "tipico_de",
        "unibet_fr",  "unibet_it", "unibet_nl",       "unibet_se",    "williamhill",   "winamax_de",  "winamax_fr"}},
  };
  static const std::vector<std::string> none;
  auto it = books.find(region);
  return it == books.end() ? none : it->second;
}

void warn_unknown_bookmakers(const std::vector<std::string>& bookmakers, const std::vector<std::string>& regions) {
  std::vector<std::string> asked_regions = regions.empty() ? known_regions() : regions;
  for (const auto& b : bookmakers) {
    bool known = std::any_of(asked_regions.begin(), asked_regions.end(), [&](const std::string& r) {
      const auto& list = known_bookmakers(r);
      return std::find(list.begin(), list.end(), b) != list.end();
    });
    if (!known)
      spdlog::warn("--bookmakers: '{}' is not a bookmaker oddsctl knows in the regions asked; asking for it anyway", b);
  }
}

}  // namespace oddsctl::scan
