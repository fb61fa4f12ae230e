// Role AlertStore (store/alerts.hpp): alert marks.
#include "backends.hpp"
#include "fixtures.hpp"

using namespace oddsctl;
using namespace oddsctl::test;

TEST_CASE("alerts: mark, read back, re-mark, list sorted by key") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    CHECK_FALSE(store.get_alert("au:e1:h2h:").has_value());
    store.mark_alert({"au:e1:h2h:", at_s(0), 2.5});
    store.mark_alert({"au:e0:spreads:-0.5", at_s(1), 1.25});
    auto a = store.get_alert("au:e1:h2h:");
    REQUIRE(a.has_value());
    CHECK(a->sent_at == at_s(0));
    CHECK(a->profit_pct == doctest::Approx(2.5));
    store.mark_alert({"au:e1:h2h:", at_s(60), 3.0});
    CHECK(store.get_alert("au:e1:h2h:")->sent_at == at_s(60));
    CHECK(store.get_alert("au:e1:h2h:")->profit_pct == doctest::Approx(3.0));
    auto all = store.list_alerts();
    REQUIRE(all.size() == 2);
    CHECK(all[0].key == "au:e0:spreads:-0.5");
    CHECK(all[1].key == "au:e1:h2h:");
  });
}
