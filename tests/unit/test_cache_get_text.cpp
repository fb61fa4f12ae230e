// `cache get --json` from the stored texts (CacheGetOptions::as_text): the text written out
// without parsing must be byte for byte what reading every opportunity whole and dumping
// cache_get_json gives, over every field of every kind (generated), every filter, and rows
// the store did not write itself (older versions, other programs).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include <nlohmann/json.hpp>

#include "cache/order.hpp"
#include "oddsctl/cache.hpp"
#include "test_cache_util.hpp"
#include "test_store_file.hpp"

using namespace cache_test;
using nlohmann::json;
using store_file::exec;
using store_file::text_forms;

namespace {

// Opportunities of every kind with every optional field set or not at random, prices and
// stakes with many digits (and whole numbers), profit ties, and names with escapes and
// UTF-8, valid and broken.
std::vector<Opportunity> generated(const std::string& region, unsigned seed, int n) {
  std::mt19937 rng(seed);
  auto coin = [&] { return rng() % 2 == 0; };
  auto real = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  auto maybe = [&](double lo, double hi) { return coin() ? std::optional<double>(real(lo, hi)) : std::nullopt; };
  const std::vector<std::string> names = {"Arsenal",         "Chelsea \"The Blues\"", "M\xc3\xbcnchen \xe2\x82\xac",
                                          "tab\tand\\slash", "broken \xff\xfe",       "new\nline",
                                          "\x01 control"};
  const std::vector<std::string> markets = {"h2h", "spreads", "totals"};
  const std::vector<std::string> sports = {"soccer_epl", "basketball_nba", "tennis_atp", "soccer_spain_la_liga"};
  std::vector<Opportunity> out;
  for (int i = 0; i < n; ++i) {
    Opportunity o = opp(region, sports[rng() % sports.size()], "e" + std::to_string(rng() % 7),
                        markets[rng() % markets.size()], coin() ? 2.5 : real(0.01, 9.0));
    o.home_team = names[rng() % names.size()];
    o.away_team = names[rng() % names.size()];
    o.sport_title = names[rng() % names.size()];
    o.commence_time = t0() + std::chrono::milliseconds(rng() % 100000000);
    o.point = o.market == "h2h" ? std::nullopt : maybe(-20, 20);
    o.implied_sum = real(0.9, 1.05);
    o.kind = static_cast<OpportunityKind>(rng() % 4);
    if (coin()) o.flags = {"high_roi", "outlier_leg"};
    for (auto& l : o.legs) {
      l.outcome = names[rng() % names.size()];
      l.price = coin() ? 2.0 : real(1.01, 30);
      l.effective_price = real(1.01, 30);
      l.point = maybe(-20, 20);
      l.stake = coin() ? std::optional<double>(real(0, 500)) : (coin() ? std::optional<double>(50.0) : std::nullopt);
      if (coin()) l.age_s = real(0, 600);
      if (coin()) l.seen_since = t0() - std::chrono::seconds(rng() % 1000);
      if (coin()) l.previous_price = real(1.01, 30);
      if (coin()) l.link = "https://book.example/slip?e=" + std::to_string(i) + "&o=\"x\"";
      if (coin()) l.bookmakers.push_back(names[rng() % names.size()]);
    }
    if (o.kind == OpportunityKind::value) {
      o.legs.resize(1);
      o.value = ValueBet{names[rng() % 3],
                         o.legs[0].outcome,
                         real(1.5, 4),
                         real(1.5, 4),
                         real(0.2, 0.8),
                         real(1.2, 5),
                         coin() ? 8.1 : real(-2, 12),
                         "power",
                         {"pinnacle", "betfair_ex_uk"},
                         real(1, 5),
                         maybe(0, 100),
                         maybe(0, 100)};
    }
    if (o.kind == OpportunityKind::middle)
      o.middle = Middle{real(-5, 0), real(0, 5), real(-5, 0), real(50, 150), real(0, 0.3), real(-5, 10), "nfl.csv"};
    if (o.kind == OpportunityKind::lowhold) o.hold_pct = real(0, 3);
    if (coin())
      o.stake_plan = StakePlan{coin(), real(10, 1000), real(10, 1000), real(-1, 5),
                               coin() ? std::optional<std::string>("neds") : std::nullopt};
    out.push_back(std::move(o));
  }
  return out;
}

oddsctl::cache::CacheResult get(store::Store& store, std::vector<std::string> regions, bool as_text,
                                const oddsctl::cache::OpportunityFilter& filter = {}, bool strict = false) {
  oddsctl::cache::CacheGetOptions options;
  options.regions = std::move(regions);
  options.now = t0() + std::chrono::minutes(1);
  options.as_text = as_text;
  options.filter = filter;
  options.strict = strict;
  return cache_get(store, options);
}

std::string dumped(const oddsctl::cache::CacheResult& r) {
  return cache_get_json(r).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

TEST_CASE("stored texts are served byte for byte as the opportunities read whole, over every field") {
  for (unsigned seed = 1; seed <= 6; ++seed) {
    CAPTURE(seed);
    TempStore store;
    store->save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, generated("au", seed, 60)));
    store->save_scan(region_scan("run-2", "uk", t0() - std::chrono::hours(2), store::RegionStatus::partial,
                                 generated("uk", seed + 100, 40)));
    for (int f : text_forms(store.path())) CHECK((f == 1 || f == 2));  // oddsctl's own: all served as they are

    std::vector<oddsctl::cache::OpportunityFilter> filters(5);
    filters[1].sports = {"soccer"};
    filters[2].markets = {"spreads", "totals"};
    filters[2].events = {"e1", "e2", "e5"};
    filters[3].min_profit_pct = 2.5;
    filters[4].kinds = {OpportunityKind::value, OpportunityKind::middle};
    for (const auto& filter : filters)
      for (bool strict : {false, true})
        for (const auto& regions : std::vector<std::vector<std::string>>{{"au"}, {"uk", "au"}, {"us", "uk"}}) {
          const oddsctl::cache::CacheResult whole = get(*store, regions, false, filter, strict);
          const oddsctl::cache::CacheResult text = get(*store, regions, true, filter, strict);
          const std::string want = dumped(whole);
          CHECK(cache_get_json_text(text) == want);
          CHECK(cache_get_json_text(whole) == want);  // the same writer over opportunities read whole
          CHECK(dumped(text) == want);                // and the tree of a text result reads the texts
          CHECK(cache_status_lines(text) == cache_status_lines(whole));
        }
  }
}

TEST_CASE("rows the store did not vouch for are read whole and served the same") {
  TempStore store;
  auto opps = generated("au", 7, 30);
  store->save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, opps));
  const std::string want = dumped(get(*store, {"au"}, false));
  SUBCASE("an older version's rows (no text_form)") {
    exec(store.path(), "UPDATE opportunities SET text_form = 0, kind = NULL, score = NULL WHERE idx % 2 = 0");
  }
  SUBCASE("a text changed by another program: the trigger takes the vouching back") {
    exec(store.path(), "UPDATE opportunities SET json = json(json) WHERE idx % 3 = 0");  // same JSON, other text?
    exec(store.path(),
         "UPDATE opportunities SET json = replace(json, '\"region\":\"au\"', '\"region\":\"au\" ') "
         "WHERE idx % 3 = 1");
  }
  SUBCASE("a column changed by another program") {
    exec(store.path(), "UPDATE opportunities SET sport_key = 'curling' WHERE idx % 2 = 1");
  }
  const auto forms = text_forms(store.path());
  CHECK(std::count(forms.begin(), forms.end(), 0) > 0);
  CHECK(cache_get_json_text(get(*store, {"au"}, true)) == dumped(get(*store, {"au"}, false)));
  CHECK(dumped(get(*store, {"au"}, false)) == want);
}

TEST_CASE("a row updated in place loses text_form; a rewrite of the scan gets it back") {
  TempStore store;
  store->save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, generated("au", 3, 4)));
  const std::vector<int> saved = text_forms(store.path());
  exec(store.path(), "UPDATE opportunities SET json = json || ' ' WHERE idx = 1");
  exec(store.path(), "UPDATE opportunities SET score = 99 WHERE idx = 2");
  exec(store.path(), "UPDATE opportunities SET profit_pct = 99 WHERE idx = 3");  // not a column it vouches for
  CHECK(text_forms(store.path()) == std::vector<int>{saved[0], 0, 0, saved[3]});
  store->save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, generated("au", 3, 4)));
  CHECK(text_forms(store.path()) == saved);
}

TEST_CASE("a text whose stakes are at the cent is stored in the served form (text_form 2)") {
  // As a scan places them (to the cent), none, and with more digits than a cent: only the last
  // needs opportunity_json's rounding when served, and all three are served as read whole.
  std::vector<Opportunity> opps = {opp("au", "soccer_epl", "e1", "h2h", 3.5), opp("au", "soccer_epl", "e2", "h2h", 2.5),
                                   opp("au", "soccer_epl", "e3", "h2h", 1.5)};
  for (auto& l : opps[0].legs) l.stake = 33.93;
  for (auto& l : opps[1].legs) l.stake.reset();
  for (auto& l : opps[2].legs) l.stake = 100.0 / 3.0;
  TempStore store;
  store->save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, opps));
  CHECK(text_forms(store.path()) == std::vector<int>{2, 2, 1});
  const oddsctl::cache::CacheResult text = get(*store, {"au"}, true);
  REQUIRE(text.regions[0].stored.size() == 3);
  CHECK(text.regions[0].stored[0].served_form);
  CHECK_FALSE(text.regions[0].stored[2].served_form);
  const std::string served = cache_get_json_text(text);
  CHECK(served == dumped(get(*store, {"au"}, false)));
  CHECK(served.find("33.333333") == std::string::npos);  // the third one's stakes rounded as served
  CHECK(served.find("\"stake\":33.33") != std::string::npos);
}

TEST_CASE("an opportunity that does not read back as itself is stored for reading whole") {
  TempStore store;
  std::vector<Opportunity> opps = {opp("au", "soccer_epl", "e1", "h2h", 1.5), opp("au", "soccer_epl", "e2", "h2h", 2.5),
                                   opp("au", "soccer_epl", "e3", "totals", 0.5)};
  opps[0].implied_sum = std::numeric_limits<double>::infinity();  // written as null: not readable
  opps[1].region = "uk";                                          // not the scan's region
  store->save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, opps));
  CHECK(text_forms(store.path()) == std::vector<int>{0, 0, 2});  // its stakes are at the cent
  const oddsctl::cache::CacheResult text = get(*store, {"au"}, true);
  CHECK(text.regions[0].stored.size() == 2);  // the unreadable one is skipped, as latest_good skips it
  CHECK(cache_get_json_text(text) == dumped(get(*store, {"au"}, false)));
}

TEST_CASE("the served order over stored fields is opportunity_before within a region") {
  auto opps = generated("au", 5, 80);
  for (std::size_t i = 0; i < opps.size(); ++i)
    for (std::size_t j = 0; j < opps.size(); ++j) {
      CAPTURE(i);
      CAPTURE(j);
      const store::StoredOpportunity a = store::stored_opportunity(opps[i]), b = store::stored_opportunity(opps[j]);
      CHECK(served_before(oddsctl::cache::served_key(a), oddsctl::cache::served_key(b)) ==
            opportunity_before(opps[i], opps[j]));
      CHECK(oddsctl::cache::served_before(opps[i], opps[j]) == opportunity_before(opps[i], opps[j]));
    }
}

TEST_CASE("a store without text hands over whole opportunities: the default latest_good_stored") {
  // The default of Store (used by the MongoDB and PostgreSQL backends), over a SQLite store.
  TempStore store;
  store->save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, generated("au", 9, 12)));
  auto stored = store->store::Store::latest_good_stored("au", store::ScanSource::live);
  REQUIRE(stored);
  CHECK(stored->scan.opportunities.empty());
  REQUIRE(stored->opportunities.size() == 12);
  auto whole = store->latest_good("au");
  for (std::size_t i = 0; i < 12; ++i) {
    REQUIRE(stored->opportunities[i].opportunity);
    CHECK(stored->opportunities[i].text.empty());
    CHECK(to_json(*stored->opportunities[i].opportunity) == to_json(whole->opportunities[i]));
    CHECK(stored->opportunities[i].score == opportunity_score(whole->opportunities[i]));
  }
  CHECK_FALSE(store->store::Store::latest_good_stored("uk", store::ScanSource::live));
}
