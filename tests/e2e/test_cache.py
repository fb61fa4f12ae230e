"""oddsctl cache get|list|stats|invalidate|show|export end to end.

Stores are filled two ways: `oddsctl scan` against the fake API (real rows, fresh), and direct
SQLite inserts of aged rows (the helpers below, also used by test_cleanup.py).
"""

import json
import os
import pty
import sqlite3
import subprocess
import time
from datetime import timedelta

from harness import E2ETest, main, make_bookmaker, make_event, utcnow, iso, BIN

KEYS = {r: "test-key-%s-0123456789abcdef" % r for r in ("au", "uk", "us", "eu")}
KEY_ENV = {"ODDS_API_KEY_%s" % r.upper(): k for r, k in KEYS.items()}


# ---- aged rows, inserted directly (schema of src/store/sqlite_schema.cpp) ---------------
def ms(dt):
    return int(dt.timestamp() * 1000)


def opp_row(region, event_id, sport_key="soccer_epl", market="h2h", profit=2.0):
    """An opportunity as the store keeps it (the engine's JSON form)."""
    price = 2 * (1 + profit / 100.0)  # two legs at the same price: implied_sum = 2/price
    point = None if market == "h2h" else -0.5
    return {"region": region, "sport_key": sport_key, "sport_title": sport_key.upper(),
            "event_id": event_id, "home_team": "Home %s" % event_id, "away_team": "Away %s" % event_id,
            "commence_time": iso(utcnow() + timedelta(days=1)), "market": market, "point": point,
            "implied_sum": 2 / price, "profit_pct": profit,
            "legs": [{"outcome": "Home %s" % event_id, "point": point, "price": price,
                      "effective_price": price, "bookmakers": ["neds"]},
                     {"outcome": "Away %s" % event_id, "point": None if point is None else -point,
                      "price": price, "effective_price": price, "bookmakers": ["tab"]}]}


def insert_scan(db_path, scan_id, region, started_at, status="ok", opps=(), duration_ms=500,
                credits_used=6, error=None, worker="e2e:1", latest=None, command="scan", conn=None):
    """One region scan (and its opportunities); it becomes the latest good when `latest`
    (default: status ok or partial)."""
    own = conn is None
    if own:
        conn = sqlite3.connect(db_path, timeout=30)
    if latest is None:
        latest = status in ("ok", "partial")
    if status == "failed" and error is None:
        error = "upstream 500 after 3 retries"
    conn.execute(
        "INSERT INTO scans (scan_id, region, command, worker, started_at, duration_ms, status, error,"
        " failed_sports, requests, credits_used, credits_remaining, events, opportunity_count)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (scan_id, region, command, worker, ms(started_at), duration_ms, status, error,
         json.dumps(["soccer_epl"] if status == "partial" else []), 3, credits_used, 1000, 10, len(opps)))
    for i, o in enumerate(opps):
        conn.execute("INSERT INTO opportunities (scan_id, region, idx, profit_pct, sport_key, event_id, market,"
                     " point, json) VALUES (?,?,?,?,?,?,?,?,?)",
                     (scan_id, region, i, o["profit_pct"], o["sport_key"], o["event_id"], o["market"],
                      o["point"], json.dumps(o)))
    if latest:
        conn.execute("INSERT OR REPLACE INTO latest_good (region, source, scan_id) VALUES (?, 'live', ?)",
                     (region, scan_id))
    if own:
        conn.commit()
        conn.close()


def arb_event(eid, sport_key="basketball_nbl"):
    # 1/2.10 + 1/2.05 < 1: one h2h arbitrage per event.
    return make_event(eid, "Home " + eid, "Away " + eid, sport_key=sport_key, bookmakers=[
        make_bookmaker("neds", "Home " + eid, "Away " + eid, h2h=(2.10, 1.80)),
        make_bookmaker("tab", "Home " + eid, "Away " + eid, h2h=(1.70, 2.05)),
    ])


class CacheCase(E2ETest):
    def setUp(self):
        super().setUp()
        for k in KEYS.values():
            self.fake.add_key(k, remaining=10000)
        self.fake.set_events("au", "basketball_nbl", [arb_event("a1"), arb_event("a2")])
        self.fake.set_events("uk", "basketball_nbl", [arb_event("u1")])

    def scan(self, regions="au,uk"):
        return self.run_json("scan", "--regions", regions, "--sports", "basketball_nbl", env=KEY_ENV)

    def create_store(self):
        self.run_cli("cleanup", "--dry-run", check=0)  # a writer: readers never create a store

    def insert(self, *args, **kw):
        insert_scan(self.db_path, *args, **kw)


class CacheGetTest(CacheCase):
    def test_fresh_regions_json_document(self):
        scan = self.scan()
        doc = self.run_json("cache", "get", "--region", "au,uk")
        self.assertEqual(doc["scan_id"], scan["scan_id"])
        self.assertTrue(doc["fresh"])
        self.assertEqual(doc["stale"], [])
        self.assertEqual(doc["missing"], [])
        self.assertEqual([r["region"] for r in doc["regions"]], ["au", "uk"])
        for r in doc["regions"]:
            for field in ("status", "error", "failed_sports", "requests", "credits_used", "credits_remaining",
                          "events", "opportunities", "duration_ms", "scanned_at", "age_s", "fresh", "scanned_by"):
                self.assertIn(field, r)
            self.assertTrue(r["fresh"])
            self.assertLess(r["age_s"], 60)
            self.assertEqual(r["scan_id"], scan["scan_id"])
            self.assertEqual(r["scanned_at"], scan["started_at"])
        self.assertEqual(doc["regions"][0]["opportunities"], 2)
        # The same opportunities as the scan printed and the store holds.
        self.assertEqual(len(doc["opportunities"]), 3)
        self.assertEqual(sorted(o["event_id"] for o in doc["opportunities"]),
                         sorted(o["event_id"] for o in scan["opportunities"]))
        self.assertEqual(len(self.sql("SELECT * FROM opportunities")), 3)
        self.assertEqual(self.fake.calls and len([c for c in self.fake.calls if "/odds" in c["path"]]), 2)

    def test_vv_says_which_scan_answered_and_how_its_rows_were_read(self):
        scan = self.scan()
        proc = self.run_cli("cache", "get", "--region", "au,us", "--json", "-vv")
        self.assertIn(proc.returncode, (0, 4), self.describe(proc))
        # A scan's texts are stored in the served form: written out without being parsed.
        # Two regions are merged, so their rows are read first (nothing straight from the store).
        self.assertIn("cache get au: scan %s (fresh), 2 of 2 opportunities served, 2 from their stored text "
                      "(2 written out as stored, 0 straight from the store)" % scan["scan_id"], proc.stderr)
        self.assertIn("cache get us: no good live scan in the store", proc.stderr)
        # One region: its rows go from the store to stdout as they are read.
        one = self.run_cli("cache", "get", "--region", "au", "--json", "-vv")
        self.assertEqual(one.returncode, 0, self.describe(one))
        self.assertIn("cache get au: scan %s (fresh), 2 of 2 opportunities served, 2 from their stored text "
                      "(2 written out as stored, 2 straight from the store)" % scan["scan_id"], one.stderr)
        self.assertEqual(json.loads(one.stdout)["opportunities"],
                         [o for o in json.loads(proc.stdout)["opportunities"] if o["region"] == "au"])
        self.assertNotIn("cache get", self.run_cli("cache", "get", "--region", "au", "--json").stderr)

    def test_reads_no_api(self):
        self.scan()
        before = len(self.fake.calls)
        self.run_json("cache", "get", "--region", "au", env=KEY_ENV)
        self.assertEqual(len(self.fake.calls), before)

    def test_stale_exits_4_but_prints_unless_strict(self):
        self.create_store()
        self.insert("old", "au", utcnow() - timedelta(hours=1), opps=[opp_row("au", "e1", profit=1.5)])
        doc = self.run_json("cache", "get", "--region", "au", code=4)
        self.assertFalse(doc["fresh"])
        self.assertEqual(doc["stale"], ["au"])
        [r] = doc["regions"]
        self.assertFalse(r["fresh"])
        self.assertGreaterEqual(r["age_s"], 3600)
        self.assertEqual(len(doc["opportunities"]), 1)

        doc = self.run_json("cache", "get", "--region", "au", "--max-age", "2h")
        self.assertTrue(doc["fresh"])

        doc = self.run_json("cache", "get", "--region", "au", "--strict", code=4)
        self.assertEqual(doc["opportunities"], [])
        self.assertTrue(doc["regions"][0]["withheld"])
        self.assertGreaterEqual(doc["regions"][0]["age_s"], 3600)  # the age is still told
        # --strict on fresh data changes nothing.
        doc = self.run_json("cache", "get", "--region", "au", "--strict", "--max-age", "7d")
        self.assertEqual(len(doc["opportunities"]), 1)

    def test_missing_region_and_all(self):
        self.scan("au")
        doc = self.run_json("cache", "get", "--region", "au,us", code=4)
        self.assertEqual(doc["missing"], ["us"])
        us = doc["regions"][1]
        self.assertEqual(us["status"], "missing")
        self.assertIsNone(us["age_s"])
        self.assertFalse(us["fresh"])
        # all: every region with stored scans.
        doc = self.run_json("cache", "get", "--region", "all")
        self.assertEqual([r["region"] for r in doc["regions"]], ["au"])
        # Default: every region; --regions (the API option) also selects.
        self.assertEqual(len(self.run_json("cache", "get")["regions"]), 1)
        doc = self.run_json("cache", "get", "--regions", "us", code=4)
        self.assertEqual(doc["missing"], ["us"])

    def test_config_max_age(self):
        self.create_store()
        self.insert("old", "au", utcnow() - timedelta(minutes=40))
        cfg = os.path.join(self.tmp, "c.toml")
        with open(cfg, "w") as f:
            f.write("[cache]\nmax_age = \"1h\"\n")
        self.run_json("cache", "get", "--region", "au", "--config", cfg)
        self.run_json("cache", "get", "--region", "au", "--config", cfg, "--max-age", "30m", code=4)

    def test_filters(self):
        self.create_store()
        self.insert("s", "au", utcnow(), opps=[
            opp_row("au", "e1", "soccer_epl", "h2h", 3.0), opp_row("au", "e2", "soccer_spain_la_liga", "totals", 1.0),
            opp_row("au", "e3", "basketball_nba", "spreads", 0.4)])

        def events(*flags):
            doc = self.run_json("cache", "get", "--region", "au", *flags)
            return [o["event_id"] for o in doc["opportunities"]]

        self.assertEqual(events(), ["e1", "e2", "e3"])  # best first
        self.assertEqual(events("--sport", "soccer"), ["e1", "e2"])
        self.assertEqual(events("--sport", "basketball_nba", "--sport", "soccer_epl"), ["e1", "e3"])
        self.assertEqual(events("--market", "spreads,totals"), ["e2", "e3"])
        self.assertEqual(events("--min-profit", "1"), ["e1", "e2"])
        self.assertEqual(events("--event", "e3"), ["e3"])
        self.assertEqual(events("--sport", "soccer", "--market", "h2h"), ["e1"])
        doc = self.run_json("cache", "get", "--region", "au", "--min-profit", "2")
        self.assertEqual(doc["regions"][0]["opportunities"], 1)
        self.assertEqual(doc["regions"][0]["opportunities_stored"], 3)

    def test_table_line_and_other_formats(self):
        self.scan()
        p = self.run_cli("cache", "get", "--region", "au,us", "--format", "table")
        self.assertEqual(p.returncode, 4, self.describe(p))
        lines = p.stdout.splitlines()
        self.assertRegex(lines[0], r"^AU: 2 opportunities, updated \d+ s ago$")
        self.assertEqual(lines[1], "US: no result in the cache")
        self.assertIn("PROFIT", p.stdout)
        p = self.run_cli("cache", "get", "--region", "au", "--format", "jsonl", check=0)
        rows = [json.loads(l) for l in p.stdout.splitlines()]
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[0]["region"], "au")
        p = self.run_cli("cache", "get", "--region", "au", "--format", "csv", check=0)
        self.assertTrue(p.stdout.startswith("region,sport_key,event_id"))
        self.assertEqual(len(p.stdout.splitlines()), 1 + 4)  # one line per leg

    def test_tty_prints_the_human_line(self):
        self.scan("au")
        master, slave = pty.openpty()
        try:
            proc = subprocess.run([BIN, "cache", "get", "--region", "au"], env=self.env, cwd=self.tmp,
                                  stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE, timeout=60)
            os.close(slave)
            slave = None
            out = b""
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
        finally:
            if slave is not None:
                os.close(slave)
            os.close(master)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertRegex(out.decode(), r"AU: 2 opportunities, updated \d+ s ago")

    def test_fallback_scan_refreshes_stale_regions_only(self):
        self.scan("uk")
        self.create_store()
        self.insert("old", "au", utcnow() - timedelta(hours=2), opps=[opp_row("au", "zz")])
        calls_before = len(self.fake.calls)
        doc = self.run_json("cache", "get", "--region", "au,uk", "--fallback-scan", "--sports", "basketball_nbl",
                            env=KEY_ENV)
        self.assertTrue(doc["fresh"])
        au = doc["regions"][0]
        self.assertNotEqual(au["scan_id"], "old")
        self.assertEqual(au["command"], "cache-fallback")
        self.assertEqual(au["fallback"]["status"], "ok")
        self.assertNotIn("fallback", doc["regions"][1])  # uk was fresh: not scanned again
        self.assertEqual(sorted(o["event_id"] for o in doc["opportunities"]), ["a1", "a2", "u1"])
        odds_calls = [c for c in self.fake.calls[calls_before:] if c["path"].endswith("/odds")]
        self.assertEqual([c["query"]["regions"] for c in odds_calls], ["au"])
        stored = self.sql("SELECT command FROM scans WHERE scan_id = ?", au["scan_id"])
        self.assertEqual(stored, [{"command": "cache-fallback"}])
        self.assertEqual(self.sql("SELECT scan_id FROM latest_good WHERE region='au'")[0]["scan_id"], au["scan_id"])

    def test_fallback_scan_failure_still_serves_and_exits_4(self):
        self.create_store()
        self.insert("old", "au", utcnow() - timedelta(hours=2), opps=[opp_row("au", "zz")])
        doc = self.run_json("cache", "get", "--region", "au", "--fallback-scan", "--sports", "basketball_nbl",
                            env={"ODDS_API_KEY_AU": "wrong-key-9999"}, code=4)
        au = doc["regions"][0]
        self.assertEqual(au["scan_id"], "old")
        self.assertEqual(au["fallback"]["status"], "failed")
        self.assertTrue(au["fallback"]["error"])
        self.assertNotIn("wrong-key-9999", json.dumps(doc) + self.last.stderr)
        self.assertEqual([o["event_id"] for o in doc["opportunities"]], ["zz"])

    def test_usage_errors(self):
        self.create_store()
        for args in (("--region", "mars"), ("--max-age", "soon"), ("--min-profit", "x"), ("--bogus",)):
            p = self.run_cli("cache", "get", *args)
            self.assertEqual(p.returncode, 2, self.describe(p))
        p = self.run_cli("cache", "get", "--region", "mars", "--json")
        self.assertEqual(json.loads(p.stderr)["error"]["exit_code"], 2)
        self.assertEqual(p.stdout, "")

    def test_usage_errors_before_the_store(self):
        # A bad flag is a usage error (exit 2) even where there is no store yet, not "no store".
        self.assertFalse(os.path.exists(self.db_path))
        for args in (("--kind", "nope"), ("--region", "mars"), ("--region", "au", "--kind", "arb,nope"),
                     ("--max-age", "soon")):
            p = self.run_cli("cache", "get", *args)
            self.assertEqual(p.returncode, 2, self.describe(p))
            self.assertNotIn("no store", p.stderr)
        self.assertIn("--kind", self.run_cli("cache", "get", "--kind", "nope").stderr)
        p = self.run_cli("cache", "get", "--region", "au")  # a good command still says why it cannot answer
        self.assertEqual(p.returncode, 1, self.describe(p))
        self.assertIn("no store", p.stderr)
        self.assertFalse(os.path.exists(self.db_path))


class CacheListStatsTest(CacheCase):
    def fill_history(self):
        self.create_store()
        now = utcnow()
        conn = sqlite3.connect(self.db_path)
        for i in range(20):
            status = "failed" if i in (5, 15) else "ok"
            self.insert_c(conn, "s%02d" % i, "au", now - timedelta(minutes=60 - i), status=status,
                          duration_ms=100 * (i + 1), error="HTTP 500 for soccer_epl" if status == "failed" else None)
        self.insert_c(conn, "u01", "uk", now - timedelta(minutes=5), status="partial", credits_used=None)
        conn.execute("INSERT INTO heartbeats VALUES ('w-1','host',42,'scan --every 1m',?,?,7,NULL)",
                     (ms(now - timedelta(hours=1)), ms(now - timedelta(minutes=1))))
        conn.commit()
        conn.close()

    @staticmethod
    def insert_c(conn, *args, **kw):
        insert_scan(None, *args, conn=conn, **kw)

    def test_list_newest_first_limit_region(self):
        self.fill_history()
        doc = self.run_json("cache", "list")
        self.assertEqual(len(doc["scans"]), 20)  # default limit
        self.assertEqual(doc["scans"][0]["scan_id"], "u01")
        times = [s["scanned_at"] for s in doc["scans"]]
        self.assertEqual(times, sorted(times, reverse=True))
        doc = self.run_json("cache", "list", "--limit", "3", "--region", "au")
        self.assertEqual([s["scan_id"] for s in doc["scans"]], ["s19", "s18", "s17"])
        self.assertEqual(len(self.run_json("cache", "list", "--limit", "0")["scans"]), 21)
        failed = [s for s in self.run_json("cache", "list", "--limit", "0")["scans"] if s["status"] == "failed"]
        self.assertEqual(failed[0]["error"], "HTTP 500 for soccer_epl")
        p = self.run_cli("cache", "list", "--format", "table", "--limit", "2", check=0)
        self.assertIn("u01", p.stdout)
        self.assertIn("partial", p.stdout)
        p = self.run_cli("cache", "list", "--format", "jsonl", "--limit", "2", check=0)
        self.assertEqual(len(p.stdout.splitlines()), 2)
        self.run_cli("cache", "list", "--limit", "-1", check=2)

    def test_stats(self):
        self.fill_history()
        doc = self.run_json("cache", "stats")
        au, uk = doc["regions"]
        self.assertEqual(au["scans"], 20)
        self.assertEqual(au["failed"], 2)
        self.assertAlmostEqual(au["success_rate"], 0.9)
        self.assertEqual(au["last_success"]["scan_id"], "s19")
        self.assertEqual(au["last_failure"]["scan_id"], "s15")
        self.assertEqual(au["last_failure"]["error"], "HTTP 500 for soccer_epl")
        # Latency over the 18 good scans: 100..2000 ms without 600 and 1600.
        good = sorted(100 * (i + 1) for i in range(20) if i not in (5, 15))
        self.assertEqual(au["latency_ms"]["last"], 2000)
        self.assertEqual(au["latency_ms"]["p50"], good[8])
        self.assertEqual(au["latency_ms"]["p95"], good[17])
        self.assertEqual(au["credits_per_scan"], 6)
        self.assertGreaterEqual(au["age_s"], 41 * 60)
        self.assertTrue(au["cached"])
        self.assertIsNone(uk["credits_per_scan"])  # unknown is not zero
        self.assertEqual(uk["partial"], 1)
        self.assertEqual(doc["workers"][0]["worker_id"], "w-1")
        self.assertEqual(doc["workers"][0]["cycles"], 7)
        self.assertEqual([r["region"] for r in self.run_json("cache", "stats", "--region", "uk")["regions"]], ["uk"])
        p = self.run_cli("cache", "stats", "--format", "table", check=0)
        self.assertIn("HTTP 500 for soccer_epl", p.stdout)
        self.assertIn("w-1", p.stdout)


class CacheInvalidateShowExportTest(CacheCase):
    def test_invalidate_region_then_all(self):
        self.scan()
        scans_before = self.sql("SELECT count(*) AS n FROM scans")[0]["n"]
        opps_before = self.sql("SELECT count(*) AS n FROM opportunities")[0]["n"]
        doc = self.run_json("cache", "invalidate", "--region", "au")
        self.assertEqual(doc["invalidated"], ["au"])
        doc = self.run_json("cache", "get", "--region", "au,uk", code=4)
        self.assertEqual(doc["missing"], ["au"])
        self.assertTrue(doc["regions"][1]["fresh"])
        # Nothing else is deleted.
        self.assertEqual(self.sql("SELECT count(*) AS n FROM scans")[0]["n"], scans_before)
        self.assertEqual(self.sql("SELECT count(*) AS n FROM opportunities")[0]["n"], opps_before)
        self.assertEqual(self.run_json("cache", "invalidate", "--all")["invalidated"], ["uk"])
        self.assertEqual(self.sql("SELECT count(*) AS n FROM latest_good")[0]["n"], 0)
        self.run_json("cache", "get", "--region", "uk", code=4)
        # The next scan makes it fresh again.
        self.scan("au")
        self.run_json("cache", "get", "--region", "au")

    def test_invalidate_needs_exactly_one_selector(self):
        self.create_store()
        self.run_cli("cache", "invalidate", check=2)
        self.run_cli("cache", "invalidate", "--all", "--region", "au", check=2)

    def test_show(self):
        scan = self.scan()
        doc = self.run_json("cache", "show", scan["scan_id"])
        self.assertEqual(doc["scan_id"], scan["scan_id"])
        self.assertEqual([r["region"] for r in doc["regions"]], ["au", "uk"])
        self.assertEqual(len(doc["opportunities"]), len(scan["opportunities"]))
        self.assertEqual(doc["opportunities"][0]["legs"], scan["opportunities"][0]["legs"])
        p = self.run_cli("cache", "show", "no-such-scan")
        self.assertEqual(p.returncode, 1, self.describe(p))
        self.assertIn("unknown scan id", p.stderr)
        self.run_cli("cache", "show", check=2)

    def test_export_since(self):
        self.create_store()
        now = utcnow()
        self.insert("s-old", "au", now - timedelta(days=3), opps=[opp_row("au", "e1")])
        self.insert("s-mid", "au", now - timedelta(hours=5), status="failed")
        self.insert("s-new", "uk", now - timedelta(minutes=5), opps=[opp_row("uk", "e2"), opp_row("uk", "e3")])
        p = self.run_cli("cache", "export", check=0)
        rows = [json.loads(l) for l in p.stdout.splitlines()]
        self.assertEqual([r["scan_id"] for r in rows], ["s-old", "s-mid", "s-new"])  # oldest first
        self.assertEqual(len(rows[2]["opportunities"]), 2)
        self.assertEqual(rows[2]["regions"][0]["region"], "uk")
        p = self.run_cli("cache", "export", "--since", "1d", check=0)
        self.assertEqual([json.loads(l)["scan_id"] for l in p.stdout.splitlines()], ["s-mid", "s-new"])
        p = self.run_cli("cache", "export", "--since", "2h", "--region", "au", check=0)
        self.assertEqual(p.stdout, "")
        p = self.run_cli("cache", "export", "--since", iso(now - timedelta(hours=6)), check=0)
        self.assertEqual(len(p.stdout.splitlines()), 2)
        self.assertEqual(len(self.run_json("cache", "export", "--since", "7d")["scans"]), 3)
        self.run_cli("cache", "export", "--since", "later", check=2)


if __name__ == "__main__":
    main()
