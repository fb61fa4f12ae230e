// find_opportunities: one grouping, the detectors asked for, then flags and stakes.
#include <algorithm>
#include <cctype>

#include "engine/detectors.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/settings.hpp"  // split_list
#include "oddsctl/text.hpp"

namespace oddsctl::engine {

namespace {
// Kinds whose detector is in this build (each flips when its detector lands).
constexpr bool k_have_value = true;    // value.cpp
constexpr bool k_have_middles = true;  // middles.cpp
constexpr bool k_have_lowhold = true;  // lowhold.cpp
}  // namespace

const std::vector<std::string>& find_kind_names() {
  static const std::vector<std::string> names = {"arbs", "value", "middles", "lowhold"};
  return names;
}

FindKinds parse_find_kinds(const std::vector<std::string>& items) {
  FindKinds k{false, false, false, false};
  bool any = false;
  for (const auto& item : items) {
    for (std::string word : settings::split_list(item)) {
      for (auto& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      any = true;
      if (word == "all") k = FindKinds{true, true, true, true};
      else if (word == "arbs" || word == "arb") k.arbs = true;
      else if (word == "value") k.value = true;
      else if (word == "middles" || word == "middle") k.middles = true;
      else if (word == "lowhold") k.lowhold = true;
      else {
        std::string hint = nearest_word(word, find_kind_names(), 2);
        throw UsageError("--find: unknown kind '" + printable(word) + "'" +
                         (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                         " (kinds: arbs, value, middles, lowhold, or all)");
      }
    }
  }
  // Kinds whose detector this build does not have yet are refused, never silently empty;
  // "all" means every kind this build has.
  const bool all = std::find(items.begin(), items.end(), "all") != items.end();
  std::string missing;
  auto have = [&](bool& asked, bool built, const char* name) {
    if (!asked || built) return;
    if (all) asked = false;
    else missing += std::string(missing.empty() ? "" : ", ") + name;
  };
  have(k.value, k_have_value, "value");
  have(k.middles, k_have_middles, "middles");
  have(k.lowhold, k_have_lowhold, "lowhold");
  if (!missing.empty()) throw UsageError("--find: " + missing + ": not in this build");
  if (!any) throw UsageError("--find: no kind given (arbs, value, middles, lowhold, or all)");
  return k;
}

std::vector<OpportunityKind> parse_opportunity_kinds(const std::vector<std::string>& items, const std::string& flag) {
  std::vector<OpportunityKind> out;
  auto add = [&](OpportunityKind k) {
    if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  };
  for (const auto& item : items)
    for (std::string word : settings::split_list(item)) {
      for (auto& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (word == "arbs") word = "arb";
      if (word == "middles") word = "middle";
      if (auto k = opportunity_kind_from_string(word)) {
        add(*k);
        continue;
      }
      static const std::vector<std::string> names = {"arb", "value", "middle", "lowhold"};
      std::string hint = nearest_word(word, names, 2);
      throw UsageError(flag + ": unknown kind '" + printable(word) + "'" +
                       (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                       " (kinds: arb, value, middle, lowhold)");
    }
  return out;
}

std::vector<Opportunity> find_opportunities(const std::string& region, const std::vector<Event>& events,
                                            const ArbRules& rules, const DetectRules& detect) {
  const auto groups = engine::market_groups(events, rules);
  std::vector<Opportunity> out;
  auto add = [&](std::vector<Opportunity> found) {
    out.insert(out.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
  };
  if (detect.find.arbs) add(engine::arbitrage_in(region, groups, rules));
  if (detect.find.value) add(engine::value_bets_in(region, groups, rules, detect.value));
  if (detect.find.middles) add(engine::middles_in(region, groups, rules, detect.middle));
  if (detect.find.lowhold) add(engine::low_hold_in(region, groups, rules, detect.lowhold));
  engine::apply_flags(out, groups, detect.flags);
  engine::place_stakes(out, rules, detect.stakes);
  std::stable_sort(out.begin(), out.end(), opportunity_before);
  return out;
}

}  // namespace oddsctl::engine
