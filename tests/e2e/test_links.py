"""scan --links and --bet-limits end to end against the fake API: the include* parameters are
sent only when asked, each leg carries the book's link, an exchange's bet_limit caps its
stake (limited_by names it), alerts carry the links, and neither flag changes what a scan
costs (the fake API's ledger)."""

from harness import E2ETest, main, make_bookmaker, make_event

KEY = "test-key-uk01"
EPL = "basketball_nba"  # two-way h2h


def world():
    """One h2h arbitrage: the exchange "ex" has Home at 2.2 with a bet-slip link on the outcome
    and a bet limit of 50; the book "bk" has Away at 2.1 and only an event-level link. Totals
    are there too so the scan asks for (and pays) more than one market."""
    ex = make_bookmaker("ex", h2h=(2.2, 1.5), totals=(2.5, 1.9, 1.9))
    ex["link"] = "https://ex.example/event/1"
    ex["sid"] = "ev-1"
    h2h = ex["markets"][0]
    h2h["link"] = "https://ex.example/market/1"
    h2h["outcomes"][0].update(link="https://ex.example/slip?sel=home", sid="sel-home", bet_limit=50)
    h2h["outcomes"][1].update(link=None, bet_limit=None)
    bk = make_bookmaker("bk", h2h=(1.5, 2.1), totals=(2.5, 1.85, 1.85))
    bk["link"] = "https://bk.example/e/1"
    return [make_event("e1", sport_key=EPL, bookmakers=[ex, bk])]


class LinksTest(E2ETest):
    def setUp(self):
        super().setUp()
        self.fake.add_key(KEY, remaining=1000)
        self.fake.set_events("uk", EPL, world())

    def scan(self, *args, code=0):
        return self.run_json("scan", "--regions", "uk", "--sports", EPL, "--find", "arbs", *args, code=code,
                             env={"ODDS_API_KEY_UK": KEY})

    def arb(self, doc):
        found = [o for o in doc["opportunities"] if o["kind"] == "arb" and o["event_id"] == "e1"]
        self.assertEqual(len(found), 1, doc["opportunities"])
        return found[0]

    def odds_queries(self):
        return [c["query"] for c in self.fake.calls if c["path"].endswith("/odds")]

    def leg(self, o, book):
        return [l for l in o["legs"] if book in l["bookmakers"]][0]

    def test_links_only_with_links(self):
        o = self.arb(self.scan("--no-store"))
        for l in o["legs"]:
            self.assertNotIn("link", l)
        q = self.odds_queries()[-1]
        for p in ("includeLinks", "includeSids", "includeBetLimits"):
            self.assertNotIn(p, q)

        o = self.arb(self.scan("--links", "--no-store"))
        q = self.odds_queries()[-1]
        self.assertEqual((q.get("includeLinks"), q.get("includeSids")), ("true", "true"))
        self.assertNotIn("includeBetLimits", q)
        self.assertEqual(self.leg(o, "ex")["link"], "https://ex.example/slip?sel=home")  # the outcome's
        self.assertEqual(self.leg(o, "bk")["link"], "https://bk.example/e/1")            # the book's
        # The table shows the same opportunity without complaint.
        proc = self.run_cli("scan", "--regions", "uk", "--sports", EPL, "--links", "--no-store",
                            env={"ODDS_API_KEY_UK": KEY}, check=0)
        self.assertIn("Home", proc.stdout)

    def test_bet_limit_caps_the_exchange_leg(self):
        o = self.arb(self.scan("--stake", "1000", "--no-store"))
        self.assertGreater(self.leg(o, "ex")["stake"], 400)  # no cap without --bet-limits
        self.assertIsNone(o.get("limited_by"))

        o = self.arb(self.scan("--stake", "1000", "--bet-limits", "--no-store"))
        self.assertEqual(self.odds_queries()[-1].get("includeBetLimits"), "true")
        self.assertEqual(o["limited_by"], "ex")
        ex, bk = self.leg(o, "ex"), self.leg(o, "bk")
        self.assertLessEqual(ex["stake"], 50)
        self.assertAlmostEqual(ex["stake"], 50, delta=0.05)
        self.assertAlmostEqual(bk["stake"], 50 * 2.2 / 2.1, delta=0.05)
        self.assertAlmostEqual(o["stake_total"], ex["stake"] + bk["stake"], places=2)
        self.assertNotIn("link", ex)  # --bet-limits alone asks for no links

        # With --limit too, the smaller cap binds.
        o = self.arb(self.scan("--stake", "1000", "--bet-limits", "--limit", "ex=20", "--no-store"))
        self.assertLessEqual(self.leg(o, "ex")["stake"], 20)
        self.assertEqual(o["limited_by"], "ex")

        # --bet-limits without --stake: nothing to cap, not an error.
        o = self.arb(self.scan("--bet-limits", "--no-store"))
        self.assertIsNone(self.leg(o, "ex").get("stake"))
        self.assertIsNone(o.get("limited_by"))

    def test_credits_are_the_same_with_and_without(self):
        before = self.fake.charged(KEY)
        plain = self.scan("--no-store")
        plain_cost = self.fake.charged(KEY) - before
        self.assertEqual(plain_cost, 3)  # h2h, spreads, totals x 1 region
        before = self.fake.charged(KEY)
        rich = self.scan("--links", "--bet-limits", "--stake", "100", "--no-store")
        self.assertEqual(self.fake.charged(KEY) - before, plain_cost)
        self.assertEqual(rich["regions"][0]["credits_used"], plain["regions"][0]["credits_used"])
        self.assertEqual(rich["regions"][0]["requests"], plain["regions"][0]["requests"])

    def test_config_keys(self):
        cfg = self.tmp + "/config.toml"
        with open(cfg, "w") as f:
            f.write("[scan]\nlinks = true\nbet_limits = true\n")
        o = self.arb(self.scan("--config", cfg, "--stake", "1000", "--no-store"))
        self.assertEqual(self.leg(o, "ex")["link"], "https://ex.example/slip?sel=home")
        self.assertEqual(o["limited_by"], "ex")

    def test_alerts_carry_the_links(self):
        self.scan("--links")  # stored
        doc = self.run_json("alerts", "--webhook", "http://127.0.0.1:9/hook", "--dry-run", "--include-flagged")
        self.assertEqual(doc["due"], 1, doc)
        payload = doc["alerts"][0]["payload"]
        links = {l["bookmakers"][0]: l.get("link") for l in payload["legs"]}
        self.assertEqual(links, {"ex": "https://ex.example/slip?sel=home", "bk": "https://bk.example/e/1"})


if __name__ == "__main__":
    main()
