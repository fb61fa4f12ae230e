"""The fake Odds API's own behaviour: charging rules, faults, call log (urllib only)."""

import gzip
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request

from harness import SOURCE_DIR, FakeOddsApi, main, make_bookmaker, make_event

KEY = "test-key-0000abcd"


def epl_events():
    return [
        make_event("e1", "Arsenal", "Chelsea", bookmakers=[
            make_bookmaker("sportsbet", "Arsenal", "Chelsea", h2h=(2.5, 3.0, 3.2), totals=(2.5, 1.9, 1.95)),
            make_bookmaker("neds", "Arsenal", "Chelsea", h2h=(2.4, 3.1, 3.3))]),
        make_event("e2", "Leeds", "Everton", bookmakers=[
            make_bookmaker("sportsbet", "Leeds", "Everton", spreads=(-0.5, 1.9, 1.9))]),
    ]


class FakeApiTest(unittest.TestCase):
    def setUp(self):
        self.fake = FakeOddsApi().start()
        self.addCleanup(self.fake.stop)
        self.fake.add_key(KEY, remaining=20, used=5)
        self.fake.set_events("au", "soccer_epl", epl_events())
        uk = epl_events()[:1]
        uk[0]["bookmakers"] = [make_bookmaker("williamhill", "Arsenal", "Chelsea", h2h=(2.6, 2.9, 3.0))]
        self.fake.set_events("uk", "soccer_epl", uk)

    def get(self, path, key=KEY, headers=None, **params):
        if key is not None:
            params["apiKey"] = key
        query = "&".join("%s=%s" % kv for kv in params.items())
        req = urllib.request.Request(self.fake.url + path + ("?" + query if query else ""),
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers, err.read()

    def get_json(self, path, **kw):
        status, headers, body = self.get(path, **kw)
        return status, headers, json.loads(body)

    def test_odds_charges_markets_times_regions(self):
        status, h, body = self.get_json("/v4/sports/soccer_epl/odds", regions="au", markets="h2h,totals")
        self.assertEqual(status, 200)
        self.assertEqual([e["id"] for e in body], ["e1", "e2"])
        self.assertEqual((h["x-requests-last"], h["x-requests-used"], h["x-requests-remaining"]), ("2", "7", "18"))
        # e2 has no h2h/totals from its only book: the event stays, the book goes.
        self.assertEqual(body[1]["bookmakers"], [])
        self.assertEqual({m["key"] for m in body[0]["bookmakers"][0]["markets"]}, {"h2h", "totals"})
        status, h, body = self.get_json("/v4/sports/soccer_epl/odds", regions="au,uk", markets="h2h")
        self.assertEqual(h["x-requests-last"], "2")
        self.assertEqual({b["key"] for b in body[0]["bookmakers"]}, {"sportsbet", "neds", "williamhill"})
        self.assertEqual(self.fake.charged(KEY), 4)
        self.assertEqual(self.fake.key_state(KEY), {"remaining": 16, "used": 9, "charged": 4})

    def test_nothing_back_costs_nothing_and_free_endpoints(self):
        status, h, body = self.get_json("/v4/sports/soccer_epl/odds", regions="au", markets="h2h", eventIds="nope")
        self.assertEqual((status, body, h["x-requests-last"]), (200, [], "0"))
        self.fake.add_sport("tennis_atp", "ATP", "Tennis", active=False)
        status, h, sports = self.get_json("/v4/sports")
        self.assertEqual([s["key"] for s in sports], ["soccer_epl"])
        _, _, sports = self.get_json("/v4/sports", all="true")
        self.assertEqual(sorted(s["key"] for s in sports), ["soccer_epl", "tennis_atp"])
        status, h, events = self.get_json("/v4/sports/soccer_epl/events")
        self.assertEqual([e["id"] for e in events], ["e1", "e2"])
        self.assertNotIn("bookmakers", events[0])
        self.assertEqual(h["x-requests-last"], "0")
        self.assertEqual(self.fake.charged(KEY), 0)

    def test_key_and_credit_errors(self):
        status, h, body = self.get_json("/v4/sports/soccer_epl/odds", key="wrong", regions="au")
        self.assertEqual((status, body["error_code"]), (401, "INVALID_KEY"))
        self.assertIsNone(h.get("x-requests-remaining"))
        self.fake.add_key("poor", remaining=1)
        status, h, body = self.get_json("/v4/sports/soccer_epl/odds", key="poor", regions="au", markets="h2h,spreads")
        self.assertEqual((status, body["error_code"], h["x-requests-remaining"]), (401, "OUT_OF_USAGE_CREDITS", "1"))
        status, _, body = self.get_json("/v4/sports/nope/odds", regions="au")
        self.assertEqual((status, body["error_code"]), (404, "UNKNOWN_SPORT"))
        status, _, body = self.get_json("/v4/sports/soccer_epl/odds")
        self.assertEqual(status, 422)

    def test_american_and_gzip(self):
        status, _, body = self.get_json("/v4/sports/soccer_epl/odds", regions="au", oddsFormat="american")
        prices = [o["price"] for o in body[0]["bookmakers"][0]["markets"][0]["outcomes"]]
        self.assertEqual(prices, [150, 200, 220])
        status, h, raw = self.get("/v4/sports", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(h["Content-Encoding"], "gzip")
        self.assertEqual(json.loads(gzip.decompress(raw))[0]["key"], "soccer_epl")

    def test_status_fault_times_and_retry_after(self):
        self.fake.add_fault("status", times=2, path="/odds", status=429, retry_after=1)
        for _ in range(2):
            status, h, body = self.get_json("/v4/sports/soccer_epl/odds", regions="au")
            self.assertEqual((status, body["error_code"], h["Retry-After"]), (429, "EXCEEDED_FREQ_LIMIT", "1"))
        status, _, _ = self.get_json("/v4/sports/soccer_epl/odds", regions="au")
        self.assertEqual(status, 200)
        self.assertEqual(self.fake.charged(KEY), 1)
        self.fake.add_fault("status", times=1, status=500, charge=True)
        status, h, _ = self.get_json("/v4/sports/soccer_epl/odds", regions="au")
        self.assertEqual((status, h["x-requests-last"]), (500, "1"))

    def test_fault_filters_region_and_sport(self):
        self.fake.add_fault("status", region="uk", status=503)
        self.fake.add_fault("status", sport="basketball_nba", status=500)
        self.assertEqual(self.get("/v4/sports/soccer_epl/odds", regions="au")[0], 200)
        self.assertEqual(self.get("/v4/sports/soccer_epl/odds", regions="uk")[0], 503)
        self.assertEqual(self.get("/v4/sports/soccer_epl/events")[0], 200)

    def test_broken_bodies_and_connections(self):
        self.fake.add_fault("truncate", times=1)
        with self.assertRaises(http.client.IncompleteRead):
            self.get("/v4/sports/soccer_epl/odds", regions="au")
        self.fake.add_fault("bad_json", times=1)
        status, _, raw = self.get("/v4/sports/soccer_epl/odds", regions="au")
        self.assertEqual(status, 200)
        with self.assertRaises(ValueError):
            json.loads(raw)
        self.fake.add_fault("reset", times=1)
        with self.assertRaises((ConnectionError, http.client.RemoteDisconnected, urllib.error.URLError)):
            self.get("/v4/sports/soccer_epl/odds", regions="au")
        self.fake.add_fault("hang", times=1, seconds=5)
        with self.assertRaises(OSError):  # socket.timeout / TimeoutError
            urllib.request.urlopen(self.fake.url + "/v4/sports?apiKey=" + KEY, timeout=0.3)
        self.fake.add_fault("no_credit_headers", times=1)
        status, h, _ = self.get("/v4/sports/soccer_epl/odds", regions="au")
        self.assertEqual(status, 200)
        self.assertIsNone(h.get("x-requests-used"))
        self.assertEqual(self.get("/v4/sports/soccer_epl/odds", regions="au")[1]["x-requests-last"], "1")

    def test_hostile_faults(self):
        # stall_body: status and headers (charged), half the body, then nothing.
        self.fake.add_fault("stall_body", times=1, seconds=5)
        req = urllib.request.Request(self.fake.url + "/v4/sports/soccer_epl/odds?regions=au&apiKey=" + KEY)
        with urllib.request.urlopen(req, timeout=2) as resp:
            self.assertEqual((resp.status, resp.headers["x-requests-last"]), (200, "1"))
            with self.assertRaises(OSError):  # socket.timeout / TimeoutError
                resp.read()
        self.assertEqual(self.fake.calls[-1]["fault"], "stall_body")
        # gzip_bomb: a small gzip body that inflates to inflated_mb MiB of zeros.
        self.fake.add_fault("gzip_bomb", times=1, inflated_mb=3)
        status, h, raw = self.get("/v4/sports/soccer_epl/odds", regions="au")
        self.assertEqual((status, h["Content-Encoding"]), (200, "gzip"))
        self.assertLess(len(raw), 64 * 1024)
        self.assertEqual(gzip.decompress(raw), bytes(3 << 20))
        # credit_values: the x-requests-* headers say what the fault says.
        self.fake.add_fault("credit_values", times=1, used="99999999999999999999", last="x")
        status, h, _ = self.get("/v4/sports/soccer_epl/odds", regions="au")
        self.assertEqual((h["x-requests-used"], h["x-requests-last"]), ("99999999999999999999", "x"))
        self.assertEqual(h["x-requests-remaining"], str(self.fake.key_state(KEY)["remaining"]))
        # bad_json with raw bytes and a status of its own.
        self.fake.add_fault("bad_json", times=1, status=502, body_hex="ff00fe")
        status, _, raw = self.get("/v4/sports/soccer_epl/odds", regions="au")
        self.assertEqual((status, raw), (502, b"\xff\x00\xfe"))
        # A 200 carrying the API's error object is a status fault with status=200.
        self.fake.add_fault("status", times=1, status=200, error_code="OUT_OF_USAGE_CREDITS")
        status, _, body = self.get_json("/v4/sports/soccer_epl/odds", regions="au")
        self.assertEqual((status, body["error_code"]), (200, "OUT_OF_USAGE_CREDITS"))

    def test_hold_is_visible_until_release(self):
        self.fake.add_fault("hold", path="/odds", seconds=30)
        self.assertEqual(self.fake.held, 0)
        answers = []
        t = threading.Thread(target=lambda: answers.append(
            self.get("/v4/sports/soccer_epl/odds", regions="au")[0]))
        t.start()
        deadline = time.monotonic() + 10
        while self.fake.held == 0 and time.monotonic() < deadline:
            time.sleep(0.01)  # polling interval of a bounded wait
        self.assertEqual(self.fake.held, 1)
        with urllib.request.urlopen(self.fake.url + "/_fake/held") as r:
            self.assertEqual(json.loads(r.read()), {"held": 1})
        self.assertEqual(answers, [])  # still waiting
        self.fake.release()
        t.join(10)
        self.assertEqual(answers, [200])
        self.assertEqual(self.fake.held, 0)

    def test_call_log_hides_the_key(self):
        self.fake.add_fault("latency", times=1, ms=50)
        self.get("/v4/sports/soccer_epl/odds", regions="au", markets="h2h", eventIds="e1,e2")
        self.get("/_fake/calls", key=None)
        calls = self.fake.calls
        self.assertEqual(len(calls), 1)
        c = calls[0]
        self.assertEqual((c["method"], c["path"], c["status"], c["charged"], c["fault"], c["key_hint"]),
                         ("GET", "/v4/sports/soccer_epl/odds", 200, 1, "latency", "abcd"))
        self.assertEqual(c["query"], {"regions": "au", "markets": "h2h", "eventIds": "e1,e2", "key_hint": "abcd"})
        self.assertGreaterEqual(c["ended"] - c["started"], 0.04)
        _, _, over_http = self.get_json("/_fake/calls", key=None)
        self.assertNotIn(KEY, json.dumps(over_http))
        self.assertEqual(over_http[0]["path"], c["path"])


class SubprocessModeTest(unittest.TestCase):
    def test_port_line_control_and_shutdown(self):
        script = os.path.join(SOURCE_DIR, "tests", "fake_odds_api.py")
        proc = subprocess.Popen([sys.executable, script, "--port", "0", "--watch-stdin"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.addCleanup(proc.stdout.close)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        first = proc.stdout.readline().split()
        self.assertEqual(first[0], "PORT")
        url = "http://127.0.0.1:%s" % first[1]

        def post(verb, args):
            req = urllib.request.Request(url + "/_fake/" + verb, data=json.dumps(args).encode(), method="POST")
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    return resp.status, json.loads(resp.read())
            except urllib.error.HTTPError as err:
                return err.code, json.loads(err.read())

        self.assertEqual(post("add_key", {"key": KEY, "remaining": 3}), (200, {"ok": True}))
        self.assertEqual(post("set_events", {"region": "us", "sport_key": "basketball_nba",
                                             "events": [make_event("n1", sport_key="basketball_nba",
                                                                   bookmakers=[make_bookmaker("fanduel", h2h=(1.9, 1.9))])]})[0], 200)
        self.assertEqual(post("add_fault", {"kind": "explode"})[0], 400)
        with urllib.request.urlopen(url + "/v4/sports/basketball_nba/odds?regions=us&apiKey=" + KEY, timeout=10) as r:
            self.assertEqual(r.headers["x-requests-remaining"], "2")
        with urllib.request.urlopen(url + "/_fake/calls", timeout=10) as r:
            self.assertEqual(json.loads(r.read())[0]["charged"], 1)
        self.assertEqual(post("shutdown", {}), (200, {"ok": True}))
        self.assertEqual(proc.wait(timeout=10), 0)

    def test_exits_when_stdin_closes(self):
        script = os.path.join(SOURCE_DIR, "tests", "fake_odds_api.py")
        proc = subprocess.Popen([sys.executable, script, "--watch-stdin"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.addCleanup(proc.stdout.close)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        self.assertTrue(proc.stdout.readline().startswith("PORT "))
        proc.stdin.close()
        self.assertEqual(proc.wait(timeout=10), 0)


if __name__ == "__main__":
    main()
