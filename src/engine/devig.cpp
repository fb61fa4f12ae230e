// The devig methods and Kelly sizing of the contract's "Value bets" (pure arithmetic).
#include <algorithm>
#include <cmath>

#include "oddsctl/engine/value.hpp"

namespace oddsctl::engine {

namespace {

constexpr int k_max_iterations = 200;

bool valid_implied(const std::vector<double>& pi) {
  if (pi.size() < 2) return false;
  return std::all_of(pi.begin(), pi.end(), [](double x) { return std::isfinite(x) && x > 0.0 && x < 1.0; });
}

double sum_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

// The root of a decreasing f on [lo, hi] (f(lo) > 0 > f(hi)): Newton steps, bisection
// whenever a step leaves the bracket. nullopt when |f| does not get below the tolerance.
template <class F, class D>
std::optional<double> solve_decreasing(F f, D df, double lo, double hi, double x) {
  for (int i = 0; i < k_max_iterations; ++i) {
    const double fx = f(x);
    if (!std::isfinite(fx)) return std::nullopt;
    if (std::abs(fx) < k_devig_tolerance) return x;
    if (fx > 0) lo = x;
    else hi = x;
    const double d = df(x);
    double next = (d < 0 && std::isfinite(d)) ? x - fx / d : lo - 1;  // no usable slope: bisect
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (next == x) return std::nullopt;  // the bracket cannot shrink any more
    x = next;
  }
  return std::nullopt;
}

std::vector<double> multiplicative(const std::vector<double>& pi) {
  const double s = sum_of(pi);
  std::vector<double> p(pi.size());
  for (std::size_t i = 0; i < pi.size(); ++i) p[i] = pi[i] / s;
  return p;
}

std::optional<std::vector<double>> additive(const std::vector<double>& pi) {
  const double shift = (sum_of(pi) - 1.0) / static_cast<double>(pi.size());
  std::vector<double> p(pi.size());
  for (std::size_t i = 0; i < pi.size(); ++i) {
    p[i] = pi[i] - shift;
    if (p[i] <= 0.0) return std::nullopt;  // a long shot the margin cannot be taken from
  }
  return p;
}

std::vector<double> power_probs(const std::vector<double>& pi, double k) {
  std::vector<double> p(pi.size());
  for (std::size_t i = 0; i < pi.size(); ++i) p[i] = std::pow(pi[i], k);
  return p;
}

double shin_p(double pi, double s, double z) {
  return (std::sqrt(z * z + 4.0 * (1.0 - z) * pi * pi / s) - z) / (2.0 * (1.0 - z));
}

std::vector<double> shin_probs(const std::vector<double>& pi, double z) {
  const double s = sum_of(pi);
  std::vector<double> p(pi.size());
  for (std::size_t i = 0; i < pi.size(); ++i) p[i] = shin_p(pi[i], s, z);
  return p;
}

std::optional<double> power_k_of(const std::vector<double>& pi) {
  auto f = [&](double k) {
    double s = -1.0;
    for (double x : pi) s += std::pow(x, k);
    return s;
  };
  auto df = [&](double k) {
    double d = 0;
    for (double x : pi) d += std::pow(x, k) * std::log(x);
    return d;
  };
  // f(0) = n - 1 > 0, f(1) = S - 1, f -> -1 as k grows: the root is above 1 for an overround.
  const double s1 = f(1.0);
  if (std::abs(s1) < k_devig_tolerance) return 1.0;
  double lo = 0.0, hi = 1.0;
  if (s1 > 0) {
    lo = 1.0;
    hi = 2.0;
    while (f(hi) > 0) {
      lo = hi;
      hi *= 2;
      if (hi > 1e6) return std::nullopt;
    }
  }
  return solve_decreasing(f, df, lo, hi, s1 > 0 ? lo : 0.5 * (lo + hi));
}

std::optional<double> shin_z_of(const std::vector<double>& pi) {
  const double s = sum_of(pi);
  if (std::abs(std::sqrt(s) - 1.0) < k_devig_tolerance) return 0.0;  // no margin: z = 0
  // Sum p(0) = sqrt(S), which must be above 1 for a z in [0, 1) to exist; as z -> 1 the
  // sum falls to sum(pi^2)/S <= max(pi) < 1.
  if (s < 1.0) return std::nullopt;
  auto f = [&](double z) {
    double t = -1.0;
    for (double x : pi) t += shin_p(x, s, z);
    return t;
  };
  auto df = [&](double z) {
    double d = 0;
    for (double x : pi) {
      const double a = x * x / s;
      const double r = std::sqrt(z * z + 4.0 * (1.0 - z) * a);
      const double dr = (z - 2.0 * a) / r;
      d += ((dr - 1.0) * (1.0 - z) + (r - z)) / (2.0 * (1.0 - z) * (1.0 - z));
    }
    return d;
  };
  return solve_decreasing(f, df, 0.0, 1.0, 0.0);
}

bool sums_to_one(const std::vector<double>& p) { return std::abs(sum_of(p) - 1.0) < k_devig_tolerance; }

}  // namespace

const char* to_string(DevigMethod m) {
  switch (m) {
    case DevigMethod::multiplicative: return "multiplicative";
    case DevigMethod::additive: return "additive";
    case DevigMethod::power: return "power";
    case DevigMethod::shin: return "shin";
    case DevigMethod::worst: return "worst";
  }
  return "power";
}

std::optional<DevigMethod> devig_method_from_string(std::string_view s) {
  for (auto m :
       {DevigMethod::multiplicative, DevigMethod::additive, DevigMethod::power, DevigMethod::shin, DevigMethod::worst})
    if (s == to_string(m)) return m;
  return std::nullopt;
}

const std::vector<std::string>& devig_method_names() {
  static const std::vector<std::string> names = {"multiplicative", "additive", "power", "shin", "worst"};
  return names;
}

std::optional<double> power_exponent(const std::vector<double>& implied) {
  if (!valid_implied(implied)) return std::nullopt;
  return power_k_of(implied);
}

std::optional<double> shin_z(const std::vector<double>& implied) {
  if (!valid_implied(implied)) return std::nullopt;
  return shin_z_of(implied);
}

std::optional<std::vector<double>> devig(const std::vector<double>& implied, DevigMethod method) {
  if (!valid_implied(implied)) return std::nullopt;
  switch (method) {
    case DevigMethod::multiplicative: return multiplicative(implied);
    case DevigMethod::additive: return additive(implied);
    case DevigMethod::power: {
      auto k = power_k_of(implied);
      if (!k) return std::nullopt;
      auto p = power_probs(implied, *k);
      if (!sums_to_one(p)) return std::nullopt;
      return p;
    }
    case DevigMethod::shin: {
      auto z = shin_z_of(implied);
      if (!z) return std::nullopt;
      auto p = shin_probs(implied, *z);
      if (!sums_to_one(p)) return std::nullopt;
      return p;
    }
    case DevigMethod::worst: {
      std::vector<double> w = multiplicative(implied);
      for (auto m : {DevigMethod::additive, DevigMethod::power, DevigMethod::shin})
        if (auto p = devig(implied, m))
          for (std::size_t i = 0; i < w.size(); ++i) w[i] = std::min(w[i], (*p)[i]);
      return w;
    }
  }
  return std::nullopt;
}

std::optional<std::vector<double>> devig_prices(const std::vector<double>& prices, DevigMethod method) {
  std::vector<double> implied(prices.size());
  for (std::size_t i = 0; i < prices.size(); ++i) {
    if (!(prices[i] > 1.0) || !std::isfinite(prices[i])) return std::nullopt;
    implied[i] = 1.0 / prices[i];
  }
  return devig(implied, method);
}

double kelly_stake(double bankroll, double fraction, double p, double price, double max_stake_pct) {
  const double b = price - 1.0;
  if (!(b > 0) || !(bankroll > 0) || !(fraction > 0)) return 0.0;
  const double edge = (p * b - (1.0 - p)) / b;
  const double stake = bankroll * fraction * std::max(0.0, edge);
  return std::max(0.0, std::min(stake, bankroll * max_stake_pct / 100.0));
}

const std::vector<std::string>& default_sharp_books() {
  static const std::vector<std::string> books = {"pinnacle", "betfair_ex_uk", "betfair_ex_eu", "betfair_ex_au"};
  return books;
}

}  // namespace oddsctl::engine
