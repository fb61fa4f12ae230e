// Role MetaStore (store/meta.hpp): small key/values.
#include "backends.hpp"
#include "fixtures.hpp"

using namespace oddsctl;
using namespace oddsctl::test;

TEST_CASE("meta: missing, set, overwrite, list") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    CHECK_FALSE(store.get_meta("discovered:au").has_value());
    store.set_meta("discovered:au", "2024-03-27T01:20:00Z");
    CHECK(store.get_meta("discovered:au") == std::optional<std::string>("2024-03-27T01:20:00Z"));
    store.set_meta("discovered:au", "later");
    CHECK(store.get_meta("discovered:au") == std::optional<std::string>("later"));
    store.set_meta("empty", "");
    CHECK(store.get_meta("empty") == std::optional<std::string>(""));
    // list_meta is optional for a backend; when it answers it lists every key.
    if (auto all = store.list_meta())
      CHECK(*all == std::map<std::string, std::string>{{"discovered:au", "later"}, {"empty", ""}});
  });
}
