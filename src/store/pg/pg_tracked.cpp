// Tracked events, pins, sync results and odds snapshots in the PostgreSQL store.
#include <nlohmann/json.hpp>

#include "store/pg/pg_store_impl.hpp"

namespace oddsctl::store::pg {

namespace {

constexpr const char* k_tracked_columns =
    "region, event_id, sport_key, sport_title, home_team, away_team, commence_time, discovered_at, pinned_tier, "
    "last_synced_at, last_changed_at, last_attempt_at, fingerprint, failures, last_error";

TrackedEvent read_tracked(const Result& r, int row) {
  TrackedEvent e;
  e.region = r.text(row, 0);
  e.event_id = r.text(row, 1);
  e.sport_key = r.text(row, 2);
  e.sport_title = r.text(row, 3);
  e.home_team = r.text(row, 4);
  e.away_team = r.text(row, 5);
  e.commence_time = r.time(row, 6);
  e.discovered_at = r.time(row, 7);
  if (auto tier = r.opt_text(row, 8)) e.pinned_tier = tier_from_string(*tier);
  e.last_synced_at = r.opt_time(row, 9);
  e.last_changed_at = r.opt_time(row, 10);
  e.last_attempt_at = r.opt_time(row, 11);
  e.fingerprint = r.text(row, 12);
  e.failures = r.i32(row, 13);
  e.last_error = r.opt_text(row, 14);
  return e;
}

Snapshot read_snapshot(const Result& r, int row) {
  Snapshot s;
  s.region = r.text(row, 0);
  s.event_id = r.text(row, 1);
  s.sport_key = r.text(row, 2);
  s.taken_at = r.time(row, 3);
  s.fingerprint = r.text(row, 4);
  s.event = event_from_json(nlohmann::json::parse(r.raw(row, 5), r.raw(row, 5) + r.length(row, 5)));
  return s;
}

std::string dump_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string> opt_ms(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return std::to_string(to_epoch_ms(*t));
}

void insert_snapshots(Tx& tx, const std::vector<const Snapshot*>& snaps) {
  if (snaps.empty()) return;
  std::vector<std::optional<std::string>> region, event, sport, taken, fp, json;
  for (const Snapshot* s : snaps) {
    region.emplace_back(s->region);
    event.emplace_back(s->event_id);
    sport.emplace_back(s->sport_key);
    taken.emplace_back(std::to_string(to_epoch_ms(s->taken_at)));
    fp.emplace_back(s->fingerprint);
    json.emplace_back(dump_json(to_json(s->event)));
  }
  tx.exec(
      "INSERT INTO snapshots (region, event_id, sport_key, taken_at, fingerprint, event_json) "
      "SELECT region, event_id, sport_key, taken_at, fingerprint, event_json FROM unnest($1::text[], $2::text[], "
      "$3::text[], $4::bigint[], $5::text[], $6::text[]) WITH ORDINALITY AS "
      "s(region, event_id, sport_key, taken_at, fingerprint, event_json, n) ORDER BY n",
      Params().add_array(region).add_array(event).add_array(sport).add_array(taken).add_array(fp).add_array(json));
}

}  // namespace

void PgStore::upsert_tracked(const std::vector<TrackedEvent>& events) {
  if (events.empty()) return;
  write("upsert tracked events", [&](Tx& tx) {
    // On conflict only what discovery knows is refreshed: pin and sync state stay.
    for (const auto& e : events) {
      tx.exec(std::string("INSERT INTO tracked_events (") + k_tracked_columns +
                  ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) "
                  "ON CONFLICT (region, event_id) DO UPDATE SET sport_key = excluded.sport_key, "
                  "sport_title = excluded.sport_title, home_team = excluded.home_team, "
                  "away_team = excluded.away_team, commence_time = excluded.commence_time",
              Params()
                  .add(e.region)
                  .add(e.event_id)
                  .add(e.sport_key)
                  .add(e.sport_title)
                  .add(e.home_team)
                  .add(e.away_team)
                  .add(e.commence_time)
                  .add(e.discovered_at)
                  .add(e.pinned_tier ? std::optional<std::string>(to_string(*e.pinned_tier)) : std::nullopt)
                  .add(opt_ms(e.last_synced_at))
                  .add(opt_ms(e.last_changed_at))
                  .add(opt_ms(e.last_attempt_at))
                  .add(e.fingerprint)
                  .add(e.failures)
                  .add(e.last_error));
    }
  });
}

std::vector<TrackedEvent> PgStore::list_tracked(const TrackedQuery& query) {
  std::vector<TrackedEvent> out;
  read("list tracked events", [&](Tx& tx) {
    out.clear();
    std::string sql = std::string("SELECT ") + k_tracked_columns + " FROM tracked_events WHERE true";
    Params p;
    int n = 0;
    if (query.region) sql += " AND region = $" + std::to_string(++n), p.add(*query.region);
    if (query.sport_key) sql += " AND sport_key = $" + std::to_string(++n), p.add(*query.sport_key);
    if (query.event_id) sql += " AND event_id = $" + std::to_string(++n), p.add(*query.event_id);
    if (query.commence_after) sql += " AND commence_time >= $" + std::to_string(++n), p.add(*query.commence_after);
    sql += " ORDER BY commence_time, region, event_id";
    auto r = tx.exec(sql, p);
    for (int row = 0; row < r.rows(); ++row) out.push_back(read_tracked(r, row));
  });
  return out;
}

int PgStore::set_pin(const std::string& event_id, const std::optional<std::string>& region, std::optional<Tier> tier) {
  int changed = 0;
  write("set pin", [&](Tx& tx) {
    Params p;
    p.add(tier ? std::optional<std::string>(to_string(*tier)) : std::nullopt).add(event_id);
    std::string sql = "UPDATE tracked_events SET pinned_tier = $1 WHERE event_id = $2";
    if (region) sql += " AND region = $3", p.add(*region);
    changed = static_cast<int>(tx.exec(sql, p).affected());
  });
  return changed;
}

void PgStore::record_sync(const std::vector<SyncOutcome>& outcomes) {
  if (outcomes.empty()) return;
  std::vector<const Snapshot*> snaps;
  for (const auto& o : outcomes)
    if (o.ok && o.snapshot) snaps.push_back(&*o.snapshot);
  write("record sync", [&](Tx& tx) {
    for (const auto& o : outcomes) {
      if (o.ok) {
        // A stored snapshot means the odds changed, at the moment it was taken.
        tx.exec(
            "UPDATE tracked_events SET last_synced_at = $1, last_attempt_at = $1, fingerprint = $2, failures = 0, "
            "last_error = NULL, last_changed_at = coalesce($3::bigint, last_changed_at) "
            "WHERE region = $4 AND event_id = $5",
            Params()
                .add(o.attempted_at)
                .add(o.fingerprint)
                .add(o.snapshot ? std::optional<TimePoint>(o.snapshot->taken_at) : std::nullopt)
                .add(o.region)
                .add(o.event_id));
      } else {
        tx.exec(
            "UPDATE tracked_events SET failures = failures + 1, last_error = $1, last_attempt_at = $2 "
            "WHERE region = $3 AND event_id = $4",
            Params().add(o.error.value_or("sync failed")).add(o.attempted_at).add(o.region).add(o.event_id));
      }
    }
    insert_snapshots(tx, snaps);
  });
}

std::vector<Snapshot> PgStore::snapshots(const SnapshotQuery& query) {
  std::vector<Snapshot> out;
  read("read snapshots", [&](Tx& tx) {
    out.clear();
    std::string where = " WHERE true";
    Params p;
    int n = 0;
    if (query.region) where += " AND region = $" + std::to_string(++n), p.add(*query.region);
    if (query.sport_key) where += " AND sport_key = $" + std::to_string(++n), p.add(*query.sport_key);
    if (query.event_id) where += " AND event_id = $" + std::to_string(++n), p.add(*query.event_id);
    if (query.since) where += " AND taken_at >= $" + std::to_string(++n), p.add(*query.since);
    const std::string cols = "region, event_id, sport_key, taken_at, fingerprint, event_json";
    std::string sql = query.latest_only
                          ? "SELECT DISTINCT ON (region, event_id) " + cols + " FROM snapshots" + where +
                                " ORDER BY region, event_id, taken_at DESC, id DESC"
                          : "SELECT " + cols + " FROM snapshots" + where + " ORDER BY region, event_id, taken_at, id";
    auto r = tx.exec(sql, p);
    for (int row = 0; row < r.rows(); ++row) out.push_back(read_snapshot(r, row));
  });
  return out;
}

void PgStore::import_snapshots(const std::vector<Snapshot>& snapshots) {
  if (snapshots.empty()) return;
  std::vector<const Snapshot*> snaps;
  for (const auto& s : snapshots) snaps.push_back(&s);
  write("import snapshots", [&](Tx& tx) { insert_snapshots(tx, snaps); });
}

}  // namespace oddsctl::store::pg
