// The one /odds reader (src/engine/odds_reader.cpp) against a second, independent reading
// of the same rules over nlohmann's DOM, field by field, on every real recorded fixture, the
// demo data, the benchmark's bodies and odd shapes; and the --from-file replay (replay.hpp):
// its check pass, its chunks, and detection by chunk equal to detection of the whole.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../bench/odds_bodies.hpp"
#include "core/odds_reader.hpp"
#include "oddsctl/engine/arbitrage.hpp"
#include "oddsctl/engine/detect.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/scan.hpp"
#include "scan/replay.hpp"
#include "test_util.hpp"

using namespace oddsctl;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot read " << p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The reference: the documented rules read off a DOM (last duplicate key wins; a field of
// the wrong type counts as absent; prices as written). Valid bodies only.
std::optional<TimePoint> ref_time(const json& o, const char* key) {
  const json* found = nullptr;
  for (auto it = o.begin(); it != o.end(); ++it)
    if (it.key() == key && it->is_string()) found = &*it;
  return found ? std::optional<TimePoint>(parse_rfc3339(found->get<std::string>())) : std::nullopt;
}
std::string ref_string(const json& o, const char* key) {
  return o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : std::string();
}
std::optional<std::string> ref_opt_string(const json& o, const char* key) {
  return o.contains(key) && o[key].is_string() ? std::optional<std::string>(o[key].get<std::string>()) : std::nullopt;
}
std::optional<double> ref_number(const json& o, const char* key) {
  return o.contains(key) && o[key].is_number() ? std::optional<double>(o[key].get<double>()) : std::nullopt;
}
const json& ref_array(const json& o, const char* key) {
  static const json empty = json::array();
  return o.contains(key) && o[key].is_array() ? o[key] : empty;
}

std::vector<Event> reference_read(const std::string& body) {
  const json j = json::parse(body);
  std::vector<Event> out;
  for (const auto& je : j) {
    Event e;
    e.id = ref_string(je, "id");
    e.sport_key = ref_string(je, "sport_key");
    e.sport_title = ref_string(je, "sport_title");
    e.home_team = ref_string(je, "home_team");
    e.away_team = ref_string(je, "away_team");
    e.commence_time = *ref_time(je, "commence_time");
    for (const auto& jb : ref_array(je, "bookmakers")) {
      Bookmaker b{
          ref_string(jb, "key"), ref_string(jb, "title"), ref_time(jb, "last_update"), {}, ref_opt_string(jb, "link")};
      for (const auto& jm : ref_array(jb, "markets")) {
        Market m{ref_string(jm, "key"), ref_time(jm, "last_update"), {}, ref_opt_string(jm, "link")};
        for (const auto& jo : ref_array(jm, "outcomes")) {
          Outcome o;
          o.name = ref_string(jo, "name");
          o.price = ref_number(jo, "price").value_or(0);
          o.point = ref_number(jo, "point");
          o.link = ref_opt_string(jo, "link");
          if (auto l = ref_number(jo, "bet_limit"); l && std::isfinite(*l) && *l > 0) o.bet_limit = l;
          m.outcomes.push_back(o);
        }
        b.markets.push_back(m);
      }
      e.bookmakers.push_back(b);
    }
    out.push_back(e);
  }
  return out;
}

// Field by field (test_util.hpp lists every field of odds.hpp), prices bit for bit: both
// readers round correctly.
void check_same(const std::vector<Event>& got, const std::vector<Event>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("event " << i << " " << want[i].id);
    oddsctl::test::check_same(got[i], want[i], oddsctl::test::Numbers::exact);
  }
}

std::vector<Event> read_raw(const std::string& body) {
  EventReader reader;
  std::vector<Event> out;
  reader.read(body, [&](Event& e) { out.push_back(std::move(e)); });
  return out;
}

std::vector<fs::path> json_files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& f : fs::recursive_directory_iterator(dir))
    if (f.path().extension() == ".json") out.push_back(f.path());
  std::sort(out.begin(), out.end());
  return out;
}

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/test_core_odds_reader.XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const fs::path& rel, const std::string& text) const {
    fs::create_directories((path / rel).parent_path());
    std::ofstream(path / rel, std::ios::binary) << text;
  }
};

}  // namespace

TEST_CASE("every real recorded fixture and the demo data read as the reference reads them") {
  std::size_t files = 0;
  for (const auto& dir : {fs::path(ODDSCTL_FIXTURES_DIR) / "real-odds", fs::path(ODDSCTL_DATA_DIR) / "demo"})
    for (const auto& f : json_files(dir)) {
      INFO("file " << f);
      const std::string body = slurp(f);
      check_same(read_raw(body), reference_read(body));
      ++files;
    }
  CHECK(files >= 18);
}

TEST_CASE("the benchmark's bodies, and odd but valid shapes, read as the reference reads them") {
  for (const auto& body : bench::make_bodies(1u << 20)) check_same(read_raw(body), reference_read(body));
  const std::string odd = R"([
    {"id":"a","id":"b","commence_time":"2024-01-01T00:00:00Z","home_team":7,"away_team":"\u00c9lan \"A\"",
     "bookmakers":{"not":"an array"},"extra":[{"deep":[1,2,{"x":null}]}]},
    {"id":"c","commence_time":"2024-01-01T00:00:00Z","bookmakers":[
      {"key":"k","last_update":null,"link":5,"markets":[
        {"key":"h2h","outcomes":[{"name":"H","price":-110,"point":"x","bet_limit":1e3},
                                 {"name":"A","price":18446744073709551615,"link":"l"},{}]}]}]}])";
  check_same(read_raw(odd), reference_read(odd));
}

TEST_CASE("duplicate arrays append, as the SAX reader did") {
  auto events = read_raw(R"([{"id":"a","commence_time":"2024-01-01T00:00:00Z",
    "bookmakers":[{"key":"x"}],"bookmakers":[{"key":"y","markets":[{"key":"h2h"}],"markets":[{"key":"totals"}]}]}])");
  REQUIRE(events[0].bookmakers.size() == 2);
  CHECK(events[0].bookmakers[1].key == "y");
  REQUIRE(events[0].bookmakers[1].markets.size() == 2);
  CHECK(events[0].bookmakers[1].markets[1].key == "totals");
}

TEST_CASE("a reader that only looks reuses its event, and leaves nothing of the one before") {
  EventReader reader;
  std::vector<Event> copies;
  const std::string body = R"([
    {"id":"a","sport_key":"s","commence_time":"2024-01-01T00:00:00Z","bookmakers":[
      {"key":"b1","link":"L","last_update":"2024-01-01T00:00:00Z","markets":[{"key":"h2h","link":"M","outcomes":[
        {"name":"H","price":2.5,"point":1,"link":"O","bet_limit":5},{"name":"A","price":1.5}]}]},
      {"key":"b2","markets":[]}]},
    {"id":"b","commence_time":"2024-01-02T00:00:00Z","bookmakers":[{"key":"b3","markets":[{"key":"totals","outcomes":[{"name":"Over"}]}]}]}])";
  reader.read(body, [&](Event& e) { copies.push_back(e); });  // copies: the reader keeps its own
  check_same(copies, reference_read(body));
  CHECK_FALSE(copies[1].bookmakers[0].link.has_value());
  CHECK_FALSE(copies[1].bookmakers[0].markets[0].outcomes[0].point.has_value());
  CHECK(copies[1].sport_key.empty());
}

TEST_CASE("broken bodies: the first failure in document order, the SAX reader's reasons") {
  auto error_of = [](const std::string& body) {
    try {
      read_raw(body);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(error_of("[] trailing").rfind("not JSON", 0) == 0);
  CHECK(error_of("[{\"id\":\"a\",\"x\":tru}]").rfind("not JSON", 0) == 0);       // in a field never read
  CHECK(error_of("[{\"id\":\"a\",\"x\":\"\x01\"}]").rfind("not JSON", 0) == 0);  // a raw control character
  CHECK(error_of("[{\"id\":\"a\",\"x\":\"\xff\"}]").rfind("not JSON", 0) == 0);  // not UTF-8
  CHECK(error_of("3") == "expected an array of events");
  CHECK(error_of(R"([{"id":"q","commence_time":"2024-01-01T00:00:00Z","bookmakers":[[]]}])") ==
        "expected objects in 'bookmakers', found an array");
  CHECK(error_of(R"([{"id":"q","commence_time":"2024-01-01T00:00:00Z","bookmakers":[{"markets":[null]}]}])") ==
        "expected objects in 'markets'");
  CHECK(error_of(
            R"([{"id":"q","commence_time":"2024-01-01T00:00:00Z","bookmakers":[{"markets":[{"outcomes":[1]}]}]}])") ==
        "expected objects in 'outcomes'");
  CHECK(error_of(R"([{"id":"q","commence_time":"later","bookmakers":[[]]}])") == "bad commence_time 'later'");
  CHECK(error_of(R"([{"bookmakers":[{"last_update":"soon"}]}])") == "bad last_update 'soon'");
  CHECK(error_of(R"([{"id":"q"}])") == "event q has no commence_time");
}

TEST_CASE("replay: the check pass names a broken file, finds each sport's newest quote and repeated ids") {
  TempDir dir;
  const std::string a = R"([{"id":"e1","sport_key":"s1","commence_time":"2024-01-02T00:00:00Z","bookmakers":[
    {"key":"b","last_update":"2024-01-01T10:00:00Z","markets":[{"key":"h2h","last_update":"2024-01-01T11:00:00Z","outcomes":[]}]}]}])";
  const std::string b = R"([{"id":"e2","sport_key":"s2","commence_time":"2024-01-02T00:00:00Z","bookmakers":[
    {"key":"b","last_update":"2024-01-01T12:00:00Z","markets":[]}]}])";
  dir.write("us/a.json", a);
  dir.write("us/b.json", b);
  scan::ReplayPlan plan = scan::plan_replay(dir.path, {}, OddsFormat::automatic);
  REQUIRE(plan.count("us"));
  const scan::ReplayRegion& us = plan["us"];
  CHECK(us.files.size() == 2);
  CHECK_FALSE(us.repeated_ids);
  CHECK(replay_newest(us, {}) == parse_rfc3339("2024-01-01T12:00:00Z"));
  CHECK(replay_newest(us, {"s1"}) == parse_rfc3339("2024-01-01T11:00:00Z"));
  CHECK_FALSE(replay_newest(us, {"s3"}).has_value());

  dir.write("us/c.json", a);  // e1 again, in another file
  CHECK(scan::plan_replay(dir.path, {}, OddsFormat::automatic)["us"].repeated_ids);
  std::size_t chunks = 0;
  for_each_replay_chunk(
      scan::plan_replay(dir.path, {}, OddsFormat::automatic)["us"],
      [&](std::vector<Event>& ev) {
        ++chunks;
        CHECK(ev.size() == 3);  // one piece
      },
      1);
  CHECK(chunks == 1);

  dir.write("us/d.json", R"([{"id":"e9","commence_time":"2024-01-02T00:00:00Z"},{"id":"e10"}])");
  try {
    scan::plan_replay(dir.path, {}, OddsFormat::automatic);
    FAIL("a broken file must fail the plan");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()).find("d.json: event e10 has no commence_time") != std::string::npos);
  }
}

TEST_CASE("replay: detection chunk by chunk equals detection of the whole region") {
  // The demo's folders (every kind asked for), each file its own chunk.
  engine::DetectRules detect;
  detect.find = engine::FindKinds{true, true, true, true};
  detect.middle.model_dir = fs::path(ODDSCTL_DATA_DIR) / "middles";
  for (const auto& [name, region] : scan::plan_replay(fs::path(ODDSCTL_DATA_DIR) / "demo", {}, OddsFormat::automatic)) {
    INFO("region " << name);
    engine::ArbRules rules;
    rules.now = *replay_newest(region, {});
    std::vector<Event> all;
    std::vector<Opportunity> chunked;
    std::size_t chunks = 0;
    for_each_replay_chunk(
        region,
        [&](std::vector<Event>& ev) {
          ++chunks;
          auto found = find_opportunities(name, ev, rules, detect);
          chunked.insert(chunked.end(), found.begin(), found.end());
          all.insert(all.end(), ev.begin(), ev.end());
        },
        1);
    CHECK(chunks == region.files.size());
    std::stable_sort(chunked.begin(), chunked.end(), opportunity_before);
    const auto whole = find_opportunities(name, all, rules, detect);
    REQUIRE(chunked.size() == whole.size());
    for (std::size_t i = 0; i < whole.size(); ++i)
      CHECK(scan::opportunity_json(chunked[i]).dump() == scan::opportunity_json(whole[i]).dump());
    CHECK(all.size() ==
          scan::load_replay(fs::path(ODDSCTL_DATA_DIR) / "demo" / name, {name}, OddsFormat::automatic)[name].size());
  }
}

TEST_CASE("replay: each file is parsed once; its chunks are the events the plan read, whatever the file holds later") {
  // Every real fixture and the demo (links, bet limits, names that are and are not a team's,
  // American and decimal prices), plus one file only of tiny objects, which packs larger
  // than itself and so is the one read again.
  TempDir dir;
  std::vector<std::string> bodies;
  for (const auto& d : {fs::path(ODDSCTL_FIXTURES_DIR) / "real-odds", fs::path(ODDSCTL_DATA_DIR) / "demo"})
    for (const auto& f : json_files(d)) bodies.push_back(slurp(f));
  // Every field the packed form has a branch for: links at each level, bet limits, a name
  // longer than a length byte, names that are a team's and one that only starts like it, an
  // event without teams, and American prices of which one is not a price (dropped).
  const std::string long_name(300, 'n');
  bodies.push_back(R"([{"id":"x1","sport_key":"s","sport_title":"S","commence_time":"2024-01-02T00:00:00Z",
    "home_team":"H","away_team":")" +
                   long_name + R"(","bookmakers":[
    {"key":"b1","title":"B1","last_update":"2024-01-01T10:00:00Z","link":"https://b1/e","markets":[
      {"key":"h2h","link":"https://b1/m","outcomes":[{"name":"H","price":-120,"link":"https://b1/o","bet_limit":250},
        {"name":")" +
                   long_name + R"(","price":110},{"name":"Hx","price":50},{"name":"","price":-300,"point":1.5}]}]},
    {"key":"b2","markets":[{"key":"totals","last_update":"2024-01-01T11:00:00Z","outcomes":[
      {"name":"Over","price":-105,"point":2.5,"bet_limit":null}]}]}]},
    {"id":"x2","commence_time":"2024-01-02T00:00:00Z","bookmakers":[{"key":"b","markets":[{"key":"h2h",
      "outcomes":[{"name":"","price":150},{"name":"A","price":-150}]}]}]}])");
  std::string tiny = "[", outcomes = "{}";
  for (int i = 0; i < 20; ++i) outcomes += ",{}";
  for (int i = 0; i < 50; ++i)
    tiny += std::string(i ? "," : "") + R"({"id":"t)" + std::to_string(i) +
            R"(","commence_time":"2024-01-01T00:00:00Z","bookmakers":[{"markets":[{"outcomes":[)" + outcomes + "]}]}]}";
  bodies.push_back(tiny + "]");
  std::vector<Event> want;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    dir.write("us/" + std::to_string(1000 + i) + ".json", bodies[i]);
    auto ev = parse_events_json(bodies[i], OddsFormat::automatic);
    want.insert(want.end(), ev.begin(), ev.end());
  }
  const scan::ReplayPlan plan = scan::plan_replay(dir.path, {}, OddsFormat::automatic);
  const scan::ReplayRegion& us = plan.at("us");
  REQUIRE(us.files.size() == bodies.size());
  for (std::size_t i = 0; i + 1 < us.files.size(); ++i) CHECK_FALSE(us.files[i].reread);
  CHECK(us.files.back().reread);
  // Broken now: only the file kept to be read again is read again.
  for (std::size_t i = 0; i + 1 < bodies.size(); ++i) dir.write("us/" + std::to_string(1000 + i) + ".json", "[{");
  for (std::uintmax_t chunk_bytes : {std::uintmax_t{1}, std::uintmax_t{40000}, scan::k_replay_chunk_bytes}) {
    INFO("chunks of " << chunk_bytes);
    std::vector<Event> got;
    for_each_replay_chunk(
        us,
        [&](std::vector<Event>& ev) {
          got.insert(got.end(), ev.begin(), ev.end());
          if (!ev.empty()) ev.erase(ev.begin());  // fn may drop what it is given: the next chunk must not mind
        },
        chunk_bytes);
    check_same(got, want);
  }
}
