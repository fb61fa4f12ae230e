"""The command line itself: `help [COMMAND...]` prints what --help prints, and an unknown
command is a usage error that names the nearest one; --help's sections, --version, and the
details issue 13 fixed (flags named right, URLs checked, cleanup keeping the ledger's newest
rows, sync errors once each, budget plan totals, cache get --stake)."""

import json
import os
import re
import shutil
import subprocess
import time

from harness import BIN, SOURCE_DIR, E2ETest, main, make_bookmaker, make_event, in_hours, nbl_arb

KEY_AU = "test-key-au-cli-0123456789abcdef"
KEY_UK = "test-key-uk-cli-0123456789abcdef"


def sync_event(eid):
    return make_event(eid, "Home " + eid, "Away " + eid, sport_key="soccer_epl", commence=in_hours(3),
                      bookmakers=[make_bookmaker("neds", "Home " + eid, "Away " + eid, h2h=(1.9, 2.0, 3.4)),
                                  make_bookmaker("tab", "Home " + eid, "Away " + eid, h2h=(1.8, 2.1, 3.3))])


class CliTest(E2ETest):
    def test_help_is_the_same_as_dash_dash_help(self):
        for words in ([], ["scan"], ["cache", "get"]):
            want = self.run_cli(*words, "--help", check=0).stdout
            self.assertEqual(self.run_cli("help", *words, check=0).stdout, want)
            self.assertIn("Usage: oddsctl", want)

    def test_an_unknown_command_suggests_the_nearest(self):
        proc = self.run_cli("scna", check=2)
        self.assertEqual(proc.stderr.strip().splitlines(), [
            "oddsctl: unknown command 'scna'; did you mean 'scan'? (see oddsctl --help)"])
        self.assertEqual(proc.stdout, "")
        proc = self.run_cli("--store", self.db_path, "--json", "cahce", check=2)
        err = json.loads(proc.stderr)["error"]
        self.assertEqual(err["exit_code"], 2)
        self.assertIn("did you mean 'cache'", err["message"])
        proc = self.run_cli("xyzzy", check=2)
        self.assertNotIn("did you mean", proc.stderr)

    def test_an_unknown_region_is_exit_2_in_every_command_naming_its_flag(self):
        self.run_cli("scan", "--demo", "--regions", "au", "--store", self.db_path, check=0)  # a store to read
        for args, flag in ((["budget", "--region", "xx"], "--region"),
                           (["budget", "check", "--min-remaining", "1", "--region", "xx"], "--region"),
                           (["sync", "list", "--region", "xx"], "--region"),
                           (["cache", "get", "--region", "xx"], "--region"),
                           (["alerts", "--regions", "xx"], "--regions"),
                           (["scan", "--regions", "xx"], "--regions")):
            proc = self.run_cli(*args)
            self.assertEqual(proc.returncode, 2, self.describe(proc))
            self.assertTrue(proc.stderr.startswith("oddsctl: %s: unknown region 'xx'" % flag), self.describe(proc))

    def test_a_format_a_command_lacks_is_a_usage_error_naming_those_it_has(self):
        self.run_cli("scan", "--demo", "--regions", "au", "--store", self.db_path, check=0)
        for args, name in ((["cache", "export"], "cache export"),
                           (["budget", "plan", "--sports", "3", "--interval", "1m"], "budget plan"),
                           (["budget", "check", "--min-remaining", "1"], "budget check"),
                           (["config", "path"], "config path")):
            proc = self.run_cli(*args, "--format", "csv")
            self.assertEqual(proc.returncode, 2, self.describe(proc))
            self.assertIn("%s: no csv output (formats: " % name, proc.stderr)
            self.assertEqual(proc.stdout, "")
        proc = self.run_cli("scan", "--demo", "--json", "--format", "csv", check=2)
        self.assertIn("--json and --format csv", proc.stderr)


    # ---- --help and --version ----------------------------------------------------------
    def test_help_lists_the_global_options_in_their_own_section(self):
        for words in (["scan"], ["cache", "get"], ["sync", "pin"]):
            out = self.run_cli(*words, "--help", check=0).stdout
            own, _, inherited = out.partition("GLOBAL OPTIONS:")
            self.assertTrue(inherited, out)
            for flag in ("--json", "--store", "-q,--quiet", "--color", "--format"):
                self.assertIn(flag, inherited, words)
                self.assertNotRegex(own, r"\n  %s\b" % re.escape(flag))
        root = self.run_cli("--help", check=0).stdout
        self.assertNotIn("GLOBAL OPTIONS", root)  # the root's options are its own
        self.assertIn("--store", root)
        scan = self.run_cli("scan", "--help", check=0).stdout
        self.assertRegex(scan, r"--max-quote-age DURATION +ignore quotes older than this \(default 1h\)")

    def test_version_names_the_stores_and_the_commit(self):
        out = self.run_cli("--version", check=0).stdout.splitlines()
        self.assertRegex(out[0], r"^oddsctl \d+\.\d+\.\d+")
        self.assertTrue(out[1].startswith("stores: sqlite"), out)
        m = re.match(r"^commit: ([0-9a-f]{7,40}(-dirty)?|unknown)$", out[2])
        self.assertTrue(m, out)
        git = shutil.which("git")
        if m.group(1) != "unknown" and git and os.path.isdir(os.path.join(SOURCE_DIR, ".git")):
            # A commit of this repository (perhaps older than HEAD: read when the build was configured).
            sha = m.group(1).replace("-dirty", "")
            self.assertEqual(subprocess.run([git, "-C", SOURCE_DIR, "cat-file", "-e", sha + "^{commit}"]).returncode, 0)

    def test_the_commit_of_a_tarball_without_git_is_unknown(self):
        cmake = shutil.which("cmake")
        if not cmake:
            self.skipTest("cmake is not installed")
        tree = os.path.join(self.tmp, "oddsctl-0.1.0")  # an unpacked tarball: sources, no .git
        os.makedirs(tree)
        proc = subprocess.run([cmake, "-DSOURCE_DIR=" + tree, "-P", os.path.join(SOURCE_DIR, "cmake", "git_commit.cmake")],
                              capture_output=True, text=True, cwd=self.tmp)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr.strip(), "unknown")

    # ---- flags named right, values checked at parse time ---------------------------------
    def test_alerts_rejects_a_webhook_that_is_not_a_url_before_any_work(self):
        for url in ("not a url", "ftp://example.com/hook", "http://", "https:///path"):
            proc = self.run_cli("alerts", "--webhook", url, check=2)
            self.assertTrue(proc.stderr.startswith("oddsctl: --webhook: "), self.describe(proc))
            self.assertEqual(proc.stdout, "")
        self.assertFalse(os.path.exists(self.db_path))  # nothing opened, nothing half-written
        proc = self.run_cli("alerts", env={"ODDSCTL_ALERTS_WEBHOOK": "localhost:8080"}, check=2)
        self.assertIn("alerts.webhook (env): 'localhost:8080' is not an http:// or https:// URL", proc.stderr)
        self.run_cli("alerts", "--webhook", "http://127.0.0.1:9/hook", "--dry-run", check=0)

    # ---- cleanup keeps what budget needs ------------------------------------------------
    def test_cleanup_older_than_1s_keeps_each_keys_newest_ledger_row(self):
        self.fake.add_key(KEY_AU, remaining=1000)
        self.fake.set_events("au", "basketball_nbl", [nbl_arb("a1")])
        env = {"ODDS_API_KEY_AU": KEY_AU}
        self.run_json("scan", "--regions", "au", "--sports", "basketball_nbl", "--markets", "h2h", env=env)
        self.run_json("scan", "--regions", "au", "--sports", "basketball_nbl", "--markets", "h2h", env=env)
        before = self.run_json("budget", env=env)["keys"]
        rows = self.sql("SELECT id FROM ledger ORDER BY at, id")
        self.assertGreater(len(rows), 1)
        time.sleep(1.2)  # every row is now older than 1s
        doc = self.run_json("cleanup", "--older-than", "1s")
        self.assertEqual(doc["removed"]["ledger"], {"au": len(rows) - 1})
        left = self.sql("SELECT id, remaining FROM ledger")
        self.assertEqual([r["id"] for r in left], [rows[-1]["id"]])
        after = self.run_json("budget", env=env)["keys"]
        self.assertEqual([k["remaining"] for k in after], [k["remaining"] for k in before])
        self.assertEqual(after[0]["remaining"], self.fake.key_state(KEY_AU)["remaining"])
        again = self.run_json("cleanup", "--older-than", "1s")
        self.assertEqual(again["removed"]["ledger"], {})

    # ---- sync --event: keyless regions skipped, each error once ----------------------------
    def test_sync_event_skips_regions_without_a_key_and_names_each_error_once(self):
        self.fake.add_key(KEY_AU, remaining=1000)
        self.fake.add_key(KEY_UK, remaining=1000)
        both = {"ODDS_API_KEY_AU": KEY_AU, "ODDS_API_KEY_UK": KEY_UK}
        for region in ("au", "uk"):
            self.fake.set_events(region, "soccer_epl", [sync_event("e%d" % i) for i in range(4)])
        self.run_json("sync", "--discover", "--regions", "au,uk", "--sports", "soccer_epl", env=both)
        # Only au has a key now: uk is not tried, so nothing fails.
        doc = self.run_json("sync", "--event", "e1", "--markets", "h2h", env={"ODDS_API_KEY_AU": KEY_AU})
        self.assertEqual((doc["selected"], doc["synced"], doc["failed"]), (1, 1, 0))
        self.assertEqual({c["query"]["regions"] for c in self.fake.calls if c["path"].endswith("/odds")}, {"au"})
        # No key for any region it is tracked in: a usage error naming the variables.
        proc = self.run_cli("sync", "--event", "e2", "--force", env={"ODDS_API_KEY_AU": None}, check=2)
        self.assertIn("only in regions without an API key (au, uk): set ODDS_API_KEY_AU, ODDS_API_KEY_UK", proc.stderr)
        # One failure shared by every event: one line with the count, not one per event.
        self.fake.add_fault("status", status=500, message="upstream down")
        proc = self.run_cli("sync", "--tier", "warm", "--regions", "au", "--markets", "h2h", "--retries", "0",
                            "--batch-size", "1", env=both)
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        lines = [l for l in proc.stderr.splitlines() if l.startswith("oddsctl: sync: ")]
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertRegex(lines[0], r"^oddsctl: sync: 3 events \(au/e[023], au/e[023], au/e[023]\): .*upstream down")

    # ---- budget plan: the plan pays for sync too --------------------------------------------
    def test_budget_plan_shows_a_grand_total_and_fits_the_plan_to_it(self):
        args = ["budget", "plan", "--regions", "au,uk,us,eu", "--markets", "3", "--sports", "1", "--plan", "5M"]
        doc = self.run_json(*args)
        target, total = doc["target"], doc["total"]
        self.assertEqual(target["sync_credits_per_month"], doc["sync_total"]["credits_per_month"])
        self.assertEqual(target["total_credits_per_month"], target["credits_per_month"] + target["sync_credits_per_month"])
        self.assertLessEqual(target["total_credits_per_month"], 5000000)
        self.assertEqual(total["credits_per_month"], target["total_credits_per_month"])
        # One second shorter would not fit.
        per_run, month_s = 12, 30 * 86400
        shorter = -(-per_run * month_s // (target["shortest_interval_s"] - 1))
        self.assertGreater(shorter + target["sync_credits_per_month"], 5000000)
        table = self.run_cli(*args, check=0).stdout
        self.assertRegex(table, r"\ntotal +%d +%d " % (total["credits_per_day"], total["credits_per_month"]))
        self.assertIn("scan every %s or less often (scan %d + sync %d = %d credits/month)" % (
            target["shortest_interval"], target["credits_per_month"], target["sync_credits_per_month"],
            target["total_credits_per_month"]), table)
        self.assertIn("1 sport x 4 regions x 3 markets = 12 credits a run", table)
        # A plan that sync alone exceeds: said so, no interval advised.
        small = self.run_cli("budget", "plan", "--regions", "au", "--markets", "1", "--sports", "1", "--plan", "20K",
                             check=0).stdout
        self.assertIn("too small: sync alone costs 110880 credits/month", small)
        self.assertIsNone(self.run_json("budget", "plan", "--regions", "au", "--markets", "1", "--sports", "1",
                                        "--plan", "20K")["target"]["shortest_interval_s"])

    # ---- cache get --stake -------------------------------------------------------------------
    def test_cache_get_stake_splits_the_stake_as_scan_does(self):
        self.fake.add_key(KEY_AU, remaining=1000)
        self.fake.set_events("au", "basketball_nbl", [nbl_arb("a1")])
        env = {"ODDS_API_KEY_AU": KEY_AU}
        scanned = self.run_json("scan", "--regions", "au", "--sports", "basketball_nbl", "--markets", "h2h",
                                "--stake", "100", env=env)
        self.run_json("scan", "--regions", "au", "--sports", "basketball_nbl", "--markets", "h2h", env=env)  # unstaked
        got = self.run_json("cache", "get", "--region", "au", "--stake", "100")
        want = [[l["stake"] for l in o["legs"]] for o in scanned["opportunities"]]
        self.assertEqual([[l["stake"] for l in o["legs"]] for o in got["opportunities"]], want)
        self.assertAlmostEqual(sum(want[0]), 100, places=1)
        table = self.run_cli("cache", "get", "--region", "au", "--stake", "100", check=0).stdout
        self.assertIn("stake %.2f" % want[0][0], table)
        self.run_cli("cache", "get", "--region", "au", "--stake", "-5", check=2)


if __name__ == "__main__":
    main()
