// Leases and credit reservations in the PostgreSQL store.
//
// A lease is taken by one statement: INSERT ... ON CONFLICT (name) DO UPDATE ... WHERE the
// row is expired or already ours. The row lock of the conflicting row makes it atomic across
// every process and machine on the server; no session state is involved, so it works the
// same through a transaction pooler. The clock is the server's (lease_now_ms).
#include "store/credit_rules.hpp"
#include "store/pg/pg_store_impl.hpp"

namespace oddsctl::store::pg {

namespace {

Lease read_lease(const Result& r, int row) {
  return Lease{r.text(row, 0), r.text(row, 1), r.time(row, 2), r.time(row, 3)};
}

}  // namespace

LeaseResult PgStore::acquire_lease(const std::string& name, const std::string& owner, Millis ttl, TimePoint now) {
  LeaseResult result;
  const auto now_ms = lease_now_ms(now);
  write("acquire lease", [&](Tx& tx) {
    result = LeaseResult{};
    // excluded.acquired_at is the operation's now. Ours and still valid: extended, keeping
    // when we first took it; expired (whoever held it): a fresh lease.
    auto r = tx.exec("WITH c AS (SELECT " + now_sql(3) +
                         " AS now) "
                         "INSERT INTO leases (name, owner, acquired_at, expires_at) "
                         "SELECT $1, $2, c.now, c.now + $4::bigint FROM c "
                         "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, "
                         "acquired_at = CASE WHEN leases.owner = excluded.owner AND leases.expires_at > "
                         "excluded.acquired_at THEN leases.acquired_at ELSE excluded.acquired_at END, "
                         "expires_at = excluded.expires_at "
                         "WHERE leases.owner = excluded.owner OR leases.expires_at <= excluded.acquired_at "
                         "RETURNING name, owner, acquired_at, expires_at",
                     Params().add(name).add(owner).add(now_ms).add(static_cast<std::int64_t>(ttl.count())));
    if (r.rows() == 1) {
      result.acquired = true;
      result.lease = read_lease(r, 0);
      return;
    }
    // Held by someone else: the conflict check locked the row (ON CONFLICT locks it before
    // testing the WHERE), so this reads the holder as it is until we commit.
    auto h = tx.exec("SELECT name, owner, acquired_at, expires_at FROM leases WHERE name = $1", Params().add(name));
    if (h.rows() == 1) result.lease = read_lease(h, 0);
    else result.lease = Lease{name, "", now, now};
  });
  return result;
}

bool PgStore::renew_lease(const std::string& name, const std::string& owner, Millis ttl, TimePoint now) {
  bool ours = false;
  const auto now_ms = lease_now_ms(now);
  write("renew lease", [&](Tx& tx) {
    auto r = tx.exec("UPDATE leases SET expires_at = " + now_sql(3) + " + $4::bigint WHERE name = $1 AND owner = $2",
                     Params().add(name).add(owner).add(now_ms).add(static_cast<std::int64_t>(ttl.count())));
    ours = r.affected() > 0;
  });
  return ours;
}

LeaseResult PgStore::acquire_lease_from(const std::string& name, const std::string& owner,
                                        const std::string& dead_owner, Millis ttl, TimePoint now) {
  LeaseResult taken;
  const auto now_ms = lease_now_ms(now);
  write("take over lease", [&](Tx& tx) {
    taken = LeaseResult{};
    // Only while the dead owner still holds it: a live run that took it meanwhile keeps it.
    auto r =
        tx.exec("UPDATE leases SET owner = $2, acquired_at = " + now_sql(4) + ", expires_at = " + now_sql(4) +
                    " + $5::bigint WHERE name = $1 AND owner = $3 AND owner <> $2 "
                    "RETURNING name, owner, acquired_at, expires_at",
                Params().add(name).add(owner).add(dead_owner).add(now_ms).add(static_cast<std::int64_t>(ttl.count())));
    if (r.rows() == 1) {
      taken.acquired = true;
      taken.lease = read_lease(r, 0);
    }
  });
  if (taken.acquired) return taken;
  return acquire_lease(name, owner, ttl, now);  // released, expired or taken meanwhile
}

void PgStore::release_lease(const std::string& name, const std::string& owner) {
  write("release lease",
        [&](Tx& tx) { tx.exec("DELETE FROM leases WHERE name = $1 AND owner = $2", Params().add(name).add(owner)); });
}

std::vector<Lease> PgStore::list_leases() {
  std::vector<Lease> out;
  read("list leases", [&](Tx& tx) {
    out.clear();
    auto r = tx.exec("SELECT name, owner, acquired_at, expires_at FROM leases ORDER BY name");
    for (int row = 0; row < r.rows(); ++row) out.push_back(read_lease(r, row));
  });
  return out;
}

// --- credit reservations: the key's row, locked FOR UPDATE, serialises its check-and-hold ---

namespace {

credit_rules::KeyFigure lock_figure(Tx& tx, const std::string& key_id) {
  tx.exec("INSERT INTO credit_keys (key_id) VALUES ($1) ON CONFLICT (key_id) DO NOTHING", Params().add(key_id));
  auto r = tx.exec("SELECT remaining, reported_at FROM credit_keys WHERE key_id = $1 FOR UPDATE", Params().add(key_id));
  credit_rules::KeyFigure f;
  if (r.rows() == 1) {
    f.remaining = r.opt_i64(0, 0);
    f.reported_at = r.opt_time(0, 1);
  }
  return f;
}

void write_figure(Tx& tx, const std::string& key_id, const credit_rules::KeyFigure& f) {
  tx.exec("UPDATE credit_keys SET remaining = $2, reported_at = $3 WHERE key_id = $1",
          Params().add(key_id).add(f.remaining).add(f.reported_at));
}

}  // namespace

CreditGrant PgStore::reserve_credits(const CreditRequest& req) {
  CreditGrant grant;
  write("reserve credits", [&](Tx& tx) {
    grant = CreditGrant{};
    const credit_rules::KeyFigure stored = lock_figure(tx, req.key_id);
    tx.exec("DELETE FROM credit_holds WHERE expires_at <= $1", Params().add(req.now));
    const credit_rules::KeyFigure figure = credit_rules::merge(stored, req.known_remaining, req.known_at);
    if (!(figure == stored)) write_figure(tx, req.key_id, figure);
    grant.remaining = figure.remaining;
    auto held = tx.exec("SELECT coalesce(sum(cost), 0) FROM credit_holds WHERE key_id = $1", Params().add(req.key_id));
    grant.held = held.i64(0, 0);
    if (credit_rules::allows(figure.remaining, grant.held, req.cost, req.reserve)) {
      CreditHold hold{req.key_id, credit_rules::new_hold_id()};
      tx.exec("INSERT INTO credit_holds (id, key_id, owner, cost, created_at, expires_at) VALUES ($1,$2,$3,$4,$5,$6)",
              Params()
                  .add(hold.id)
                  .add(hold.key_id)
                  .add(req.owner)
                  .add(static_cast<std::int64_t>(req.cost))
                  .add(req.now)
                  .add(req.now + req.ttl));
      grant.hold = std::move(hold);
    }
  });
  return grant;
}

void PgStore::settle_credits(const CreditHold& hold, std::int64_t charged, const Credits& credits, TimePoint now) {
  write("settle credits", [&](Tx& tx) {
    const credit_rules::KeyFigure stored = lock_figure(tx, hold.key_id);
    tx.exec("DELETE FROM credit_holds WHERE id = $1", Params().add(hold.id));
    const credit_rules::KeyFigure figure = credit_rules::settled(stored, charged, credits, now);
    if (!(figure == stored)) write_figure(tx, hold.key_id, figure);
  });
}

void PgStore::release_credits(const CreditHold& hold) {
  write("release credits", [&](Tx& tx) { tx.exec("DELETE FROM credit_holds WHERE id = $1", Params().add(hold.id)); });
}

}  // namespace oddsctl::store::pg
