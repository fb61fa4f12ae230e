"""Credits (issue 17): no call that buys nothing new. The sports list kept in the store for
api.sports_ttl, the `bookmakers` parameter billed per started group of 10 books (the planner
and the ledger agree), bytes on the wire in the debug log, the API's refresh intervals in
`budget plan` and the `scan --every` warning."""

import json
import os

from harness import E2ETest, main, make_bookmaker, make_event

KEY_AU = "test-key-au-credits-0123456789"
KEY_UK = "test-key-uk-credits-9876543210"
ENV = {"ODDS_API_KEY_AU": KEY_AU, "ODDS_API_KEY_UK": KEY_UK}
SPORT = "basketball_nbl"
AU_BOOKS = ["betr_au", "betright", "bet365_au", "boombet", "dabble_au", "ladbrokes_au", "neds", "playup",
            "pointsbetau", "sportsbet", "surgeau", "tab"]  # 12 known au books


def event(eid, books):
    return make_event(eid, "Home %s" % eid, "Away %s" % eid, sport_key=SPORT,
                      bookmakers=[make_bookmaker(b, "Home %s" % eid, "Away %s" % eid, h2h=(1.9, 1.95)) for b in books])


class CreditsTest(E2ETest):
    def setUp(self):
        super().setUp()
        self.fake.add_key(KEY_AU, remaining=10000)
        self.fake.add_key(KEY_UK, remaining=10000)
        self.fake.set_events("au", SPORT, [event("a1", AU_BOOKS + ["unibet"])])
        self.fake.set_events("uk", SPORT, [event("u1", ["paddypower", "skybet"])])

    def calls(self, endpoint):
        return [c for c in self.fake.calls if c["path"].endswith(endpoint)]

    # ---- the sports list is kept in the store ------------------------------------------
    def test_a_second_worker_cycle_makes_only_odds_calls(self):
        proc = self.run_cli("scan", "--regions", "au", "--markets", "h2h", "--every", "1s", "--max-cycles", "2",
                            "--json", env=ENV, check=0)
        self.assertEqual(proc.returncode, 0, self.describe(proc))
        self.assertEqual(len(self.calls("/v4/sports")), 1, self.fake.calls)   # the first cycle only
        self.assertEqual(len(self.calls("/odds")), 2, self.fake.calls)        # one a cycle
        # The next run (a cron job) finds the list too.
        self.run_json("scan", "--regions", "au", "--markets", "h2h", env=ENV)
        self.assertEqual(len(self.calls("/v4/sports")), 1)

    def test_sports_ttl_0s_asks_every_run(self):
        env = dict(ENV, ODDSCTL_SPORTS_TTL="0s")
        self.run_json("scan", "--regions", "au", "--markets", "h2h", env=env)
        self.run_json("scan", "--regions", "au", "--markets", "h2h", env=env)
        self.assertEqual(len(self.calls("/v4/sports")), 2)

    def test_an_expired_list_is_asked_again(self):
        self.run_json("scan", "--regions", "au", "--markets", "h2h", env=ENV)
        self.sql_write("UPDATE meta SET value = json_set(value, '$.at', 0) WHERE key = 'api.sports_list'")
        self.run_json("scan", "--regions", "au", "--markets", "h2h", env=ENV)
        self.assertEqual(len(self.calls("/v4/sports")), 2)

    # ---- bookmakers= billed per started group of 10, as the planner says ---------------
    def plan_per_run(self, books, regions="au"):
        doc = self.run_json("budget", "plan", "--interval", "1h", "--sports", "1", "--regions", regions,
                            "--markets", "h2h", "--no-sync", "--bookmakers", ",".join(books), env=ENV)
        return doc, doc["forecasts"][0]["credits_per_run"]

    def scan_charged(self, books, regions="au"):
        before = self.fake.charged(KEY_AU) + self.fake.charged(KEY_UK)
        self.run_json("scan", "--regions", regions, "--sports", SPORT, "--markets", "h2h",
                      "--bookmakers", ",".join(books), env=ENV)
        ledger = self.run_json("budget", env=ENV)
        spent = sum(k["spent_1h"] for k in ledger["keys"])
        return self.fake.charged(KEY_AU) + self.fake.charged(KEY_UK) - before, spent

    def test_three_books_go_as_bookmakers_and_cost_one_region(self):
        doc, per_run = self.plan_per_run(["neds", "tab", "sportsbet"])
        self.assertEqual(per_run, 1)
        self.assertEqual(doc["bookmakers"]["regions"][0]["request"], "bookmakers")
        charged, spent = self.scan_charged(["neds", "tab", "sportsbet"])
        self.assertEqual((charged, spent), (per_run, per_run))
        odds = self.calls("/odds")[-1]
        self.assertEqual(odds["query"]["bookmakers"], "neds,tab,sportsbet")

    def test_twelve_books_of_one_region_go_as_the_region(self):
        doc, per_run = self.plan_per_run(AU_BOOKS)
        b = doc["bookmakers"]
        self.assertEqual((b["credits_per_run_by_regions"], b["credits_per_run_by_bookmakers"]), (1, 2))
        self.assertEqual(per_run, 1)
        charged, spent = self.scan_charged(AU_BOOKS)
        self.assertEqual((charged, spent), (1, 1))
        odds = self.calls("/odds")[-1]
        self.assertNotIn("bookmakers", odds["query"])  # regions=au alone: 1 region, not 2 groups
        self.assertEqual(odds["query"]["regions"], "au")

    def test_eleven_books_with_one_unknown_must_name_them_and_cost_two(self):
        books = AU_BOOKS[:10] + ["brand_new_book"]
        doc, per_run = self.plan_per_run(books)
        self.assertEqual(per_run, 2)  # regions=au would not return the new book
        charged, spent = self.scan_charged(books)
        self.assertEqual((charged, spent), (2, 2))
        self.assertEqual(self.calls("/odds")[-1]["query"]["bookmakers"].split(","), books)

    def test_each_region_asks_only_its_own_books(self):
        books = ["neds", "paddypower"]
        doc, per_run = self.plan_per_run(books, "au,uk")
        self.assertEqual(per_run, 2)
        charged, spent = self.scan_charged(books, "au,uk")
        self.assertEqual((charged, spent), (2, 2))
        by_region = {c["query"]["regions"]: c["query"]["bookmakers"] for c in self.calls("/odds")}
        self.assertEqual(by_region, {"au": "neds", "uk": "paddypower"})

    def test_a_region_with_none_of_the_books_makes_no_call(self):
        doc, per_run = self.plan_per_run(["neds"], "au,uk")
        self.assertEqual(per_run, 1)
        self.assertEqual([r["request"] for r in doc["bookmakers"]["regions"]], ["bookmakers", "none"])
        out = self.run_json("scan", "--regions", "au,uk", "--sports", SPORT, "--markets", "h2h",
                            "--bookmakers", "neds", env=ENV)
        uk = [r for r in out["regions"] if r["region"] == "uk"][0]
        self.assertEqual(uk["status"], "ok")
        self.assertEqual(uk.get("empty"), "filtered")
        self.assertEqual([c["query"]["regions"] for c in self.calls("/odds")], ["au"])
        self.assertEqual(self.fake.charged(KEY_UK), 0)

    def test_the_fake_bills_bookmakers_per_started_group_of_10(self):
        import urllib.request
        def last(query):
            url = "%s/v4/sports/%s/odds?apiKey=%s&markets=h2h,spreads&%s" % (self.fake.url, SPORT, KEY_AU, query)
            with urllib.request.urlopen(url) as r:
                body = json.loads(r.read())
                return int(r.headers["x-requests-last"]), body
        cost, body = last("regions=au")
        self.assertEqual(cost, 2)                                  # 2 markets x 1 region
        cost, body = last("bookmakers=" + ",".join(AU_BOOKS[:10]))
        self.assertEqual(cost, 2)                                  # 10 books: one region
        cost, body = last("regions=au&bookmakers=" + ",".join(AU_BOOKS[:11]))
        self.assertEqual(cost, 4)                                  # 11 books: two, whatever regions says
        cost, body = last("regions=au&bookmakers=paddypower")      # bookmakers before regions
        self.assertEqual({b["key"] for e in body for b in e["bookmakers"]}, {"paddypower"})

    # ---- bytes on the wire -----------------------------------------------------------
    def test_the_debug_log_reports_bytes_on_the_wire(self):
        proc = self.run_cli("scan", "--regions", "au", "--sports", SPORT, "--markets", "h2h", "-vv", "--json",
                            env=ENV, check=0)
        self.assertEqual(proc.returncode, 0, self.describe(proc))
        line = [l for l in proc.stderr.splitlines() if "api: GET /v4/sports/%s/odds" % SPORT in l][0]
        fields = dict(f.split("=", 1) for f in line.split() if "=" in f and not f.startswith("/"))
        self.assertEqual(fields["encoding"], "gzip")
        self.assertGreater(int(fields["wire_bytes"]), 0)
        self.assertLess(int(fields["wire_bytes"]), int(fields["bytes"]))  # gzip on the wire

    # ---- refresh intervals -----------------------------------------------------------
    def test_plan_counts_credits_bought_before_the_api_refreshes(self):
        doc = self.run_json("budget", "plan", "--interval", "15s", "--sports", "1", "--regions", "au",
                            "--markets", "h2h", "--no-sync")
        scan = doc["forecasts"][0]
        self.assertEqual(scan["credits_per_month"], 172800)             # 30 d / 15 s
        self.assertEqual(scan["unrefreshed_credits_per_month"], 129600)  # 3 of 4 calls: featured every 60s
        self.assertEqual(doc["refresh"]["interval_s"], 60)
        self.assertIn("update-intervals", doc["refresh"]["reference"])
        slow = self.run_json("budget", "plan", "--interval", "2m", "--sports", "1", "--regions", "au",
                             "--markets", "h2h", "--no-sync")
        self.assertEqual(slow["forecasts"][0]["unrefreshed_credits_per_month"], 0)
        table = self.run_cli("budget", "plan", "--interval", "15s", "--sports", "1", "--regions", "au",
                             "--markets", "h2h", "--no-sync", "--format", "table").stdout
        self.assertIn("129600 of its 172800 credits a month buy data the API has not refreshed yet", table)

    def test_a_users_refresh_file_wins_and_a_bad_one_is_a_usage_error(self):
        path = os.path.join(self.tmp, "refresh.toml")
        with open(path, "w") as f:
            f.write('[featured]\npre_match = "30s"\nin_play = "10s"\n')
        doc = self.run_json("budget", "plan", "--interval", "15s", "--sports", "1", "--regions", "au",
                            "--markets", "h2h", "--no-sync", "--refresh-file", path)
        self.assertEqual(doc["forecasts"][0]["unrefreshed_credits_per_month"], 86400)  # half
        self.assertEqual(doc["refresh"]["source"], path)
        with open(path, "w") as f:
            f.write('[featured]\npre_match = 60\n')
        proc = self.run_cli("budget", "plan", "--interval", "15s", "--sports", "1", "--refresh-file", path, check=2)
        self.assertIn(path + ":2", proc.stderr)
        self.assertIn("unit", proc.stderr)

    def test_scan_every_below_the_refresh_interval_warns_once(self):
        proc = self.run_cli("scan", "--regions", "au", "--markets", "h2h", "--every", "1s", "--max-cycles", "2",
                            "--json", env=ENV, check=0)
        self.assertEqual(proc.returncode, 0, self.describe(proc))
        warnings = [l for l in proc.stderr.splitlines() if "refresh interval" in l]
        self.assertEqual(len(warnings), 1, proc.stderr)
        self.assertIn("--every 1s", warnings[0])
        self.assertIn("warn", warnings[0])
        quiet = self.run_cli("scan", "--regions", "au", "--markets", "h2h", "--every", "1s", "--max-cycles", "1",
                             "-q", "--json", env=ENV, check=0)
        self.assertNotIn("refresh interval", quiet.stderr)  # -q drops warnings, as every other one
        slow = self.run_cli("scan", "--regions", "au", "--markets", "h2h", "--every", "2m", "--max-cycles", "1",
                            "--json", env=ENV, check=0)
        self.assertNotIn("refresh interval", slow.stderr)

    def sql_write(self, query):
        import sqlite3
        conn = sqlite3.connect(self.db_path)
        try:
            conn.execute(query)
            conn.commit()
        finally:
            conn.close()


if __name__ == "__main__":
    main()
