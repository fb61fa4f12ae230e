"""`oddsctl store migrate` and `oddsctl store check` against the real binary.

Migration is checked SQLite -> SQLite (no MongoDB server can run here): every kind of state
the source holds must read back equal from the target, through `cache get` and row by row.
MongoDB itself is reached only as an unreachable address (127.0.0.1:1), for the error path.
"""

import json
import os
import re
import sqlite3
import subprocess

from harness import BIN, E2ETest, in_hours, main, make_bookmaker, make_event

KEY_AU = "test-key-au01"
KEY_UK = "test-key-uk02"

# Columns compared per table: everything but autoincrement ids.
TABLES = {
    "scans": "scan_id, region, command, worker, started_at, duration_ms, status, error, failed_sports, "
             "requests, credits_used, credits_remaining, events, opportunity_count",
    "opportunities": "scan_id, region, idx, profit_pct, sport_key, event_id, market, point, json",
    "latest_good": "region, scan_id",
    "ledger": "at, key_id, key_hint, region, command, endpoint, sport, http_status, used, remaining, last",
    "tracked_events": "*",
    "snapshots": "region, event_id, sport_key, taken_at, fingerprint, event_json",
    "meta": "key, value",
    "alerts": "key, sent_at, profit_pct",
    "heartbeats": "*",
    "leases": "name",
}
JSON_COLUMNS = {"json", "event_json", "failed_sports"}


def rows(path, table):
    conn = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    conn.row_factory = sqlite3.Row
    try:
        out = []
        for r in conn.execute("SELECT %s FROM %s" % (TABLES[table], table)).fetchall():
            d = dict(r)
            for k in JSON_COLUMNS & set(d):
                d[k] = json.loads(d[k]) if d[k] is not None else None
            # The SQLite store keeps an opportunity's profit_pct column at full precision but
            # its JSON as printed (rounded): a copy reads the JSON back, so compare rounded.
            for k, v in d.items():
                if isinstance(v, float):
                    d[k] = round(v, 4)
            out.append(d)
        return sorted(out, key=lambda d: json.dumps(d, sort_keys=True))
    finally:
        conn.close()


def mongo_built_in():
    out = subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout
    return "mongodb" in out


class StoreCmdTest(E2ETest):
    maxDiff = None

    def populate(self):
        """Two scans of two regions (with arbitrage), then state of every other kind."""
        self.fake.add_key(KEY_AU, remaining=1000)
        self.fake.add_key(KEY_UK, remaining=1000)
        # Two-way markets: 1/2.10 + 1/2.05 < 1 is an arbitrage.
        arb = [make_bookmaker("neds", h2h=(2.10, 1.80)), make_bookmaker("tab", h2h=(1.70, 2.05))]
        sport = "basketball_nbl"
        self.fake.set_events("au", sport, [make_event("ev-au-1", sport_key=sport, bookmakers=arb)])
        self.fake.set_events("uk", sport, [make_event("ev-uk-1", sport_key=sport, bookmakers=arb),
                                           make_event("ev-uk-2", sport_key=sport, commence=in_hours(48),
                                                      bookmakers=arb)])
        env = {"ODDS_API_KEY_AU": KEY_AU, "ODDS_API_KEY_UK": KEY_UK}
        for _ in range(2):
            self.run_json("scan", "--regions", "au,uk", "--sports", sport, env=env)
        conn = sqlite3.connect(self.db_path)
        with conn:
            conn.execute("INSERT INTO tracked_events VALUES ('au', 'ev-au-1', 'soccer_epl', 'EPL', 'Home', 'Away', "
                         "1900000000000, 1700000000000, 'hot', 1700000100000, 1700000050000, 1700000100000, "
                         "'fp1', 0, NULL)")
            conn.execute("INSERT INTO tracked_events VALUES ('uk', 'ev-uk-1', 'soccer_epl', 'EPL', 'H', 'A', "
                         "1900000000000, 1700000000000, NULL, NULL, NULL, 1700000200000, '', 3, 'HTTP 500')")
            event = {"id": "ev-au-1", "sport_key": "soccer_epl", "sport_title": "EPL",
                     "commence_time": "2030-03-17T17:46:40Z", "home_team": "Home", "away_team": "Away",
                     "bookmakers": [{"key": "neds", "title": "Neds", "last_update": "2023-11-14T22:13:20Z",
                                     "markets": [{"key": "h2h", "outcomes": [{"name": "Home", "price": 1.8},
                                                                            {"name": "Away", "price": 2.1}]}]}]}
            for taken in (1700000050000, 1700000060000):
                conn.execute("INSERT INTO snapshots (region, event_id, sport_key, taken_at, fingerprint, event_json) "
                             "VALUES ('au', 'ev-au-1', 'soccer_epl', ?, 'fp1', ?)", (taken, json.dumps(event)))
            conn.execute("INSERT INTO meta VALUES ('discovery:au:soccer_epl', '1700000000000')")
            conn.execute("INSERT INTO alerts VALUES ('au:ev-au-1:h2h:', 1700000000000, 5.8)")
            conn.execute("INSERT INTO heartbeats VALUES ('w1', 'host', 42, 'worker', 1700000000000, "
                         "1700000300000, 12, NULL)")
            conn.execute("INSERT INTO leases VALUES ('scan:au', 'w1', 1700000000000, 4000000000000)")
            # uk's latest good result was invalidated: the target must not serve one either.
            conn.execute("DELETE FROM latest_good WHERE region = 'uk'")
        conn.close()

    def cache_view(self, store):
        if not re.search(r"^\s+cache\b", self.run_cli("--help").stdout, re.M):
            self.skipTest("this build has no `cache` command yet")
        proc = self.run_cli("cache", "get", "--regions", "au,uk", "--json", env={"ODDSCTL_STORE": store})
        self.assertIn(proc.returncode, (0, 4), self.describe(proc))
        doc = json.loads(proc.stdout)
        doc.pop("generated_at", None)  # when each `cache get` ran
        for region in doc.get("regions", []):
            region.pop("age_s", None)
            region.pop("fresh", None)
        return proc.returncode, doc

    def test_migrate_sqlite_to_sqlite_copies_everything(self):
        self.populate()
        target = os.path.join(self.tmp, "copy.db")
        report = self.run_json("store", "migrate", "--from", self.store, "--to", "sqlite://" + target)
        copied = report["copied"]
        self.assertEqual(copied["scans"], 4)
        self.assertEqual(copied["opportunities"], 2 * (1 + 2))
        self.assertEqual(copied["tracked_events"], 2)
        self.assertEqual(copied["snapshots"], 2)
        self.assertEqual(copied["alerts"], 1)
        self.assertEqual(copied["heartbeats"], 1)
        self.assertEqual(copied["meta"], 2, report)  # the discovery mark and the cached /v4/sports list
        self.assertGreater(copied["ledger"], 0)
        self.assertEqual(report["invalidated_regions"], ["uk"])
        self.assertFalse(report["dry_run"])

        for table in TABLES:
            if table == "leases":
                self.assertEqual(rows(target, table), [], "leases belong to running processes")
                continue
            self.assertEqual(rows(self.db_path, table), rows(target, table), table)

        self.assertEqual(self.cache_view(self.store), self.cache_view("sqlite://" + target))

    def test_non_empty_target_is_refused_unless_forced(self):
        self.populate()
        target = "sqlite://" + os.path.join(self.tmp, "copy.db")
        self.run_json("store", "migrate", "--from", self.store, "--to", target)
        proc = self.run_cli("store", "migrate", "--from", self.store, "--to", target)
        self.assertEqual(proc.returncode, 2, self.describe(proc))
        self.assertIn("already holds data", proc.stderr)
        self.assertIn("--force", proc.stderr)
        # --force merges: scans by key, and no ledger entry twice.
        again = self.run_json("store", "migrate", "--from", self.store, "--to", target, "--force")
        self.assertEqual(again["copied"]["ledger"], 0)
        path = target[len("sqlite://"):]
        self.assertEqual(rows(self.db_path, "ledger"), rows(path, "ledger"))
        self.assertEqual(rows(self.db_path, "scans"), rows(path, "scans"))

    def test_dry_run_counts_and_writes_nothing(self):
        self.populate()
        path = os.path.join(self.tmp, "dry.db")
        report = self.run_json("store", "migrate", "--to", "sqlite://" + path, "--dry-run")  # --from: the store
        self.assertTrue(report["dry_run"])
        self.assertEqual(report["copied"]["scans"], 4)
        self.assertEqual(rows(path, "scans"), [])
        self.assertEqual(rows(path, "ledger"), [])

    def test_same_store_and_missing_target_are_usage_errors(self):
        proc = self.run_cli("store", "migrate", "--from", self.store, "--to", self.store)
        self.assertEqual(proc.returncode, 2, self.describe(proc))
        proc = self.run_cli("store", "migrate", "--from", self.store)
        self.assertEqual(proc.returncode, 2, self.describe(proc))

    def test_check_reports_counts_and_ok(self):
        self.populate()
        doc = self.run_json("store", "check")
        self.assertTrue(doc["ok"], doc)
        self.assertEqual(doc["problems"], [])
        self.assertEqual(doc["backend"], "sqlite")
        self.assertEqual(doc["counts"]["scans"], 4)
        self.assertEqual(doc["counts"]["tracked"], 2)
        self.assertGreater(doc["schema_version"], 0)
        table = self.run_cli("store", "check", check=0)
        self.assertIn("scans", table.stdout)

    def test_check_finds_a_missing_index(self):
        self.populate()
        conn = sqlite3.connect(self.db_path)
        conn.execute("DROP INDEX ledger_at")
        conn.close()
        proc = self.run_cli("store", "check", "--json")
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        doc = json.loads(proc.stdout)
        doc.pop("generated_at", None)  # when each `cache get` ran
        self.assertFalse(doc["ok"])
        self.assertTrue(any("ledger_at" in p for p in doc["problems"]), doc)

    def test_unreachable_mongodb_fails_with_one_clear_line(self):
        if not mongo_built_in():
            self.skipTest("built without MongoDB")
        uri = "mongodb://odds:hunter2@127.0.0.1:1/oddsctl?serverSelectionTimeoutMS=300"
        proc = self.run_cli("store", "check", "--store", uri, timeout=30)
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertIn("mongodb mongodb://odds:***@127.0.0.1:1/oddsctl", lines[0])
        self.assertNotIn("hunter2", proc.stderr + proc.stdout)
        proc = self.run_cli("store", "migrate", "--to", uri, "--json", timeout=30)
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        self.assertEqual(json.loads(proc.stderr)["error"]["exit_code"], 1)

    def test_bad_store_uris_are_usage_errors(self):
        proc = self.run_cli("store", "check", "--store", "mongdb://h/oddsctl")
        self.assertEqual(proc.returncode, 2, self.describe(proc))
        if mongo_built_in():
            proc = self.run_cli("store", "check", "--store", "mongodb://bob:hunter2@h1:27017/")
            self.assertEqual(proc.returncode, 2, self.describe(proc))
            self.assertIn("needs a database name", proc.stderr)
            self.assertNotIn("hunter2", proc.stderr)


if __name__ == "__main__":
    main()
