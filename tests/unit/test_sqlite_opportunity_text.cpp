// The SQLite store reads opportunity texts without a JSON tree; whatever the text (written by
// oddsctl, by another tool, or broken), it must read as opportunity_from_json would.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <nlohmann/json.hpp>

#include "test_cache_util.hpp"

using namespace cache_test;
using nlohmann::json;

namespace {

// Stores a one-opportunity scan, then overwrites the opportunity's text with `text`.
std::optional<store::RegionScan> read_back(const std::string& text) {
  TempStore store;
  store->save_scan(
      region_scan("run-1", "au", t0(), store::RegionStatus::ok, {opp("au", "soccer_epl", "e1", "h2h", 1.5)}));
  {
    SQLite::Database db(store.path(), SQLite::OPEN_READWRITE);
    SQLite::Statement st(db, "UPDATE opportunities SET json = ?");
    st.bind(1, text);
    st.exec();
  }
  return store->latest_good("au");
}

void check_reads_as_tree(const std::string& text) {
  CAPTURE(text);
  const auto got = read_back(text);
  REQUIRE(got);
  REQUIRE(got->opportunities.size() == 1);
  CHECK(to_json(got->opportunities[0]) == to_json(opportunity_from_json(json::parse(text))));
  // Fields to_json rounds or reformats, compared raw.
  const auto& o = got->opportunities[0];
  const auto want = opportunity_from_json(json::parse(text));
  CHECK(o.implied_sum == want.implied_sum);
  CHECK(o.profit_pct == want.profit_pct);
  REQUIRE(o.legs.size() == want.legs.size());
  for (std::size_t i = 0; i < o.legs.size(); ++i) {
    CHECK(o.legs[i].effective_price == want.legs[i].effective_price);
    CHECK(o.legs[i].stake == want.legs[i].stake);
  }
}

}  // namespace

TEST_CASE("texts oddsctl writes, and other shapes, read as opportunity_from_json reads them") {
  Opportunity o = opp("au", "basketball_nba", "e9", "spreads", 3.25);
  o.legs[0].stake = 51.234567;
  o.legs[0].bookmakers = {"neds", "tab"};
  o.home_team = "M\xc3\xbcnchen \"quoted\"";
  check_reads_as_tree(to_json(o).dump());
  // As another writer might store it: other key order, ints, missing optional fields,
  // unknown keys with nested values, no effective_price, repeated keys.
  check_reads_as_tree(R"({"legs":[{"outcome":"A","price":2,"bookmakers":["x"],"extra":{"a":[1,{"b":null}]}},)"
                      R"({"outcome":"B","price":2.1,"effective_price":2.05,"point":null,"bookmakers":[],"stake":10}],)"
                      R"("region":"au","event_id":"e1","commence_time":"2030-01-01T12:00:00Z","market":"h2h",)"
                      R"("implied_sum":0.97,"profit_pct":3,"notes":[true,false,"s"],"point":-1.5,"point":2})");
  check_reads_as_tree(R"({"region":"au","event_id":"e1","commence_time":"2030-01-01T12:00:00Z","market":"h2h",)"
                      R"("implied_sum":0.9,"profit_pct":1,"legs":[{"outcome":"A","price":2,"bookmakers":["a"]}],)"
                      R"("legs":[{"outcome":"B","price":3,"bookmakers":["b","b2"],"bookmakers":["c"]}]})");
}

TEST_CASE("texts opportunity_from_json rejects are skipped, never served half-read; the scan still reads") {
  for (
      const std::string text :
      {R"({"region":"au","commence_time":"2030-01-01T12:00:00Z","market":"h2h","implied_sum":1,"profit_pct":1,"legs":[]})",
       R"({"region":"au","event_id":"e","commence_time":"not a time","market":"h2h","implied_sum":1,"profit_pct":1,"legs":[]})",
       R"({"region":"au","event_id":"e","commence_time":"2030-01-01T12:00:00Z","market":"h2h","implied_sum":"1","profit_pct":1,"legs":[]})",
       R"({"region":"au","event_id":"e","commence_time":"2030-01-01T12:00:00Z","market":"h2h","implied_sum":1,"profit_pct":1,"legs":[{"price":2,"bookmakers":[]}]})",
       R"({"region":"au","event_id":"e",)", R"([1,2])"}) {
    CAPTURE(text);
    const auto got = read_back(text);
    REQUIRE(got);
    CHECK(got->opportunities.empty());
  }
}
