"""Middles, low hold, the false-arbitrage flags and placeable stakes, end to end: a fake world
with planted middles, near-arbitrages and an outlier leg, scanned live from the fake API, and
the real recorded file with seven lines per market replayed."""

import os

from harness import E2ETest, SOURCE_DIR, main, make_bookmaker, make_event, make_market

KEY = "test-key-us01"
NFL = "americanfootball_nfl"
JOE = os.path.join(SOURCE_DIR, "tests", "fixtures", "real-odds", "JoeChristianson__HedgeFundUpdate__oddsAPIData.json")


def world():
    """mid: home -3 at a with away +7 at b (window [3, 7] in NFL terms);
    near: an h2h hold of 1.52 %; wide: a hold of 4.7 %;
    stale: an h2h arbitrage whose home leg (3.0) is an outlier against three books near 2.0."""
    return [
        make_event("mid", sport_key=NFL, bookmakers=[
            make_bookmaker("a", spreads=(-3.0, 1.91, 1.91)),
            make_bookmaker("b", spreads=(-7.0, 1.95, 1.87)),
        ]),
        make_event("near", sport_key=NFL, bookmakers=[
            make_bookmaker("a", h2h=(1.97, 1.90)),
            make_bookmaker("b", h2h=(1.90, 1.97)),
        ]),
        make_event("wide", sport_key=NFL, bookmakers=[make_bookmaker("a", h2h=(1.91, 1.91))]),
        make_event("stale", sport_key=NFL, bookmakers=[
            make_bookmaker("x", h2h=(3.0, 1.5)),
            make_bookmaker("b1", h2h=(2.0, 2.2)),
            make_bookmaker("b2", h2h=(2.0, 1.9)),
            make_bookmaker("b3", h2h=(2.1, 1.9)),
        ]),
    ]


def cents(legs):
    return sum(round(l["stake"] * 100) for l in legs)


class MiddlesTest(E2ETest):
    def setUp(self):
        super().setUp()
        self.fake.add_key(KEY, remaining=1000)
        self.fake.set_events("us", NFL, world())

    def scan(self, *args, code=0):
        return self.run_json("scan", "--regions", "us", "--sports", NFL, *args, code=code,
                             env={"ODDS_API_KEY_US": KEY})

    def by(self, doc, kind, event):
        return [o for o in doc["opportunities"] if o["kind"] == kind and o["event_id"] == event]

    def test_kinds_flags_and_stakes(self):
        doc = self.scan("--find", "arbs,middles,lowhold", "--stake", "100")
        self.assertEqual(doc["regions"][0]["status"], "ok")

        mid = self.by(doc, "middle", "mid")
        self.assertEqual(len(mid), 1, doc["opportunities"])
        m = mid[0]
        self.assertEqual(m["window"], [3.0, 7.0])
        self.assertEqual(m["model"], "middles/nfl_margins.json")
        self.assertEqual([(l["outcome"], l["point"], l["bookmakers"]) for l in m["legs"]],
                         [("Home", -3.0, ["a"]), ("Away", 7.0, ["b"])])
        s = 1 / 1.91 + 1 / 1.87
        self.assertAlmostEqual(m["worst_case_pct"], (1 / s - 1) * 100, places=4)
        self.assertAlmostEqual(m["hit_profit_pct"], (2 / s - 1) * 100, places=4)
        self.assertTrue(0 < m["hit_probability"] < 0.2)
        self.assertGreater(m["ev_pct"], 0)
        self.assertEqual(cents(m["legs"]), 10000)
        self.assertIn("thin", m["flags"])  # two books quote each line

        near = self.by(doc, "lowhold", "near")
        self.assertEqual(len(near), 1)
        self.assertAlmostEqual(near[0]["hold_pct"], (1 / 1.97 * 2 - 1) * 100, places=4)
        self.assertEqual(self.by(doc, "lowhold", "wide"), [])  # 4.7 % is above --max-hold 2
        self.assertEqual(self.by(doc, "arb", "near"), [])

        stale = self.by(doc, "arb", "stale")
        self.assertEqual(len(stale), 1)
        self.assertIn("outlier_leg", stale[0]["flags"])
        self.assertIn("high_roi", stale[0]["flags"])
        self.assertLess(self.by(doc, "lowhold", "stale")[0]["hold_pct"], 0)  # an arbitrage: negative hold
        for o in doc["opportunities"]:
            self.assertIn("flags", o)
            self.assertEqual(cents(o["legs"]), 10000, o)  # to the cent, every kind
            self.assertNotIn("rounded", o)

        wider = self.scan("--find", "lowhold", "--max-hold", "5", "--no-store")
        self.assertEqual({o["event_id"] for o in wider["opportunities"]}, {"near", "wide", "stale", "mid"})  # mid: both spreads lines hold 4.7 %
        none = self.scan("--find", "middles", "--min-middle-ev", "50", "--no-store")
        self.assertEqual(none["opportunities"], [])

    def test_round_and_limit(self):
        doc = self.scan("--find", "arbs", "--stake", "100", "--round", "5", "--no-store")
        o = self.by(doc, "arb", "stale")[0]
        self.assertTrue(o["rounded"])
        for l in o["legs"]:
            self.assertGreaterEqual(l["stake"], 5)
            self.assertEqual(l["stake"] % 5, 0)
        self.assertEqual(o["stake_total"], sum(l["stake"] for l in o["legs"]))
        self.assertAlmostEqual(o["min_payout"], min(l["stake"] * l["effective_price"] for l in o["legs"]), places=2)
        self.assertLess(o["profit_pct_after_rounding"], o["profit_pct"])
        self.assertIsNone(o["limited_by"])

        doc = self.scan("--find", "arbs", "--stake", "1000", "--limit", "x=50", "--no-store")
        o = self.by(doc, "arb", "stale")[0]
        self.assertEqual(o["limited_by"], "x")
        self.assertLessEqual(o["legs"][0]["stake"], 50)
        self.assertLess(o["stake_total"], 1000)

        # The config file's [limit] table works the same.
        cfg = os.path.join(self.tmp, "config.toml")
        with open(cfg, "w") as f:
            f.write("[limit]\nx = 50\n")
        doc = self.scan("--find", "arbs", "--stake", "1000", "--config", cfg, "--no-store")
        self.assertEqual(self.by(doc, "arb", "stale")[0]["limited_by"], "x")

    def test_usage_errors(self):
        for args in (["--stake", "2e12"], ["--stake", "100", "--limit", "x"], ["--stake", "100", "--limit", "x=-1"],
                     ["--round", "5"], ["--stake", "100", "--round", "0"], ["--find", "middles", "--max-hold", "abc"]):
            proc = self.run_cli("scan", "--regions", "us", *args, env={"ODDS_API_KEY_US": KEY})
            self.assertEqual(proc.returncode, 2, self.describe(proc))
            self.assertEqual(len(proc.stderr.strip().splitlines()), 1, self.describe(proc))
        self.assertEqual(self.fake.charged(KEY), 0)  # nothing spent on a usage error

    def test_alerts_skip_flagged(self):
        self.scan("--find", "arbs")
        doc = self.run_json("alerts", "--dry-run")
        self.assertEqual([a for a in doc["alerts"] if a.get("event_id") == "stale"], [])
        doc = self.run_json("alerts", "--dry-run", "--include-flagged")
        self.assertEqual(len([a for a in doc["alerts"] if a.get("event_id") == "stale"]), 1, doc)

    def test_history_seen_since_and_previous_price(self):
        first = self.scan("--find", "arbs")
        self.assertNotIn("seen_since", self.by(first, "arb", "stale")[0]["legs"][0])  # nothing stored yet
        events = world()
        events[3]["bookmakers"][0]["markets"][0]["outcomes"][0]["price"] = 3.1  # x moves its home price
        self.fake.set_events("us", NFL, events)
        second = self.scan("--find", "arbs")
        legs = self.by(second, "arb", "stale")[0]["legs"]
        moved, steady = legs[0], legs[1]
        self.assertEqual((moved["bookmakers"], moved["price"], moved["previous_price"]), (["x"], 3.1, 3.0))
        self.assertGreaterEqual(moved["seen_since"], first["started_at"])
        self.assertEqual(steady["bookmakers"], ["b1"])
        self.assertEqual(steady["seen_since"], first["started_at"])  # quoted 2.2 since the first scan
        self.assertNotIn("previous_price", steady)

    def test_real_file_seven_lines(self):
        doc = self.run_json("scan", "--from-file", JOE, "--regions", "us", "--find", "middles",
                            "--include-live", "--min-middle-ev", "-100", "--no-store")
        mids = doc["opportunities"]
        self.assertGreater(len(mids), 20)
        for o in mids:
            self.assertEqual(o["kind"], "middle")
            self.assertLess(o["window"][0], o["window"][1])
        # The capture's naive "arbitrage" (Over 218.5 with Under 222.5) is a middle.
        self.assertTrue(any(o["market"] == "totals" and o["window"] == [218.5, 222.5] for o in mids))
        table = self.run_cli("scan", "--from-file", JOE, "--regions", "us", "--find", "middles,lowhold",
                             "--include-live", "--no-store", "--format", "table")
        self.assertEqual(table.returncode, 0, self.describe(table))


if __name__ == "__main__":
    main()
