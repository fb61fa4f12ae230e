// Credit reservations in the SQLite store. Each operation is one BEGIN IMMEDIATE
// transaction: the read of the key's figure and of the live reservations, the check and the
// insert cannot interleave with another process's.
#include <SQLiteCpp/Statement.h>

#include "store/credit_rules.hpp"
#include "store/sqlite_store.hpp"
#include "store/sqlite_util.hpp"

namespace oddsctl::store {

using namespace sqlite_util;

namespace {

credit_rules::KeyFigure read_figure(SQLite::Database& db, const std::string& key_id) {
  SQLite::Statement st(db, "SELECT remaining, reported_at FROM credit_keys WHERE key_id = ?");
  st.bind(1, key_id);
  credit_rules::KeyFigure f;
  if (st.executeStep()) {
    f.remaining = col_opt_int(st.getColumn(0));
    f.reported_at = col_opt_time(st.getColumn(1));
  }
  return f;
}

void write_figure(SQLite::Database& db, const std::string& key_id, const credit_rules::KeyFigure& f) {
  static const std::string sql = upsert_sql("credit_keys", {"key_id", "remaining", "reported_at"}, {"key_id"});
  SQLite::Statement st(db, sql);
  bind_row(st, key_id, f.remaining, f.reported_at);
  st.exec();
}

}  // namespace

CreditGrant SqliteStore::reserve_credits(const CreditRequest& r) {
  return writing("reserve credits", [&](SQLite::Database& db) {
    {
      SQLite::Statement gone(db, "DELETE FROM credit_holds WHERE expires_at <= ?");
      bind_time(gone, 1, r.now);
      gone.exec();
    }
    const credit_rules::KeyFigure stored = read_figure(db, r.key_id);
    const credit_rules::KeyFigure figure = credit_rules::merge(stored, r.known_remaining, r.known_at);
    if (!(figure == stored)) write_figure(db, r.key_id, figure);
    CreditGrant grant;
    grant.remaining = figure.remaining;
    {
      SQLite::Statement held(db, "SELECT coalesce(sum(cost), 0) FROM credit_holds WHERE key_id = ?");
      held.bind(1, r.key_id);
      held.executeStep();
      grant.held = held.getColumn(0).getInt64();
    }
    if (credit_rules::allows(figure.remaining, grant.held, r.cost, r.reserve)) {
      CreditHold hold{r.key_id, credit_rules::new_hold_id()};
      SQLite::Statement put(db,
                            "INSERT INTO credit_holds (id, key_id, owner, cost, created_at, expires_at) "
                            "VALUES (?, ?, ?, ?, ?, ?)");
      put.bind(1, hold.id);
      put.bind(2, hold.key_id);
      put.bind(3, r.owner);
      put.bind(4, static_cast<int64_t>(r.cost));
      bind_time(put, 5, r.now);
      bind_time(put, 6, r.now + r.ttl);
      put.exec();
      grant.hold = std::move(hold);
    }
    return grant;
  });
}

void SqliteStore::settle_credits(const CreditHold& hold, std::int64_t charged, const Credits& credits, TimePoint now) {
  writing("settle credits", [&](SQLite::Database& db) {
    SQLite::Statement del(db, "DELETE FROM credit_holds WHERE id = ?");
    del.bind(1, hold.id);
    del.exec();
    const credit_rules::KeyFigure stored = read_figure(db, hold.key_id);
    const credit_rules::KeyFigure figure = credit_rules::settled(stored, charged, credits, now);
    if (!(figure == stored)) write_figure(db, hold.key_id, figure);
  });
}

void SqliteStore::release_credits(const CreditHold& hold) {
  writing("release credits", [&](SQLite::Database& db) {
    SQLite::Statement del(db, "DELETE FROM credit_holds WHERE id = ?");
    del.bind(1, hold.id);
    del.exec();
  });
}

}  // namespace oddsctl::store
