// One sync run against an injected OddsApi and a real SQLite store: batching, change
// detection, failures, budget shares, stop/deadline and discovery.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>

#include "oddsctl/sync.hpp"

using namespace oddsctl;
using namespace std::chrono_literals;

namespace {

// The fake's state, shared by every region's client.
struct FakeState {
  std::mutex mutex;
  std::map<std::string, std::map<std::string, std::vector<Event>>> events;  // region -> sport -> events
  std::vector<std::pair<std::string, api::OddsRequest>> calls;              // (region, request)
  std::map<std::string, std::string> fail_sport;                            // sport -> message
  std::atomic<bool>* stop_after_first = nullptr;
  int requests = 0;
};

class FakeApi : public api::OddsApi {
public:
  FakeApi(FakeState& st, std::string region) : m_st(st), m_region(std::move(region)) {}
  std::vector<Sport> sports() override {
    std::lock_guard lock(m_st.mutex);
    ++m_st.requests;
    std::vector<Sport> out;
    for (const auto& [sport, evs] : m_st.events[m_region]) out.push_back({sport, "", sport, true, false});
    return out;
  }
  std::vector<Event> events(const std::string& sport) override {
    std::lock_guard lock(m_st.mutex);
    ++m_st.requests;
    auto out = m_st.events[m_region][sport];
    for (auto& e : out) e.bookmakers.clear();
    return out;
  }
  api::OddsResponse odds(const api::OddsRequest& req) override {
    std::lock_guard lock(m_st.mutex);
    ++m_st.requests;
    m_st.calls.emplace_back(m_region, req);
    if (m_st.stop_after_first) m_st.stop_after_first->store(true);
    auto f = m_st.fail_sport.find(req.sport);
    if (f != m_st.fail_sport.end()) throw api::ApiError(api::ApiErrorKind::server, 500, "", f->second);
    api::OddsResponse r;
    for (const auto& e : m_st.events[m_region][req.sport])
      if (std::find(req.event_ids.begin(), req.event_ids.end(), e.id) != req.event_ids.end()) r.events.push_back(e);
    r.credits.last = r.events.empty() ? 0 : static_cast<std::int64_t>(req.markets.size());
    return r;
  }
  int requests() const override { return 0; }

private:
  FakeState& m_st;
  std::string m_region;
};

Event make_event(const std::string& id, const std::string& sport, Millis to_start, double price) {
  Event e;
  e.id = id;
  e.sport_key = sport;
  e.home_team = "H " + id;
  e.away_team = "A " + id;
  e.commence_time = now_utc() + to_start;
  Bookmaker b{"neds", "Neds", now_utc(), {}};
  b.markets.push_back({"h2h", std::nullopt, {{e.home_team, price, std::nullopt}, {e.away_team, 2.0, std::nullopt}}});
  e.bookmakers.push_back(b);
  return e;
}

struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<store::Store> store;
  FakeState fake;
  EnvLookup env = [](const std::string& n) -> std::optional<std::string> {
    if (n == "ODDS_API_KEY_AU") return std::string("key-au-000000000001");
    if (n == "ODDS_API_KEY_UK") return std::string("key-uk-000000000002");
    return std::nullopt;
  };
  api::ApiFactory factory = [this](const std::string& region, api::ClientOptions) -> std::unique_ptr<api::OddsApi> {
    return std::make_unique<FakeApi>(fake, region);
  };

  Fixture() {
    dir = std::filesystem::temp_directory_path() /
          ("oddsctl-sync-run-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::create_directories(dir);
    store = store::open_store((dir / "t.db").string());
  }
  ~Fixture() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
  void add(const std::string& region, const Event& e, bool track = true) {
    fake.events[region][e.sport_key].push_back(e);
    if (!track) return;
    store::TrackedEvent t;
    t.region = region;
    t.event_id = e.id;
    t.sport_key = e.sport_key;
    t.home_team = e.home_team;
    t.away_team = e.away_team;
    t.commence_time = e.commence_time;
    t.discovered_at = now_utc() - 1h;
    store->upsert_tracked({t});
  }
  sync::SyncReport run(sync::SyncOptions o) {
    o.markets = {"h2h"};
    return run_sync(o, *store, factory, env);
  }
  std::size_t snapshots(const std::string& region) {
    store::SnapshotQuery q;
    q.region = region;
    q.latest_only = false;
    return store->snapshots(q).size();
  }
};

sync::SyncOptions tier_opts(store::Tier t) {
  sync::SyncOptions o;
  o.tier = t;
  o.batch_size = 50;
  return o;
}

}  // namespace

TEST_CASE("one /odds call per region, sport and chunk of 50 ids; everything synced and stored") {
  Fixture f;
  for (int i = 0; i < 60; ++i) f.add("au", make_event("epl" + std::to_string(i), "soccer_epl", 1h, 1.9));
  for (int i = 0; i < 30; ++i) f.add("au", make_event("nba" + std::to_string(i), "basketball_nba", 1h, 1.9));
  for (int i = 0; i < 10; ++i) f.add("uk", make_event("uk" + std::to_string(i), "soccer_epl", 1h, 1.9));
  auto r = f.run(tier_opts(store::Tier::hot));
  CHECK(r.totals.selected == 100);
  CHECK(r.totals.synced == 100);
  CHECK(r.totals.changed == 100);
  CHECK(r.totals.failed == 0);
  CHECK(f.fake.calls.size() == 4);  // epl 50 + 10, nba 30, uk 10
  for (const auto& [region, req] : f.fake.calls) CHECK(req.event_ids.size() <= 50);
  CHECK(r.totals.credits_used == 4);
  CHECK(r.exit_code() == ExitCode::ok);
  CHECK(f.snapshots("au") == 90);

  SUBCASE("nothing is due right after") {
    auto again = f.run(tier_opts(store::Tier::hot));
    CHECK(again.totals.selected == 0);
    CHECK(f.fake.calls.size() == 4);
  }
  SUBCASE("unchanged odds store no snapshot; a changed price does") {
    auto o = tier_opts(store::Tier::hot);
    o.policy.max_age[store::Tier::hot] = 0ms;
    f.fake.events["au"]["soccer_epl"][3].bookmakers[0].markets[0].outcomes[0].price = 2.5;
    auto again = f.run(o);
    CHECK(again.totals.synced == 100);
    CHECK(again.totals.changed == 1);
    CHECK(again.totals.unchanged == 99);
    CHECK(f.snapshots("au") == 91);
  }
}

TEST_CASE("tier selection: only the tier's due events, limit applied, priority order in auto") {
  Fixture f;
  f.add("au", make_event("hot1", "soccer_epl", 1h, 1.9));
  f.add("au", make_event("hot2", "soccer_epl", -30min, 1.9));
  f.add("au", make_event("warm1", "soccer_epl", 5h, 1.9));
  f.add("au", make_event("cold1", "soccer_epl", 72h, 1.9));
  f.add("au", make_event("over", "soccer_epl", -8h, 1.9));
  auto o = tier_opts(store::Tier::hot);
  o.policy.limit[store::Tier::hot] = 1;
  auto r = f.run(o);
  CHECK(r.totals.selected == 1);
  REQUIRE(f.fake.calls.size() == 1);
  CHECK(f.fake.calls[0].second.event_ids == std::vector<std::string>{"hot2"});  // sooner start first

  sync::SyncOptions a;  // auto
  a.policy.limit[store::Tier::hot] = 10;
  auto all = f.run(a);
  CHECK(all.tier == "auto");
  CHECK(all.totals.selected == 3);  // hot1, warm1, cold1; "over" is retired
  CHECK(all.tiers[store::Tier::hot].selected == 1);
  CHECK(all.tiers[store::Tier::warm].selected == 1);
  CHECK(all.tiers[store::Tier::cold].selected == 1);
}

TEST_CASE("pinned tiers: a pin moves an event, frozen only on demand") {
  Fixture f;
  f.add("au", make_event("e1", "soccer_epl", 72h, 1.9));
  f.add("au", make_event("e2", "soccer_epl", 72h, 1.9));
  CHECK(f.store->set_pin("e1", std::nullopt, store::Tier::hot) == 1);
  CHECK(f.store->set_pin("e2", std::string("au"), store::Tier::frozen) == 1);
  auto r = f.run(tier_opts(store::Tier::hot));
  CHECK(r.totals.synced == 1);
  auto cold = f.run(tier_opts(store::Tier::cold));
  CHECK(cold.totals.selected == 0);
  auto a = f.run(sync::SyncOptions{});
  CHECK(a.totals.selected == 0);  // e1 fresh, e2 frozen
  auto frozen = f.run(tier_opts(store::Tier::frozen));
  CHECK(frozen.totals.synced == 1);
}

TEST_CASE("failures: a failing batch fails its events, the rest is stored, exit 3") {
  Fixture f;
  f.add("au", make_event("ok1", "soccer_epl", 1h, 1.9));
  f.add("au", make_event("bad1", "basketball_nba", 1h, 1.9));
  store::TrackedEvent ghost;
  ghost.region = "au";
  ghost.event_id = "ghost";
  ghost.sport_key = "soccer_epl";
  ghost.commence_time = now_utc() + 1h;
  ghost.discovered_at = now_utc() - 1h;
  f.store->upsert_tracked({ghost});
  f.fake.fail_sport["basketball_nba"] = "server error (500) for au/basketball_nba";
  auto r = f.run(tier_opts(store::Tier::hot));
  CHECK(r.totals.selected == 3);
  CHECK(r.totals.synced == 1);
  CHECK(r.totals.failed == 1);
  CHECK(r.totals.not_returned == 1);  // not a failure of the run
  CHECK(r.exit_code() == ExitCode::partial);
  std::map<std::string, std::string> errors;
  for (const auto& fl : r.failures) errors[fl.event_id] = fl.error;
  CHECK(errors["bad1"].find("500") != std::string::npos);
  CHECK(errors.count("ghost") == 0);
  store::TrackedQuery q;
  q.event_id = "ghost";
  auto g = f.store->list_tracked(q);
  REQUIRE(g.size() == 1);
  REQUIRE(g[0].last_error);
  CHECK(g[0].last_error->rfind("not returned", 0) == 0);  // backs off, retires eventually
  q.event_id = "bad1";
  auto t = f.store->list_tracked(q);
  REQUIRE(t.size() == 1);
  CHECK(t[0].failures == 1);
  CHECK(f.snapshots("au") == 1);

  f.fake.fail_sport["soccer_epl"] = "down";
  auto o = tier_opts(store::Tier::hot);
  o.policy.max_age[store::Tier::hot] = 0ms;
  o.policy.backoff_cap = 1ms;
  CHECK(f.run(o).exit_code() == ExitCode::runtime);  // nothing could be synced
}

TEST_CASE("stop/deadline: no new call starts, finished batches are kept, the rest is reported") {
  Fixture f;
  for (int i = 0; i < 30; ++i) f.add("au", make_event("e" + std::to_string(i), "soccer_epl", 1h, 1.9));
  std::atomic<bool> stop{false};
  f.fake.stop_after_first = &stop;
  auto o = tier_opts(store::Tier::hot);
  o.batch_size = 10;
  o.concurrency = 1;
  o.stop = &stop;
  auto r = f.run(o);
  CHECK(f.fake.calls.size() == 1);
  CHECK(r.totals.synced == 10);
  CHECK(r.totals.skipped_deadline == 20);
  CHECK(r.deadline_hit);
  CHECK(r.exit_code() == ExitCode::ok);
  CHECK(f.snapshots("au") == 10);
  // The next run picks up what was left, never-synced first.
  stop = false;
  f.fake.stop_after_first = nullptr;
  auto next = f.run(o);
  CHECK(next.totals.synced == 20);
}

TEST_CASE("budget shares in auto runs: a tier whose share is spent stops starting calls") {
  Fixture f;
  for (int i = 0; i < 4; ++i) f.add("au", make_event("h" + std::to_string(i), "sport" + std::to_string(i), 1h, 1.9));
  for (int i = 0; i < 4; ++i) f.add("au", make_event("w" + std::to_string(i), "wsport" + std::to_string(i), 5h, 1.9));
  sync::SyncOptions o;
  o.max_credits = 5;  // hot 3, warm 1, cold 0 (one credit per call with markets=h2h)
  o.concurrency = 1;
  auto r = f.run(o);
  CHECK(r.tiers[store::Tier::hot].synced == 3);
  CHECK(r.tiers[store::Tier::hot].skipped_budget == 1);
  CHECK(r.tiers[store::Tier::warm].synced == 1);
  CHECK(r.tiers[store::Tier::warm].skipped_budget == 3);
  CHECK(r.totals.credits_used == 4);
  CHECK(r.exit_code() == ExitCode::ok);
}

TEST_CASE("--event: one event now, guarded by min_interval unless forced") {
  Fixture f;
  f.add("au", make_event("e1", "soccer_epl", 72h, 1.9));
  f.add("uk", make_event("e1", "soccer_epl", 72h, 1.9));
  sync::SyncOptions o;
  o.event_id = "e1";
  auto r = f.run(o);
  CHECK(r.tier == "event");
  CHECK(r.totals.synced == 2);
  auto again = f.run(o);
  CHECK(again.totals.selected == 0);
  CHECK(again.skipped_recent == 2);
  o.force = true;
  o.regions = {"uk"};
  auto forced = f.run(o);
  CHECK(forced.totals.synced == 1);
  o.event_id = "nope";
  CHECK_THROWS_AS(f.run(o), UsageError);
}

TEST_CASE("discovery tracks events from /events; auto discovers only when stale") {
  Fixture f;
  f.fake.events["au"]["soccer_epl"] = {make_event("d1", "soccer_epl", 1h, 1.9),
                                       make_event("d2", "soccer_epl", 30h, 1.9)};
  sync::SyncOptions o;
  o.discover = true;
  o.sync = false;
  o.regions = {"au"};
  auto r = f.run(o);
  CHECK(r.tier == "none");
  CHECK(r.discovery.events == 2);
  CHECK(f.store->list_tracked({}).size() == 2);
  CHECK(f.fake.calls.empty());

  sync::SyncOptions a;
  a.regions = {"au"};
  a.discover_every = 6h;
  int before = f.fake.requests;
  auto run = f.run(a);
  CHECK_FALSE(run.discovery.ran);  // looked, but nothing was stale
  CHECK(run.discovery.events == 0);
  CHECK(run.totals.synced == 2);
  // No /sports or /events call; one /odds call: hot d1 and cold d2 share region and sport.
  CHECK(f.fake.requests - before == 1);
}

TEST_CASE("freshest_events: latest snapshot of events synced within max_age") {
  Fixture f;
  f.add("au", make_event("e1", "soccer_epl", 1h, 1.9));
  f.add("au", make_event("e2", "soccer_epl", 1h, 1.8));
  f.run(tier_opts(store::Tier::hot));
  auto events = sync::freshest_events(*f.store, "au", 5min, now_utc());
  REQUIRE(events.size() == 2);
  CHECK(events[0].bookmakers.size() == 1);
  CHECK(sync::freshest_events(*f.store, "au", 5min, now_utc() + 10min).empty());
  CHECK(sync::freshest_events(*f.store, "uk", 5min, now_utc()).empty());
}
