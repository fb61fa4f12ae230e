"""oddsctl budget end to end: the ledger against what the fake API charged, the guards
(--reserve, --max-credits) on a real scan, budget status/check/plan output."""

import json
import os

from harness import E2ETest, main, make_bookmaker, make_event

KEY_AU = "test-key-au-budget-0123456789"
KEY_UK = "test-key-uk-budget-9876543210"
KEY_ENV = {"ODDS_API_KEY_AU": KEY_AU, "ODDS_API_KEY_UK": KEY_UK}
SPORTS = ["sport_%d" % i for i in range(1, 6)]


def event(eid, sport):
    return make_event(eid, "Home %s" % eid, "Away %s" % eid, sport_key=sport, bookmakers=[
        make_bookmaker("neds", "Home %s" % eid, "Away %s" % eid, h2h=(1.9, 1.9),
                       spreads=(-0.5, 1.9, 1.9), totals=(2.5, 1.9, 1.9)),
    ])


class BudgetTest(E2ETest):
    def setUp(self):
        super().setUp()
        for i, sport in enumerate(SPORTS):
            self.fake.set_events("au", sport, [event("au%d" % i, sport)])
            self.fake.set_events("uk", sport, [event("uk%d" % i, sport)])

    def scan(self, *args, code=0, env=None):
        full_env = dict(KEY_ENV)
        full_env.update(env or {})
        return self.run_json("scan", *args, env=full_env, code=code)

    def status(self, *args):
        doc = self.run_json("budget", *args, env=KEY_ENV)
        return {k["region"]: k for k in doc["keys"]}, doc

    def odds_calls(self):
        return [c for c in self.fake.calls if c["path"].endswith("/odds")]

    # ---- the ledger equals what the API charged --------------------------------------
    def test_ledger_totals_equal_the_fakes_charges_across_retries_and_failures(self):
        self.fake.add_key(KEY_AU, remaining=1000)
        self.fake.add_key(KEY_UK, remaining=1000)
        # Not charged: two 429s, a 500, a 503 -- all retried; a 500 that is charged (the
        # API billed it, then failed) is counted too.
        self.fake.add_fault("status", times=2, status=429, region="au", sport="sport_1")
        self.fake.add_fault("status", times=1, status=500, region="au", sport="sport_2")
        self.fake.add_fault("status", times=1, status=503, region="uk", sport="sport_3")
        self.fake.add_fault("status", times=1, status=500, region="uk", sport="sport_4", charge=True)
        self.scan("--regions", "au,uk", "--sports", ",".join(SPORTS), "--markets", "h2h,spreads,totals")
        keys, doc = self.status()
        self.assertEqual(set(keys), {"au", "uk"})
        for region, key in (("au", KEY_AU), ("uk", KEY_UK)):
            charged = self.fake.charged(key)
            k = keys[region]
            self.assertEqual(k["spent_1h"], charged, region)
            self.assertEqual(k["spent_24h"], charged, region)
            self.assertEqual(k["spent_30d"], charged, region)
            state = self.fake.key_state(key)
            self.assertEqual(k["remaining"], state["remaining"], region)
            self.assertEqual(k["used"], state["used"], region)
            self.assertEqual(k["unknown_calls"], 0, region)
        # au: 5 calls x 3 markets; the 429s and the 500 were not charged.
        self.assertEqual(self.fake.charged(KEY_AU), 15)
        # uk: 5 x 3, plus the charged 500 on sport_4 (then retried and charged again).
        self.assertEqual(self.fake.charged(KEY_UK), 18)
        self.assertEqual(doc["totals"]["spent_1h"], 33)
        self.assertEqual(sum(keys["uk"]["by_sport_30d"].values()), 18)
        self.assertEqual(keys["uk"]["by_sport_30d"]["sport_4"], 6)
        self.assertEqual(keys["au"]["by_command_30d"], {"scan": 15})

    def test_charged_broken_bodies_are_in_the_ledger(self):
        # The API bills a call whose body then breaks; the retry is billed again.
        self.fake.add_key(KEY_AU, remaining=1000)
        self.fake.add_fault("truncate", times=1, region="au", sport="sport_1")
        self.fake.add_fault("bad_json", times=1, region="au", sport="sport_2")
        self.scan("--regions", "au", "--sports", "sport_1,sport_2", "--markets", "h2h")
        keys, _ = self.status()
        self.assertEqual(self.fake.charged(KEY_AU), 4)
        self.assertEqual(keys["au"]["spent_1h"], 4)
        self.assertEqual(keys["au"]["remaining"], 996)

    def test_a_failed_call_that_was_not_charged_costs_nothing(self):
        self.fake.add_key(KEY_AU, remaining=1000)
        # Every call for sport_2 fails, uncharged: the region is partial (exit 3).
        self.fake.add_fault("status", status=500, region="au", sport="sport_2")
        self.scan("--regions", "au", "--sports", "sport_1,sport_2", "--markets", "h2h,totals", code=3)
        keys, _ = self.status()
        self.assertEqual(self.fake.charged(KEY_AU), 2)
        self.assertEqual(keys["au"]["spent_1h"], 2)
        self.assertEqual(keys["au"]["by_sport_30d"], {"sport_1": 2})

    # ---- guards -----------------------------------------------------------------------
    def test_a_key_near_its_reserve_stops_exactly_at_the_reserve(self):
        self.fake.add_key(KEY_AU, remaining=30)
        # A 1-credit scan so the ledger knows the key's remaining credits: 29.
        self.scan("--regions", "au", "--sports", "sport_1", "--markets", "h2h")
        self.assertEqual(self.fake.key_state(KEY_AU)["remaining"], 29)
        # 5 sports x 3 credits with a reserve of 20: 29 -> 26 -> 23 -> 20, the 4th call
        # (20 -> 17) would pass the reserve, so it is never made.
        doc = self.scan("--regions", "au", "--sports", ",".join(SPORTS), "--markets", "h2h,spreads,totals",
                        "--reserve", "20", code=5)
        state = self.fake.key_state(KEY_AU)
        self.assertEqual(state["remaining"], 20)
        self.assertEqual(len([c for c in self.odds_calls() if c["status"] == 200]), 1 + 3)
        # What was fetched is reported and stored: three sports' events.
        [region] = doc["regions"]
        self.assertEqual(region["events"], 3)
        [row] = self.sql("SELECT events, credits_used FROM scans WHERE scan_id = ? AND region = 'au'",
                         doc["scan_id"])
        self.assertEqual(row["events"], 3)
        keys, _ = self.status()
        self.assertEqual(keys["au"]["remaining"], 20)
        self.assertEqual(keys["au"]["spent_1h"], 10)
        # At the reserve, the next run makes no /odds call at all.
        before = len(self.odds_calls())
        self.scan("--regions", "au", "--sports", "sport_1", "--markets", "h2h", "--reserve", "20", code=5)
        self.assertEqual(len(self.odds_calls()), before)
        self.assertEqual(self.fake.key_state(KEY_AU)["remaining"], 20)

    def test_reserve_from_env_and_config(self):
        self.fake.add_key(KEY_AU, remaining=10)
        self.scan("--regions", "au", "--sports", "sport_1", "--markets", "h2h")  # 9 left
        self.scan("--regions", "au", "--sports", "sport_2", "--markets", "h2h,totals",
                  env={"ODDSCTL_RESERVE": "8"}, code=5)  # 9 - 2 = 7 < 8
        config = os.path.join(self.tmp, "config.toml")
        with open(config, "w") as f:
            f.write("[budget]\nreserve = 8\n")
        self.scan("--regions", "au", "--sports", "sport_2", "--markets", "h2h,totals",
                  env={"ODDSCTL_CONFIG": config}, code=5)
        self.assertEqual(self.fake.key_state(KEY_AU)["remaining"], 9)
        # The flag beats the config: reserve 7 lets the 2-credit call through.
        self.scan("--regions", "au", "--sports", "sport_2", "--markets", "h2h,totals", "--reserve", "7",
                  env={"ODDSCTL_CONFIG": config})
        self.assertEqual(self.fake.key_state(KEY_AU)["remaining"], 7)

    def test_max_credits_caps_one_run(self):
        self.fake.add_key(KEY_AU, remaining=1000)
        # 3 credits a call, cap 7: two calls (6), the third (9) would pass the cap.
        self.scan("--regions", "au", "--sports", ",".join(SPORTS), "--markets", "h2h,spreads,totals",
                  "--max-credits", "7", code=5)
        self.assertEqual(self.fake.charged(KEY_AU), 6)
        # The cap is per run: the next run may spend again.
        self.scan("--regions", "au", "--sports", "sport_1", "--markets", "h2h,spreads,totals",
                  "--max-credits", "3")
        self.assertEqual(self.fake.charged(KEY_AU), 9)

    # ---- budget status and check ------------------------------------------------------
    def test_status_json_matches_the_contract_and_never_shows_a_key(self):
        self.fake.add_key(KEY_AU, remaining=100000)
        self.scan("--regions", "au", "--sports", "sport_1", "--markets", "h2h,spreads,totals")
        proc = self.run_cli("budget", "--json", env=KEY_ENV, check=0)
        doc = json.loads(proc.stdout)
        fields = ["key", "region", "remaining", "used", "reported_at", "spent_1h", "spent_24h",
                  "spent_30d", "burn_per_day", "runs_out_at"]
        au = [k for k in doc["keys"] if k["region"] == "au"][0]
        for f in fields:
            self.assertIn(f, au)
        self.assertEqual(au["key"], "…" + KEY_AU[-4:])
        self.assertEqual(au["remaining"], 99997)
        self.assertEqual(au["used"], 3)
        # One scan minutes ago: rated over one hour -> 3 x 24 = 72 a day.
        self.assertAlmostEqual(au["burn_per_day"], 72.0)
        self.assertIsNotNone(au["runs_out_at"])
        # The uk key is configured but never used: listed, nothing known.
        uk = [k for k in doc["keys"] if k["region"] == "uk"][0]
        self.assertIsNone(uk["remaining"])
        self.assertIsNone(uk["runs_out_at"])
        table = self.run_cli("budget", env=KEY_ENV, check=0)
        self.assertIn("…" + KEY_AU[-4:], table.stdout)
        self.assertIn("COMMAND", table.stdout)
        csv_out = self.run_cli("budget", "--format", "csv", env=KEY_ENV, check=0)
        self.assertTrue(csv_out.stdout.startswith("key,region,remaining"))
        for text in (proc.stdout, proc.stderr, table.stdout, table.stderr, csv_out.stdout):
            self.assertNoKeyLeak(KEY_AU, text)
            self.assertNoKeyLeak(KEY_UK, text)

    def test_empty_ledger_is_not_an_error(self):
        # No store at all: a reader never makes one (exit 1, see test_readonly.py).
        self.assertIn("no store at", self.run_cli("budget", check=1).stderr)
        self.run_cli("cleanup", "--dry-run", check=0)  # an empty store
        doc = self.run_json("budget")
        self.assertEqual(doc["keys"], [])
        self.run_cli("budget", check=0)

    def test_check_exits_0_5_or_1(self):
        self.fake.add_key(KEY_AU, remaining=50)
        # Nothing known yet: exit 1 with a one-line reason.
        self.run_cli("cleanup", "--dry-run", check=0)  # an empty store (readers never make one)
        proc = self.run_cli("budget", "check", "--min-remaining", "10", env=KEY_ENV)
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        self.assertIn("not known", proc.stderr)
        self.scan("--regions", "au", "--sports", "sport_1", "--markets", "h2h,totals")  # 48 left
        self.run_cli("budget", "check", "--min-remaining", "48", "--region", "au", env=KEY_ENV, check=0)
        low = self.run_cli("budget", "check", "--min-remaining", "49", "--region", "au", env=KEY_ENV, check=5)
        self.assertEqual(len(low.stderr.strip().splitlines()), 1)
        self.assertIn("48 credits remaining < 49", low.stderr)
        # The uk key has never answered: unknown, exit 1 -- unless a key is low, which wins.
        self.run_cli("budget", "check", "--min-remaining", "10", env=KEY_ENV, check=1)
        self.run_cli("budget", "check", "--min-remaining", "49", env=KEY_ENV, check=5)
        doc = self.run_json("budget", "check", "--min-remaining", "49", "--region", "au", env=KEY_ENV, code=5)
        self.assertFalse(doc["ok"])
        self.assertEqual(doc["outcome"], "low")
        err = json.loads(self.last.stderr.strip().splitlines()[-1])
        self.assertEqual(err["error"]["exit_code"], 5)
        self.run_cli("budget", "check", env=KEY_ENV, check=2)  # --min-remaining is required

    # ---- budget plan ------------------------------------------------------------------
    def test_plan_the_15_second_4_region_3_market_schedule(self):
        # 1 sport x 4 regions x 3 markets = 12 credits a run; 86400 / 15 = 5760 runs a day:
        # 69 120 a day, x 30 = 2 073 600 a month -> the 5M plan ($119).
        doc = self.run_json("budget", "plan", "--interval", "15s", "--regions", "au,uk,us,eu",
                            "--markets", "h2h,spreads,totals", "--sports", "1", "--no-sync")
        [scan] = doc["forecasts"]
        self.assertEqual(scan["credits_per_run"], 12)
        self.assertEqual(scan["runs_per_day"], 5760)
        self.assertEqual(scan["credits_per_day"], 69120)
        self.assertEqual(scan["credits_per_month"], 2073600)
        self.assertEqual(scan["plan"]["name"], "5M")
        self.assertEqual(scan["plan"]["price_usd"], 119)
        self.assertEqual(doc["month_days"], 30)
        # The shortest interval within 5M, sync's 1 330 560 a month included (issue 13):
        # 12 x 2 592 000 s / (5 000 000 - 1 330 560) = 8.48 -> 9 s.
        doc = self.run_json("budget", "plan", "--regions", "au,uk,us,eu", "--markets", "h2h,spreads,totals",
                            "--sports", "1", "--plan", "5M")
        self.assertEqual(doc["target"]["shortest_interval_s"], 9)
        doc = self.run_json("budget", "plan", "--regions", "au,uk,us,eu", "--markets", "h2h,spreads,totals",
                            "--sports", "1", "--plan", "5M", "--no-sync")
        self.assertEqual(doc["target"]["shortest_interval_s"], 7)  # 6.22 -> 7 s without sync
        table = self.run_cli("budget", "plan", "--interval", "15s", "--regions", "4", "--markets", "3",
                             "--sports", "soccer_epl", check=0)
        self.assertIn("2073600", table.stdout)
        self.assertIn("sync:hot", table.stdout)

    def test_plan_from_the_ledger_and_plans_from_the_config(self):
        self.fake.add_key(KEY_AU, remaining=1000)
        self.fake.add_key(KEY_UK, remaining=1000)
        self.scan("--regions", "au,uk", "--sports", "sport_1,sport_2", "--markets", "h2h,totals")
        # 2 sports x 2 regions x 2 markets = 8 credits a run.
        doc = self.run_json("budget", "plan", "--from-ledger", "--interval", "1h", "--no-sync")
        self.assertEqual(doc["schedule"]["credits_per_run"], 8)
        self.assertEqual(doc["forecasts"][0]["credits_per_month"], 8 * 24 * 30)
        config = os.path.join(self.tmp, "config.toml")
        with open(config, "w") as f:
            f.write('[plans.tiny]\ncredits = 6000\nprice_usd = 1.5\n')
        doc = self.run_json("budget", "plan", "--from-ledger", "--interval", "1h", "--no-sync",
                            env={"ODDSCTL_CONFIG": config})
        self.assertEqual(doc["forecasts"][0]["plan"]["name"], "tiny")
        self.run_cli("budget", "plan", "--interval", "15s", check=2)        # no --sports
        self.run_cli("budget", "plan", "--interval", "0s", "--sports", "1", check=2)
        self.run_cli("budget", "plan", "--sports", "1", "--plan", "9Z", check=2)


if __name__ == "__main__":
    main()
