// Role HeartbeatStore (store/heartbeats.hpp): worker heartbeats.
#include "backends.hpp"
#include "fixtures.hpp"

using namespace oddsctl;
using namespace oddsctl::test;

TEST_CASE("heartbeats: upsert by worker id, sorted by worker id") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    CHECK(store.heartbeats().empty());
    store::Heartbeat hb{"w2", "host-b", 42, "sync --tier hot --loop", at_s(0), at_s(30), 1, std::nullopt};
    store.heartbeat(hb);
    store.heartbeat({"w1", "host-a", 7, "scan --loop", at_s(0), at_s(5), 3, std::string("HTTP 500")});
    hb.last_cycle_at = at_s(90);
    hb.cycles = 4;
    hb.last_error = "timeout";
    store.heartbeat(hb);
    auto all = store.heartbeats();
    REQUIRE(all.size() == 2);
    CHECK(all[0].worker_id == "w1");
    CHECK(all[0].last_error == std::optional<std::string>("HTTP 500"));
    CHECK(all[1].worker_id == "w2");
    CHECK(all[1].host == "host-b");
    CHECK(all[1].pid == 42);
    CHECK(all[1].command == "sync --tier hot --loop");
    CHECK(all[1].started_at == at_s(0));
    CHECK(all[1].last_cycle_at == at_s(90));
    CHECK(all[1].cycles == 4);
    CHECK(all[1].last_error == std::optional<std::string>("timeout"));
  });
}
