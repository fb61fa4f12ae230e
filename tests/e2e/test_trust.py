"""Results you can trust: nothing but a live scan's good result is served as the live cache,
bad values are usage errors before any credit is spent, and settings are strict and typed.
Each test below is one of the cases that silently went wrong before (issue 11)."""

import json
import os
import random

from harness import nbl_arb, E2ETest, main, make_bookmaker, make_event

KEY_AU = "test-key-au-trust-0123456789"
KEY_UK = "test-key-uk-trust-0123456789"
KEYS = {"ODDS_API_KEY_AU": KEY_AU, "ODDS_API_KEY_UK": KEY_UK}




class TrustTest(E2ETest):
    def setUp(self):
        super().setUp()
        self.fake.add_key(KEY_AU, remaining=100000)
        self.fake.add_key(KEY_UK, remaining=100000)
        self.fake.set_events("au", "basketball_nbl", [nbl_arb("live-1")])

    def live_scan(self, *args, code=0):
        return self.run_json("scan", "--regions", "au", *args, env=KEYS, code=code)

    def served(self, *args, code=0):
        doc = self.run_json("cache", "get", "--region", "au", *args, code=code)
        return doc["regions"][0]

    def odds_calls(self):
        return [c for c in self.fake.calls if c["path"].endswith("/odds")]

    def usage_error(self, *args, env=None, contains=()):
        proc = self.run_cli(*args, env=env)
        self.assertEqual(proc.returncode, 2, self.describe(proc))
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, self.describe(proc))
        for text in contains:
            self.assertIn(text, lines[0])
        return lines[0]

    def replay_file(self):
        path = os.path.join(self.tmp, "au", "basketball_nbl.json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            json.dump([nbl_arb("replayed-1", 2.30)], f)
        return os.path.dirname(path)

    # 1 -------------------------------------------------------------------------------
    def test_1_demo_or_replay_never_replace_the_live_result(self):
        live = self.live_scan()
        demo = self.run_json("scan", "--demo", "--regions", "au")
        self.assertEqual(demo["regions"][0]["source"], "demo")
        replay = self.run_json("scan", "--from-file", self.replay_file(), "--regions", "au")
        self.assertEqual(replay["regions"][0]["source"], "replay")
        served = self.served()
        self.assertEqual((served["scan_id"], served["source"]), (live["scan_id"], "live"))
        self.assertEqual(self.served("--source", "demo")["scan_id"], demo["scan_id"])
        self.assertEqual(self.served("--source", "replay")["scan_id"], replay["scan_id"])
        # cache list labels each run with its source.
        rows = self.run_json("cache", "list", "--region", "au")["scans"]
        self.assertEqual(sorted(r["source"] for r in rows), ["demo", "live", "replay"])
        only = self.run_json("cache", "list", "--source", "demo")["scans"]
        self.assertEqual({r["source"] for r in only}, {"demo"})
        # alerts read live by default: the demo's arbitrages are not sent.
        # (--include-flagged: these two-book worlds are "thin", which alerts hold back by default)
        doc = self.run_json("alerts", "--dry-run", "--regions", "au", "--include-flagged")
        self.assertEqual({a["alert_key"].split(":")[1] for a in doc["alerts"]}, {"live-1"})

    def test_1_demo_without_a_store_leaves_the_default_store_untouched(self):
        default_db = os.path.join(self.tmp, "state", "oddsctl", "oddsctl.db")
        doc = self.run_json("scan", "--demo", env={"ODDSCTL_STORE": None})
        self.assertGreater(len(doc["opportunities"]), 0)
        self.assertFalse(os.path.exists(default_db))

    # 2 -------------------------------------------------------------------------------
    def test_2_market_and_sport_typos_are_usage_errors_before_any_credit(self):
        self.usage_error("scan", "--regions", "au", "--markets", "h2x,sprads", env=KEYS,
                         contains=("'h2x'", "did you mean 'h2h'", "'sprads'"))
        self.assertEqual(self.fake.calls, [])
        self.usage_error("scan", "--regions", "au", "--sports", "nosuch_sport", env=KEYS,
                         contains=("nosuch_sport",))
        self.assertEqual(self.odds_calls(), [])
        self.assertEqual(self.fake.charged(KEY_AU), 0)
        self.assertEqual(self.sql("SELECT count(*) AS n FROM scans")[0]["n"], 0)

    def test_2_a_bookmaker_filter_that_matches_nothing_is_not_a_good_result(self):
        live = self.live_scan()
        proc = self.run_cli("scan", "--regions", "au", "--bookmakers", "nosuch", "--json", env=KEYS)
        self.assertEqual(proc.returncode, 0, self.describe(proc))
        region = json.loads(proc.stdout)["regions"][0]
        self.assertEqual((region["empty"], region["good"]), ("filtered", False))
        self.assertIn("nosuch", proc.stderr)  # the unknown book is named
        self.assertIn("filters", proc.stderr)  # and the empty result explained
        self.assertEqual(self.served()["scan_id"], live["scan_id"])

    def test_2_an_empty_board_is_a_real_empty_good_result(self):
        self.fake.set_events("au", "basketball_nbl", [])
        doc = self.live_scan("--sports", "basketball_nbl")
        region = doc["regions"][0]
        self.assertEqual((region["status"], region["empty"], region["good"]), ("ok", "no_events", True))
        self.assertEqual(self.served()["scan_id"], doc["scan_id"])

    # 3 -------------------------------------------------------------------------------
    def test_3_from_store_with_nothing_synced_keeps_the_latest_good(self):
        live = self.live_scan()
        proc = self.run_cli("scan", "--from-store", "--regions", "au", "--json")
        self.assertEqual(proc.returncode, 0, self.describe(proc))
        region = json.loads(proc.stdout)["regions"][0]
        self.assertEqual((region["empty"], region["good"], region["source"]), ("no_snapshots", False, "store"))
        self.assertIn("sync --discover", proc.stderr)
        self.assertEqual(self.served()["scan_id"], live["scan_id"])
        self.assertIsNone(self.served("--source", "store", code=4)["scan_id"])

    # 4 -------------------------------------------------------------------------------
    def test_4_a_bare_number_is_never_a_duration(self):
        self.live_scan()
        before = self.sql("SELECT count(*) AS n FROM scans")[0]["n"]
        self.usage_error("cleanup", "--older-than", "30", contains=("--older-than", "30d"))
        self.assertEqual(self.sql("SELECT count(*) AS n FROM scans")[0]["n"], before)
        self.usage_error("scan", "--regions", "au", "--deadline", "15", env=KEYS, contains=("--deadline", "15s"))
        self.usage_error("scan", "--regions", "au", "--every", "15", env=KEYS, contains=("--every",))
        self.usage_error("alerts", "--window", "5", contains=("--window",))
        cfg = os.path.join(self.tmp, "c.toml")
        with open(cfg, "w") as f:
            f.write('[cache]\nmax_age = "15"\n')
        self.usage_error("--config", cfg, "cache", "get", contains=(cfg + ":2", "15m"))

    # 5 -------------------------------------------------------------------------------
    def test_5_the_config_file_is_strict(self):
        cfg = os.path.join(self.tmp, "c.toml")
        cases = [
            ('[api]\nconcurency = 3\n', ":2", "did you mean 'api.concurrency'"),
            ('[api]\nregons = "au"\n', ":2", "did you mean 'api.regions'"),
            ('[nosuch]\nx = 1\n', ":1", "unknown table [nosuch]"),
            ('[scan]\ndemo = true\n', ":2", "one-shot"),
            ('[api]\nconcurrency = "many"\n', ":2", "whole number"),
        ]
        for text, line, message in cases:
            with open(cfg, "w") as f:
                f.write(text)
            self.usage_error("--config", cfg, "config", "show", contains=(cfg + line, message))
            self.usage_error("--config", cfg, "scan", "--demo", contains=(cfg + line,))
            proc = self.run_cli("config", "check", cfg)
            self.assertEqual(proc.returncode, 2, self.describe(proc))
            self.assertIn(message, proc.stderr)
        self.usage_error("--config", self.tmp, "config", "show", contains=("directory",))
        with open(cfg, "w") as f:
            f.write('[api]\nconcurrency = 4\n[commission]\nbetfair_ex_uk = 0.02\n')
        self.assertEqual(self.run_cli("config", "check", cfg, check=0).stdout.strip(), cfg + ": ok")
        doc = self.run_json("config", "check", cfg)
        self.assertEqual((doc["ok"], doc["problems"]), (True, []))

    # 6 -------------------------------------------------------------------------------
    def test_6_as_of_only_with_recorded_odds(self):
        self.usage_error("scan", "--regions", "au", "--as-of", "2025-06-01T00:00:00Z", env=KEYS,
                         contains=("--as-of",))
        self.assertEqual(self.fake.calls, [])
        doc = self.run_json("scan", "--from-file", self.replay_file(), "--regions", "au",
                            "--as-of", "2025-06-01T00:00:00Z", "--no-store")
        self.assertEqual(doc["regions"][0]["status"], "ok")

    # 7 -------------------------------------------------------------------------------
    def test_7_from_file_with_a_region_not_in_the_files(self):
        self.usage_error("scan", "--from-file", self.replay_file(), "--regions", "au,uk", contains=("uk",))
        self.assertEqual(self.sql("SELECT count(*) AS n FROM scans")[0]["n"], 0)

    # 8 -------------------------------------------------------------------------------
    def test_8_scan_and_sync_read_the_api_options_the_same_way(self):
        for cmd in (["scan"], ["sync", "--discover"]):
            proc = self.run_cli(*cmd, "--regions", "AU", "--sports", "basketball_nbl", env=KEYS)
            self.assertEqual(proc.returncode, 0, self.describe(proc))
            self.usage_error(*cmd, "--regions", "au", "--concurrency", "100", env=KEYS, contains=("--concurrency",))
            self.usage_error(*cmd, "--regions", "au", "--retries", "20", env=KEYS, contains=("--retries",))
            self.usage_error(*cmd, "--regions", "au", "--connect-timeout", "0s", env=KEYS,
                             contains=("--connect-timeout",))
            self.usage_error(*cmd, "--regions", "au", "--markets", "h2x", env=KEYS, contains=("h2x",))
            cfg = os.path.join(self.tmp, "r.toml")
            with open(cfg, "w") as f:
                f.write("[api]\nretries = 20\n")
            self.usage_error("--config", cfg, *cmd, "--regions", "au", env=KEYS, contains=(cfg + ":2",))
        # A region with no key fails the same way in both: named, exit 1, nothing else done.
        for cmd in (["scan"], ["sync", "--discover"]):
            proc = self.run_cli(*cmd, "--regions", "au", env={"ODDS_API_KEY_AU": None})
            self.assertEqual(proc.returncode, 1, self.describe(proc))
            self.assertIn("ODDS_API_KEY_AU", proc.stderr)
        # No key at all is a usage error in both.
        for cmd in (["scan"], ["sync", "--discover"]):
            proc = self.run_cli(*cmd, env={"ODDS_API_KEY_AU": None})
            self.assertEqual(proc.returncode, 2, self.describe(proc))

    # 9 -------------------------------------------------------------------------------
    def test_9_betfair_sportsbook_pays_no_commission(self):
        ev = make_event("sb-1", "Arsenal", "Chelsea", sport_key="soccer_epl", bookmakers=[
            make_bookmaker("betfair_sb_uk", "Arsenal", "Chelsea", h2h=(2.05, 5.0, 4.0)),
            make_bookmaker("williamhill", "Arsenal", "Chelsea", h2h=(1.8, 5.2, 4.2)),
        ])
        self.fake.set_events("uk", "soccer_epl", [ev])
        doc = self.run_json("scan", "--regions", "uk", "--sports", "soccer_epl", env=KEYS)
        [opp] = doc["opportunities"]
        leg = [l for l in opp["legs"] if l["outcome"] == "Arsenal"][0]
        self.assertEqual(leg["bookmakers"], ["betfair_sb_uk"])
        self.assertEqual(leg["effective_price"], 2.05)
        self.assertAlmostEqual(opp["implied_sum"], 1 / 2.05 + 1 / 5.2 + 1 / 4.2, places=6)

    # the property ---------------------------------------------------------------------
    def test_any_sequence_serves_exactly_the_newest_live_good_result(self):
        rng = random.Random(11)
        replay = self.replay_file()
        newest_live = None
        steps = ["live", "demo", "replay", "typo", "filtered", "from_store", "failed"]
        for i in range(14):  # bounded: 14 runs of the binary
            step = steps[i] if i < len(steps) else rng.choice(steps)
            if step == "live":
                self.fake.set_events("au", "basketball_nbl", [nbl_arb("live-%d" % i, 2.1 + i / 100)])
                newest_live = self.live_scan()["scan_id"]
            elif step == "demo":
                self.run_json("scan", "--demo", "--regions", "au")
            elif step == "replay":
                self.run_json("scan", "--from-file", replay, "--regions", "au")
            elif step == "typo":
                self.run_cli("scan", "--regions", "au", "--markets", "h2x", env=KEYS, check=2)
            elif step == "filtered":
                self.run_cli("scan", "--regions", "au", "--bookmakers", "nosuch", env=KEYS, check=0)
            elif step == "from_store":
                self.run_cli("scan", "--from-store", "--regions", "au", check=0)
            elif step == "failed":
                self.run_cli("scan", "--regions", "au", env={"ODDS_API_KEY_AU": "not-a-key-of-the-fake"})
            if newest_live is None:
                self.served(code=4)
            else:
                served = self.served()
                self.assertEqual((served["scan_id"], served["source"]), (newest_live, "live"),
                                 "after step %d (%s)" % (i, step))


if __name__ == "__main__":
    main()
