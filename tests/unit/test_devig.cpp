// The devig methods and Kelly sizing against hand-computed values (computed independently by
// bisection in Python to 1e-12; Shin's 2-way z also from the Jullien-Salanie closed form).
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>

#include "oddsctl/engine/value.hpp"

using namespace oddsctl;

namespace {

std::vector<double> implied(std::vector<double> prices) {
  for (auto& p : prices) p = 1.0 / p;
  return prices;
}

void check(const std::optional<std::vector<double>>& got, const std::vector<double>& want, double eps = 1e-9) {
  REQUIRE(got.has_value());
  REQUIRE(got->size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) CHECK((*got)[i] == doctest::Approx(want[i]).epsilon(eps));
}

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

const std::vector<engine::DevigMethod> k_four = {engine::DevigMethod::multiplicative, engine::DevigMethod::additive,
                                                 engine::DevigMethod::power, engine::DevigMethod::shin};

}  // namespace

TEST_CASE("2-way 1.80 / 2.10: every method by hand") {
  const auto pi = implied({1.80, 2.10});  // S = 1.031746
  check(devig(pi, engine::DevigMethod::multiplicative), {0.538461538462, 0.461538461538});
  check(devig(pi, engine::DevigMethod::additive), {0.539682539683, 0.460317460317});
  check(devig(pi, engine::DevigMethod::power), {0.540278393592, 0.459721606408});
  check(devig(pi, engine::DevigMethod::shin), {0.539682539683, 0.460317460317});
  REQUIRE(engine::power_exponent(pi));
  CHECK(*engine::power_exponent(pi) == doctest::Approx(1.047439088610).epsilon(1e-9));
}

TEST_CASE("Shin's z: 2-way closed form, 3-way solved") {
  // Two outcomes: z = (S - 1)(d^2 - S) / (S (d^2 - 1)), d = pi_1 - pi_2.
  const auto pi = implied({1.80, 2.10});
  const double s = pi[0] + pi[1], d = pi[0] - pi[1];
  const double closed = (s - 1) * (d * d - s) / (s * (d * d - 1));
  REQUIRE(engine::shin_z(pi));
  CHECK(*engine::shin_z(pi) == doctest::Approx(closed).epsilon(1e-10));
  CHECK(*engine::shin_z(pi) == doctest::Approx(0.031752223436).epsilon(1e-9));
  REQUIRE(engine::shin_z(implied({2.50, 3.40, 2.90})));
  CHECK(*engine::shin_z(implied({2.50, 3.40, 2.90})) == doctest::Approx(0.019479514405).epsilon(1e-9));
  // No margin: z = 0 and the probabilities are the implied ones.
  CHECK(*engine::shin_z({0.5, 0.5}) == 0.0);
  // An underround book has no z in [0, 1): the market fails cleanly.
  CHECK_FALSE(engine::shin_z({0.45, 0.5}).has_value());
  CHECK_FALSE(devig({0.45, 0.5}, engine::DevigMethod::shin).has_value());
}

TEST_CASE("3-way 2.50 / 3.40 / 2.90: every method by hand") {
  const auto pi = implied({2.50, 3.40, 2.90});
  check(devig(pi, engine::DevigMethod::multiplicative), {0.385005857087, 0.283092541976, 0.331901600937});
  check(devig(pi, engine::DevigMethod::additive), {0.387018255578, 0.281135902637, 0.331845841785});
  check(devig(pi, engine::DevigMethod::power), {0.386911966708, 0.281335746155, 0.331752287137});
  check(devig(pi, engine::DevigMethod::shin), {0.386501484658, 0.281640609695, 0.331857905646});
  CHECK(*engine::power_exponent(pi) == doctest::Approx(1.036306550972).epsilon(1e-9));
}

TEST_CASE("a long shot where additive goes negative: skipped for additive, the others price it") {
  const auto pi = implied({1.08, 8.0, 41.0});  // S = 1.075316: additive gives the 41.0 -0.000715
  CHECK_FALSE(devig(pi, engine::DevigMethod::additive).has_value());
  check(devig(pi, engine::DevigMethod::multiplicative), {0.861073191221, 0.116244880815, 0.022681927964});
  check(devig(pi, engine::DevigMethod::power), {0.910312948741, 0.078950983697, 0.010736067562});
  check(devig(pi, engine::DevigMethod::shin), {0.890200342321, 0.100334282546, 0.009465375133});
  // worst leaves additive out of the minimum here: the smallest of the three that apply.
  check(devig(pi, engine::DevigMethod::worst), {0.861073191221, 0.078950983697, 0.009465375133});
}

TEST_CASE("solvers reach the tolerance for 2-, 3- and many-way markets") {
  const std::vector<std::vector<double>> books = {
      {1.01, 30.0},     {1.5, 2.6},
      {1.95, 1.95},     {3.1, 3.3, 2.4},
      {1.2, 7.0, 13.0}, {5.0, 5.5, 6.0, 7.0, 9.0, 11.0, 15.0, 21.0, 34.0, 51.0}};  // a 10-runner race, S = 1.21
  for (const auto& prices : books) {
    CAPTURE(prices.size());
    for (auto m : {engine::DevigMethod::multiplicative, engine::DevigMethod::power, engine::DevigMethod::shin}) {
      auto p = devig(implied(prices), m);
      REQUIRE(p.has_value());
      CHECK(std::abs(sum(*p) - 1.0) < engine::k_devig_tolerance);
      for (double x : *p) CHECK(x > 0.0);
    }
  }
}

TEST_CASE("worst never exceeds any method's probability") {
  const std::vector<std::vector<double>> books = {{1.80, 2.10},    {2.50, 3.40, 2.90}, {1.08, 8.0, 41.0},
                                                  {1.3, 4.2, 9.5}, {2.02, 1.83},       {1.5, 4.0, 6.5, 12.0}};
  for (const auto& prices : books) {
    const auto pi = implied(prices);
    auto w = devig(pi, engine::DevigMethod::worst);
    REQUIRE(w.has_value());
    for (auto m : k_four) {
      auto p = devig(pi, m);
      if (!p) continue;
      for (std::size_t i = 0; i < pi.size(); ++i) CHECK((*w)[i] <= (*p)[i]);
    }
    CHECK(sum(*w) <= 1.0 + 1e-12);  // not renormalised
  }
}

TEST_CASE("bad input fails cleanly, never a number") {
  CHECK_FALSE(devig({0.5}, engine::DevigMethod::power).has_value());       // one outcome
  CHECK_FALSE(devig({1.0, 0.5}, engine::DevigMethod::power).has_value());  // a price of 1.0
  CHECK_FALSE(devig({0.0, 0.5}, engine::DevigMethod::multiplicative).has_value());
  CHECK_FALSE(devig({NAN, 0.5}, engine::DevigMethod::shin).has_value());
  CHECK_FALSE(devig_prices({1.0, 2.0}, engine::DevigMethod::multiplicative).has_value());
  check(devig_prices({1.80, 2.10}, engine::DevigMethod::multiplicative), {0.538461538462, 0.461538461538});
  // An underround book is still priced by the methods that can (power: k < 1).
  auto p = devig({0.45, 0.5}, engine::DevigMethod::power);
  REQUIRE(p);
  CHECK(std::abs(sum(*p) - 1.0) < engine::k_devig_tolerance);
  CHECK(*engine::power_exponent({0.45, 0.5}) < 1.0);
}

TEST_CASE("method names round-trip") {
  for (const auto& name : engine::devig_method_names()) {
    auto m = engine::devig_method_from_string(name);
    REQUIRE(m);
    CHECK(name == to_string(*m));
  }
  CHECK_FALSE(engine::devig_method_from_string("shinn").has_value());
}

TEST_CASE("Kelly stakes: the fraction of the edge, capped, never negative") {
  // b = 1.2, edge = (0.5*1.2 - 0.5)/1.2 = 1/12: 1000 * 0.25 / 12 = 20.8333
  CHECK(engine::kelly_stake(1000, 0.25, 0.5, 2.2, 5) == doctest::Approx(20.833333333).epsilon(1e-9));
  // full Kelly: 83.33, capped at 5 % = 50
  CHECK(engine::kelly_stake(1000, 1.0, 0.5, 2.2, 5) == doctest::Approx(50.0));
  CHECK(engine::kelly_stake(1000, 1.0, 0.5, 2.2, 10) == doctest::Approx(83.333333333).epsilon(1e-9));
  // b = 2, edge = (1.2 - 0.4)/2 = 0.4: 0.25 * 0.4 * 1000 = 100, capped at 50
  CHECK(engine::kelly_stake(1000, 0.25, 0.6, 3.0, 5) == doctest::Approx(50.0));
  // a negative edge stakes nothing
  CHECK(engine::kelly_stake(1000, 0.25, 0.4, 2.0, 5) == 0.0);
  CHECK(engine::kelly_stake(1000, 0.25, 0.5, 1.0, 5) == 0.0);
  CHECK(engine::kelly_stake(0, 0.25, 0.9, 3.0, 5) == 0.0);
}
