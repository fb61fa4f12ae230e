"""oddsctl clv end to end: value bets stored by a scan, closing lines stored by sync, CLV from the store.

The world is test_value's (a sharp book and mispriced soft books); the sharp book then moves to
planted closing lines, which sync stores as snapshots before the start.
"""

import json
import os
from datetime import timedelta

from harness import E2ETest, main, make_bookmaker, make_event, iso, utcnow
from test_value import KEY, KEY_ENV, WORLD, build_world, power_fair

# The sharp book's closing prices: ev1 shortens Arsenal (the williamhill bet beats the close)
# and drifts Chelsea (the skybet bet does not); ev2 and ev3 close where they opened.
CLOSING = {"ev1": (1.95, 3.90, 3.60)}


def closing_world(events):
    out = []
    for ev in events:
        ev = json.loads(json.dumps(ev))
        if ev["id"] in CLOSING:
            for b in ev["bookmakers"]:
                if b["key"] == "pinnacle":
                    prices = CLOSING[ev["id"]]
                    for o, p in zip(b["markets"][0]["outcomes"], prices):
                        o["price"] = p
        out.append(ev)
    return out


def closing_fair(eid):
    row = [w for w in WORLD if w[0] == eid][0]
    names = [row[1], row[2], "Draw"]
    return dict(zip(names, power_fair(CLOSING.get(eid, row[3]))))


class ClvTest(E2ETest):
    def setUp(self):
        super().setUp()
        self.fake.add_key(KEY, remaining=10000)
        self.events, self.planted = build_world()
        self.fake.set_events("uk", "soccer_epl", self.events)

    def history(self):
        """A scan that stores the value bets, then the closing lines synced as snapshots."""
        doc = self.run_json("scan", "--regions", "uk", "--markets", "h2h", "--find", "value", env=KEY_ENV)
        self.prices = {(o["event_id"], o["outcome"], o["bookmaker"]): o["price"] for o in doc["opportunities"]}
        self.assertEqual(set(self.prices), set(self.planted))
        self.fake.set_events("uk", "soccer_epl", closing_world(self.events))
        self.run_json("sync", "--discover", "--regions", "uk", env=KEY_ENV)
        synced = self.run_json("sync", "--tier", "auto", "--regions", "uk", "--markets", "h2h", env=KEY_ENV)
        self.assertEqual(synced["synced"], 3, synced)
        self.after_close = iso(utcnow() + timedelta(hours=48))

    def test_clv_of_stored_value_bets_against_planted_closing_lines(self):
        self.history()
        calls = len(self.fake.calls)
        doc = self.run_json("clv", "--as-of", self.after_close)
        self.assertEqual(len(self.fake.calls), calls)  # the store only: no call, no credit
        bets = {(b["event_id"], b["outcome"], b["bookmaker"]): b for b in doc["bets"]}
        self.assertEqual(set(bets), set(self.planted))
        clvs = []
        for (eid, outcome, book), b in bets.items():
            self.assertEqual(b["status"], "ok", b)
            self.assertEqual(b["origin"], "stored")
            self.assertEqual(b["closing_from"], "snapshot")
            self.assertEqual(b["reference"], ["pinnacle"])
            self.assertEqual(b["sport_key"], "soccer_epl")
            p = closing_fair(eid)[outcome]
            self.assertAlmostEqual(b["closing_p_fair"], p, places=6)
            want = (p * self.prices[(eid, outcome, book)] - 1) * 100
            self.assertAlmostEqual(b["clv_pct"], want, places=4)
            self.assertEqual(b["beat_close"], want > 0)
            clvs.append(want)
        self.assertGreater(bets[("ev1", "Arsenal", "williamhill")]["clv_pct"], 4.17)  # the line came to it
        self.assertLess(bets[("ev1", "Chelsea", "skybet")]["clv_pct"], 0)           # the line went away
        s = doc["summary"]
        self.assertEqual((s["bets"], s["with_close"]), (3, 3))
        self.assertAlmostEqual(s["mean_clv_pct"], sum(clvs) / 3, places=4)
        self.assertAlmostEqual(s["beat_close_share"], sum(1 for c in clvs if c > 0) / 3, places=5)
        self.assertEqual({b["name"] for b in doc["by_book"]}, {"williamhill", "skybet", "paddypower"})
        self.assertEqual([b["name"] for b in doc["by_sport"]], ["soccer_epl"])
        # Before the start there is no close yet.
        doc = self.run_json("clv")
        self.assertTrue(all(b["status"] == "open" for b in doc["bets"]))
        self.assertIsNone(doc["summary"]["mean_clv_pct"])
        # The table says the same.
        proc = self.run_cli("clv", "--as-of", self.after_close, check=0)
        self.assertIn("williamhill", proc.stdout)
        self.assertIn("mean CLV", proc.stdout)

    def test_clv_of_a_bets_file(self):
        self.history()
        csv_path = os.path.join(self.tmp, "bets.csv")
        with open(csv_path, "w") as f:
            f.write("event,market,outcome,line,book,price,time\n")
            f.write("ev3,h2h,Leeds,,betvictor,1.70,%s\n" % iso(utcnow()))
            f.write("ev1,h2h,Arsenal,,betvictor,2.20,%s\n" % iso(utcnow()))
        doc = self.run_json("clv", "--no-stored", "--bets", csv_path, "--as-of", self.after_close)
        bets = {(b["event_id"], b["outcome"]): b for b in doc["bets"]}
        self.assertEqual(set(bets), {("ev3", "Leeds"), ("ev1", "Arsenal")})
        for (eid, outcome), price in {("ev3", "Leeds"): 1.70, ("ev1", "Arsenal"): 2.20}.items():
            b = bets[(eid, outcome)]
            self.assertEqual(b["origin"], "file")
            self.assertAlmostEqual(b["clv_pct"], (closing_fair(eid)[outcome] * price - 1) * 100, places=4)
        # JSON bets too, together with the stored ones.
        json_path = os.path.join(self.tmp, "bets.json")
        with open(json_path, "w") as f:
            json.dump([{"event": "ev2", "outcome": "Draw", "book": "betvictor", "price": 3.5}], f)
        doc = self.run_json("clv", "--bets", json_path, "--as-of", self.after_close)
        self.assertEqual(doc["summary"]["bets"], 4)
        # A broken file: exit 2, the line named, nothing on stdout.
        with open(csv_path, "w") as f:
            f.write("event,outcome,book,price\nev1,Arsenal,b,two\n")
        proc = self.run_cli("clv", "--bets", csv_path)
        self.assertEqual(proc.returncode, 2, self.describe(proc))
        self.assertIn("bets.csv:2", proc.stderr)
        self.assertEqual(proc.stdout, "")

    def test_empty_store_is_not_an_error(self):
        self.run_json("scan", "--regions", "uk", "--markets", "h2h", env=KEY_ENV)  # arbs only: no value bets
        doc = self.run_json("clv")
        self.assertEqual(doc["bets"], [])
        self.assertEqual(doc["summary"]["bets"], 0)


if __name__ == "__main__":
    main()
