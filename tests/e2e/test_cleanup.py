"""oddsctl cleanup end to end: retention flags and config, dry run, vacuum, the report, and
cleanup running while a scan writes or being killed half-way."""

import json
import os
import signal
import sqlite3
import subprocess
import time
from datetime import timedelta

from harness import E2ETest, main, utcnow, BIN
import test_cache as tc  # the aged-row helpers (a module import: its tests do not run here)

DAY = timedelta(days=1)
TABLES = ("scans", "opportunities", "latest_good", "snapshots", "ledger", "alerts", "leases", "heartbeats")


class CleanupCase(E2ETest):
    def setUp(self):
        super().setUp()
        self.run_cli("cleanup", "--dry-run", check=0)  # creates the store and its schema (readers never do)
        self.now = utcnow()

    def counts(self):
        return {t: self.sql("SELECT count(*) AS n FROM %s" % t)[0]["n"] for t in TABLES}

    def connect(self):
        return sqlite3.connect(self.db_path, timeout=30)

    def fill_scans(self, region, n, start_age, step=timedelta(hours=1), opps=2, status="ok", conn=None,
                   prefix=None):
        """n scans of `region`, the oldest `start_age` ago, each `step` newer than the last."""
        own = conn is None
        conn = conn or self.connect()
        for i in range(n):
            tc.insert_scan(None, "%s-%s-%05d" % (prefix or "s", region, i), region, self.now - start_age + i * step,
                           status=status, opps=[tc.opp_row(region, "e%d" % j) for j in range(opps)], conn=conn)
        if own:
            conn.commit()
            conn.close()

    def add_rows(self, table, rows):
        with self.connect() as conn:
            for r in rows:
                conn.execute("INSERT INTO %s (%s) VALUES (%s)" % (table, ",".join(r), ",".join("?" * len(r))),
                             tuple(r.values()))

    def snapshot(self, event_id, age, region="au"):
        return {"region": region, "event_id": event_id, "sport_key": "soccer_epl", "taken_at": tc.ms(self.now - age),
                "fingerprint": "f%s" % age, "event_json": "{}"}

    def ledger(self, age, region="au"):
        return {"at": tc.ms(self.now - age), "key_id": "k1", "key_hint": "…abcd", "region": region,
                "command": "scan", "endpoint": "odds", "sport": "soccer_epl", "http_status": 200,
                "used": 10, "remaining": 90, "last": 3}


class CleanupTest(CleanupCase):
    def test_keep_last_per_region(self):
        self.fill_scans("au", 10, 10 * DAY)
        self.fill_scans("uk", 3, 10 * DAY)
        doc = self.run_json("cleanup", "--keep-last", "3")
        self.assertFalse(doc["dry_run"])
        self.assertEqual(doc["removed"]["scans"], {"au": 7})
        self.assertEqual(doc["removed"]["opportunities"], {"au": 14})
        self.assertEqual(doc["totals"]["scans"], 7)
        self.assertEqual(doc["policy"]["keep_last"], 3)
        left = [r["scan_id"] for r in self.sql("SELECT scan_id FROM scans WHERE region='au' ORDER BY started_at")]
        self.assertEqual(left, ["s-au-00007", "s-au-00008", "s-au-00009"])
        self.assertEqual(self.counts()["scans"], 6)
        self.assertEqual(self.counts()["opportunities"], 12)
        # Nothing left without its scan.
        self.assertEqual(self.sql("SELECT count(*) AS n FROM opportunities o WHERE NOT EXISTS "
                                  "(SELECT 1 FROM scans s WHERE s.scan_id=o.scan_id AND s.region=o.region)")[0]["n"], 0)

    def test_never_removes_the_latest_good_scan(self):
        self.fill_scans("au", 1, 20 * DAY)  # the latest good: old
        self.fill_scans("au", 5, 10 * DAY, status="failed", opps=0, prefix="f")
        doc = self.run_json("cleanup", "--keep-last", "0", "--older-than", "1d")
        self.assertEqual(doc["removed"]["scans"], {"au": 5})
        self.assertEqual([r["scan_id"] for r in self.sql("SELECT scan_id FROM scans")], ["s-au-00000"])
        got = self.run_json("cache", "get", "--region", "au", "--max-age", "30d")
        self.assertEqual(got["regions"][0]["scan_id"], "s-au-00000")
        self.assertEqual(len(got["opportunities"]), 2)

    def test_older_than_applies_to_scans_snapshots_ledger(self):
        self.fill_scans("au", 10, 10 * DAY + timedelta(hours=1), step=DAY)  # ages 10d1h .. 1d1h
        self.add_rows("snapshots", [self.snapshot("e1", 10 * DAY), self.snapshot("e1", 1 * DAY),
                                    self.snapshot("e2", 10 * DAY)])  # e2's only snapshot stays (sync needs it)
        self.add_rows("ledger", [self.ledger(10 * DAY), self.ledger(1 * DAY)])
        self.add_rows("alerts", [{"key": "au:e1:h2h:", "sent_at": tc.ms(self.now - 10 * DAY), "profit_pct": 1.0},
                                 {"key": "au:e2:h2h:", "sent_at": tc.ms(self.now - 40 * DAY), "profit_pct": 1.0}])
        doc = self.run_json("cleanup", "--keep-last", "2", "--older-than", "5d")
        self.assertEqual(doc["removed"]["scans"], {"au": 6})  # beyond the newest 2 AND older than 5d
        self.assertEqual(doc["removed"]["snapshots"], {"au": 1})
        self.assertEqual(doc["removed"]["ledger"], {"au": 1})
        # --older-than is not for alerts: their default (30d) applies.
        self.assertEqual(doc["removed"]["alerts"], {"-": 1})
        self.assertEqual(doc["policy"]["scans_older_than"], "5d")
        c = self.counts()
        self.assertEqual((c["scans"], c["snapshots"], c["ledger"], c["alerts"]), (4, 2, 1, 1))
        self.assertEqual([r["key"] for r in self.sql("SELECT key FROM alerts")], ["au:e1:h2h:"])

    def test_config_file_defaults_per_kind_and_flags_over_them(self):
        self.fill_scans("au", 4, 4 * DAY)
        self.add_rows("ledger", [self.ledger(10 * DAY), self.ledger(3 * DAY), self.ledger(1 * DAY)])
        cfg = os.path.join(self.tmp, "oddsctl.toml")
        with open(cfg, "w") as f:
            f.write('[retention]\nkeep_last = 2\nledger_older_than = "2d"\nbatch_size = 1\n')
        doc = self.run_json("cleanup", "--config", cfg, "--older-than", "5d", "--dry-run")
        self.assertEqual(doc["removed"]["ledger"], {"au": 1})  # the flag beats the file's 2d
        self.assertEqual(doc["removed"]["scans"], {})           # none older than 5d
        doc = self.run_json("cleanup", "--config", cfg)
        self.assertEqual(doc["policy"]["keep_last"], 2)
        self.assertEqual(doc["policy"]["batch_size"], 1)
        self.assertEqual(doc["removed"]["ledger"], {"au": 2})
        self.assertEqual(doc["removed"]["scans"], {"au": 2})
        self.assertEqual(self.counts()["ledger"], 1)

    def test_dry_run_changes_nothing_and_predicts_the_real_run(self):
        self.fill_scans("au", 30, 30 * DAY, step=DAY)
        self.fill_scans("uk", 12, 30 * DAY, step=DAY)
        self.add_rows("ledger", [self.ledger(100 * DAY), self.ledger(95 * DAY), self.ledger(1 * DAY)])
        before = self.counts()
        dry = self.run_json("cleanup", "--keep-last", "10", "--dry-run")
        self.assertTrue(dry["dry_run"])
        self.assertEqual(self.counts(), before)
        self.assertEqual(dry["removed"]["scans"], {"au": 20, "uk": 2})
        self.assertEqual(dry["removed"]["ledger"], {"au": 2})  # the 90d default
        p = self.run_cli("cleanup", "--keep-last", "10", "--dry-run", "--format", "table", check=0)
        self.assertIn("Would remove (dry run, nothing changed):", p.stdout)
        self.assertRegex(p.stdout, r"scans\s+au\s+20")
        self.assertEqual(self.counts(), before)
        real = self.run_json("cleanup", "--keep-last", "10")
        self.assertEqual(real["removed"], dry["removed"])
        self.assertEqual(self.counts()["scans"], before["scans"] - 22)

    def test_vacuum_shrinks_the_file(self):
        self.fill_scans("au", 3000, 30 * DAY, step=timedelta(minutes=1), opps=3)
        doc = self.run_json("cleanup", "--keep-last", "1")
        self.assertFalse(doc["vacuumed"])
        self.fill_scans("uk", 3000, 30 * DAY, step=timedelta(minutes=1), opps=3)
        doc = self.run_json("cleanup", "--keep-last", "1", "--vacuum")
        self.assertTrue(doc["vacuumed"])
        self.assertEqual(doc["totals"]["scans"], 2999)
        self.assertLess(doc["bytes_after"], doc["bytes_before"] / 2)
        self.assertEqual(os.path.getsize(self.db_path), doc["bytes_after"])
        p = self.run_cli("cleanup", "--vacuum", "--format", "table", check=0)
        self.assertIn("(compacted)", p.stdout)
        doc = self.run_json("cleanup", "--vacuum", "--dry-run")
        self.assertFalse(doc["vacuumed"])

    def test_leases_expired_go_held_stay(self):
        self.add_rows("leases", [
            {"name": "scan:au", "owner": "h:1", "acquired_at": tc.ms(self.now - DAY),
             "expires_at": tc.ms(self.now - timedelta(hours=23))},
            {"name": "scan:uk", "owner": "h:2", "acquired_at": tc.ms(self.now),
             "expires_at": tc.ms(self.now + timedelta(hours=1))}])
        doc = self.run_json("cleanup")
        self.assertEqual(doc["removed"]["leases"], {"-": 1})
        self.assertEqual([r["name"] for r in self.sql("SELECT name FROM leases")], ["scan:uk"])

    def test_formats_and_usage_errors(self):
        self.fill_scans("au", 5, 5 * DAY)
        p = self.run_cli("cleanup", "--keep-last", "2", "--format", "csv", "--dry-run", check=0)
        self.assertEqual(p.stdout.splitlines()[0], "kind,region,rows")
        self.assertIn("scans,au,3", p.stdout.splitlines())
        p = self.run_cli("cleanup", "--keep-last", "2", "--format", "table", check=0)
        self.assertIn("Removed:", p.stdout)
        self.assertIn("Store size:", p.stdout)
        for args in (("--keep-last", "-1"), ("--keep-last", "x"), ("--older-than", "soon"), ("--batch-size", "0")):
            p = self.run_cli("cleanup", *args)
            self.assertEqual(p.returncode, 2, self.describe(p))
        self.assertEqual(self.counts()["scans"], 2)


class CleanupConcurrencyTest(CleanupCase):
    fake_latency_ms = 50

    def fill_old(self, n):
        with self.connect() as conn:
            self.fill_scans("au", n, 60 * DAY, step=timedelta(seconds=10), opps=1, conn=conn, prefix="old")

    def test_cleanup_while_a_scan_writes(self):
        key = "test-key-au-0123456789abcdef"
        self.fake.add_key(key, remaining=100000)
        self.fake.set_events("au", "basketball_nbl", [tc.arb_event("a%d" % i) for i in range(20)])
        self.fill_old(30000)
        cleanup = subprocess.Popen([BIN, "cleanup", "--keep-last", "1", "--older-than", "1d", "--batch-size", "200",
                                    "--json"], env=self.env, cwd=self.tmp, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        scans, overlapped = [], 0
        for _ in range(10):
            running = cleanup.poll() is None
            doc = self.run_json("scan", "--regions", "au", "--sports", "basketball_nbl",
                                env={"ODDS_API_KEY_AU": key}, timeout=120)
            scans.append(doc)
            overlapped += running
            if cleanup.poll() is not None:
                break
        out, err = cleanup.communicate(timeout=300)
        self.assertEqual(cleanup.returncode, 0, err)
        self.assertGreaterEqual(overlapped, 1, "the cleanup finished before any scan started")
        report = json.loads(out)
        # The old latest good goes too unless the cleanup passed it before a new scan replaced it.
        old_left = 30000 - report["removed"]["scans"]["au"]
        self.assertIn(old_left, (0, 1))
        if old_left:
            self.assertEqual(self.sql("SELECT scan_id FROM scans WHERE scan_id LIKE 'old-%'"),
                             [{"scan_id": "old-au-29999"}])
        # Every scan that ran meanwhile is whole: its row, every opportunity, and the newest is served.
        for doc in scans:
            [row] = self.sql("SELECT * FROM scans WHERE scan_id = ?", doc["scan_id"])
            self.assertEqual(row["opportunity_count"], 20)
            n = self.sql("SELECT count(*) AS n FROM opportunities WHERE scan_id = ?", doc["scan_id"])[0]["n"]
            self.assertEqual(n, 20)
        self.assertEqual(self.counts()["scans"], len(scans) + old_left)
        got = self.run_json("cache", "get", "--region", "au")
        self.assertEqual(got["scan_id"], scans[-1]["scan_id"])

    def test_cleanup_killed_half_way_leaves_a_consistent_store(self):
        self.fill_old(30000)
        cleanup = subprocess.Popen([BIN, "cleanup", "--keep-last", "1", "--batch-size", "50"], env=self.env,
                                   cwd=self.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and cleanup.poll() is None:
            if self.sql("SELECT count(*) AS n FROM scans")[0]["n"] < 29000:
                break
            time.sleep(0.05)
        killed = cleanup.poll() is None
        if killed:
            cleanup.send_signal(signal.SIGKILL)
        cleanup.wait(timeout=60)
        left = self.counts()
        if killed:
            self.assertGreater(left["scans"], 1, "the cleanup finished before it could be killed")
        doc = self.run_json("store", "check")
        self.assertTrue(doc["ok"], doc["problems"])
        # Whole scans only: every remaining scan has all its opportunities, none is orphaned.
        self.assertEqual(left["opportunities"], left["scans"])
        self.assertEqual(self.sql("SELECT scan_id FROM latest_good")[0]["scan_id"], "old-au-29999")
        # A second run finishes the job.
        doc = self.run_json("cleanup", "--keep-last", "1")
        self.assertEqual(self.counts()["scans"], 1)
        self.assertEqual(doc["removed"]["scans"].get("au", 0), left["scans"] - 1)


if __name__ == "__main__":
    main()
