"""Leases that never strand a region, and failed writes that are named.

- a run SIGKILLed mid-call (lease held): the next run on this host takes its lease over at
  once (scan and sync), and says so;
- a worker whose --grace is shorter than the call in flight releases its leases at the grace
  exit; a stop during the /sports call stores no failed row and records no heartbeat error;
- a worker cycle in which every region was skipped does not touch the health file;
- a full store (SQLITE_FULL through the test-only ODDSCTL_TEST_SQLITE_MAX_PAGES cap) names the
  failing write, keeps the ledger, and exits 3 when another region was stored.
Every wait is bounded.
"""

import json
import os
import signal
import sqlite3
import subprocess
import time

from harness import BIN, E2ETest, in_hours, main, make_bookmaker, make_event

KEY_AU = "test-key-au-0123456789abcdef"
KEY_UK = "test-key-uk-0123456789abcdef"
ENV = {"ODDS_API_KEY_AU": KEY_AU, "ODDS_API_KEY_UK": KEY_UK}


def arb_event(eid, sport="basketball_nbl", home=None, away=None):
    home = home or "Home " + eid
    away = away or "Away " + eid
    return make_event(eid, home, away, sport_key=sport, commence=in_hours(24), bookmakers=[
        make_bookmaker("neds", home, away, h2h=(2.10, 1.80)),
        make_bookmaker("tab", home, away, h2h=(1.70, 2.05))])


class LeaseFaultsTest(E2ETest):
    def setUp(self):
        super().setUp()
        self.fake.add_key(KEY_AU, remaining=100000)
        self.fake.add_key(KEY_UK, remaining=100000)
        self.fake.set_events("au", "basketball_nbl", [arb_event("a1")])
        self.fake.set_events("uk", "basketball_nbl", [arb_event("u1")])
        self.procs = []
        self.addCleanup(self._kill_procs)

    def _kill_procs(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.communicate(timeout=10)

    def start(self, *args, env=None):
        full = dict(self.env, **ENV)
        full.update(env or {})
        p = subprocess.Popen([BIN] + list(args), env=full, cwd=self.tmp, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        self.procs.append(p)
        return p

    def leases(self):
        if not os.path.exists(self.db_path):
            return []
        try:
            return self.sql("SELECT name, owner FROM leases ORDER BY name")
        except sqlite3.OperationalError:
            return []  # the schema is still being made

    def wait_for(self, what, cond, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if cond():
                return
            time.sleep(0.05)
        self.fail("timed out waiting for " + what)

    # ---- 1. SIGKILL: reclaimed at once ---------------------------------------------------
    def test_scan_after_sigkill_reclaims_the_dead_runs_lease_at_once_and_only_that(self):
        self.fake.add_fault("hang", path="/odds", seconds=30)
        # au held under the default id (host:pid), uk under a --worker-id (names no process).
        p = self.start("scan", "--regions", "au", "--sports", "basketball_nbl", "--timeout", "60s")
        named = self.start("scan", "--regions", "uk", "--sports", "basketball_nbl", "--timeout", "60s",
                           "--worker-id", "named-worker")
        self.wait_for("both scan leases held", lambda: len(self.leases()) == 2)
        # While the holders live, nothing is taken from them.
        doc = self.run_json("scan", "--regions", "au,uk", "--sports", "basketball_nbl", env=ENV)
        self.assertEqual([r["status"] for r in doc["regions"]], ["skipped", "skipped"], self.describe(self.last))
        p.kill()
        named.kill()
        p.communicate(timeout=10)
        named.communicate(timeout=10)
        held = {l["name"]: l["owner"] for l in self.leases()}
        self.assertEqual(sorted(held), ["scan:au", "scan:uk"])  # stranded by the kills
        self.fake.clear_faults()
        t0 = time.monotonic()
        doc = self.run_json("scan", "--regions", "au,uk", "--sports", "basketball_nbl", "-v", env=ENV)
        self.assertLess(time.monotonic() - t0, 30)
        by = {r["region"]: r for r in doc["regions"]}
        self.assertEqual(by["au"]["status"], "ok", self.describe(self.last))
        self.assertIn("lease scan:au reclaimed from %s (process gone)" % held["scan:au"], self.last.stderr)
        # A --worker-id holder frees its lease only by expiry.
        self.assertEqual(by["uk"]["status"], "skipped")
        self.assertIn("named-worker", by["uk"]["error"])
        self.assertEqual(self.leases(), [{"name": "scan:uk", "owner": "named-worker"}])

    def test_sync_after_sigkill_reclaims_the_tier_leases_at_once(self):
        self.run_json("sync", "--discover", "--regions", "au", "--markets", "h2h", env=ENV)
        self.fake.add_fault("hang", path="/odds", seconds=30)
        p = self.start("sync", "--regions", "au", "--markets", "h2h", "--timeout", "60s", "--deadline", "5m")
        self.wait_for("a sync lease held", lambda: len(self.leases()) >= 1)
        time.sleep(0.3)
        p.kill()
        p.communicate(timeout=10)
        held = self.leases()
        self.assertTrue(held)
        self.fake.clear_faults()
        doc = self.run_json("sync", "--regions", "au", "--markets", "h2h", "-v", env=ENV)
        self.assertEqual(doc.get("skipped_leases", []), [], self.describe(self.last))
        self.assertIn("reclaimed from %s (process gone)" % held[0]["owner"], self.last.stderr)
        self.assertEqual(self.leases(), [])

    # ---- 2. every exit path releases -----------------------------------------------------
    def test_grace_shorter_than_the_call_in_flight_releases_the_leases(self):
        self.fake.add_fault("hang", path="/odds", seconds=30)
        p = self.start("scan", "--regions", "au,uk", "--sports", "basketball_nbl", "--timeout", "60s",
                       "--every", "1s", "--grace", "1s", "--json")
        self.wait_for("both scan leases held", lambda: len(self.leases()) == 2)
        time.sleep(0.3)
        t0 = time.monotonic()
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 0, err)
        self.assertLess(time.monotonic() - t0, 10)
        self.assertEqual(self.leases(), [], err)

    def test_stop_during_the_sports_call_stores_no_failed_row_and_no_heartbeat_error(self):
        self.fake.add_fault("latency", path="/v4/sports", times=1, ms=2500)
        p = self.start("scan", "--regions", "au", "--every", "1s", "--grace", "15s", "--json",
                       "--worker-id", "w-stop")
        self.wait_for("the scan lease held", lambda: len(self.leases()) == 1)
        time.sleep(0.5)  # inside the slow /v4/sports call
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0, err)
        self.assertEqual(self.sql("SELECT count(*) AS n FROM scans WHERE status = 'failed'")[0]["n"], 0, err)
        hb = self.sql("SELECT * FROM heartbeats")
        self.assertEqual(len(hb), 1)
        self.assertIsNone(hb[0]["last_error"], err)
        self.assertEqual(self.leases(), [])
        self.assertFalse([c for c in self.fake.calls if c["path"].endswith("/odds")])

    # ---- 1b. a cycle that skipped everything is not healthy ------------------------------
    def test_worker_cycle_with_every_region_skipped_does_not_touch_the_health_file(self):
        self.fake.add_fault("hang", path="/odds", seconds=30)
        holder = self.start("scan", "--regions", "au", "--sports", "basketball_nbl", "--timeout", "60s")
        self.wait_for("the scan lease held", lambda: len(self.leases()) == 1)
        health = os.path.join(self.tmp, "healthy")
        proc = self.run_cli("scan", "--regions", "au", "--sports", "basketball_nbl", "--every", "1s",
                            "--max-cycles", "2", "--health-file", health, "--json", env=ENV, timeout=60)
        self.assertEqual(proc.returncode, 0, self.describe(proc))
        self.assertFalse(os.path.exists(health), self.describe(proc))
        self.assertIn("every lease was held by another run", proc.stderr)
        holder.kill()
        holder.communicate(timeout=10)

    # ---- 3. a full store ------------------------------------------------------------------
    def page_count(self):
        con = sqlite3.connect(self.db_path)
        try:
            return con.execute("PRAGMA page_count").fetchone()[0]
        finally:
            con.close()

    def test_full_store_names_the_failing_write_keeps_the_ledger_and_exits_3(self):
        # uk: a big result that cannot fit; au: a small one that can.
        self.fake.set_events("uk", "basketball_nbl", [arb_event("u%03d" % i) for i in range(400)])
        self.run_json("scan", "--regions", "au", "--sports", "basketball_nbl", env=ENV)  # warm the tables
        ledger_before = self.sql("SELECT count(*) AS n FROM ledger")[0]["n"]
        cap = self.page_count() + 3
        proc = self.run_cli("scan", "--regions", "au,uk", "--sports", "basketball_nbl", "--json",
                            env=dict(ENV, ODDSCTL_TEST_SQLITE_MAX_PAGES=str(cap)))
        self.assertEqual(proc.returncode, 3, self.describe(proc))
        doc = json.loads(proc.stdout)
        by = {r["region"]: r for r in doc["regions"]}
        self.assertEqual(by["au"]["status"], "ok")
        self.assertEqual(by["uk"]["status"], "failed")
        self.assertEqual(by["uk"]["error"], "store: save scan uk: database or disk is full")
        self.assertNotIn("release lease", proc.stderr)
        # The ledger rows of both regions were written (first, in their own transaction).
        odds_calls = len([c for c in self.fake.calls if c["path"].endswith("/odds")])
        self.assertGreaterEqual(self.sql("SELECT count(*) AS n FROM ledger")[0]["n"] - ledger_before, 2)
        self.assertEqual(odds_calls, 3)
        self.assertEqual(self.leases(), [])
        stored = {r["region"]: r["status"] for r in self.sql(
            "SELECT region, status FROM scans WHERE scan_id = ?", doc["scan_id"])}
        self.assertEqual(stored, {"au": "ok"})

    def test_full_store_with_nothing_stored_exits_1_naming_the_write(self):
        self.fake.set_events("au", "basketball_nbl", [arb_event("a%03d" % i) for i in range(400)])
        self.run_json("scan", "--regions", "uk", "--sports", "basketball_nbl", env=ENV)
        cap = self.page_count() + 3
        proc = self.run_cli("scan", "--regions", "au", "--sports", "basketball_nbl", "--json",
                            env=dict(ENV, ODDSCTL_TEST_SQLITE_MAX_PAGES=str(cap)))
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        err = json.loads(proc.stderr.strip().splitlines()[-1])["error"]
        self.assertIn("store: save scan au: database or disk is full", err["message"])
        self.assertNotIn("release lease", proc.stderr)
        self.assertEqual(self.leases(), [])

    def test_full_file_system_names_the_failing_write(self):
        """The same on a real full disk: a small tmpfs (needs root; skipped with the reason if not)."""
        mnt = os.path.join(self.tmp, "small")
        os.mkdir(mnt)
        if os.geteuid() != 0:
            self.skipTest("mounting a size-limited tmpfs needs root (uid %d)" % os.geteuid())
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt], capture_output=True, text=True)
        if r.returncode != 0:
            self.skipTest("cannot mount a tmpfs here: %s" % (r.stderr.strip() or r.returncode))
        self.addCleanup(lambda: subprocess.run(["umount", "-l", mnt], capture_output=True))
        store = "sqlite://" + os.path.join(mnt, "oddsctl.db")
        env = dict(ENV, ODDSCTL_STORE=store)
        self.fake.set_events("au", "basketball_nbl", [arb_event("a%04d" % i) for i in range(1500)])
        self.fake.add_fault("status", times=1, path="/odds", status=422, error_code="INVALID_MARKET")
        self.run_cli("scan", "--regions", "au", "--sports", "basketball_nbl", env=env)  # schema, sports list
        con = sqlite3.connect(os.path.join(mnt, "oddsctl.db"))
        ledger_before = con.execute("SELECT count(*) FROM ledger").fetchone()[0]
        con.close()
        st = os.statvfs(mnt)
        free = st.f_bavail * st.f_frsize
        filler = max(0, free - 256 * 1024)
        with open(os.path.join(mnt, "filler"), "wb") as f:
            try:
                f.write(b"\0" * filler)
            except OSError:
                pass
        proc = self.run_cli("scan", "--regions", "au", "--sports", "basketball_nbl", "--json", env=env)
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        err = json.loads(proc.stderr.strip().splitlines()[-1])["error"]
        self.assertIn("store: save scan au: database or disk is full", err["message"])
        os.remove(os.path.join(mnt, "filler"))
        con = sqlite3.connect(os.path.join(mnt, "oddsctl.db"))
        self.assertGreater(con.execute("SELECT count(*) FROM ledger").fetchone()[0], ledger_before)
        con.close()


if __name__ == "__main__":
    main()
