"""scan --find value end to end: a fake world with a sharp book and soft books, some mispriced.

The fair prices are computed here independently (bisection, not the binary's Newton solver);
every soft price is either planted above fair (a value bet) or clearly below it.
"""

import math

from harness import E2ETest, main, make_bookmaker, make_event

KEY = "test-key-uk-0123456789abcdef"
KEY_ENV = {"ODDS_API_KEY_UK": KEY}


def implied_sum(prices):
    return sum(1 / p for p in prices)


def power_fair(prices):
    """Power devig by bisection on k: sum(pi^k) = 1."""
    pi = [1 / p for p in prices]
    lo, hi = 0.0, 50.0
    for _ in range(300):
        k = (lo + hi) / 2
        if sum(x ** k for x in pi) > 1:
            lo = k
        else:
            hi = k
    return [x ** ((lo + hi) / 2) for x in pi]


def multiplicative_fair(prices):
    s = implied_sum(prices)
    return [1 / p / s for p in prices]


def effective(price, rate):
    return 1 + (price - 1) * (1 - rate)


# Each event: (id, home, away, sharp 3-way prices, {book: (factor per outcome)}) where a soft
# book's price is fair_price * factor: factor 1.04 plants a +4 % value bet, 0.95 is -5 %.
WORLD = [
    ("ev1", "Arsenal", "Chelsea", (2.10, 3.60, 3.50), {
        "williamhill": (1.04, 0.95, 0.95),   # Arsenal +4 %
        "paddypower": (0.95, 0.95, 0.95),
        "skybet": (0.95, 1.07, 0.95),        # Chelsea +7 %
    }),
    ("ev2", "Everton", "Fulham", (2.80, 2.60, 3.30), {
        "williamhill": (0.95, 0.95, 0.95),
        "paddypower": (0.95, 0.95, 1.025),   # Draw +2.5 %
        "skybet": (0.96, 0.96, 0.96),
    }),
    ("ev3", "Leeds", "Burnley", (1.60, 5.80, 4.10), {
        "williamhill": (0.95, 0.95, 0.95),
        "paddypower": (0.97, 0.95, 0.95),
        "skybet": (1.005, 0.95, 0.95),       # +0.5 %: below --min-ev 1
    }),
]


def soft_price(fair_p, factor):
    # Two decimals, as books quote; the factor stays clear of the threshold after rounding.
    return round(factor / fair_p, 2)


def build_world():
    """Events (v4 JSON) and the planted value bets {(event, outcome, book): ev_pct}."""
    events, planted = [], {}
    for eid, home, away, sharp, books in WORLD:
        names = (home, away, "Draw")
        fair = power_fair(sharp)
        bms = [make_bookmaker("pinnacle", home, away, h2h=sharp)]
        for book, factors in books.items():
            prices = tuple(soft_price(p, f) for p, f in zip(fair, factors))
            bms.append(make_bookmaker(book, home, away, h2h=prices))
            for name, p, q in zip(names, fair, prices):
                ev = (p * q - 1) * 100
                if ev >= 1.0:
                    planted[(eid, name, book)] = ev
        events.append(make_event(eid, home, away, sport_key="soccer_epl", bookmakers=bms))
    return events, planted


class ValueTest(E2ETest):
    def setUp(self):
        super().setUp()
        self.fake.add_key(KEY, remaining=10000)
        self.events, self.planted = build_world()
        self.fake.set_events("uk", "soccer_epl", self.events)

    def scan(self, *extra, find="value", code=0):
        return self.run_json("scan", "--regions", "uk", "--sports", "soccer_epl", "--markets", "h2h",
                             "--find", find, *extra, env=KEY_ENV, code=code)

    def test_finds_exactly_the_planted_value_bets(self):
        self.assertEqual(len(self.planted), 3)
        doc = self.scan()
        opps = doc["opportunities"]
        found = {(o["event_id"], o["outcome"], o["bookmaker"]): o for o in opps}
        self.assertEqual(set(found), set(self.planted))
        self.assertEqual(doc["regions"][0]["opportunities"], 3)
        for key, o in found.items():
            self.assertEqual(o["kind"], "value")
            self.assertIsInstance(o["flags"], list)  # the flags are the flag rules' (high_roi, thin...)
            self.assertNotIn("implied_sum", o)
            self.assertNotIn("profit_pct", o)
            self.assertEqual(o["devig"], "power")
            self.assertEqual(o["reference"], ["pinnacle"])
            self.assertAlmostEqual(o["ev_pct"], self.planted[key], places=5)
            self.assertAlmostEqual(o["fair_price"], 1 / o["p_fair"], delta=1e-5 * o["fair_price"] ** 2)  # p_fair is rounded to 1e-6
            self.assertAlmostEqual(o["ev_pct"], (o["p_fair"] * o["effective_price"] - 1) * 100, places=3)
            self.assertIsNone(o["point"])
            self.assertEqual(o["market"], "h2h")
            [leg] = o["legs"]
            self.assertEqual(leg["bookmakers"], [o["bookmaker"]])
            self.assertEqual(leg["outcome"], o["outcome"])
            self.assertGreaterEqual(o["age_s"], 0)
            self.assertNotIn("kelly_stake", o)
        sharp = dict((w[0], w[3]) for w in WORLD)["ev1"]
        self.assertAlmostEqual(found[("ev1", "Arsenal", "williamhill")]["reference_hold_pct"],
                               (implied_sum(sharp) - 1) * 100, places=5)
        # Best first: by EV.
        evs = [o["ev_pct"] for o in opps]
        self.assertEqual(evs, sorted(evs, reverse=True))
        self.assertEqual(opps[0]["bookmaker"], "skybet")

    def test_stored_and_served_by_cache_get_kind_value(self):
        doc = self.scan()
        got = self.run_json("cache", "get", "--region", "uk", "--kind", "value")
        self.assertEqual({(o["event_id"], o["outcome"], o["bookmaker"]) for o in got["opportunities"]},
                         set(self.planted))
        for a, b in zip(sorted(doc["opportunities"], key=lambda o: o["ev_pct"]),
                        sorted(got["opportunities"], key=lambda o: o["ev_pct"])):
            for field in ("ev_pct", "p_fair", "fair_price", "price", "reference", "devig", "bookmaker"):
                self.assertEqual(a[field], b[field], field)
        arbs = self.run_json("cache", "get", "--region", "uk", "--kind", "arb")
        self.assertEqual(arbs["opportunities"], [])

    def test_alerts_dedupe_value_bets_per_outcome_and_book(self):
        self.scan(find="arbs,value")
        doc = self.run_json("alerts", "--dry-run", "--include-flagged")
        keys = [a["alert_key"] for a in doc["alerts"]]
        want = {"uk:%s:h2h:null:value:%s:%s" % k for k in self.planted}
        self.assertEqual({k for k in keys if ":value:" in k}, want)
        self.assertEqual(len(keys), len(set(keys)))

    def test_min_ev_devig_and_kelly(self):
        # --min-ev 5: only the +7 % one.
        doc = self.scan("--min-ev", "5")
        self.assertEqual([(o["event_id"], o["bookmaker"]) for o in doc["opportunities"]], [("ev1", "skybet")])
        # --bankroll: quarter Kelly, capped at 5 %.
        doc = self.scan("--bankroll", "1000", "--no-store")
        for o in doc["opportunities"]:
            p, b = o["p_fair"], o["effective_price"] - 1
            want = min(1000 * 0.25 * max(0, (p * b - (1 - p)) / b), 50)
            self.assertAlmostEqual(o["kelly_stake"], round(want, 2), delta=0.011)
        doc = self.scan("--bankroll", "1000", "--kelly", "1", "--max-stake-pct", "1", "--no-store")
        for o in doc["opportunities"]:
            self.assertLessEqual(o["kelly_stake"], 10.0)
        # --devig multiplicative gives the long shots more probability than power does.
        doc = self.scan("--devig", "multiplicative", "--min-ev", "0", "--no-store")
        for o in doc["opportunities"]:
            self.assertEqual(o["devig"], "multiplicative")
            sharp = dict((w[0], w[3]) for w in WORLD)[o["event_id"]]
            home, away = dict((w[0], (w[1], w[2])) for w in WORLD)[o["event_id"]]
            i = [home, away, "Draw"].index(o["outcome"])
            self.assertAlmostEqual(o["p_fair"], multiplicative_fair(sharp)[i], places=6)

    def test_sharp_exchange_and_consensus(self):
        # Pinnacle gone: --sharp betfair_ex_uk, at back prices net of its 5 % commission.
        events = []
        eid, home, away, sharp, _ = WORLD[0]
        soft = {"williamhill": (2.30, 3.20, 3.10), "skybet": (1.90, 3.40, 3.30)}
        bms = [make_bookmaker("betfair_ex_uk", home, away, h2h=sharp)]
        bms += [make_bookmaker(book, home, away, h2h=prices) for book, prices in soft.items()]
        self.fake.set_events("uk", "soccer_epl", [make_event(eid, home, away, sport_key="soccer_epl", bookmakers=bms)])
        doc = self.scan("--no-store")
        fair = power_fair([effective(p, 0.05) for p in sharp])
        names = [home, away, "Draw"]
        want = {(names[i], book) for book, prices in soft.items() for i in range(3) if (fair[i] * prices[i] - 1) * 100 >= 1}
        self.assertEqual(want, {("Arsenal", "williamhill")})  # the world is what this test thinks
        self.assertEqual({(o["outcome"], o["bookmaker"]) for o in doc["opportunities"]}, want)
        for o in doc["opportunities"]:
            self.assertEqual(o["reference"], ["betfair_ex_uk"])
            self.assertAlmostEqual(o["p_fair"], fair[0], places=6)
            self.assertAlmostEqual(o["reference_hold_pct"], (implied_sum([effective(p, 0.05) for p in sharp]) - 1) * 100,
                                   places=5)
        # --sharp pinnacle only: no reference quotes, nothing found (not an error).
        doc = self.scan("--sharp", "pinnacle", "--no-store")
        self.assertEqual(doc["opportunities"], [])
        # consensus needs --min-books books: 3 quote here.
        doc = self.scan("--sharp", "consensus", "--no-store")
        self.assertEqual(doc["opportunities"], [])
        doc = self.scan("--sharp", "consensus", "--min-books", "3", "--min-ev", "0", "--no-store")
        self.assertTrue(doc["opportunities"])
        for o in doc["opportunities"]:
            self.assertEqual(o["reference"], ["consensus"])

    def test_with_arbs_and_bad_flags(self):
        doc = self.scan("--no-store", find="arbs,value")
        kinds = {o["kind"] for o in doc["opportunities"]}
        self.assertIn("value", kinds)
        doc = self.scan("--no-store", find="all")
        self.assertEqual({(o["event_id"], o["outcome"], o["bookmaker"])
                          for o in doc["opportunities"] if o["kind"] == "value"}, set(self.planted))
        charged = self.fake.charged(KEY)
        for bad in (("--devig", "shinn"), ("--min-ev", "-3"), ("--kelly", "2"), ("--bankroll", "-5")):
            proc = self.run_cli("scan", "--regions", "uk", "--find", "value", *bad, env=KEY_ENV)
            self.assertEqual(proc.returncode, 2, self.describe(proc))
            self.assertIn(bad[0], proc.stderr)
        self.assertEqual(self.fake.charged(KEY), charged)  # usage errors spend nothing


if __name__ == "__main__":
    main()
