"""scan --every: cycles on schedule, SIGTERM mid-cycle, heartbeats, health file, leases released."""

import json
import os
import signal
import subprocess
import time

from harness import E2ETest, main, make_bookmaker, make_event, BIN

KEY = "test-key-au-0123456789abcdef"


def events():
    return [make_event("w1", "Kings", "Wildcats", sport_key="basketball_nbl", bookmakers=[
        make_bookmaker("neds", "Kings", "Wildcats", h2h=(2.10, 1.80)),
        make_bookmaker("tab", "Kings", "Wildcats", h2h=(1.70, 2.05))])]


class WorkerTest(E2ETest):
    def start_worker(self, *args):
        env = dict(self.env, ODDS_API_KEY_AU=KEY)
        cmd = [BIN, "scan", "--regions", "au", "--sports", "basketball_nbl,rugbyleague_nrl", "--json"] + list(args)
        return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def setUp(self):
        super().setUp()
        self.fake.add_key(KEY, remaining=100000)
        self.fake.set_events("au", "basketball_nbl", events())
        self.fake.set_events("au", "rugbyleague_nrl", [])

    def test_runs_cycles_then_sigterm_mid_cycle_exits_0_and_stores_the_cycle(self):
        health = os.path.join(self.tmp, "healthy")
        proc = self.start_worker("--every", "1s", "--grace", "10s", "--health-file", health,
                                 "--worker-id", "w-test")
        # Let at least two cycles finish, then make calls slow and signal mid-cycle.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len([c for c in self.fake.calls if c["path"].endswith("/odds")]) < 4:
            time.sleep(0.1)
        self.fake.set_latency(1500)
        before = len(self.fake.calls)
        while time.monotonic() < deadline + 10 and len(self.fake.calls) == before:
            time.sleep(0.05)  # a slow call is now in flight... or about to be
        time.sleep(0.3)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        elapsed = time.monotonic() - t0
        self.assertEqual(proc.returncode, 0, err)
        self.assertLess(elapsed, 10 + 2)  # within the grace (bounded, not a speed claim)
        cycles = [json.loads(l) for l in out.strip().splitlines()]
        self.assertGreaterEqual(len(cycles), 3)
        scans = self.sql("SELECT scan_id, status FROM scans ORDER BY started_at")
        self.assertEqual([s["scan_id"] for s in scans], [c["scan_id"] for c in cycles])
        self.assertEqual(self.sql("SELECT count(*) AS n FROM leases")[0]["n"], 0)
        hb = self.sql("SELECT * FROM heartbeats")
        self.assertEqual(len(hb), 1)
        self.assertEqual(hb[0]["worker_id"], "w-test")
        self.assertEqual(hb[0]["cycles"], len(cycles))
        self.assertTrue(os.path.exists(health))

    def test_cycles_keep_to_the_schedule_and_max_cycles_stops(self):
        proc = self.start_worker("--every", "1s", "--max-cycles", "3")
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 0, err)
        starts = [c["started"] for c in self.fake.calls if c["path"].endswith("basketball_nbl/odds")]
        self.assertEqual(len(starts), 3)
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        for g in gaps:
            self.assertAlmostEqual(g, 1.0, delta=0.5)  # on the grid, not "1 s after the last ended"

    def test_an_overrunning_cycle_skips_missed_ticks_and_says_so(self):
        self.fake.set_latency(1300)
        proc = self.start_worker("--every", "1s", "--max-cycles", "2")
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn("overran", err)
        self.assertIn("skipped", err)

    def test_second_signal_exits_at_once(self):
        # Every /odds call is held by the fake until release: the graceful stop the first
        # signal starts waits for it, so the second signal always lands inside that stop
        # (a slow call alone could end, or not have started, before the signal came).
        self.fake.add_fault("hold", path="/odds", seconds=120)
        self.addCleanup(self.fake.release)
        proc = self.start_worker("--every", "1s", "--grace", "60s")
        # Conditions, not sleeps: the worker catches SIGTERM (its handler is installed), a call
        # is in flight, and the first signal has been handled before the second is sent (two
        # pending signals would merge into one).
        self.wait_for_signal_state(proc, "SigCgt", True)
        self.wait_for(lambda: self.fake.held >= 1, proc, "no /odds call reached the fake")
        proc.send_signal(signal.SIGTERM)
        self.wait_for_signal_state(proc, "SigPnd", False)
        self.wait_for_signal_state(proc, "ShdPnd", False)
        self.assertIsNone(proc.poll(), "the worker left its graceful stop with a call still held")
        self.assertGreaterEqual(self.fake.held, 1)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
        self.assertEqual(proc.returncode, 128 + signal.SIGTERM)

    def wait_for(self, condition, proc, what, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if proc.poll() is not None:
                self.fail("the worker exited early (%s): %s" % (proc.returncode, proc.stderr.read()))
            time.sleep(0.01)  # polling interval of a bounded wait, not a synchronisation
        self.fail(what)

    def wait_for_signal_state(self, proc, field, caught_or_pending, timeout=30):
        """Waits until SIGTERM's bit in /proc/<pid>/status `field` (a signal mask) is set
        (caught_or_pending True) or clear."""
        bit = 1 << (signal.SIGTERM - 1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                self.fail("the worker exited early (%s): %s" % (proc.returncode, proc.stderr.read()))
            with open("/proc/%d/status" % proc.pid) as f:
                masks = dict(line.split(":", 1) for line in f if ":" in line)
            if bool(int(masks[field].strip(), 16) & bit) == caught_or_pending:
                return
            time.sleep(0.01)
        self.fail("SIGTERM in %s of the worker stayed %s" % (field, not caught_or_pending))

    def test_sync_worker_runs_cycles_and_records_a_heartbeat(self):
        env = dict(self.env, ODDS_API_KEY_AU=KEY)
        proc = subprocess.run([BIN, "sync", "--regions", "au", "--sports", "basketball_nbl", "--every", "1s",
                               "--max-cycles", "2", "--json", "--worker-id", "sync-w"],
                              env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        docs = [json.loads(l) for l in proc.stdout.strip().splitlines()]
        self.assertEqual(len(docs), 2)
        self.assertEqual(docs[0]["synced"], 1)  # discovered then synced in the first cycle
        hb = self.sql("SELECT * FROM heartbeats")
        self.assertEqual([(h["worker_id"], h["command"], h["cycles"]) for h in hb], [("sync-w", "sync", 2)])

    def test_bad_every_is_a_usage_error(self):
        proc = self.run_cli("scan", "--regions", "au", "--every", "0s", env={"ODDS_API_KEY_AU": KEY})
        self.assertEqual(proc.returncode, 2, self.describe(proc))


if __name__ == "__main__":
    main()
