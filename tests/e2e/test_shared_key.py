"""Budget guards with one API key shared by every region, by several processes on one
store, and --max-credits as one cap for the whole run (every key, every region)."""

import os
import signal
import subprocess
import time

from harness import BIN, E2ETest, in_hours, main, make_bookmaker, make_event

REGIONS = ["au", "uk", "us", "eu"]
SPORTS = ["sport_%d" % i for i in range(1, 7)]
MARKETS = "h2h,spreads,totals"  # 3 credits a call


def event(eid, sport):
    return make_event(eid, "Home %s" % eid, "Away %s" % eid, sport_key=sport, bookmakers=[
        make_bookmaker("neds", "Home %s" % eid, "Away %s" % eid, h2h=(1.9, 1.9),
                       spreads=(-0.5, 1.9, 1.9), totals=(2.5, 1.9, 1.9)),
    ])


class SharedKeyTest(E2ETest):
    def setUp(self):
        super().setUp()
        for region in REGIONS:
            for i, sport in enumerate(SPORTS):
                self.fake.set_events(region, sport, [event("%s%d" % (region, i), sport)])

    def odds_calls(self, key_hint=None):
        return [c for c in self.fake.calls if c["path"].endswith("/odds") and c["status"] == 200
                and (key_hint is None or c["query"].get("key_hint") == key_hint)]

    def scan_args(self, regions, *extra):
        return ["scan", "--regions", regions, "--sports", ",".join(SPORTS), "--markets", MARKETS] + list(extra)

    def full_env(self, env):
        full = dict(self.env)
        full.update(env)
        return full

    # ---- one process, every region on one key ------------------------------------------
    def test_one_key_for_every_region_stops_at_the_reserve(self):
        key = "test-key-shared-0001"
        self.fake.add_key(key, remaining=100)
        # 4 regions x 6 sports x 3 credits = 72 would take the key to 28; the reserve is 50.
        doc = self.run_json(*self.scan_args("all", "--reserve", "50"), env={"ODDS_API_KEY": key}, code=5)
        state = self.fake.key_state(key)
        self.assertGreaterEqual(state["remaining"], 50, state)
        # What was spent is what was fetched (at most 16 calls: 100 -> 52). Calls in flight count
        # against the reserve too, so a region may stop a little before it.
        calls = len(self.odds_calls())
        self.assertEqual(100 - state["remaining"], 3 * calls, state)
        self.assertLessEqual(calls, 16)
        self.assertEqual(sum(r["events"] for r in doc["regions"]), calls)
        # One region, one call at a time: exactly at the reserve.
        key2 = "test-key-shared-0002"
        self.fake.add_key(key2, remaining=100)
        self.run_json(*self.scan_args("au", "--reserve", "50", "--concurrency", "1"), env={"ODDS_API_KEY": key2},
                      code=0)
        self.run_json(*self.scan_args("uk", "--reserve", "50", "--concurrency", "1"), env={"ODDS_API_KEY": key2},
                      code=0)
        self.run_json(*self.scan_args("us", "--reserve", "50", "--concurrency", "1"), env={"ODDS_API_KEY": key2},
                      code=5)
        self.assertEqual(self.fake.key_state(key2)["remaining"], 52)

    # ---- several processes on one store ------------------------------------------------
    def test_concurrent_processes_sharing_a_key_never_cross_the_reserve(self):
        self.fake.add_fault("latency", path="/odds", ms=20)  # calls overlap across processes
        for rnd in range(3):
            key = "test-key-parallel-%04d" % rnd
            self.fake.add_key(key, remaining=100)
            procs = []
            for region in REGIONS:
                args = [BIN] + self.scan_args(region, "--reserve", "50", "--concurrency", "2", "--json")
                procs.append(subprocess.Popen(args, env=self.full_env({"ODDS_API_KEY": key}), cwd=self.tmp,
                                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                              stderr=subprocess.PIPE, text=True))
            codes = []
            for p in procs:
                out, err = p.communicate(timeout=120)
                codes.append(p.returncode)
                self.assertIn(p.returncode, (0, 5), "round %d: %s" % (rnd, err[-2000:]))
            state = self.fake.key_state(key)
            self.assertGreaterEqual(state["remaining"], 50, "round %d: %s" % (rnd, state))
            # 72 credits were wanted, 48 at most could be had: some process was stopped.
            self.assertIn(5, codes, "round %d" % rnd)
            # Settled or released: nothing is left reserved.
            self.assertEqual(self.sql("SELECT count(*) AS n FROM credit_holds")[0]["n"], 0)

    # ---- --max-credits caps the whole run ----------------------------------------------
    def test_max_credits_caps_the_whole_run_across_regions_and_keys(self):
        env = {}
        keys = {}
        for region in REGIONS:
            keys[region] = "test-key-cap-%s-00001" % region
            self.fake.add_key(keys[region], remaining=1000)
            env["ODDS_API_KEY_%s" % region.upper()] = keys[region]
        self.run_json(*self.scan_args("all", "--max-credits", "9"), env=env, code=5)
        total = sum(self.fake.charged(k) for k in keys.values())
        self.assertLessEqual(total, 9)
        self.assertEqual(total, 9)  # three 3-credit calls fit, the fourth does not
        # And with one key shared by the regions.
        shared = "test-key-cap-shared-01"
        self.fake.add_key(shared, remaining=1000)
        self.run_json(*self.scan_args("all", "--max-credits", "9"), env={"ODDS_API_KEY": shared}, code=5)
        self.assertEqual(self.fake.charged(shared), 9)

    def test_sync_max_credits_caps_the_whole_run_across_keys(self):
        keys = {"au": "test-key-sync-au-00001", "uk": "test-key-sync-uk-00001"}
        env = {}
        for region, key in keys.items():
            self.fake.add_key(key, remaining=1000)
            env["ODDS_API_KEY_%s" % region.upper()] = key
            for i in range(4):
                sport = "hot_%d" % i
                self.fake.set_events(region, sport, [make_event("%s-h%d" % (region, i), sport_key=sport,
                                                                commence=in_hours(1), bookmakers=[
                    make_bookmaker("neds", h2h=(1.9, 2.0))])])
        self.run_json("sync", "--discover", "--regions", "au,uk", "--markets", "h2h", env=env)
        # 8 one-credit calls (4 sports x 2 keys) wanted; the run may spend 3 in all.
        doc = self.run_json("sync", "--tier", "hot", "--regions", "au,uk", "--markets", "h2h",
                            "--max-credits", "3", "--concurrency", "1", env=env, code=5)
        total = sum(self.fake.charged(k) for k in keys.values())
        self.assertEqual(total, 3, doc)
        self.assertEqual(doc["credits_used"], 3)

    # ---- a killed process's reservation expires ----------------------------------------
    def test_the_reservation_of_a_killed_process_expires(self):
        key = "test-key-killed-0001"
        self.fake.add_key(key, remaining=55)
        self.fake.add_fault("hang", path="/odds", region="au", seconds=60)
        env = self.full_env({"ODDS_API_KEY": key})
        # A: its /odds call hangs; its reservation (3 credits, --timeout 3s: lives 2 x 3 s + 5 s).
        a = subprocess.Popen([BIN, "scan", "--regions", "au", "--sports", "sport_1", "--markets", MARKETS,
                              "--reserve", "50", "--timeout", "3s"], env=env, cwd=self.tmp,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        held_at = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                rows = self.sql("SELECT cost, expires_at FROM credit_holds")
            except Exception:  # the store or its table is not there yet
                rows = []
            if rows:
                held_at = time.monotonic()
                break
            time.sleep(0.02)
        self.assertIsNotNone(held_at, "process A never reserved its call")
        os.kill(a.pid, signal.SIGKILL)
        a.wait(timeout=10)
        self.assertEqual(self.sql("SELECT cost FROM credit_holds")[0]["cost"], 3)

        # B, on another region with the same key: 55 - 3 (A's, still live) - 3 < 50: refused, unsent.
        b_args = ["scan", "--regions", "uk", "--sports", "sport_1", "--markets", MARKETS, "--reserve", "50"]
        before = len(self.odds_calls())
        proc = self.run_cli(*b_args, env={"ODDS_API_KEY": key})
        self.assertEqual(proc.returncode, 5, self.describe(proc))
        self.assertIn("reserve of 50", proc.stderr)
        self.assertEqual(len(self.odds_calls()), before)
        self.assertEqual(self.fake.key_state(key)["remaining"], 55)

        # Once A's reservation has expired, B goes through: 55 - 3 = 52.
        time.sleep(max(0.0, held_at + 11.5 - time.monotonic()))
        proc = self.run_cli(*b_args, env={"ODDS_API_KEY": key})
        self.assertEqual(proc.returncode, 0, self.describe(proc))
        self.assertEqual(self.fake.key_state(key)["remaining"], 52)
        self.assertEqual(self.sql("SELECT count(*) AS n FROM credit_holds")[0]["n"], 0)


if __name__ == "__main__":
    main()
