"""oddsctl scan end to end: the real binary against the fake Odds API, and what the store holds."""

import csv
import io
import json
import os
import sqlite3
import subprocess
import threading
import time

from harness import (E2ETest, main, make_bookmaker, make_event, make_market, minutes_ago, in_hours,
                     SOURCE_DIR, BIN)

KEYS = {r: "test-key-%s-0123456789abcdef" % r for r in ("au", "uk", "us", "eu")}
KEY_ENV = {"ODDS_API_KEY_%s" % r.upper(): k for r, k in KEYS.items()}


def arb_event(eid="ev1", home="Sydney Kings", away="Perth Wildcats"):
    # Best home 2.10 @ neds, best away 2.05 @ tab: 1/2.10 + 1/2.05 = 0.963995 -> 3.7349 % profit.
    return make_event(eid, home, away, sport_key="basketball_nbl", bookmakers=[
        make_bookmaker("neds", home, away, h2h=(2.10, 1.80)),
        make_bookmaker("tab", home, away, h2h=(1.70, 2.05)),
    ])


def no_arb_event(eid="ev2", home="Melbourne United", away="Adelaide 36ers"):
    return make_event(eid, home, away, sport_key="basketball_nbl", bookmakers=[
        make_bookmaker("neds", home, away, h2h=(1.90, 1.90)),
        make_bookmaker("tab", home, away, h2h=(1.85, 1.95)),
    ])


class ScanTest(E2ETest):
    def add_all_keys(self, remaining=10000):
        for k in KEYS.values():
            self.fake.add_key(k, remaining=remaining)

    def test_finds_h2h_arbitrage_json_contract_and_store(self):
        self.add_all_keys()
        self.fake.set_events("au", "basketball_nbl", [arb_event(), no_arb_event()])
        doc = self.run_json("scan", "--regions", "au", "--stake", "100", env=KEY_ENV)
        self.assertEqual(set(doc), {"scan_id", "started_at", "duration_ms", "regions", "opportunities"})
        [region] = doc["regions"]
        for field in ("region", "status", "error", "failed_sports", "requests", "credits_used",
                      "credits_remaining", "events", "opportunities", "duration_ms"):
            self.assertIn(field, region)
        self.assertEqual(region["status"], "ok")
        self.assertIsNone(region["error"])
        self.assertEqual(region["events"], 2)
        self.assertEqual(region["opportunities"], 1)
        self.assertEqual(region["credits_used"], 3)  # one /odds call, 3 markets x 1 region
        self.assertEqual(region["credits_remaining"], 10000 - 3)
        [opp] = doc["opportunities"]
        self.assertEqual(opp["market"], "h2h")
        self.assertIsNone(opp["point"])
        self.assertEqual(opp["event_id"], "ev1")
        self.assertAlmostEqual(opp["implied_sum"], 1 / 2.10 + 1 / 2.05, places=6)
        # 1/sum - 1, not 1 - sum (which would say 3.60 %).
        self.assertAlmostEqual(opp["profit_pct"], (1 / (1 / 2.10 + 1 / 2.05) - 1) * 100, places=4)
        legs = {l["outcome"]: l for l in opp["legs"]}
        self.assertEqual(legs["Sydney Kings"]["bookmakers"], ["neds"])
        self.assertEqual(legs["Perth Wildcats"]["bookmakers"], ["tab"])
        # Equal payouts to the cent.
        payout_home = legs["Sydney Kings"]["stake"] * 2.10
        payout_away = legs["Perth Wildcats"]["stake"] * 2.05
        self.assertAlmostEqual(payout_home, payout_away, delta=0.05)
        self.assertAlmostEqual(legs["Sydney Kings"]["stake"] + legs["Perth Wildcats"]["stake"], 100, delta=0.011)

        scans = self.sql("SELECT * FROM scans")
        self.assertEqual(len(scans), 1)
        self.assertEqual(scans[0]["scan_id"], doc["scan_id"])
        self.assertEqual(scans[0]["status"], "ok")
        self.assertEqual(scans[0]["opportunity_count"], 1)
        self.assertTrue(scans[0]["worker"])
        self.assertEqual(self.sql("SELECT scan_id FROM latest_good WHERE region='au'")[0]["scan_id"], doc["scan_id"])
        self.assertEqual(len(self.sql("SELECT * FROM opportunities")), 1)
        ledger = self.sql("SELECT * FROM ledger ORDER BY id")
        self.assertEqual([r["endpoint"] for r in ledger], ["sports", "odds"])
        self.assertEqual(ledger[-1]["last"], 3)
        self.assertEqual(oct(os.stat(self.db_path).st_mode & 0o777), "0o600")

    def test_calls_use_each_regions_own_key_and_run_in_parallel(self):
        self.add_all_keys()
        for r in KEYS:
            self.fake.set_events(r, "basketball_nbl", [arb_event("ev-" + r)])
            self.fake.set_events(r, "basketball_nba", [dict(no_arb_event("nba-" + r), sport_key="basketball_nba")])
        self.fake.set_latency(300)
        doc = self.run_json("scan", "--regions", "all", env=KEY_ENV)
        self.assertEqual([r["region"] for r in doc["regions"]], ["au", "uk", "us", "eu"])
        self.assertTrue(all(r["status"] == "ok" for r in doc["regions"]))
        odds_calls = [c for c in self.fake.calls if c["path"].endswith("/odds")]
        self.assertEqual(len(odds_calls), 8)  # 4 regions x 2 sports, each once
        for c in odds_calls:
            region = c["query"]["regions"]
            self.assertEqual(c["key_hint"], KEYS[region][-4:])
            self.assertEqual(c["query"]["markets"], "h2h,spreads,totals")
            self.assertEqual(c["query"]["oddsFormat"], "decimal")
        # Parallel: some calls overlap in time (sequentially none would).
        spans = sorted((c["started"], c["ended"]) for c in self.fake.calls)
        overlaps = sum(1 for a, b in zip(spans, spans[1:]) if b[0] < a[1])
        self.assertGreater(overlaps, 0)
        self.assertEqual(len(doc["opportunities"]), 4)
        self.assertEqual({o["region"] for o in doc["opportunities"]}, set(KEYS))

    def test_one_region_failing_does_not_stop_the_others(self):
        self.add_all_keys()
        for r in ("au", "uk"):
            self.fake.set_events(r, "basketball_nbl", [arb_event("ev-" + r)])
        bad = "wrong-key-uk-abcdefgh9876"
        env = dict(KEY_ENV, ODDS_API_KEY_UK=bad)
        proc = self.run_cli("scan", "--regions", "au,uk", "--json", env=env)
        self.assertEqual(proc.returncode, 3, self.describe(proc))
        doc = json.loads(proc.stdout)
        by = {r["region"]: r for r in doc["regions"]}
        self.assertEqual(by["au"]["status"], "ok")
        self.assertEqual(by["uk"]["status"], "failed")
        self.assertIn("ODDS_API_KEY_UK", by["uk"]["error"])
        self.assertIn("INVALID_KEY", by["uk"]["error"])
        self.assertNoKeyLeak(bad, proc.stdout, proc.stderr)
        # Not retried: one call with the bad key.
        self.assertEqual(len([c for c in self.fake.calls if c["key_hint"] == bad[-4:]]), 1)
        self.assertEqual([o["region"] for o in doc["opportunities"]], ["au"])
        self.assertEqual(self.sql("SELECT status FROM scans WHERE region='uk'")[0]["status"], "failed")
        self.assertEqual(self.sql("SELECT count(*) AS n FROM latest_good WHERE region='uk'")[0]["n"], 0)

    def test_every_region_failing_exits_1(self):
        proc = self.run_cli("scan", "--regions", "au", env={"ODDS_API_KEY_AU": "nobody-knows-this-key"})
        self.assertEqual(proc.returncode, 1, self.describe(proc))

    def test_no_key_at_all_is_a_usage_error_pointing_at_demo(self):
        proc = self.run_cli("scan")
        self.assertEqual(proc.returncode, 2, self.describe(proc))
        self.assertIn("ODDS_API_KEY", proc.stderr)
        self.assertIn("--demo", proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertEqual(len(proc.stderr.strip().splitlines()), 1)

    def test_rate_limit_is_retried_and_honours_retry_after(self):
        self.add_all_keys()
        self.fake.set_events("au", "basketball_nbl", [arb_event()])
        self.fake.add_fault("status", status=429, retry_after=1, times=1, path="/odds")
        t0 = time.monotonic()
        doc = self.run_json("scan", "--regions", "au", env=KEY_ENV)
        self.assertGreaterEqual(time.monotonic() - t0, 0.9)  # waited as told (not a speed assertion)
        self.assertEqual(doc["regions"][0]["status"], "ok")
        self.assertEqual(len(doc["opportunities"]), 1)
        statuses = [c["status"] for c in self.fake.calls if c["path"].endswith("/odds")]
        self.assertEqual(statuses, [429, 200])

    def test_server_errors_and_broken_bodies_are_retried_without_using_partial_data(self):
        self.add_all_keys()
        self.fake.set_events("au", "basketball_nbl", [arb_event()])
        self.fake.add_fault("status", status=500, times=1, path="/odds")
        self.fake.add_fault("truncate", times=1, path="/odds")
        doc = self.run_json("scan", "--regions", "au", env=KEY_ENV)
        self.assertEqual(doc["regions"][0]["status"], "ok")
        self.assertEqual(len(doc["opportunities"]), 1)
        self.assertEqual([c["status"] for c in self.fake.calls if c["path"].endswith("/odds")], [500, 200, 200])

    def test_a_sport_that_keeps_failing_makes_the_region_partial(self):
        self.add_all_keys()
        self.fake.set_events("au", "basketball_nbl", [arb_event()])
        self.fake.set_events("au", "rugbyleague_nrl", [dict(no_arb_event("nrl1"), sport_key="rugbyleague_nrl")])
        self.fake.add_fault("bad_json", sport="rugbyleague_nrl")
        proc = self.run_cli("scan", "--regions", "au", "--json", env=KEY_ENV)
        self.assertEqual(proc.returncode, 3, self.describe(proc))
        doc = json.loads(proc.stdout)
        region = doc["regions"][0]
        self.assertEqual(region["status"], "partial")
        self.assertEqual(region["failed_sports"], ["rugbyleague_nrl"])
        self.assertEqual(region["events"], 1)  # nothing of the broken body was used
        self.assertEqual(len(doc["opportunities"]), 1)
        # partial results are stored and become the latest good, flagged as partial
        self.assertEqual(self.sql("SELECT status FROM scans")[0]["status"], "partial")
        self.assertEqual(self.sql("SELECT count(*) AS n FROM latest_good")[0]["n"], 1)
        nbl_calls = [c for c in self.fake.calls if "rugbyleague_nrl" in c["path"]]
        self.assertEqual(len(nbl_calls), 4)  # 1 + 3 retries, bounded

    def test_spent_quota_is_not_a_rate_limit(self):
        self.fake.add_key(KEYS["au"], remaining=2)  # a call costs 3
        self.fake.set_events("au", "basketball_nbl", [arb_event()])
        proc = self.run_cli("scan", "--regions", "au", "--json", env=KEY_ENV)
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        err = json.loads(proc.stdout)["regions"][0]["error"]
        self.assertIn("OUT_OF_USAGE_CREDITS", err)
        self.assertNotIn("rate limit", err.lower())
        self.assertEqual(len([c for c in self.fake.calls if c["path"].endswith("/odds")]), 1)

    def test_a_hanging_server_is_bounded_by_timeout_and_deadline(self):
        self.add_all_keys()
        self.fake.set_events("au", "basketball_nbl", [arb_event()])
        self.fake.add_fault("hang", seconds=20, path="/odds")
        t0 = time.monotonic()
        proc = self.run_cli("scan", "--regions", "au", "--sports", "basketball_nbl", "--timeout", "1s",
                            "--deadline", "4s", "--json", env=KEY_ENV, timeout=30)
        elapsed = time.monotonic() - t0
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        self.assertLess(elapsed, 15)  # bounded by the deadline, not by the 20 s hang
        self.assertEqual(json.loads(proc.stdout)["regions"][0]["status"], "failed")

    def test_failed_region_never_replaces_the_latest_good_result(self):
        self.add_all_keys()
        self.fake.set_events("au", "basketball_nbl", [arb_event()])
        first = self.run_json("scan", "--regions", "au", env=KEY_ENV)
        self.fake.add_fault("status", status=503, path="/odds")
        proc = self.run_cli("scan", "--regions", "au", "--json", env=KEY_ENV)
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        self.assertEqual(self.sql("SELECT scan_id FROM latest_good WHERE region='au'")[0]["scan_id"], first["scan_id"])
        rows = self.sql("SELECT status, error FROM scans ORDER BY started_at")
        self.assertEqual([r["status"] for r in rows], ["ok", "failed"])
        self.assertIn("503", rows[1]["error"])

    def wait_for(self, what, condition, timeout=30):
        """Polls `condition` until it is true; fails naming `what` after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.05)
        self.fail("timed out waiting for " + what)

    def lease_held(self, name):
        try:
            return bool(self.sql("SELECT 1 FROM leases WHERE name=?", name))
        except sqlite3.Error:  # the store is not created yet
            return False

    def test_two_overlapping_runs_scan_a_region_once(self):
        self.add_all_keys()
        self.fake.set_events("au", "basketball_nbl", [arb_event()])
        # The winner's /odds call is held in flight until the loser has exited: the overlap is
        # a condition, not a latency that a loaded machine may outlast. (A latency on every
        # call still makes both processes reach the lease at about the same time.)
        self.fake.set_latency(300)
        self.fake.add_fault("hold", path="/odds", seconds=50)
        env = dict(self.env, **KEY_ENV)
        cmd = [BIN, "scan", "--regions", "au", "--sports", "basketball_nbl", "--json", "--timeout", "60s"]
        procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        try:
            self.wait_for("one of the two runs to finish", lambda: any(p.poll() is not None for p in procs), 50)
        finally:
            self.fake.release()
        outs = [p.communicate(timeout=60) for p in procs]
        self.assertEqual([p.returncode for p in procs], [0, 0], outs)
        docs = [json.loads(o[0]) for o in outs]
        statuses = sorted(d["regions"][0]["status"] for d in docs)
        self.assertEqual(statuses, ["ok", "skipped"], outs)
        skipped = [d for d in docs if d["regions"][0]["status"] == "skipped"][0]
        self.assertIn("lease", skipped["regions"][0]["error"])
        self.assertEqual([p.returncode for p in procs], [0, 0])
        self.assertEqual(len([c for c in self.fake.calls if c["path"].endswith("/odds")]), 1)
        self.assertEqual(self.sql("SELECT count(*) AS n FROM leases WHERE name='scan:au'")[0]["n"], 0)

    def test_processes_creating_a_fresh_store_together_all_succeed(self):
        # Two cron jobs on a new store: switching the new file to WAL used to fail with
        # "database is locked" for one of them. Bounded: 10 rounds of 8 processes, no network.
        for round_ in range(10):
            db = os.path.join(self.tmp, "fresh-%d.db" % round_)
            env = dict(self.env, ODDSCTL_STORE="sqlite://" + db)
            procs = [subprocess.Popen([BIN, "scan", "--demo", "--regions", "au", "--json"], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(8)]
            for p in procs:
                out, err = p.communicate(timeout=60)
                self.assertEqual(p.returncode, 0, err)
                self.assertIn(json.loads(out)["regions"][0]["status"], ("ok", "skipped"))

    def test_wait_lock_timing_out_exits_75(self):
        self.add_all_keys()
        self.fake.set_events("au", "basketball_nbl", [arb_event()])
        # The first run holds the lease, its /odds call in flight, until the second has given up.
        self.fake.add_fault("hold", path="/odds", seconds=50)
        env = dict(self.env, **KEY_ENV)
        first = subprocess.Popen([BIN, "scan", "--regions", "au", "--sports", "basketball_nbl", "--timeout", "60s"],
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            self.wait_for("the first run to take the lease", lambda: self.lease_held("scan:au"))
            proc = self.run_cli("scan", "--regions", "au", "--sports", "basketball_nbl", "--wait-lock", "500ms",
                                env=KEY_ENV)
        finally:
            self.fake.release()
            first.communicate(timeout=60)
        self.assertEqual(proc.returncode, 75, self.describe(proc))

    def test_output_formats(self):
        self.add_all_keys()
        self.fake.set_events("au", "basketball_nbl", [arb_event(), arb_event("ev3", "A", "B")])
        out = self.run_cli("scan", "--regions", "au", "--format", "jsonl", "--no-store", env=KEY_ENV, check=0)
        lines = out.stdout.strip().splitlines()
        self.assertEqual(len(lines), 2)
        self.assertEqual({json.loads(l)["event_id"] for l in lines}, {"ev1", "ev3"})
        out = self.run_cli("scan", "--regions", "au", "--format", "csv", "--no-store", env=KEY_ENV, check=0)
        rows = list(csv.DictReader(io.StringIO(out.stdout)))
        self.assertEqual(len(rows), 4)  # two legs each
        self.assertEqual({r["bookmakers"] for r in rows}, {"neds", "tab"})
        out = self.run_cli("scan", "--regions", "au", "--no-store", env=KEY_ENV, check=0)
        self.assertIn("PROFIT", out.stdout)
        self.assertIn("Sydney Kings v Perth Wildcats", out.stdout)
        self.assertFalse(os.path.exists(self.db_path))  # --no-store touched no store

    def test_pre_match_and_fresh_quotes_only(self):
        self.add_all_keys()
        live = make_event("live", "A", "B", sport_key="basketball_nbl", commence=minutes_ago(30), bookmakers=[
            make_bookmaker("neds", "A", "B", h2h=(3.0, 1.5)), make_bookmaker("tab", "A", "B", h2h=(1.5, 3.0))])
        stale = make_event("stale", "C", "D", sport_key="basketball_nbl", bookmakers=[
            make_bookmaker("neds", "C", "D", h2h=(2.5, 1.5), last_update=minutes_ago(180)),
            make_bookmaker("tab", "C", "D", h2h=(1.5, 2.5))])
        self.fake.set_events("au", "basketball_nbl", [live, stale])
        doc = self.run_json("scan", "--regions", "au", "--no-store", env=KEY_ENV)
        self.assertEqual(doc["opportunities"], [])
        doc = self.run_json("scan", "--regions", "au", "--no-store", "--include-live", "--max-quote-age", "4h",
                            env=KEY_ENV)
        self.assertEqual(sorted(o["event_id"] for o in doc["opportunities"]), ["live", "stale"])

    def test_sports_default_to_active_ones_and_empty_sports_cost_nothing(self):
        self.fake.add_key(KEYS["au"], remaining=100)
        self.fake.set_events("au", "basketball_nbl", [arb_event()])
        self.fake.add_sport("cricket_big_bash", title="Big Bash")  # active, no events
        self.fake.add_sport("golf_masters_winner", title="Masters", has_outrights=True)
        self.fake.add_sport("darts_pdc", title="PDC", active=False)
        doc = self.run_json("scan", "--regions", "au", env=KEY_ENV)
        paths = sorted(c["path"] for c in self.fake.calls if c["path"].endswith("/odds"))
        self.assertEqual(paths, ["/v4/sports/basketball_nbl/odds", "/v4/sports/cricket_big_bash/odds"])
        self.assertEqual(doc["regions"][0]["credits_used"], 3)  # the empty sport cost nothing
        self.assertEqual(self.fake.charged(KEYS["au"]), 3)

    def test_save_responses_then_replay_gives_the_same_result(self):
        self.add_all_keys()
        self.fake.set_events("au", "basketball_nbl", [arb_event(), no_arb_event()])
        saved = os.path.join(self.tmp, "saved")
        live = self.run_json("scan", "--regions", "au", "--save-responses", saved, "--no-store", env=KEY_ENV)
        self.assertTrue(os.path.exists(os.path.join(saved, "au", "basketball_nbl.json")))
        self.fake.stop()
        replay = self.run_json("scan", "--from-file", saved, "--no-store")
        # A quote's age is measured from "now", which a replay takes from the capture: the same
        # prices, lines and books, each leg's age_s relative to its own clock.
        def strip(d):
            return [{**o, "legs": [{k: v for k, v in leg.items() if k != "age_s"} for leg in o["legs"]]}
                    for o in d["opportunities"]]
        self.assertEqual(strip(replay), strip(live))
        for o in replay["opportunities"]:
            for leg in o["legs"]:
                self.assertGreaterEqual(leg["age_s"], 0)

    def test_demo_needs_no_key_and_no_network(self):
        env = {"ODDS_API_BASE_URL": "http://127.0.0.1:9"}  # nothing listens there
        doc = self.run_json("scan", "--demo", env=env)
        self.assertEqual({r["region"] for r in doc["regions"]}, {"au", "uk", "us", "eu"})
        self.assertTrue(all(r["status"] == "ok" for r in doc["regions"]))
        self.assertGreater(len(doc["opportunities"]), 0)
        self.assertEqual(self.fake.calls, [])

    def test_real_recorded_fixture_replays(self):
        fixture = os.path.join(SOURCE_DIR, "tests", "fixtures", "real-odds",
                               "earlybird-dev__redbet__UpcomingBySport.json")
        doc = self.run_json("scan", "--from-file", fixture, "--regions", "au", "--no-store")
        # The fixture's notes: 4 naive pre-match arbs, 3 with a Betfair leg; 1 survives 5 % commission.
        self.assertEqual(len(doc["opportunities"]), 1)
        proc = self.run_cli("scan", "--from-file", fixture, "--no-store")
        self.assertEqual(proc.returncode, 2, self.describe(proc))
        self.assertIn("--regions", proc.stderr)

    def test_from_store_scans_synced_snapshots_without_calls(self):
        self.add_all_keys()
        self.fake.set_events("au", "basketball_nbl", [arb_event(), no_arb_event()])
        self.run_json("sync", "--regions", "au", "--sports", "basketball_nbl", env=KEY_ENV)
        calls = len(self.fake.calls)
        doc = self.run_json("scan", "--from-store", "--regions", "au")
        self.assertEqual(len(self.fake.calls), calls)  # no network, no credits
        self.assertEqual([o["event_id"] for o in doc["opportunities"]], ["ev1"])
        self.assertEqual(doc["regions"][0]["requests"], 0)
        self.assertEqual(self.sql("SELECT command FROM scans")[0]["command"], "scan-from-store")

    def test_reserve_is_honoured_on_a_fresh_store_from_the_free_calls_headers(self):
        # Nothing in the ledger yet: the free /sports answer reports 500 left, below the reserve.
        self.fake.add_key(KEYS["au"], remaining=500)
        self.fake.set_events("au", "basketball_nbl", [arb_event()])
        proc = self.run_cli("scan", "--regions", "au", "--reserve", "600", "--json", env=KEY_ENV)
        self.assertEqual(proc.returncode, 5, self.describe(proc))
        self.assertEqual([c for c in self.fake.calls if c["path"].endswith("/odds")], [])
        self.assertEqual(self.fake.charged(KEYS["au"]), 0)

    def test_key_never_leaks_into_output_logs_or_store(self):
        self.add_all_keys()
        self.fake.set_events("au", "basketball_nbl", [arb_event()])
        self.fake.add_fault("status", status=500, times=1, path="/odds")
        proc = self.run_cli("scan", "--regions", "au", "-vv", env=KEY_ENV)
        self.assertEqual(proc.returncode, 0, self.describe(proc))
        with open(self.db_path, "rb") as f:
            blob = f.read()
        for suffix in ("-wal", "-shm"):
            if os.path.exists(self.db_path + suffix):
                with open(self.db_path + suffix, "rb") as f:
                    blob += f.read()
        self.assertNotIn(KEYS["au"].encode(), blob)
        self.assertNoKeyLeak(KEYS["au"], proc.stdout, proc.stderr)

    def test_bad_input_is_one_line_exit_2_and_json_error_with_json(self):
        for args in (["scan", "--regions", "mars"], ["scan", "--max-quote-age", "soon"],
                     ["scan", "--min-profit", "x"], ["scan", "--no-such-flag"], ["scan", "--format", "xml"],
                     ["scan", "--as-of", "yesterday", "--demo"], ["scan", "--commission", "betfair=2"]):
            proc = self.run_cli(*args, env=KEY_ENV)
            self.assertEqual(proc.returncode, 2, self.describe(proc))
            self.assertEqual(len(proc.stderr.strip().splitlines()), 1, self.describe(proc))
            self.assertEqual(proc.stdout, "")
        proc = self.run_cli("scan", "--regions", "mars", "--json", env=KEY_ENV)
        err = json.loads(proc.stderr)
        self.assertEqual(err["error"]["exit_code"], 2)
        self.assertIn("mars", err["error"]["message"])
        self.assertEqual(self.fake.calls, [])

    def test_global_options_after_the_subcommand_and_env_precedence(self):
        self.add_all_keys()
        self.fake.set_events("au", "basketball_nbl", [arb_event()])
        other = os.path.join(self.tmp, "other.db")
        self.run_cli("scan", "--regions", "au", "--db", other, env=KEY_ENV, check=0)
        self.assertTrue(os.path.exists(other))
        # --min-profit from a config file, overridden by the flag
        cfg = os.path.join(self.tmp, "c.toml")
        with open(cfg, "w") as f:
            f.write('[scan]\nmin_profit = 50\n')
        doc = self.run_json("--config", cfg, "scan", "--regions", "au", "--no-store", env=KEY_ENV)
        self.assertEqual(doc["opportunities"], [])
        doc = self.run_json("--config", cfg, "scan", "--regions", "au", "--no-store", "--min-profit", "1",
                            env=KEY_ENV)
        self.assertEqual(len(doc["opportunities"]), 1)


if __name__ == "__main__":
    main()
