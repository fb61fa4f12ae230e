// The false-arbitrage flags (the contract's "Flags"): outlier_leg, high_roi, thin.
#include <doctest/doctest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "detect_fixture.hpp"
#include "oddsctl/engine/detect.hpp"

using namespace oddsctl;
using namespace detect_test;
using namespace std::chrono_literals;

namespace {

std::vector<Opportunity> scan(const std::vector<Event>& events, engine::FlagRules flags = {}) {
  engine::ArbRules r;
  r.now = k_now;
  engine::DetectRules d;
  d.flags = flags;
  return find_opportunities("us", events, r, d);
}

bool has(const Opportunity& o, const std::string& flag) {
  return std::find(o.flags.begin(), o.flags.end(), flag) != o.flags.end();
}

}  // namespace

TEST_CASE("outlier_leg: exactly 3 other books, the median of the others") {
  // Home at 3.0 (p 0.333) against 2.0, 2.0, 2.1 (p 0.5, 0.5, 0.476; median 0.5):
  // 33 % below the median, more than 25 %.
  Event e = event("e1");
  h2h(e, "stale", 3.0, 1.5);
  h2h(e, "b1", 2.0, 2.2);
  h2h(e, "b2", 2.0, 1.9);
  h2h(e, "b3", 2.1, 1.9);
  auto ops = scan({e});
  REQUIRE(ops.size() == 1);
  CHECK(has(ops[0], "outlier_leg"));
  CHECK(has(ops[0], "high_roi"));    // 1/(1/3 + 1/2.2) - 1 = 27 %
  CHECK_FALSE(has(ops[0], "thin"));  // 4 books
  auto j = to_json(ops[0]);
  CHECK(j["flags"].size() == 2);

  // Two other books only: not enough to call it an outlier.
  Event f = event("e2");
  h2h(f, "stale", 3.0, 1.5);
  h2h(f, "b1", 2.0, 2.2);
  h2h(f, "b2", 2.0, 1.9);
  auto few = scan({f});
  REQUIRE(few.size() == 1);
  CHECK_FALSE(has(few[0], "outlier_leg"));
  CHECK(has(few[0], "thin"));  // 3 books < --min-books 4
}

TEST_CASE("outlier_leg: the median, not the mean, and the threshold is --outlier-pct") {
  // b3's home 10.0 (p 0.1) against x, b1, b2 (p 0.345, 0.5, 0.5): median 0.5, 80 % below.
  Event e = event("e1");
  h2h(e, "x", 2.9, 1.6);
  h2h(e, "b1", 2.0, 2.2);
  h2h(e, "b2", 2.0, 1.9);
  h2h(e, "b3", 10.0, 1.9);
  auto ops = scan({e});
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].legs[0].bookmakers == std::vector<std::string>{"b3"});  // 10.0 is the best home price
  CHECK(has(ops[0], "outlier_leg"));
  engine::FlagRules loose;
  loose.outlier_pct = 90;  // b3 is 80 % below: not flagged at 90
  CHECK_FALSE(has(scan({e}, loose)[0], "outlier_leg"));
}

TEST_CASE("a price in line with the others is not an outlier; --verify-above; --min-books") {
  Event e = event("e1");
  h2h(e, "a", 2.06, 1.90);
  h2h(e, "b", 1.95, 2.02);
  h2h(e, "c", 1.96, 1.95);
  h2h(e, "d", 1.97, 1.96);
  auto ops = scan({e});
  REQUIRE(ops.size() == 1);  // 1/2.06 + 1/2.02 = 0.98049: 1.99 %
  CHECK(ops[0].flags.empty());
  engine::FlagRules strict;
  strict.verify_above_pct = 1.5;
  strict.min_books = 5;
  auto flagged = scan({e}, strict);
  CHECK(has(flagged[0], "high_roi"));
  CHECK(has(flagged[0], "thin"));
  CHECK_FALSE(has(flagged[0], "outlier_leg"));
}

TEST_CASE("a leg tied at two books is an outlier only when both are") {
  Event e = event("e1");
  h2h(e, "s1", 3.0, 1.5);
  h2h(e, "s2", 3.0, 1.5);
  h2h(e, "b1", 2.0, 2.2);
  h2h(e, "b2", 2.0, 1.9);
  h2h(e, "b3", 2.1, 1.9);
  auto ops = scan({e});
  REQUIRE(ops.size() == 1);
  // s1 against s2, b1, b2, b3 (median of 0.333, 0.5, 0.5, 0.476 = 0.488): 32 % below; same for s2.
  CHECK(has(ops[0], "outlier_leg"));
  Event f = event("e2");
  h2h(f, "s1", 3.0, 1.5);
  h2h(f, "s2", 3.0, 1.5);
  h2h(f, "s3", 3.0, 1.5);
  h2h(f, "b1", 2.0, 1.9);
  h2h(f, "b2", 2.0, 1.9);
  auto many = scan({f});
  REQUIRE(many.size() == 1);
  CHECK_FALSE(has(many[0], "outlier_leg"));  // three books agree on 3.0: the market, not a stale price
}
