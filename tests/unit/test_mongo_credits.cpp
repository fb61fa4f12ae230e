// The Mongo store's credit reservations without a server: the per-key document's mapping,
// the conditional update on its version, and the pure reserve/settle/release steps.
// Built in every configuration; without libmongoc it holds no test.
#ifdef ODDSCTL_WITH_MONGO

#include <doctest/doctest.h>

#include <string>

#include "store/mongo/bson_io.hpp"
#include "store/mongo/credits.hpp"

using namespace oddsctl;
using namespace store::mongo;
using std::chrono::seconds;

namespace {

TimePoint at(std::int64_t s) { return from_epoch_ms(1'700'000'000'000 + s * 1000); }

store::CreditRequest ask(std::int64_t cost, std::optional<std::int64_t> reserve, std::optional<std::int64_t> known,
                         TimePoint now) {
  store::CreditRequest r;
  r.key_id = "k1";
  r.owner = "host:1";
  r.cost = cost;
  r.reserve = reserve;
  r.known_remaining = known;
  if (known) r.known_at = now;
  r.ttl = seconds(60);
  r.now = now;
  return r;
}

}  // namespace

TEST_CASE("mongo credits: the update writes the whole state and the next version; the filter matches the read one") {
  CreditDoc d{"k1", 4, {56, at(0)}, {{"h1", "host:1", 3, at(60)}}};
  CHECK(credit_version_filter("k1", 3).json().find("\"version\" : 3") != std::string::npos);
  const std::string u = credit_update(d).json();
  CHECK(u.find("\"$set\"") != std::string::npos);
  CHECK(u.find("\"version\" : 4") != std::string::npos);
  CHECK(u.find("\"remaining\" : 56") != std::string::npos);
  CHECK(u.find("\"id\" : \"h1\"") != std::string::npos);
  CHECK(u.find("\"cost\" : 3") != std::string::npos);

  // Read back: the same state.
  Bson doc;
  put_str(doc.get(), "_id", "k1");
  Bson set = Bson::from_json(u);
  bson_iter_t it;
  REQUIRE(bson_iter_init_find(&it, set.get(), "$set"));
  uint32_t len = 0;
  const uint8_t* data = nullptr;
  bson_iter_document(&it, &len, &data);
  bson_t inner;
  REQUIRE(bson_init_static(&inner, data, len));
  bson_concat(doc.get(), &inner);
  CreditDoc back = credit_doc_from_bson("k1", Reader(doc.get()));
  CHECK(back.version == 4);
  CHECK(back.figure == d.figure);
  REQUIRE(back.holds.size() == 1);
  CHECK(back.holds[0].id == "h1");
  CHECK(back.holds[0].owner == "host:1");
  CHECK(back.holds[0].cost == 3);
  CHECK(back.holds[0].expires_at == at(60));

  // A missing figure is written as null and read back as unknown.
  CreditDoc empty{"k2", 1, {}, {}};
  CHECK(credit_update(empty).json().find("\"remaining\" : null") != std::string::npos);
}

TEST_CASE("mongo credits: reserve drops expired holds, counts live ones and refuses below the reserve") {
  CreditDoc cur{"k1", 7, {56, at(0)}, {{"old", "dead:9", 10, at(5)}, {"live", "host:2", 3, at(70)}}};
  CreditStep ok = plan_reserve(cur, ask(3, 50, std::nullopt, at(10)), "new");
  REQUIRE(ok.grant.granted());
  CHECK(ok.grant.held == 3);  // "old" expired
  CHECK(ok.grant.remaining == 56);
  CHECK(ok.next.version == 8);
  REQUIRE(ok.next.holds.size() == 2);
  CHECK(ok.next.holds[1].id == "new");
  CHECK(ok.next.holds[1].expires_at == at(70));

  CreditStep no = plan_reserve(ok.next, ask(1, 50, std::nullopt, at(11)), "x");
  CHECK_FALSE(no.grant.granted());  // 56 - 6 - 1 < 50
  CHECK(no.next.holds.size() == 2);

  CreditDoc settled = plan_settle(ok.next, store::CreditHold{"k1", "new"}, 3, Credits{std::nullopt, 53, 3}, at(12));
  CHECK(settled.figure.remaining == 53);
  CHECK(settled.holds.size() == 1);
  CreditDoc released = plan_release(settled, store::CreditHold{"k1", "live"});
  CHECK(released.holds.empty());
  CHECK(released.version == settled.version + 1);
}

#endif  // ODDSCTL_WITH_MONGO
