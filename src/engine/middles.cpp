// Middles: two lines of one event and market whose results overlap, so that a result inside
// the window wins both legs. The model of how often a result lands where is in
// data/middles/ (see data/middles/README.md for the formats and sources).
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "engine/detectors.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/scan.hpp"  // data_dir

namespace oddsctl::engine {

namespace {

constexpr double k_line_epsilon = 1e-9;

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
double normal_pdf(double x) { return std::exp(-0.5 * x * x); }  // unnormalised: only ratios are used

nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) throw Error(ExitCode::runtime, "middles model: cannot read " + p.string());
  try {
    return nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw Error(ExitCode::runtime, "middles model: " + p.string() + ": " + e.what());
  }
}

struct ModelFiles {
  std::map<std::string, ResultModel> tables;               // sport key -> margin table
  std::vector<std::pair<std::string, nlohmann::json>> sd;  // prefix -> {margin_sd, total_sd}
};

ModelFiles load_models(const std::filesystem::path& dir) {
  ModelFiles out;
  for (const char* name : {"nfl_margins.json", "ncaaf_margins.json"}) {
    const auto path = dir / name;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) continue;
    auto j = read_json(path);
    ResultModel m;
    m.file = std::string("middles/") + name;
    m.sd = j.at("sd").get<double>();
    double sum = 0;
    for (const auto& [k, v] : j.at("margins").items()) {
      m.exact[std::stoi(k)] = v.get<double>();
      sum += v.get<double>();
    }
    if (sum <= 0) throw Error(ExitCode::runtime, "middles model: " + path.string() + ": the margins add up to 0");
    for (auto& [k, v] : m.exact) v /= sum;  // tables are rounded: make them a distribution
    out.tables[j.at("sport").get<std::string>()] = std::move(m);
  }
  const auto sd_path = dir / "sd.json";
  std::error_code ec;
  if (std::filesystem::exists(sd_path, ec)) {
    auto j = read_json(sd_path);
    for (const auto& [prefix, v] : j.at("sports").items()) out.sd.emplace_back(prefix, v);
  }
  return out;
}

const ModelFiles& models_in(const std::filesystem::path& dir) {
  static std::mutex mutex;
  static std::map<std::filesystem::path, ModelFiles> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(dir);
  if (it == cache.end()) it = cache.emplace(dir, load_models(dir)).first;
  return it->second;
}

}  // namespace

std::optional<ResultModel> result_model(const std::filesystem::path& dir, const std::string& sport_key, bool spreads) {
  const ModelFiles& files = models_in(dir);
  if (spreads) {
    auto t = files.tables.find(sport_key);
    if (t != files.tables.end()) return t->second;
  }
  const nlohmann::json* best = nullptr;
  std::size_t best_len = 0;
  for (const auto& [prefix, v] : files.sd)
    if (sport_key.starts_with(prefix) && prefix.size() >= best_len) {
      best = &v;
      best_len = prefix.size();
    }
  if (!best) return std::nullopt;
  const char* field = spreads ? "margin_sd" : "total_sd";
  if (!best->contains(field)) return std::nullopt;
  ResultModel m;
  m.file = "middles/sd.json";
  m.sd = best->at(field).get<double>();
  if (!(m.sd > 0)) return std::nullopt;
  return m;
}

double result_probability(const ResultModel& m, double centre, int k) {
  if (m.exact.empty()) {
    const double lo = (k - 0.5 - centre) / m.sd, hi = (k + 0.5 - centre) / m.sd;
    return normal_cdf(hi) - normal_cdf(lo);
  }
  auto it = m.exact.find(std::abs(k));
  if (it == m.exact.end()) return 0.0;
  if (k == 0) return it->second;
  // The table says how often a game ends |k| apart; the line says which side that falls.
  const double here = normal_pdf((k - centre) / m.sd), there = normal_pdf((-k - centre) / m.sd);
  return here + there > 0 ? it->second * here / (here + there) : it->second / 2.0;
}

MiddleOdds middle_odds(const ResultModel& m, double low, double high, double e_low, double e_high) {
  // Per unit staked, the outside results pay P = 1/S whichever leg wins.
  const double s = 1.0 / e_low + 1.0 / e_high;
  const double pay = 1.0 / s;
  const double stake_low = (1.0 / e_low) / s, stake_high = (1.0 / e_high) / s;
  const double centre = (low + high) / 2.0;
  int from = 0, to = 0;
  if (m.exact.empty()) {
    from = static_cast<int>(std::floor(centre - 12.0 * m.sd)) - 1;
    to = static_cast<int>(std::ceil(centre + 12.0 * m.sd)) + 1;
  } else {
    const int reach = m.exact.empty() ? 0 : m.exact.rbegin()->first;
    from = -reach;
    to = reach;
  }
  MiddleOdds out;
  double covered = 0, expected = 0;
  for (int k = from; k <= to; ++k) {
    const double p = result_probability(m, centre, k);
    if (p <= 0) continue;
    covered += p;
    const double r = k;
    double payout = pay;  // below low (the high leg wins) or above high (the low leg wins)
    if (std::abs(r - low) < k_line_epsilon) payout = stake_low + pay;         // low leg pushes, high wins
    else if (std::abs(r - high) < k_line_epsilon) payout = pay + stake_high;  // low wins, high pushes
    else if (r > low && r < high) {
      payout = 2.0 * pay;
      out.hit_probability += p;
    }
    expected += p * payout;
  }
  expected += std::max(0.0, 1.0 - covered) * pay;  // the tails beyond the table: outside
  out.ev_pct = (expected - 1.0) * 100.0;
  return out;
}

namespace {

// The best quote(s) of one side as a leg.
std::optional<Leg> best_leg(const MarketGroup& g, const Side& side) {
  MarketGroup one{g.event, g.market, g.shape, g.point, {side}};
  auto best = best_prices(one);
  if (!best) return std::nullopt;
  return std::move(best->legs.front());
}

}  // namespace

// Spreads: home at -a (group A's home side, point -a) with away at +b (group B's away side),
// b > a: window [a, b] in home-margin terms. Totals: Over x1 (group A) with Under x2 (group B),
// x2 > x1: window [x1, x2]. Both legs need a price, and not only the same single book (a
// middle is two books' disagreement). Sports without a model are not reported.
std::vector<Opportunity> middles_in(const std::string& region, const std::vector<MarketGroup>& groups, const ArbRules&,
                                    const MiddleRules& rules) {
  const std::filesystem::path dir = rules.model_dir.empty() ? scan::data_dir() / "middles" : rules.model_dir;
  // The groups of one (event, market), in the order market_groups gives them.
  std::map<std::pair<const Event*, std::string>, std::vector<const MarketGroup*>> lines;
  for (const auto& g : groups)
    if ((g.shape == MarketShape::spreads || g.shape == MarketShape::totals) && g.point && g.sides.size() == 2)
      lines[{g.event, g.market}].push_back(&g);

  std::vector<Opportunity> out;
  for (const auto& [key, gs] : lines) {
    if (gs.size() < 2) continue;
    const bool spreads = gs.front()->shape == MarketShape::spreads;
    auto model = result_model(dir, key.first->sport_key, spreads);
    if (!model) continue;
    for (const MarketGroup* a : gs)
      for (const MarketGroup* b : gs) {
        if (a == b) continue;
        const Side& low_side = a->sides[0];   // home (spreads) or Over (totals)
        const Side& high_side = b->sides[1];  // away (spreads) or Under (totals)
        if (low_side.quotes.empty() || high_side.quotes.empty() || !low_side.point || !high_side.point) continue;
        const double low = spreads ? -*low_side.point : *low_side.point;
        const double high = *high_side.point;
        if (!(high > low + k_line_epsilon)) continue;  // b <= a: no window
        auto l1 = best_leg(*a, low_side);
        auto l2 = best_leg(*b, high_side);
        if (!l1 || !l2) continue;
        if (l1->bookmakers.size() == 1 && l2->bookmakers == l1->bookmakers) continue;
        const double s = 1.0 / l1->effective_price + 1.0 / l2->effective_price;
        MiddleOdds odds = middle_odds(*model, low, high, l1->effective_price, l2->effective_price);
        if (odds.ev_pct < rules.min_middle_ev_pct - 5e-7) continue;
        Opportunity op = opportunity_for(region, *a);
        op.kind = OpportunityKind::middle;
        op.implied_sum = s;
        op.profit_pct = (1.0 / s - 1.0) * 100.0;  // what the middle guarantees: its worst case
        Middle m;
        m.window_low = low;
        m.window_high = high;
        m.worst_case_pct = (1.0 / s - 1.0) * 100.0;
        m.hit_profit_pct = (2.0 / s - 1.0) * 100.0;
        m.hit_probability = odds.hit_probability;
        m.ev_pct = odds.ev_pct;
        m.model = model->file;
        op.middle = std::move(m);
        op.legs = {std::move(*l1), std::move(*l2)};
        out.push_back(std::move(op));
      }
  }
  return out;
}

}  // namespace oddsctl::engine
