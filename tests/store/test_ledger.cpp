// Role LedgerStore (store/ledger.hpp): order, filters, limits, the newest known balance per key.
#include "backends.hpp"
#include "fixtures.hpp"

using namespace oddsctl;
using namespace oddsctl::test;

TEST_CASE("ledger: oldest first without a limit, newest first with one, filters by key and time") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    CHECK(store.ledger({}).empty());
    std::vector<LedgerEntry> rows;
    for (int i = 0; i < 6; ++i) rows.push_back(make_ledger(i % 2 ? "key-bbbb" : "key-aaaa", at_s(i * 10), 1000 - i));
    rows[3].credits = {};  // headers missing: unknown, not zero
    store.append_ledger({rows.begin(), rows.begin() + 4});
    store.append_ledger({rows.begin() + 4, rows.end()});
    store.append_ledger({});

    auto all = store.ledger({});
    REQUIRE(all.size() == 6);
    for (std::size_t i = 0; i < all.size(); ++i) check_same(all[i], rows[i]);

    store::LedgerQuery q;
    q.limit = 2;
    auto newest = store.ledger(q);
    REQUIRE(newest.size() == 2);
    check_same(newest[0], rows[5]);
    check_same(newest[1], rows[4]);

    q = {};
    q.key_id = "key-aaaa";
    auto a = store.ledger(q);
    REQUIRE(a.size() == 3);
    CHECK(a[0].at == at_s(0));
    CHECK(a[2].at == at_s(40));

    q.since = at_s(20);
    auto since = store.ledger(q);
    REQUIRE(since.size() == 2);
    CHECK(since[0].at == at_s(20));

    q = {};
    q.since = at_s(45);
    CHECK(store.ledger(q).size() == 1);
  });
}

TEST_CASE("ledger: rows of the same millisecond keep their insertion order") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    std::vector<LedgerEntry> rows;
    for (int i = 0; i < 4; ++i) rows.push_back(make_ledger("k", at_s(0), 900 - i));
    store.append_ledger(rows);
    auto all = store.ledger({});
    REQUIRE(all.size() == 4);
    for (int i = 0; i < 4; ++i) CHECK(all[i].credits.remaining == 900 - i);
    store::LedgerQuery q;
    q.limit = 1;
    CHECK(store.ledger(q).at(0).credits.remaining == 897);
  });
}

TEST_CASE("latest_per_key: the newest entry whose remaining is known, one per key") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    CHECK(store.latest_per_key().empty());
    store.append_ledger({make_ledger("key-aaaa", at_s(0), 500), make_ledger("key-aaaa", at_s(10), 490),
                         make_ledger("key-aaaa", at_s(20), std::nullopt),  // newer, but unknown
                         make_ledger("key-bbbb", at_s(5), 70, "uk"), make_ledger("key-cccc", at_s(5), std::nullopt)});
    auto latest = store.latest_per_key();
    REQUIRE(latest.size() == 2);
    auto& a = latest[0].key_id == "key-aaaa" ? latest[0] : latest[1];
    auto& b = latest[0].key_id == "key-bbbb" ? latest[0] : latest[1];
    CHECK(a.key_id == "key-aaaa");
    CHECK(a.at == at_s(10));
    CHECK(a.credits.remaining == 490);
    CHECK(b.key_id == "key-bbbb");
    CHECK(b.region == "uk");
    CHECK(b.credits.remaining == 70);
  });
}
