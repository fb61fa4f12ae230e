"""oddsctl sync end to end: the real binary against the fake Odds API, and what the store holds."""

import json
import subprocess
import time

from harness import BIN, E2ETest, main, make_bookmaker, make_event, in_hours

KEY = "test-key-au-0123456789abcdef"
KEY_UK = "test-key-uk-0123456789abcdef"
ENV = {"ODDS_API_KEY_AU": KEY}
ENV_BOTH = {"ODDS_API_KEY_AU": KEY, "ODDS_API_KEY_UK": KEY_UK}
CONTRACT = {"tier", "selected", "synced", "changed", "unchanged", "failed", "skipped_deadline",
            "requests", "credits_used", "duration_ms", "failures"}


def event(eid, hours, sport="soccer_epl", price=1.9):
    return make_event(eid, "Home " + eid, "Away " + eid, sport_key=sport, commence=in_hours(hours),
                      bookmakers=[make_bookmaker("neds", "Home " + eid, "Away " + eid, h2h=(price, 2.0, 3.4)),
                                  make_bookmaker("tab", "Home " + eid, "Away " + eid, h2h=(1.8, 2.1, 3.3))])


class SyncTest(E2ETest):
    def setUp(self):
        super().setUp()
        self.fake.add_key(KEY, remaining=100000)
        self.fake.add_key(KEY_UK, remaining=100000)

    def sync(self, *args, code=0, env=ENV):
        return self.run_json("sync", "--markets", "h2h", *args, env=env, code=code)

    def odds_calls(self):
        return [c for c in self.fake.calls if c["path"].endswith("/odds")]

    def discover(self, *args):
        doc = self.sync("--discover", "--regions", "au", *args)
        self.assertEqual(doc["tier"], "none")
        return doc

    def test_discover_then_sync_contract_and_store(self):
        self.fake.set_events("au", "soccer_epl", [event("e1", 1), event("e2", 5), event("e3", 48)])
        doc = self.discover()
        self.assertEqual(doc["discovery"]["events"], 3)
        self.assertEqual(self.odds_calls(), [])  # discovery costs nothing
        doc = self.sync("--tier", "auto", "--regions", "au")
        self.assertTrue(CONTRACT <= set(doc), doc)
        self.assertEqual(doc["tier"], "auto")
        self.assertEqual((doc["selected"], doc["synced"], doc["changed"], doc["failed"]), (3, 3, 3, 0))
        self.assertEqual({t: c["selected"] for t, c in doc["tiers"].items()}, {"hot": 1, "warm": 1, "cold": 1})
        self.assertEqual(len(self.odds_calls()), 1)  # one region, one sport: one call
        self.assertEqual(doc["credits_used"], 1)
        rows = self.sql("SELECT COUNT(*) AS n FROM snapshots")
        self.assertEqual(rows[0]["n"], 3)
        listed = self.run_json("sync", "list", env=ENV)["events"]
        self.assertEqual({e["event_id"]: e["tier"] for e in listed}, {"e1": "hot", "e2": "warm", "e3": "cold"})
        self.assertTrue(all(e["last_synced_at"] and not e["due"] for e in listed))

    def test_tier_selection_order_and_limit(self):
        self.fake.set_events("au", "soccer_epl", [event("late", 1.5), event("soon", 0.5), event("warm", 6)])
        self.discover()
        doc = self.run_json("sync", "--tier", "hot", "--markets", "h2h", env=dict(ENV, ODDSCTL_CONFIG=self.config(
            "[tiers.hot]\nlimit = 1\n")))
        self.assertEqual(doc["selected"], 1)
        [call] = self.odds_calls()
        self.assertEqual(call["query"]["eventIds"], "soon")  # never synced, sooner start first
        doc = self.sync("--tier", "hot")
        self.assertEqual(self.odds_calls()[-1]["query"]["eventIds"], "late")
        doc = self.sync("--tier", "hot")
        self.assertEqual(doc["selected"], 0)  # both synced less than 30 s ago
        doc = self.sync("--tier", "warm")
        self.assertEqual(doc["synced"], 1)

    def config(self, text):
        path = self.tmp + "/config.toml"
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_pin_unpin_and_frozen(self):
        self.fake.set_events("au", "soccer_epl", [event("far", 72), event("ice", 1)])
        self.discover()
        self.run_cli("sync", "pin", "far", "--tier", "hot", env=ENV, check=0)
        self.run_cli("sync", "pin", "ice", "--tier", "frozen", "--region", "au", env=ENV, check=0)
        doc = self.sync("--tier", "hot")
        self.assertEqual(doc["synced"], 1)
        self.assertEqual(self.odds_calls()[0]["query"]["eventIds"], "far")
        self.assertEqual(self.sync()["selected"], 0)  # auto never syncs frozen
        self.assertEqual(self.sync("--tier", "frozen")["synced"], 1)
        self.run_cli("sync", "unpin", "far", env=ENV, check=0)
        listed = {e["event_id"]: e for e in self.run_json("sync", "list", env=ENV)["events"]}
        self.assertEqual((listed["far"]["tier"], listed["far"]["pinned"]), ("cold", False))
        self.assertEqual((listed["ice"]["tier"], listed["ice"]["pinned"]), ("frozen", True))
        self.assertIsNone(listed["ice"]["next_due_at"])
        self.run_cli("sync", "pin", "nope", "--tier", "hot", env=ENV, check=2)
        self.run_cli("sync", "pin", "far", "--tier", "tepid", env=ENV, check=2)

    def test_batching_one_call_per_region_sport_chunk(self):
        self.fake.set_events("au", "soccer_epl", [event("a%03d" % i, 1) for i in range(120)])
        self.fake.set_events("au", "basketball_nba", [event("b%03d" % i, 1, "basketball_nba") for i in range(7)])
        self.fake.set_events("uk", "soccer_epl", [event("a%03d" % i, 1) for i in range(5)])
        self.sync("--discover", "--regions", "au,uk", "--sports", "soccer_epl,basketball_nba", env=ENV_BOTH)
        # /events is region-blind: each region tracks every event of the sport.
        doc = self.sync("--tier", "hot", "--regions", "au", "--batch-size", "50", env=ENV_BOTH)
        calls = self.odds_calls()
        self.assertEqual(len(calls), 4)  # epl 50+50+20, nba 7
        self.assertEqual(doc["requests"], 4)
        self.assertTrue(all(len(c["query"]["eventIds"].split(",")) <= 50 for c in calls))
        ids = [i for c in calls for i in c["query"]["eventIds"].split(",")]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(doc["synced"], 127)
        self.assertTrue(all(c["query"]["regions"] == "au" for c in calls))
        # uk: the 5 events it has odds for sync; the 122 others are "not returned": no failure.
        doc = self.sync("--tier", "hot", "--regions", "uk", env=ENV_BOTH)
        self.assertEqual((doc["synced"], doc["not_returned"], doc["failed"]), (5, 122, 0))
        self.assertEqual(len(self.odds_calls()), 4 + 4)

    def test_bookmakers_of_no_region_book_skip_that_region(self):
        # neds is an au book: uk has none of --bookmakers, so asking uk would bill a whole
        # region for nothing. As scan does, sync makes no call there and says so at -v.
        self.fake.set_events("au", "soccer_epl", [event("e1", 1), event("e2", 1)])
        self.fake.set_events("uk", "soccer_epl", [event("e1", 1), event("e2", 1)])
        self.sync("--discover", "--regions", "au,uk", "--sports", "soccer_epl", env=ENV_BOTH)
        before = self.fake.charged(KEY_UK)
        doc = self.sync("--tier", "hot", "--regions", "au,uk", "--bookmakers", "neds", "-v", env=ENV_BOTH)
        calls = self.odds_calls()
        self.assertEqual([c["query"]["regions"] for c in calls], ["au"], self.last.stderr)
        self.assertEqual(calls[0]["query"]["bookmakers"], "neds")
        self.assertEqual((doc["synced"], doc["failed"], doc["requests"], doc["credits_used"]), (2, 0, 1, 1))
        self.assertEqual(self.fake.charged(KEY_UK), before)
        self.assertIn("region uk: none of --bookmakers is a book of this region: no call", self.last.stderr)
        ledger = self.sql("SELECT region, endpoint, last FROM ledger WHERE endpoint LIKE '%odds%'")
        self.assertEqual([(r["region"], r["last"]) for r in ledger], [("au", 1)])
        # --event too: the uk copy of e1 is not asked for.
        doc = self.sync("--event", "e1", "--force", "--bookmakers", "neds", "-v", env=ENV_BOTH)
        self.assertEqual([c["query"]["regions"] for c in self.odds_calls()], ["au", "au"], self.last.stderr)
        self.assertEqual(doc["synced"], 1)
        self.assertEqual(self.fake.charged(KEY_UK), before)

    def test_unchanged_odds_store_no_snapshot(self):
        self.fake.set_events("au", "soccer_epl", [event("e1", 1), event("e2", 1)])
        self.discover()
        cfg = self.config("[tiers.hot]\nmax_age = \"0s\"\n")
        env = dict(ENV, ODDSCTL_CONFIG=cfg)
        first = self.run_json("sync", "--tier", "hot", "--markets", "h2h", env=env)
        self.assertEqual(first["changed"], 2)
        again = self.run_json("sync", "--tier", "hot", "--markets", "h2h", env=env)
        self.assertEqual((again["synced"], again["changed"], again["unchanged"]), (2, 0, 2))
        self.assertEqual(self.sql("SELECT COUNT(*) AS n FROM snapshots")[0]["n"], 2)
        # A price moves: exactly one new snapshot, the history keeps both.
        self.fake.set_events("au", "soccer_epl", [event("e1", 1, price=2.2), event("e2", 1)])
        moved = self.run_json("sync", "--tier", "hot", "--markets", "h2h", env=env)
        self.assertEqual((moved["changed"], moved["unchanged"]), (1, 1))
        self.assertEqual(self.sql("SELECT COUNT(*) AS n FROM snapshots")[0]["n"], 3)

    def test_failed_batches_exit_3_rest_stored(self):
        self.fake.set_events("au", "soccer_epl", [event("ok1", 1), event("ok2", 1)])
        self.fake.set_events("au", "basketball_nba", [event("bad1", 1, "basketball_nba")])
        self.discover()
        self.fake.add_fault("status", status=500, sport="basketball_nba")
        doc = self.run_json("sync", "--tier", "hot", "--markets", "h2h", env=ENV, code=3)
        self.assertEqual((doc["synced"], doc["failed"]), (2, 1))
        [failure] = doc["failures"]
        self.assertEqual(failure["event_id"], "bad1")
        self.assertTrue(failure["error"])
        self.assertEqual(self.sql("SELECT COUNT(*) AS n FROM snapshots")[0]["n"], 2)
        self.assertNoKeyLeak(KEY, self.last.stdout, self.last.stderr)

    def test_event_not_returned_is_counted_not_failed(self):
        self.fake.set_events("au", "soccer_epl", [event("e1", 1), event("e2", 1)])
        self.discover()
        self.fake.set_events("au", "soccer_epl", [event("e1", 1)])
        doc = self.sync("--tier", "hot")
        self.assertEqual((doc["synced"], doc["not_returned"], doc["failed"]), (1, 1, 0))
        listed = {e["event_id"]: e for e in self.run_json("sync", "list", env=ENV)["events"]}
        self.assertIn("not returned", listed["e2"]["last_error"])
        self.assertEqual(listed["e2"]["failures"], 1)

    def test_event_guard_and_force(self):
        self.fake.set_events("au", "soccer_epl", [event("e1", 72)])
        self.discover()
        self.assertEqual(self.sync("--event", "e1")["synced"], 1)
        doc = self.sync("--event", "e1")
        self.assertEqual((doc["selected"], doc["skipped_recent"]), (0, 1))
        self.assertEqual(self.sync("--event", "e1", "--force")["synced"], 1)
        self.run_cli("sync", "--event", "missing", env=ENV, check=2)
        self.run_cli("sync", "--event", "e1", "--tier", "hot", env=ENV, check=2)

    def test_budget_share_and_guard(self):
        sports = ["s%d" % i for i in range(4)]
        for s in sports:
            self.fake.set_events("au", s, [event("h" + s, 1, s), event("w" + s, 6, s + "w")])
            self.fake.set_events("au", s + "w", [event("w" + s, 6, s + "w")])
        self.discover()
        doc = self.sync("--max-credits", "5", "--concurrency", "1")
        self.assertEqual(doc["tiers"]["hot"]["synced"], 3)  # 60 % of 5 = 3 one-credit calls
        self.assertEqual(doc["tiers"]["warm"]["synced"], 1)  # 30 % = 1
        self.assertEqual(doc["credits_used"], 4)
        # The reserve guard: remaining 100000 - 4; a reserve above it trips at once: exit 5.
        doc = self.sync("--tier", "warm", "--reserve", "99999", code=5)
        self.assertTrue(doc["budget_tripped"])
        self.assertEqual(doc["synced"], 0)

    def test_table_output_and_list_filters(self):
        self.fake.set_events("au", "soccer_epl", [event("e1", 1), event("e2", 30)])
        self.discover()
        out = self.run_cli("sync", "--tier", "hot", "--markets", "h2h", env=ENV, check=0).stdout
        self.assertIn("selected", out)
        self.assertIn("hot", out)
        out = self.run_cli("sync", "list", "--tier", "cold", env=ENV, check=0).stdout
        self.assertIn("e2", out)
        self.assertNotIn("e1", out)
        self.assertEqual(len(self.run_json("sync", "list", "--due", env=ENV)["events"]), 1)


class SlowSyncTest(E2ETest):
    fake_latency_ms = 400

    def test_deadline_stops_in_time_and_loses_nothing(self):
        self.fake.add_key(KEY, remaining=100000)
        self.fake.set_events("au", "soccer_epl", [event("e%02d" % i, 1) for i in range(40)])
        self.run_json("sync", "--discover", "--regions", "au", env=ENV)
        self.fake.set_latency(0)
        self.fake.add_fault("latency", path="/odds", ms=400)
        start = time.monotonic()
        doc = self.run_json("sync", "--tier", "hot", "--markets", "h2h", "--batch-size", "5",
                            "--concurrency", "1", "--deadline", "1s", env=ENV)
        elapsed = time.monotonic() - start
        self.assertLess(elapsed, 20)  # generous: the point is "stops", not speed
        self.assertTrue(doc["deadline_hit"])
        self.assertGreater(doc["skipped_deadline"], 0)
        self.assertEqual(doc["synced"] + doc["skipped_deadline"] + doc["failed"], 40)
        stored = self.sql("SELECT COUNT(*) AS n FROM snapshots")[0]["n"]
        self.assertEqual(stored, doc["synced"])  # everything fetched was committed
        # The next run picks up exactly what was left.
        left = doc["skipped_deadline"] + doc["failed"]
        self.fake.clear_faults()
        doc2 = self.run_json("sync", "--tier", "hot", "--markets", "h2h", env=ENV)
        self.assertEqual(doc2["synced"], left)

    def test_overlapping_runs_do_not_do_the_same_work(self):
        self.fake.add_key(KEY, remaining=100000)
        self.fake.set_events("au", "soccer_epl", [event("e%02d" % i, 1) for i in range(10)])
        self.run_json("sync", "--discover", "--regions", "au", env=ENV)
        self.fake.set_latency(0)
        self.fake.add_fault("latency", path="/odds", ms=3000)
        env = dict(self.env, **ENV)
        first = subprocess.Popen([BIN, "sync", "--tier", "hot", "--markets", "h2h", "--json"], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            # Wait (bounded) until the first run holds its lease, then start the second.
            for _ in range(200):
                if self.sql("SELECT name FROM leases WHERE name = 'sync:au:hot'"):
                    break
                time.sleep(0.05)
            doc = self.run_json("sync", "--tier", "hot", "--markets", "h2h", env=ENV)
            self.assertEqual(doc["selected"], 0)
            self.assertTrue(doc["skipped_leases"] and "sync:au:hot" in doc["skipped_leases"][0], doc)
        finally:
            out, err = first.communicate(timeout=60)
        self.assertEqual(first.returncode, 0, err)
        self.assertEqual(json.loads(out)["synced"], 10)
        self.assertEqual(len([c for c in self.fake.calls if c["path"].endswith("/odds")]), 1)


if __name__ == "__main__":
    main()
