// store/sqlite_util: the upsert statement derived from its column list, and positional binds.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "store/sqlite_util.hpp"

using namespace oddsctl;
using namespace oddsctl::store::sqlite_util;

TEST_CASE("upsert_sql updates every column outside the key, or the ones named") {
  CHECK(upsert_sql("meta", {"key", "value"}, {"key"}) ==
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  CHECK(upsert_sql("latest_good", {"region", "source", "scan_id"}, {"region", "source"}) ==
        "INSERT INTO latest_good (region, source, scan_id) VALUES (?, ?, ?) ON CONFLICT(region, source) DO UPDATE "
        "SET scan_id = excluded.scan_id");
  CHECK(upsert_sql("t", {"a", "b", "c", "d"}, {"a"}, {"c"}) ==
        "INSERT INTO t (a, b, c, d) VALUES (?, ?, ?, ?) ON CONFLICT(a) DO UPDATE SET c = excluded.c");
}

TEST_CASE("bind_row binds in order, by type, an empty optional as NULL") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER, big INTEGER, x REAL, at INTEGER, note TEXT, c TEXT)");
  const std::string sql = upsert_sql("t", {"k", "n", "big", "x", "at", "note", "c"}, {"k"});
  const TimePoint at = from_epoch_ms(1'700'000'000'123);
  for (int round = 0; round < 2; ++round) {  // the second one takes the conflict path
    SQLite::Statement st(db, sql);
    bind_row(st, std::string("key"), 7 + round, std::int64_t{1} << 40, 2.5, at,
             round == 0 ? std::optional<std::string>("first") : std::nullopt, "text");
    st.exec();
  }
  SQLite::Statement q(db, "SELECT k, n, big, x, at, note, c, count(*) OVER () FROM t");
  REQUIRE(q.executeStep());
  CHECK(q.getColumn(0).getString() == "key");
  CHECK(q.getColumn(1).getInt() == 8);
  CHECK(q.getColumn(2).getInt64() == (std::int64_t{1} << 40));
  CHECK(q.getColumn(3).getDouble() == 2.5);
  CHECK(col_time(q.getColumn(4)) == at);
  CHECK(q.getColumn(5).isNull());  // updated to NULL
  CHECK(q.getColumn(6).getString() == "text");
  CHECK(q.getColumn(7).getInt() == 1);
}
