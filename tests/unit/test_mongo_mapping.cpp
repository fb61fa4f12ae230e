// The Mongo store without a server: BSON <-> domain mapping, URI handling, the filters and
// updates it sends, and a clear, quick failure when no server answers. (The store's
// behaviour against a server is the conformance suite's, with ODDSCTL_TEST_MONGO_URI.)
// Built in every configuration; without libmongoc it holds no test.
#ifdef ODDSCTL_WITH_MONGO

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "oddsctl/errors.hpp"
#include "store/mongo/bson_io.hpp"
#include "store/mongo/mapping.hpp"
#include "store/mongo/mongo_store.hpp"
#include "store/mongo/queries.hpp"
#include "store/mongo/uri.hpp"
#include "test_util.hpp"

using namespace oddsctl;
using namespace store::mongo;
using namespace oddsctl::test;
using namespace std::chrono_literals;

namespace {

const TimePoint k_t0 = from_epoch_ms(1704067200000);  // 2024-01-01T00:00:00Z

// Relaxed extended JSON without the spaces libbson puts around punctuation.
std::string compact(const std::string& json) {
  std::string out;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    char ch = json[i];
    if (ch == '"' && (i == 0 || json[i - 1] != '\\')) in_string = !in_string;
    if (!in_string && (ch == ' ' || ch == '\n')) continue;
    out += ch;
  }
  return out;
}

std::string json_of(const Bson& doc) { return compact(doc.json()); }

Opportunity sample_opportunity() {
  Opportunity o;
  o.region = "au";
  o.sport_key = "soccer_epl";
  o.sport_title = "EPL";
  o.event_id = "ev1";
  o.home_team = "Home";
  o.away_team = "Away";
  o.commence_time = k_t0 + 24h;
  o.market = "spreads";
  o.point = -0.5;
  o.implied_sum = 0.980392;
  o.profit_pct = 2.0;
  o.legs.push_back(Leg{"Home", -0.5, 2.04, 2.04, {"neds", "tab"}, 49.0});
  o.legs.push_back(Leg{"Away", 0.5, 2.1, 2.045, {"betfair_ex_au"}, std::nullopt});
  return o;
}

store::RegionScan sample_scan() {
  store::RegionScan s;
  s.scan_id = "20240101T000000Z-abc";
  s.region = "au";
  s.command = "scan";
  s.worker = "host:42";
  s.started_at = k_t0 + 1234ms;
  s.duration_ms = 640;
  s.status = store::RegionStatus::partial;
  s.error = "1 sport failed";
  s.failed_sports = {"tennis_atp"};
  s.requests = 7;
  s.credits_used = 18;
  s.credits_remaining = std::nullopt;
  s.events = 72;
  s.opportunities = {sample_opportunity()};
  s.opportunity_count = 1;
  return s;
}

}  // namespace

TEST_CASE("a region scan round-trips with its opportunities and legs") {
  store::RegionScan s = sample_scan();
  Bson doc = scan_to_bson(s);
  store::RegionScan back = scan_from_bson(Reader(doc.get()));
  CHECK(back.scan_id == s.scan_id);
  CHECK(back.region == s.region);
  CHECK(back.command == s.command);
  CHECK(back.worker == s.worker);
  CHECK(back.started_at == s.started_at);
  CHECK(back.duration_ms == s.duration_ms);
  CHECK(back.status == store::RegionStatus::partial);
  CHECK(back.error == s.error);
  CHECK(back.failed_sports == s.failed_sports);
  CHECK(back.requests == 7);
  CHECK(back.credits_used == 18);
  CHECK_FALSE(back.credits_remaining.has_value());
  CHECK(back.events == 72);
  CHECK(back.opportunity_count == 1);
  REQUIRE(back.opportunities.size() == 1);
  check_same(back.opportunities[0], s.opportunities[0], Numbers::exact);

  std::string json = json_of(doc);
  // Natural _id, times as BSON dates, enums as strings, unknown credits as null.
  CHECK(json.find(R"("_id":"20240101T000000Z-abc:au")") != std::string::npos);
  CHECK(json.find(R"("started_at":{"$date":"2024-01-01T00:00:01.234Z"})") != std::string::npos);
  CHECK(json.find(R"("status":"partial")") != std::string::npos);
  CHECK(json.find(R"("credits_remaining":null)") != std::string::npos);
  CHECK(json.find(R"("point":null)") == std::string::npos);  // every point here is set
}

TEST_CASE("optional fields: null and absent both read as none; h2h point is null") {
  Bson doc = Bson::from_json(R"({"scan_id": "s", "region": "uk", "status": "ok", "error": null,
                                 "started_at": {"$date": "2024-01-01T00:00:00Z"},
                                 "opportunities": [{"market": "h2h", "point": null,
                                   "legs": [{"outcome": "Draw", "price": 3, "bookmakers": ["b"]}]}]})");
  store::RegionScan s = scan_from_bson(Reader(doc.get()));
  CHECK(s.status == store::RegionStatus::ok);
  CHECK_FALSE(s.error.has_value());
  CHECK_FALSE(s.credits_used.has_value());  // absent
  CHECK(s.started_at == k_t0);
  CHECK(s.command == "scan");
  REQUIRE(s.opportunities.size() == 1);
  CHECK_FALSE(s.opportunities[0].point.has_value());
  REQUIRE(s.opportunities[0].legs.size() == 1);
  CHECK(s.opportunities[0].legs[0].price == 3.0);            // an int32 reads as a number
  CHECK(s.opportunities[0].legs[0].effective_price == 3.0);  // absent: the price
  CHECK_FALSE(s.opportunities[0].legs[0].point.has_value());

  Opportunity h2h = sample_opportunity();
  h2h.market = "h2h";
  h2h.point = std::nullopt;
  Bson o;
  put_opportunity(o.get(), h2h);
  CHECK(json_of(o).find(R"("market":"h2h","point":null)") != std::string::npos);
}

TEST_CASE("a tracked event round-trips with its pin and sync state") {
  store::TrackedEvent e;
  e.region = "us";
  e.event_id = "ev9";
  e.sport_key = "basketball_nba";
  e.sport_title = "NBA";
  e.home_team = "A";
  e.away_team = "B";
  e.commence_time = k_t0 + 2h;
  e.discovered_at = k_t0;
  e.pinned_tier = store::Tier::hot;
  e.last_synced_at = k_t0 + 1min;
  e.last_attempt_at = k_t0 + 2min;
  e.fingerprint = "f00d";
  e.failures = 2;
  e.last_error = "HTTP 500";
  Bson doc = tracked_to_bson(e);
  CHECK(json_of(doc).find(R"("_id":"us:ev9")") != std::string::npos);
  CHECK(json_of(doc).find(R"("pinned_tier":"hot")") != std::string::npos);
  CHECK(json_of(doc).find(R"("last_changed_at":null)") != std::string::npos);
  store::TrackedEvent back = tracked_from_bson(Reader(doc.get()));
  CHECK(back.region == e.region);
  CHECK(back.event_id == e.event_id);
  CHECK(back.sport_key == e.sport_key);
  CHECK(back.sport_title == e.sport_title);
  CHECK(back.home_team == e.home_team);
  CHECK(back.away_team == e.away_team);
  CHECK(back.commence_time == e.commence_time);
  CHECK(back.discovered_at == e.discovered_at);
  CHECK(back.pinned_tier == store::Tier::hot);
  CHECK(back.last_synced_at == e.last_synced_at);
  CHECK_FALSE(back.last_changed_at.has_value());
  CHECK(back.last_attempt_at == e.last_attempt_at);
  CHECK(back.fingerprint == "f00d");
  CHECK(back.failures == 2);
  CHECK(back.last_error == e.last_error);

  e.pinned_tier = std::nullopt;
  store::TrackedEvent unpinned = tracked_from_bson(Reader(tracked_to_bson(e).get()));
  CHECK_FALSE(unpinned.pinned_tier.has_value());
}

TEST_CASE("a snapshot round-trips with its whole event") {
  store::Snapshot s;
  s.region = "eu";
  s.event_id = "ev2";
  s.sport_key = "soccer_epl";
  s.taken_at = k_t0 + 5s;
  s.fingerprint = "abc";
  s.event.id = "ev2";
  s.event.sport_key = "soccer_epl";
  s.event.sport_title = "EPL";
  s.event.home_team = "H";
  s.event.away_team = "A";
  s.event.commence_time = k_t0 + 3h;
  Bookmaker book{"pinnacle", "Pinnacle", k_t0, {}};
  book.markets.push_back(
      Market{"h2h", std::nullopt, {Outcome{"H", 2.1, std::nullopt}, Outcome{"A", 1.9, std::nullopt}}});
  book.markets.push_back(Market{"totals", k_t0 + 1s, {Outcome{"Over", 1.95, 2.5}, Outcome{"Under", 1.95, 2.5}}});
  book.link = "https://book.example/event/ev2";
  book.markets[1].link = "https://book.example/event/ev2/totals";
  book.markets[1].outcomes[0].link = "https://book.example/slip?o=over";
  book.markets[1].outcomes[0].bet_limit = 250.5;
  s.event.bookmakers.push_back(book);
  s.event.bookmakers.push_back(Bookmaker{"tab", "TAB", std::nullopt, {}});

  Bson doc = snapshot_to_bson(s);
  CHECK(json_of(doc).find(R"("_id":"eu:ev2:1704067205000:abc")") != std::string::npos);
  store::Snapshot back = snapshot_from_bson(Reader(doc.get()));
  CHECK(back.region == "eu");
  CHECK(back.event_id == "ev2");
  CHECK(back.sport_key == "soccer_epl");
  CHECK(back.taken_at == s.taken_at);
  CHECK(back.fingerprint == "abc");
  CHECK(back.event.id == "ev2");
  CHECK(back.event.sport_title == "EPL");
  CHECK(back.event.commence_time == s.event.commence_time);
  REQUIRE(back.event.bookmakers.size() == 2);
  const Bookmaker& b = back.event.bookmakers[0];
  CHECK(b.key == "pinnacle");
  CHECK(b.title == "Pinnacle");
  CHECK(b.last_update == k_t0);
  REQUIRE(b.markets.size() == 2);
  CHECK_FALSE(b.markets[0].last_update.has_value());
  CHECK(b.markets[1].last_update == k_t0 + 1s);
  REQUIRE(b.markets[1].outcomes.size() == 2);
  CHECK(b.markets[1].outcomes[0].name == "Over");
  CHECK(b.markets[1].outcomes[0].price == 1.95);
  CHECK(b.markets[1].outcomes[0].point == 2.5);
  CHECK_FALSE(b.markets[0].outcomes[0].point.has_value());
  // --links and --bet-limits survive a snapshot (sync stores what scan --from-store reads).
  CHECK(b.link == std::optional<std::string>("https://book.example/event/ev2"));
  CHECK(b.markets[1].link == std::optional<std::string>("https://book.example/event/ev2/totals"));
  CHECK(b.markets[1].outcomes[0].link == std::optional<std::string>("https://book.example/slip?o=over"));
  CHECK(b.markets[1].outcomes[0].bet_limit == std::optional<double>(250.5));
  CHECK_FALSE(b.markets[0].link.has_value());
  CHECK_FALSE(b.markets[1].outcomes[1].link.has_value());
  CHECK_FALSE(b.markets[1].outcomes[1].bet_limit.has_value());
  CHECK_FALSE(back.event.bookmakers[1].last_update.has_value());
  CHECK(back.event.bookmakers[1].markets.empty());
}

TEST_CASE("a ledger entry keeps unknown credits unknown, never zero") {
  LedgerEntry e;
  e.at = k_t0 + 7ms;
  e.key_id = "k1";
  e.key_hint = "…abcd";
  e.region = "au";
  e.command = "scan";
  e.endpoint = "odds";
  e.sport = "soccer_epl";
  e.http_status = 200;
  e.credits.used = 18;
  e.credits.remaining = std::nullopt;
  e.credits.last = 0;
  Bson doc = ledger_to_bson(e);
  std::string json = json_of(doc);
  CHECK(json.find(R"("remaining":null)") != std::string::npos);
  CHECK(json.find(R"("last":0)") != std::string::npos);
  LedgerEntry back = ledger_from_bson(Reader(doc.get()));
  CHECK(back.at == e.at);
  CHECK(back.key_id == "k1");
  CHECK(back.key_hint == "…abcd");
  CHECK(back.region == "au");
  CHECK(back.command == "scan");
  CHECK(back.endpoint == "odds");
  CHECK(back.sport == "soccer_epl");
  CHECK(back.http_status == 200);
  CHECK(back.credits.used == 18);
  CHECK_FALSE(back.credits.remaining.has_value());
  CHECK(back.credits.last == 0);
}

TEST_CASE("lease, alert mark and heartbeat round-trip") {
  store::Lease l{"scan:au", "host:1", k_t0, k_t0 + 2min};
  store::Lease lb = lease_from_bson(Reader(lease_to_bson(l).get()));
  CHECK(lb.name == l.name);
  CHECK(lb.owner == l.owner);
  CHECK(lb.acquired_at == l.acquired_at);
  CHECK(lb.expires_at == l.expires_at);

  store::AlertMark a{"au:ev1:h2h:", k_t0, 2.5};
  store::AlertMark ab = alert_from_bson(Reader(alert_to_bson(a).get()));
  CHECK(ab.key == a.key);
  CHECK(ab.sent_at == a.sent_at);
  CHECK(ab.profit_pct == 2.5);

  store::Heartbeat h{"w1", "host", 42, "worker", k_t0, k_t0 + 1min, 9, std::nullopt};
  store::Heartbeat hb = heartbeat_from_bson(Reader(heartbeat_to_bson(h).get()));
  CHECK(hb.worker_id == "w1");
  CHECK(hb.host == "host");
  CHECK(hb.pid == 42);
  CHECK(hb.command == "worker");
  CHECK(hb.started_at == k_t0);
  CHECK(hb.last_cycle_at == k_t0 + 1min);
  CHECK(hb.cycles == 9);
  CHECK_FALSE(hb.last_error.has_value());
  h.last_error = "boom";
  CHECK(heartbeat_from_bson(Reader(heartbeat_to_bson(h).get())).last_error == "boom");
}

TEST_CASE("the URI must name a database; options pass through; defaults fill the rest") {
  try {
    parse_mongo_uri("mongodb://alice:s3cret@db.example:27017/?tls=true");
    FAIL("expected a UsageError");
  } catch (const UsageError& e) {
    std::string msg = e.what();
    CHECK(msg.find("mongodb URI needs a database name: mongodb://host/oddsctl") != std::string::npos);
    CHECK(msg.find("s3cret") == std::string::npos);
    CHECK(msg.find("alice:***@db.example") != std::string::npos);
  }
  try {
    parse_mongo_uri("mongodb://alice:s3cret@/oddsctl");
    FAIL("expected a UsageError");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()).find("s3cret") == std::string::npos);
  }

  MongoTarget t = parse_mongo_uri("mongodb://h1:27017,h2:27017/odds?replicaSet=rs0&connectTimeoutMS=1500");
  CHECK(t.database == "odds");
  const mongoc_uri_t* uri = t.uri.get();
  CHECK(std::string(mongoc_uri_get_replica_set(uri)) == "rs0");
  CHECK(mongoc_uri_get_option_as_int32(uri, MONGOC_URI_CONNECTTIMEOUTMS, 0) == 1500);
  CHECK(mongoc_uri_get_option_as_bool(uri, MONGOC_URI_RETRYWRITES, false));
  CHECK(mongoc_uri_get_option_as_int32(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 0) == 2000);
  CHECK(std::string(mongoc_uri_get_appname(uri)) == "oddsctl");
  CHECK(mongoc_write_concern_get_wmajority(mongoc_uri_get_write_concern(uri)));

  MongoTarget own = parse_mongo_uri("mongodb://h/odds?w=1&retryWrites=false&appname=mine&serverSelectionTimeoutMS=200");
  const mongoc_uri_t* u2 = own.uri.get();
  CHECK(mongoc_write_concern_get_w(mongoc_uri_get_write_concern(u2)) == 1);
  CHECK_FALSE(mongoc_uri_get_option_as_bool(u2, MONGOC_URI_RETRYWRITES, true));
  CHECK(std::string(mongoc_uri_get_appname(u2)) == "mine");
  CHECK(mongoc_uri_get_option_as_int32(u2, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 0) == 200);
}

TEST_CASE("credentials never appear in the URI's text form") {
  CHECK(redact_mongo_uri("mongodb://bob:hunter2@h/db") == "mongodb://bob:***@h/db");
  CHECK(redact_mongo_uri("mongodb+srv://bob:hunter2@cluster0.example.net/db?retryWrites=true") ==
        "mongodb+srv://bob:***@cluster0.example.net/db?retryWrites=true");
  CHECK(redact_mongo_uri("mongodb://h/db?tls=true&tlsCertificateKeyFilePassword=pw&w=1") ==
        "mongodb://h/db?tls=true&tlsCertificateKeyFilePassword=***&w=1");
  CHECK(redact_mongo_uri("mongodb://h/db") == "mongodb://h/db");
}

TEST_CASE("lease filters and updates") {
  CHECK(json_of(lease_acquire_filter("scan:au", "w1", k_t0)) ==
        R"({"_id":"scan:au","$or":[{"expires_at":{"$lte":{"$date":"2024-01-01T00:00:00Z"}}},{"owner":"w1"}]})");
  CHECK(
      json_of(lease_acquire_update("w1", 2min, k_t0)) ==
      R"({"0":{"$set":{"owner":{"$literal":"w1"},"acquired_at":{"$cond":[{"$and":[{"$eq":["$owner",{"$literal":"w1"}]},)"
      R"({"$gt":["$expires_at",{"$date":"2024-01-01T00:00:00Z"}]}]},"$acquired_at",{"$date":"2024-01-01T00:00:00Z"}]},)"
      R"("expires_at":{"$date":"2024-01-01T00:02:00Z"}}}})");
  CHECK(json_of(lease_owner_filter("scan:au", "w1")) == R"({"_id":"scan:au","owner":"w1"})");
  CHECK(json_of(lease_renew_update(30s, k_t0)) == R"({"$set":{"expires_at":{"$date":"2024-01-01T00:00:30Z"}}})");
}

TEST_CASE("scan, tracked, sync, ledger and snapshot queries") {
  store::ScanQuery q;
  CHECK(json_of(scan_filter(q)) == "{}");
  CHECK(json_of(scan_find_opts(q)) ==
        R"({"sort":{"started_at":-1,"scan_id":-1,"region":1},"limit":100,"projection":{"opportunities":0}})");
  q.region = "au";
  q.since = k_t0;
  q.limit = 0;
  q.with_opportunities = true;
  CHECK(json_of(scan_filter(q)) == R"({"region":"au","started_at":{"$gte":{"$date":"2024-01-01T00:00:00Z"}}})");
  CHECK(json_of(scan_find_opts(q)) == R"({"sort":{"started_at":-1,"scan_id":-1,"region":1}})");

  store::RegionScan s = sample_scan();
  CHECK(json_of(latest_good_forward_filter(s)) ==
        R"({"_id":"au","started_at":{"$lte":{"$date":"2024-01-01T00:00:01.234Z"}}})");

  store::TrackedEvent e;
  e.region = "au";
  e.event_id = "ev1";
  e.sport_key = "k";
  e.commence_time = k_t0;
  e.discovered_at = k_t0;
  std::string up = json_of(tracked_upsert_update(e));
  CHECK(up.find(R"({"$set":{"sport_key":"k","sport_title":"","home_team":"","away_team":"",)") == 0);
  CHECK(up.find(R"("$setOnInsert":{"region":"au","event_id":"ev1","discovered_at")") != std::string::npos);
  CHECK(up.find(R"("pinned_tier":null)") != std::string::npos);

  store::TrackedQuery tq;
  tq.sport_key = "k";
  tq.commence_after = k_t0;
  CHECK(json_of(tracked_filter(tq)) ==
        R"({"sport_key":"k","commence_time":{"$gte":{"$date":"2024-01-01T00:00:00Z"}}})");
  CHECK(json_of(pin_filter("ev1", std::nullopt)) == R"({"event_id":"ev1"})");
  CHECK(json_of(pin_update(store::Tier::warm)) == R"({"$set":{"pinned_tier":"warm"}})");
  CHECK(json_of(pin_update(std::nullopt)) == R"({"$set":{"pinned_tier":null}})");

  store::SyncOutcome bad{"au", "ev1", k_t0, false, "HTTP 404", "", std::nullopt};
  CHECK(
      json_of(sync_update(bad)) ==
      R"({"$set":{"last_attempt_at":{"$date":"2024-01-01T00:00:00Z"},"last_error":"HTTP 404"},"$inc":{"failures":1}})");
  store::Snapshot snap;
  snap.taken_at = k_t0 + 1s;
  store::SyncOutcome changed{"au", "ev1", k_t0, true, std::nullopt, "fp", snap};
  CHECK(
      json_of(sync_update(changed)) ==
      R"({"$set":{"last_attempt_at":{"$date":"2024-01-01T00:00:00Z"},"last_synced_at":{"$date":"2024-01-01T00:00:00Z"},)"
      R"("last_changed_at":{"$date":"2024-01-01T00:00:01Z"},"fingerprint":"fp","failures":0,"last_error":null}})");

  store::LedgerQuery lq;
  CHECK(json_of(ledger_find_opts(lq)) == R"({"sort":{"at":1,"_id":1}})");
  lq.limit = 5;
  lq.key_id = "k1";
  CHECK(json_of(ledger_find_opts(lq)) == R"({"sort":{"at":-1,"_id":-1},"limit":5})");
  CHECK(json_of(ledger_filter(lq)) == R"({"key_id":"k1"})");
  CHECK(json_of(latest_per_key_pipeline()).find(R"({"$match":{"remaining":{"$ne":null}}})") != std::string::npos);

  store::SnapshotQuery sq;
  sq.event_id = "ev1";
  std::string latest = json_of(snapshot_pipeline(sq));
  CHECK(
      latest.find(
          R"({"pipeline":[{"$match":{"event_id":"ev1"}},{"$sort":{"region":1,"event_id":1,"taken_at":-1,"_id":-1}},)") ==
      0);
  CHECK(latest.find(R"({"$group":{"_id":{"r":"$region","e":"$event_id"},"doc":{"$first":"$$ROOT"}}})") !=
        std::string::npos);
  sq.latest_only = false;
  CHECK(json_of(snapshot_pipeline(sq)) ==
        R"({"pipeline":[{"$match":{"event_id":"ev1"}},{"$sort":{"region":1,"event_id":1,"taken_at":1,"_id":1}}]})");
}

TEST_CASE("scan provenance: source and empty round-trip; schema 1 documents read as live and none") {
  store::RegionScan s = sample_scan();
  CHECK(json_of(scan_to_bson(s)).find(R"("command":"scan","source":"live","empty":"none")") != std::string::npos);
  const std::pair<store::ScanSource, store::EmptyReason> cases[] = {
      {store::ScanSource::live, store::EmptyReason::no_events},
      {store::ScanSource::replay, store::EmptyReason::filtered},
      {store::ScanSource::demo, store::EmptyReason::none},
      {store::ScanSource::store, store::EmptyReason::no_snapshots}};
  for (const auto& [source, empty] : cases) {
    CAPTURE(to_string(source));
    CAPTURE(to_string(empty));
    s.source = source;
    s.empty = empty;
    Bson doc = scan_to_bson(s);
    std::string json = json_of(doc);
    CHECK(json.find(std::string(R"("source":")") + to_string(source) + "\"") != std::string::npos);
    CHECK(json.find(std::string(R"("empty":")") + to_string(empty) + "\"") != std::string::npos);
    store::RegionScan back = scan_from_bson(Reader(doc.get()));
    CHECK(back.source == source);
    CHECK(back.empty == empty);
  }

  Bson old = Bson::from_json(R"({"_id": "s:au", "scan_id": "s", "region": "au", "status": "ok"})");
  store::RegionScan v1 = scan_from_bson(Reader(old.get()));
  CHECK(v1.source == store::ScanSource::live);
  CHECK(v1.empty == store::EmptyReason::none);

  Bson bad_source =
      Bson::from_json(R"({"_id": "s:au", "scan_id": "s", "region": "au", "status": "ok", "source": "dream"})");
  CHECK_THROWS_WITH_AS(scan_from_bson(Reader(bad_source.get())), doctest::Contains("unknown scan source 'dream'"),
                       StoreError);
  Bson bad_empty =
      Bson::from_json(R"({"_id": "s:au", "scan_id": "s", "region": "au", "status": "ok", "empty": "void"})");
  CHECK_THROWS_WITH_AS(scan_from_bson(Reader(bad_empty.get())), doctest::Contains("unknown empty reason 'void'"),
                       StoreError);
}

TEST_CASE("latest_good pointers: one per region and source; live keeps the schema 1 id") {
  CHECK(latest_good_doc_id("au", store::ScanSource::live) == "au");
  CHECK(latest_good_doc_id("au", store::ScanSource::replay) == "au:replay");
  CHECK(latest_good_doc_id("au", store::ScanSource::demo) == "au:demo");
  CHECK(latest_good_doc_id("au", store::ScanSource::store) == "au:store");
  CHECK(latest_good_doc_ids("uk") == std::vector<std::string>{"uk", "uk:replay", "uk:demo", "uk:store"});

  store::RegionScan s = sample_scan();
  CHECK(json_of(latest_good_to_bson(s)) ==
        R"({"_id":"au","region":"au","source":"live","scan_doc_id":"20240101T000000Z-abc:au",)"
        R"("scan_id":"20240101T000000Z-abc","started_at":{"$date":"2024-01-01T00:00:01.234Z"}})");
  s.source = store::ScanSource::demo;
  CHECK(json_of(latest_good_to_bson(s)).find(R"({"_id":"au:demo","region":"au","source":"demo",)") == 0);
  CHECK(json_of(latest_good_forward_filter(s)) ==
        R"({"_id":"au:demo","started_at":{"$lte":{"$date":"2024-01-01T00:00:01.234Z"}}})");

  // A good scan clears only other sources' pointers naming it; one that is not good, its own too.
  CHECK(json_of(latest_good_stale_filter(s)) ==
        R"({"_id":{"$in":["au","au:replay","au:store"]},"scan_id":"20240101T000000Z-abc"})");
  s.empty = store::EmptyReason::filtered;
  CHECK(json_of(latest_good_stale_filter(s)) ==
        R"({"_id":{"$in":["au","au:replay","au:demo","au:store"]},"scan_id":"20240101T000000Z-abc"})");
  s.empty = store::EmptyReason::no_events;  // an empty board is good
  CHECK(json_of(latest_good_stale_filter(s)).find(R"("au:demo")") == std::string::npos);
  s.status = store::RegionStatus::failed;
  CHECK(json_of(latest_good_stale_filter(s)).find(R"("au:demo")") != std::string::npos);

  CHECK(json_of(latest_good_region_filter("au")) == R"({"_id":{"$in":["au","au:replay","au:demo","au:store"]}})");
}

TEST_CASE("list_scans by source: live also matches schema 1 documents without the field") {
  store::ScanQuery q;
  q.source = store::ScanSource::live;
  CHECK(json_of(scan_filter(q)) == R"({"source":{"$in":["live",null]}})");
  q.source = store::ScanSource::store;
  q.region = "au";
  CHECK(json_of(scan_filter(q)) == R"({"region":"au","source":"store"})");
}

TEST_CASE("indexes: leases expire by TTL; scans and snapshots do not") {
  CHECK(
      json_of(create_indexes_command("leases")) ==
      R"({"createIndexes":"leases","indexes":[{"key":{"expires_at":1},"name":"expires_at_ttl","expireAfterSeconds":0}]})");
  CHECK(json_of(create_indexes_command("scans")).find("expireAfterSeconds") == std::string::npos);
  CHECK(json_of(create_indexes_command("snapshots")).find("expireAfterSeconds") == std::string::npos);
  for (const auto& spec : index_specs()) {
    CHECK_NOTHROW(Bson::from_json(spec.keys_json));
    bool listed = false;
    for (const auto& c : collection_names()) listed = listed || c == spec.collection;
    CHECK(listed);
  }
}

TEST_CASE("an unreachable server fails quickly with a clear StoreError and no password") {
  try {
    store::make_mongo_store("mongodb://bob:hunter2@127.0.0.1:1/x?serverSelectionTimeoutMS=200");
    FAIL("expected a StoreError");
  } catch (const StoreError& e) {
    std::string msg = e.what();
    INFO(msg);
    CHECK(msg.rfind("mongodb mongodb://bob:***@127.0.0.1:1/x?serverSelectionTimeoutMS=200: connect: ", 0) == 0);
    CHECK(msg.find("hunter2") == std::string::npos);
    CHECK(msg.find('\n') == std::string::npos);
  }
  CHECK_THROWS_AS(store::make_mongo_store("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=200"), UsageError);
}

TEST_CASE("timeouts: about 2 s for server selection and connect unless the URI sets them") {
  MongoTarget t = parse_mongo_uri("mongodb://h/odds");
  CHECK(mongoc_uri_get_option_as_int32(t.uri.get(), MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 0) == 2000);
  CHECK(mongoc_uri_get_option_as_int32(t.uri.get(), MONGOC_URI_CONNECTTIMEOUTMS, 0) == 2000);
  MongoTarget own = parse_mongo_uri("mongodb://h/odds?serverSelectionTimeoutMS=7000&connectTimeoutMS=4500");
  CHECK(mongoc_uri_get_option_as_int32(own.uri.get(), MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 0) == 7000);
  CHECK(mongoc_uri_get_option_as_int32(own.uri.get(), MONGOC_URI_CONNECTTIMEOUTMS, 0) == 4500);
  // Option names are case-insensitive in a URI: a user's spelling is still theirs.
  MongoTarget cased = parse_mongo_uri("mongodb://h/odds?serverselectiontimeoutms=900&CONNECTTIMEOUTMS=800");
  CHECK(mongoc_uri_get_option_as_int32(cased.uri.get(), MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 0) == 900);
  CHECK(mongoc_uri_get_option_as_int32(cased.uri.get(), MONGOC_URI_CONNECTTIMEOUTMS, 0) == 800);
}

TEST_CASE("a closed port fails within the default timeouts, read-write or read-only") {
  for (store::OpenMode mode : {store::OpenMode::read_write, store::OpenMode::read_only}) {
    auto t0 = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(make_mongo_store("mongodb://127.0.0.1:1/x", mode), StoreError);
    auto took = std::chrono::steady_clock::now() - t0;
    CHECK(took < 5s);
  }
}

TEST_CASE("one embedded opportunity that cannot be read is skipped; the rest of the scan is served") {
  store::RegionScan s = sample_scan();
  Opportunity second = s.opportunities[0];
  second.event_id = "ev2";
  s.opportunities.push_back(second);
  Bson good = scan_to_bson(s);
  // The same document with two damaged entries in its array: one without legs, one that is
  // not a document at all.
  std::string json = json_of(good);
  auto at = json.find("\"opportunities\":[");
  REQUIRE(at != std::string::npos);
  at = json.find('[', at) + 1;
  json.insert(at, R"({"region": "au", "market": "h2h"}, 42, )");
  Bson damaged = Bson::from_json(json);
  store::RegionScan back = scan_from_bson(Reader(damaged.get()));
  REQUIRE(back.opportunities.size() == 2);
  check_same(back.opportunities[0], s.opportunities[0], Numbers::exact);
  CHECK(back.opportunities[1].event_id == "ev2");

  Bson bad_leg = Bson::from_json(
      R"({"region": "au", "event_id": "e", "market": "h2h", "commence_time": {"$date": "2024-01-01T00:00:00Z"},)"
      R"( "implied_sum": 0.9, "profit_pct": 1.0, "legs": [{"outcome": "A"}]})");
  CHECK(opportunity_problem(Reader(bad_leg.get())).value_or("") == "a leg has no price");
  Bson one = Bson();
  put_opportunity(one.get(), s.opportunities[0]);
  CHECK_FALSE(opportunity_problem(Reader(one.get())).has_value());
}

#endif  // ODDSCTL_WITH_MONGO
