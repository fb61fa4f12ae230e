// Middles (the contract's "Middles"): the window, pushes on integer lines, b <= a is no
// middle, the model files, the stakes that equalise the two outside results, and the real
// recorded file with seven lines per market.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "oddsctl/engine/detect.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/engine/middles.hpp"

using namespace oddsctl;
using namespace std::chrono_literals;

namespace {

const TimePoint k_now = parse_rfc3339("2024-09-01T12:00:00Z");
const std::filesystem::path k_models = std::filesystem::path(ODDSCTL_DATA_DIR) / "middles";

Event event(const std::string& id, const std::string& sport) {
  Event e;
  e.id = id;
  e.sport_key = sport;
  e.sport_title = sport;
  e.home_team = "Home";
  e.away_team = "Away";
  e.commence_time = k_now + 6h;
  return e;
}

void quote(Event& e, const std::string& book, const std::string& market, std::vector<Outcome> outcomes) {
  auto it = std::find_if(e.bookmakers.begin(), e.bookmakers.end(), [&](auto& b) { return b.key == book; });
  if (it == e.bookmakers.end()) {
    e.bookmakers.push_back(Bookmaker{book, book, k_now - 1min, {}});
    it = e.bookmakers.end() - 1;
  }
  it->markets.push_back(Market{market, k_now - 1min, std::move(outcomes)});
}

std::vector<Opportunity> middles(const std::vector<Event>& events, double min_ev = -100,
                                 std::optional<double> stake = {}) {
  engine::ArbRules r;
  r.now = k_now;
  r.stake = stake;
  engine::DetectRules d;
  d.find = engine::parse_find_kinds({"middles"});
  d.middle.min_middle_ev_pct = min_ev;
  d.middle.model_dir = k_models;
  return find_opportunities("us", events, r, d);
}

// A table with all its mass on the home side of the window (centre 5, sd tiny).
engine::ResultModel table(std::map<int, double> exact) {
  engine::ResultModel m;
  m.file = "test";
  m.exact = std::move(exact);
  m.sd = 0.5;
  return m;
}

double phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

}  // namespace

TEST_CASE("the window and pushes on integer lines, worked by hand") {
  // Results 3 (50 %), 5 (30 %), 7 (20 %); both legs at 2.0: S = 1, each leg stakes 0.5, the
  // outside results pay 1, a hit pays 2, a push pays the winning leg's 1 plus the 0.5 back.
  auto m = table({{3, 0.5}, {5, 0.3}, {7, 0.2}});
  auto ends = middle_odds(m, 3, 7, 2.0, 2.0);  // home -3 and away +7: 3 and 7 push
  CHECK(ends.hit_probability == doctest::Approx(0.3));
  CHECK(ends.ev_pct == doctest::Approx((0.5 * 1.5 + 0.3 * 2 + 0.2 * 1.5 - 1) * 100));  // 65 %
  auto halves = middle_odds(m, 2.5, 7.5, 2.0, 2.0);  // half lines: no push, all three hit
  CHECK(halves.hit_probability == doctest::Approx(1.0));
  CHECK(halves.ev_pct == doctest::Approx(100.0));
  auto inside = middle_odds(m, 3.5, 6.5, 2.0, 2.0);  // only 5 inside, 3 and 7 outside
  CHECK(inside.hit_probability == doctest::Approx(0.3));
  CHECK(inside.ev_pct == doctest::Approx(30.0));
  // Unequal prices: the push refunds the pushing leg's own stake.
  auto low_push = middle_odds(table({{3, 1.0}}), 3, 7, 1.8, 2.2);
  const double s = 1 / 1.8 + 1 / 2.2;
  CHECK(low_push.ev_pct == doctest::Approx(((1 / 1.8) / s + 1 / s - 1) * 100));
}

TEST_CASE("the normal approximation: mass of [k - 1/2, k + 1/2] around the middle of the lines") {
  engine::ResultModel m;
  m.sd = 10;
  CHECK(result_probability(m, 5, 5) == doctest::Approx(phi(0.05) - phi(-0.05)));
  double sum = 0;
  for (int k = -100; k <= 110; ++k) sum += result_probability(m, 5, k);
  CHECK(sum == doctest::Approx(1.0));
  // A table keeps |k|'s share and splits it by side.
  auto t = table({{3, 0.4}, {7, 0.6}});
  t.sd = 10;
  CHECK(result_probability(t, 0, 3) == doctest::Approx(0.2));
  CHECK(result_probability(t, 0, -3) == doctest::Approx(0.2));
  CHECK(result_probability(t, 4, 3) > result_probability(t, 4, -3));
  CHECK(result_probability(t, 4, 3) + result_probability(t, 4, -3) == doctest::Approx(0.4));
}

TEST_CASE("the model files: NFL and NCAAF tables for spreads, per-sport sd elsewhere") {
  auto nfl = engine::result_model(k_models, "americanfootball_nfl", true);
  REQUIRE(nfl.has_value());
  CHECK(nfl->file == "middles/nfl_margins.json");
  double sum = 0;
  for (auto& [k, p] : nfl->exact) sum += p;
  CHECK(sum == doctest::Approx(1.0));
  CHECK(nfl->exact.at(3) > nfl->exact.at(7));  // key numbers: 3 first, then 7
  CHECK(nfl->exact.at(7) > nfl->exact.at(10));
  CHECK(nfl->exact.at(7) > 2 * nfl->exact.at(8));
  auto ncaaf = engine::result_model(k_models, "americanfootball_ncaaf", true);
  REQUIRE(ncaaf.has_value());
  CHECK(ncaaf->file == "middles/ncaaf_margins.json");
  auto nfl_totals = engine::result_model(k_models, "americanfootball_nfl", false);
  REQUIRE(nfl_totals.has_value());
  CHECK(nfl_totals->file == "middles/sd.json");
  CHECK(nfl_totals->exact.empty());
  auto nba = engine::result_model(k_models, "basketball_nba", true);
  REQUIRE(nba.has_value());
  CHECK(nba->sd == 12.0);
  auto euro = engine::result_model(k_models, "basketball_euroleague", false);  // by prefix: basketball
  REQUIRE(euro.has_value());
  CHECK(euro->sd == 17.0);
  CHECK_FALSE(engine::result_model(k_models, "cricket_test_match", true).has_value());
}

TEST_CASE("NFL spreads: home -3 at one book, away +7 at another") {
  Event e = event("nfl1", "americanfootball_nfl");
  quote(e, "a", "spreads", {{"Home", 1.91, -3.0}, {"Away", 1.91, 3.0}});
  quote(e, "b", "spreads", {{"Home", 1.95, -7.0}, {"Away", 1.87, 7.0}});
  auto ops = middles({e}, -100, 100.0);
  REQUIRE(ops.size() == 1);  // home -7 with away +3 is b < a: no middle
  const auto& o = ops[0];
  CHECK(o.kind == OpportunityKind::middle);
  REQUIRE(o.middle.has_value());
  CHECK(o.middle->window_low == 3);
  CHECK(o.middle->window_high == 7);
  REQUIRE(o.legs.size() == 2);
  CHECK(o.legs[0].outcome == "Home");
  CHECK(*o.legs[0].point == -3);
  CHECK(o.legs[0].bookmakers == std::vector<std::string>{"a"});
  CHECK(o.legs[1].outcome == "Away");
  CHECK(*o.legs[1].point == 7);
  CHECK(o.legs[1].bookmakers == std::vector<std::string>{"b"});
  const double s = 1 / 1.91 + 1 / 1.87;
  CHECK(o.implied_sum == doctest::Approx(s));
  CHECK(o.middle->worst_case_pct == doctest::Approx((1 / s - 1) * 100));
  CHECK(o.middle->hit_profit_pct == doctest::Approx((2 / s - 1) * 100));
  CHECK(o.middle->model == "middles/nfl_margins.json");
  // 4, 5 and 6 hit; the table's shares, split by side around the centre 5 (sd 13.86).
  auto nfl = *engine::result_model(k_models, "americanfootball_nfl", true);
  double hit = 0;
  for (int k : {4, 5, 6}) {
    const double here = std::exp(-0.5 * std::pow((k - 5) / 13.86, 2)),
                 there = std::exp(-0.5 * std::pow((-k - 5) / 13.86, 2));
    hit += nfl.exact.at(k) * here / (here + there);
  }
  CHECK(o.middle->hit_probability == doctest::Approx(hit));
  // The pushes on 3 and 7 are worth something: ev is above the no-push value.
  const double p = 1 / s;
  CHECK(o.middle->ev_pct > ((1 - hit) * p + hit * 2 * p - 1) * 100);
  // Stakes equalise the outside results (to the cent) and add up to the stake.
  REQUIRE(o.legs[0].stake.has_value());
  CHECK(*o.legs[0].stake + *o.legs[1].stake == doctest::Approx(100.0));
  CHECK(*o.legs[0].stake * 1.91 == doctest::Approx(*o.legs[1].stake * 1.87).epsilon(0.001));
  auto j = to_json(o);
  CHECK(j["kind"] == "middle");
  CHECK(j["window"] == nlohmann::json::array({3.0, 7.0}));
  CHECK(j["model"] == "middles/nfl_margins.json");
  auto back = opportunity_from_json(j);
  CHECK(back.middle->window_high == 7);
}

TEST_CASE("b <= a is not a middle; one book on both legs is not either") {
  Event e = event("nfl2", "americanfootball_nfl");
  quote(e, "a", "spreads", {{"Home", 1.91, -3.5}, {"Away", 1.91, 3.5}});
  quote(e, "b", "spreads", {{"Home", 1.91, -3.5}, {"Away", 1.91, 3.5}});
  CHECK(middles({e}).empty());  // one line: an arbitrage question, not a middle
  Event f = event("nfl3", "americanfootball_nfl");
  quote(f, "a", "spreads", {{"Home", 1.91, -7.0}});
  quote(f, "b", "spreads", {{"Away", 1.91, 3.0}});
  CHECK(middles({f}).empty());  // home gives 7, away gets 3: b < a
  Event g = event("nfl4", "americanfootball_nfl");
  quote(g, "a", "spreads", {{"Home", 1.91, -3.0}, {"Away", 1.91, 7.0}});
  CHECK(middles({g}).empty());  // both legs at the only book quoting them
  Event h = event("nfl5", "americanfootball_nfl");
  quote(h, "a", "spreads", {{"Home", 1.91, 3.0}});   // home +3: a = -3
  quote(h, "b", "spreads", {{"Away", 1.91, -1.0}});  // away -1: b = -1 > -3
  auto dog = middles({h});
  REQUIRE(dog.size() == 1);  // the home underdog loses by 1 or 2: both win
  CHECK(dog[0].middle->window_low == -3);
  CHECK(dog[0].middle->window_high == -1);
}

TEST_CASE("totals: Over x1 and Under x2, x2 > x1, normal model") {
  Event e = event("nba1", "basketball_nba");
  quote(e, "a", "totals", {{"Over", 1.95, 220.5}, {"Under", 1.87, 220.5}});
  quote(e, "b", "totals", {{"Over", 1.80, 223.0}, {"Under", 2.0, 223.0}});
  auto ops = middles({e});
  REQUIRE(ops.size() == 1);  // Over 223 with Under 220.5 would be x2 < x1
  const auto& o = ops[0];
  CHECK(o.middle->window_low == 220.5);
  CHECK(o.middle->window_high == 223.0);
  CHECK(o.legs[0].outcome == "Over");
  CHECK(o.legs[1].outcome == "Under");
  CHECK(*o.point == 220.5);
  CHECK(o.middle->model == "middles/sd.json");
  // 221 and 222 hit (223 pushes the Under): normal mass around 221.75, sd 18.
  auto mass = [](int k) { return phi((k + 0.5 - 221.75) / 18) - phi((k - 0.5 - 221.75) / 18); };
  CHECK(o.middle->hit_probability == doctest::Approx(mass(221) + mass(222)));
  const double s = 1 / 1.95 + 1 / 2.0;
  const double p = 1 / s, under_stake = (1 / 2.0) / s;
  const double hit = mass(221) + mass(222), push = mass(223);
  CHECK(o.middle->ev_pct == doctest::Approx((hit * 2 * p + push * (p + under_stake) + (1 - hit - push) * p - 1) * 100));
}

TEST_CASE("--min-middle-ev filters; sports without a model are not reported") {
  Event e = event("nba2", "basketball_nba");
  quote(e, "a", "totals", {{"Over", 1.91, 220.5}});
  quote(e, "b", "totals", {{"Under", 1.91, 221.5}});
  auto all = middles({e});
  REQUIRE(all.size() == 1);
  CHECK(all[0].middle->ev_pct < 0);  // 2 % of hitting 221 does not pay for the margin
  CHECK(middles({e}, 0).empty());
  Event c = event("c1", "cricket_test_match");
  quote(c, "a", "totals", {{"Over", 1.91, 220.5}});
  quote(c, "b", "totals", {{"Under", 1.91, 260.5}});
  CHECK(middles({c}).empty());
}

TEST_CASE("the real recorded file with up to seven lines per market (JoeChristianson, NBA)") {
  std::ifstream in(std::string(ODDSCTL_FIXTURES_DIR) + "/real-odds/JoeChristianson__HedgeFundUpdate__oddsAPIData.json");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  auto events = parse_events_json(ss.str(), OddsFormat::automatic);
  engine::ArbRules r;
  r.now = *newest_update(events);
  r.include_live = true;
  engine::DetectRules d;
  d.find = engine::parse_find_kinds({"middles"});
  d.middle.min_middle_ev_pct = -100;
  d.middle.model_dir = k_models;
  auto ops = find_opportunities("us", events, r, d);
  REQUIRE(ops.size() > 20);
  bool recorded_naive_arb = false;
  for (const auto& o : ops) {
    INFO(o.event_id << " " << o.market << " " << o.middle->window_low << ".." << o.middle->window_high);
    REQUIRE(o.kind == OpportunityKind::middle);
    CHECK(o.middle->window_high > o.middle->window_low);
    // A window with no whole number strictly inside (228 to 228.5) only pays by the push.
    const bool integer_inside = std::floor(o.middle->window_high - 1e-9) > o.middle->window_low + 1e-9;
    if (integer_inside) CHECK(o.middle->hit_probability > 0);
    else CHECK(o.middle->hit_probability == 0);
    CHECK(o.middle->hit_probability < 1);
    CHECK(o.middle->model == "middles/sd.json");
    CHECK(o.middle->hit_profit_pct > o.middle->worst_case_pct);
    const double s = 1 / o.legs[0].effective_price + 1 / o.legs[1].effective_price;
    CHECK(o.implied_sum == doctest::Approx(s));
    if (o.market == "spreads") {
      CHECK(o.middle->window_low == -*o.legs[0].point);
      CHECK(o.middle->window_high == *o.legs[1].point);
    } else {
      CHECK(o.middle->window_low == *o.legs[0].point);
      CHECK(o.middle->window_high == *o.legs[1].point);
    }
    // The capture's naive "arbitrage" (Over 218.5 with Under 222.5) is a middle, not an arbitrage.
    if (o.event_id.starts_with("63330b33") && o.market == "totals" && o.middle->window_low == 218.5 &&
        o.middle->window_high == 222.5) {
      recorded_naive_arb = true;
      CHECK(o.legs[0].bookmakers == std::vector<std::string>{"bovada"});
    }
  }
  CHECK(recorded_naive_arb);
  // Best first: by ev_pct.
  for (std::size_t i = 1; i < ops.size(); ++i) CHECK(ops[i - 1].middle->ev_pct >= ops[i].middle->ev_pct);
  // Pre-match only (the default), the in-play game's middles are gone.
  r.include_live = false;
  for (const auto& o : find_opportunities("us", events, r, d)) CHECK_FALSE(o.event_id.starts_with("63330b33"));
}
