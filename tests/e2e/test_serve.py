"""oddsctl serve end to end: every endpoint over real HTTP (http.client), its status codes,
bodies equal to the matching commands' --json, ETag/304, the bearer token, the 409/429
guards, request limits, CORS, secrets, SIGTERM, and worker mode's --listen.
"""

import json
import re
import signal
import sqlite3
import threading
import time
from datetime import timedelta

from harness import E2ETest, main, utcnow, iso
from serve_util import ServeProcess, stable
from test_cache import KEYS, KEY_ENV, arb_event, insert_scan, opp_row, ms

TOKEN = "serve-token-0123456789abcdef-secret"
AUTH = {"Authorization": "Bearer " + TOKEN}


def value_opp(region, event_id, ev):
    return {"region": region, "sport_key": "soccer_epl", "sport_title": "EPL", "event_id": event_id,
            "home_team": "VH " + event_id, "away_team": "VA " + event_id,
            "commence_time": iso(utcnow() + timedelta(days=1)), "market": "h2h", "point": None,
            "legs": [], "kind": "value", "flags": ["thin"], "bookmaker": "neds", "outcome": "VH " + event_id,
            "price": 2.2, "effective_price": 2.2, "p_fair": 0.5, "fair_price": 2.0, "ev_pct": ev,
            "devig": "power", "reference": ["pinnacle"], "reference_hold_pct": 2.0, "age_s": 10.0,
            "profit_pct": ev}  # the store's ranking column (a value bet prints no profit_pct)


def drop(doc, keys):
    if isinstance(doc, dict):
        return {k: drop(v, keys) for k, v in doc.items() if k not in keys}
    if isinstance(doc, list):
        return [drop(v, keys) for v in doc]
    return doc


class ServeCase(E2ETest):
    def setUp(self):
        super().setUp()
        for k in KEYS.values():
            self.fake.add_key(k, remaining=10000)
        self.fake.set_events("au", "basketball_nbl", [arb_event("a1"), arb_event("a2")])
        self.fake.set_events("uk", "basketball_nbl", [arb_event("u1")])

    def scan(self, regions="au,uk"):
        return self.run_json("scan", "--regions", regions, "--sports", "basketball_nbl", env=KEY_ENV)

    def serve(self, *args, env=None, **kw):
        full = dict(KEY_ENV)
        full.update(env or {})
        return ServeProcess(self, *args, env=full, **kw)


class ReadEndpointsTest(ServeCase):
    def test_healthz_and_readyz(self):
        self.scan()
        s = self.serve("--regions", "au,uk")
        doc, _ = s.get_json("/healthz")
        self.assertEqual(doc, {"status": "ok"})
        doc, _ = s.get_json("/readyz")
        self.assertEqual(doc["status"], "ready")
        self.assertEqual(doc["stale"], [])
        # A served region without a fresh result: 503 naming it.
        s2 = self.serve("--regions", "au,uk,us")
        doc, _ = s2.get_json("/readyz", status=503)
        self.assertEqual(doc["stale"], ["us"])
        # An old result is stale too.
        insert_scan(self.db_path, "old-eu", "eu", utcnow() - timedelta(hours=2))
        s3 = self.serve("--regions", "au,eu", "--max-age", "30m")
        doc, _ = s3.get_json("/readyz", status=503)
        self.assertEqual(doc["stale"], ["eu"])

    def test_scans_latest_equals_cache_get(self):
        self.scan()
        s = self.serve()
        for query, region in (("?region=au,uk", "au,uk"), ("?region=au", "au"), ("", "all")):
            doc, hdrs = s.get_json("/v1/scans/latest" + query)
            self.assertTrue(hdrs["content-type"].startswith("application/json"))
            cli = self.run_json("cache", "get", "--region", region)
            self.assertEqual(stable(doc), stable(cli), query)
        # ?source= and the filters of cache get.
        doc, _ = s.get_json("/v1/scans/latest?region=au&min_profit=99")
        self.assertEqual(doc["opportunities"], [])
        self.assertEqual(stable(doc), stable(self.run_json("cache", "get", "--region", "au", "--min-profit", "99")))
        doc, _ = s.get_json("/v1/scans/latest?region=au&source=demo", status=404)
        self.assertEqual(doc["error"]["exit_code"], 4)

    def test_scans_latest_serves_the_stored_texts_as_cache_get_json_does(self):
        # Serve hands the stored opportunity texts over unparsed, as `cache get --json` does:
        # the bodies are the same bytes but for the time of asking. A stored text with a
        # field this oddsctl does not know (a newer writer's) shows which path ran: parsing
        # and writing it again would drop the field.
        self.scan()
        conn = sqlite3.connect(self.db_path)
        with conn:
            conn.execute("UPDATE opportunities SET json = substr(json, 1, length(json) - 1) || "
                         "',\"zz_newer_field\":1}' WHERE event_id = 'a1'")
            # The edit marks the row for reading whole (a trigger); a newer writer's row is text.
            conn.execute("UPDATE opportunities SET text_form = 1 WHERE event_id = 'a1'")
        conn.close()
        s = self.serve()
        times = re.compile(r'"(generated_at|[a-z_]*age_s)":("[^"]*"|[-0-9.e+]+|null)')
        for query, region in (("?region=au,uk", "au,uk"), ("?region=au&min_profit=0.5", "au")):
            code, _, body = s.request("GET", "/v1/scans/latest" + query)
            self.assertEqual(code, 200, body)
            args = ["cache", "get", "--region", region, "--json"] + (["--min-profit", "0.5"] if "min" in query else [])
            cli = self.run_cli(*args, env=KEY_ENV, check=0).stdout
            self.assertIn('"zz_newer_field":1', body)
            self.assertEqual(times.sub("", body), times.sub("", cli.rstrip("\n")), query)

    def test_scans_latest_404_and_400(self):
        self.scan("au")
        s = self.serve()
        doc, _ = s.get_json("/v1/scans/latest?region=us", status=404)
        self.assertIn("us", doc["error"]["message"])
        self.assertEqual(doc["error"]["exit_code"], 4)
        doc, _ = s.get_json("/v1/scans/latest?region=mars", status=400)
        self.assertEqual(doc["error"]["exit_code"], 2)
        doc, _ = s.get_json("/v1/scans/latest?source=nope", status=400)
        doc, _ = s.get_json("/v1/nothing", status=404)
        code, hdrs, _ = s.request("POST", "/v1/scans/latest")
        self.assertEqual(code, 405)
        self.assertIn("GET", hdrs["allow"])

    def test_etag_and_304(self):
        self.scan()
        s = self.serve()
        for path in ("/v1/scans/latest?region=au", "/v1/opportunities", "/v1/stats", "/v1/budget", "/"):
            code, hdrs, body = s.request("GET", path)
            self.assertEqual(code, 200, path)
            etag = hdrs["etag"]
            self.assertTrue(etag.startswith('W/"'), etag)
            code, hdrs2, body2 = s.request("GET", path, {"If-None-Match": etag})
            self.assertEqual(code, 304, path)
            self.assertEqual(body2, "")
            self.assertEqual(hdrs2["etag"], etag)
            code, _, _ = s.request("GET", path, {"If-None-Match": '"other", ' + etag})
            self.assertEqual(code, 304, path)
        code, hdrs, _ = s.request("GET", "/v1/scans/latest?region=au")
        etag = hdrs["etag"]
        self.scan("au")  # a new result: a new ETag, a 200
        code, hdrs, body = s.request("GET", "/v1/scans/latest?region=au", {"If-None-Match": etag})
        self.assertEqual(code, 200)
        self.assertNotEqual(hdrs["etag"], etag)
        self.assertEqual(json.loads(body)["regions"][0]["scan_id"], self.run_json("cache", "get", "--region", "au")["regions"][0]["scan_id"])

    def test_opportunities_filters(self):
        self.run_cli("cleanup", "--dry-run", check=0)  # a writer makes the store
        now = utcnow() - timedelta(minutes=1)
        arb = opp_row("au", "e-arb", market="h2h", profit=2.0)          # no "kind": an arbitrage
        spread = opp_row("au", "e-spread", market="spreads", profit=1.0)
        spread["kind"], spread["flags"] = "arb", []
        low = opp_row("au", "e-low", market="totals", profit=-1.0)
        low["kind"], low["flags"], low["hold_pct"] = "lowhold", [], 1.0
        val = value_opp("au", "e-val", 3.0)
        insert_scan(self.db_path, "s-au", "au", now, opps=[arb, spread, low, val])
        insert_scan(self.db_path, "s-uk", "uk", now, opps=[opp_row("uk", "e-uk", profit=0.5)])
        s = self.serve()

        def events(query):
            doc, _ = s.get_json("/v1/opportunities" + query)
            self.assertEqual(list(doc.keys()), ["opportunities"])
            return [o["event_id"] for o in doc["opportunities"]]

        self.assertEqual(sorted(events("")), ["e-arb", "e-low", "e-spread", "e-uk", "e-val"])
        self.assertEqual(sorted(events("?region=uk")), ["e-uk"])
        self.assertEqual(sorted(events("?kind=arb")), ["e-arb", "e-spread", "e-uk"])
        self.assertEqual(events("?kind=value"), ["e-val"])
        self.assertEqual(sorted(events("?kind=value,lowhold")), ["e-low", "e-val"])
        # min_profit: profit_pct for arbitrage and low hold, ev_pct for value bets.
        self.assertEqual(sorted(events("?min_profit=1.5")), ["e-arb", "e-val"])
        self.assertEqual(events("?min_profit=2.5"), ["e-val"])
        self.assertEqual(events("?market=spreads"), ["e-spread"])
        self.assertEqual(events("?region=au&kind=arb&market=h2h&min_profit=1"), ["e-arb"])
        doc, _ = s.get_json("/v1/opportunities?kind=sure", status=400)
        doc, _ = s.get_json("/v1/opportunities?min_profit=lots", status=400)
        # The same opportunity documents as cache get --json.
        doc, _ = s.get_json("/v1/opportunities?region=au,uk")
        cli = self.run_json("cache", "get", "--region", "au,uk")
        self.assertEqual(stable(doc["opportunities"]), stable(cli["opportunities"]))

    def test_stats_and_budget_equal_commands(self):
        self.scan()
        insert_scan(self.db_path, "f-au", "au", utcnow() - timedelta(minutes=5), status="failed")
        s = self.serve()
        doc, _ = s.get_json("/v1/stats")
        self.assertEqual(stable(doc), stable(self.run_json("cache", "stats")))
        doc, _ = s.get_json("/v1/stats?region=au")
        self.assertEqual(stable(doc), stable(self.run_json("cache", "stats", "--region", "au")))
        doc, _ = s.get_json("/v1/budget")
        self.assertEqual(stable(doc), stable(self.run_json("budget", env=KEY_ENV)))
        self.assertTrue(doc["keys"])
        doc, _ = s.get_json("/v1/budget?region=uk")
        self.assertEqual(stable(doc), stable(self.run_json("budget", "--region", "uk", env=KEY_ENV)))
        for k in doc["keys"]:
            self.assertNotIn(KEYS["uk"], json.dumps(doc))

    def test_metrics(self):
        self.scan()
        insert_scan(self.db_path, "f-au", "au", utcnow() - timedelta(minutes=5), status="failed")
        s = self.serve("--regions", "au,uk")
        s.get_json("/healthz")
        s.get_json("/v1/nothing", status=404)
        code, hdrs, text = s.request("GET", "/metrics")
        self.assertEqual(code, 200)
        self.assertTrue(hdrs["content-type"].startswith("text/plain"))
        for needle in ('oddsctl_up 1', 'oddsctl_scans{region="au",status="ok",source="live"} 1',
                       'oddsctl_scans{region="au",status="failed",source="live"} 1',
                       'oddsctl_scans{region="uk",status="ok",source="live"} 1',
                       'oddsctl_scan_duration_seconds_bucket{region="au",le="+Inf"} 2',
                       'oddsctl_scan_duration_seconds_count{region="au"} 2',
                       'oddsctl_last_success_timestamp_seconds{region="au",source="live"}',
                       'oddsctl_cache_age_seconds{region="uk",source="live"}',
                       'oddsctl_cache_fresh{region="au",source="live"} 1',
                       'oddsctl_opportunities{region="au",kind="arb"} 2',
                       'oddsctl_opportunities{region="uk",kind="arb"} 1',
                       'oddsctl_credits_remaining{key="%s",region="au"}' % KEYS["au"][-4:],
                       'oddsctl_credits_spent{key="%s",region="au",window="24h"}' % KEYS["au"][-4:],
                       'oddsctl_http_requests_total{code="200"}', 'oddsctl_http_requests_total{code="404"} 1',
                       'oddsctl_api_requests_24h{region="au",status="200"}',
                       '# TYPE oddsctl_scan_duration_seconds histogram'):
            self.assertIn(needle, text)
        for line in text.splitlines():
            if line and not line.startswith("#"):
                self.assertTrue(line.startswith("oddsctl_"), line)
        for key in KEYS.values():
            self.assertNotIn(key, text)
            self.assertNotIn(key[:-4], text)

    def test_dashboard_page_is_self_contained(self):
        s = self.serve()
        code, hdrs, body = s.request("GET", "/")
        self.assertEqual(code, 200)
        self.assertTrue(hdrs["content-type"].startswith("text/html"))
        self.assertIn("default-src 'none'", hdrs["content-security-policy"])
        self.assertIn("<title>oddsctl</title>", body)
        for remote in ("http://", "https://", "//cdn", "<link"):
            self.assertNotIn(remote, body.replace("http://127", ""))

    def test_store_missing_then_created(self):
        # Read-only: serve never creates the store; it says so until a scan makes one.
        s = self.serve("--regions", "au")
        doc, _ = s.get_json("/readyz", status=503)
        self.assertEqual(doc["status"], "unavailable")
        doc, _ = s.get_json("/v1/scans/latest", status=503)
        self.assertIn("error", doc)
        self.assertFalse(__import__("os").path.exists(self.db_path))
        code, _, text = s.request("GET", "/metrics")
        self.assertEqual(code, 200)
        self.assertIn("oddsctl_up 0", text)
        self.scan("au")
        doc, _ = s.get_json("/readyz")
        self.assertEqual(doc["status"], "ready")

    def test_concurrent_clients(self):
        self.scan()
        s = self.serve("--threads", "4")
        errors = []

        def client():
            for _ in range(15):
                try:
                    code, _, body = s.request("GET", "/v1/scans/latest?region=au,uk")
                    if code != 200 or not json.loads(body)["regions"]:
                        errors.append(code)
                except Exception as e:  # noqa: BLE001 - any failure counts
                    errors.append(repr(e))

        threads = [threading.Thread(target=client) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(errors, [])


class SafetyTest(ServeCase):
    def test_triggers_absent_without_token(self):
        self.scan()
        s = self.serve(env={"ODDSCTL_SERVE_TOKEN": None})
        code, _, body = s.request("POST", "/v1/scan/au", AUTH)
        self.assertEqual(code, 404)
        code, _, _ = s.request("POST", "/v1/sync/event/a1", AUTH)
        self.assertEqual(code, 404)
        self.assertNotIn("triggers enabled", "".join(s.stdout_lines))

    def test_limits(self):
        self.scan()
        s = self.serve("--max-body", "1024", env={"ODDSCTL_SERVE_TOKEN": TOKEN})
        code, _, body = s.request("POST", "/v1/scan/au", dict(AUTH, **{"Content-Type": "application/json"}),
                                  body="x" * 5000)
        self.assertEqual(code, 413)
        self.assertIn("error", json.loads(body))
        code, _, _ = s.request("GET", "/healthz", {"X-Big": "a" * 10000})
        self.assertIn(code, (400, 431))
        many = {"X-H%03d" % i: "b" * 200 for i in range(95)}
        code, _, body = s.request("GET", "/healthz", many)
        self.assertEqual(code, 431)
        code, _, _ = s.request("GET", "/v1/scans/latest?region=" + "a" * 10000)
        self.assertIn(code, (400, 414))
        # Still serving after all that.
        doc, _ = s.get_json("/healthz")
        self.assertEqual(doc["status"], "ok")

    def test_cors_off_unless_asked(self):
        self.scan()
        s = self.serve()
        _, hdrs, _ = s.request("GET", "/healthz", {"Origin": "https://evil.example"})
        self.assertNotIn("access-control-allow-origin", hdrs)
        s2 = self.serve("--cors", "https://dash.example")
        _, hdrs, _ = s2.request("GET", "/v1/stats", {"Origin": "https://dash.example"})
        self.assertEqual(hdrs["access-control-allow-origin"], "https://dash.example")
        code, hdrs, _ = s2.request("OPTIONS", "/v1/scan/au", {"Origin": "https://dash.example",
                                                              "Access-Control-Request-Method": "POST"})
        self.assertEqual(code, 204)
        self.assertIn("Authorization", hdrs["access-control-allow-headers"])

    def test_loopback_by_default_and_bad_listen(self):
        proc = self.run_cli("serve", "--listen", "nonsense")
        self.assertEqual(proc.returncode, 2, self.describe(proc))
        self.assertIn("--listen", proc.stderr)
        proc = self.run_cli("serve", "--listen", "127.0.0.1:99999")
        self.assertEqual(proc.returncode, 2, self.describe(proc))
        proc = self.run_cli("serve", "--help")
        self.assertIn("127.0.0.1:8080", proc.stdout)
        proc = self.run_cli("serve", "--token", "x")
        self.assertEqual(proc.returncode, 2)  # the token is never a flag

    def test_port_in_use_is_an_error(self):
        s = self.serve()
        proc = self.run_cli("serve", "--listen", "127.0.0.1:%d" % s.port)
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        self.assertIn("127.0.0.1:%d" % s.port, proc.stderr)

    def test_no_secret_in_any_response_or_log(self):
        self.scan()
        s = self.serve("-vv", env={"ODDSCTL_SERVE_TOKEN": TOKEN})
        bodies = []
        for path in ("/", "/healthz", "/readyz", "/v1/scans/latest", "/v1/opportunities", "/v1/stats",
                     "/v1/budget", "/metrics"):
            code, hdrs, body = s.request("GET", path, AUTH)
            bodies.append(body + json.dumps(hdrs))
        code, hdrs, body = s.request("POST", "/v1/scan/au", AUTH)
        self.assertEqual(code, 200, body)
        bodies.append(body + json.dumps(hdrs))
        code, hdrs, body = s.request("POST", "/v1/scan/au", {"Authorization": "Bearer wrong"})
        bodies.append(body + json.dumps(hdrs))
        s.terminate()
        logs = s.stderr() + "".join(s.stdout_lines)
        for text in bodies + [logs]:
            self.assertNotIn(TOKEN, text)
            for key in KEYS.values():
                self.assertNotIn(key, text)

    def test_sigterm_stops_cleanly(self):
        self.scan()
        s = self.serve("--grace", "5s")
        s.get_json("/healthz")
        self.assertEqual(s.terminate(signal.SIGTERM), 0)
        self.assertIn("stopping", s.stderr())

    def test_short_token_refused(self):
        proc = self.run_cli("serve", "--listen", "127.0.0.1:0", env={"ODDSCTL_SERVE_TOKEN": "short"})
        self.assertEqual(proc.returncode, 2, self.describe(proc))
        self.assertNotIn("short", proc.stderr.replace("ODDSCTL_SERVE_TOKEN", ""))


class TriggerTest(ServeCase):
    def serve_with_token(self, *args):
        return self.serve("--sports", "basketball_nbl", *args, env={"ODDSCTL_SERVE_TOKEN": TOKEN})

    def test_scan_trigger_auth_and_body(self):
        s = self.serve_with_token()
        code, hdrs, body = s.request("POST", "/v1/scan/au")
        self.assertEqual(code, 401)
        self.assertIn("Bearer", hdrs["www-authenticate"])
        for bad in ("Bearer wrong", "Bearer " + TOKEN[:-1], "Basic " + TOKEN, TOKEN, "Bearer " + TOKEN + "x"):
            code, _, _ = s.request("POST", "/v1/scan/au", {"Authorization": bad})
            self.assertEqual(code, 401, bad)
        code, _, body = s.request("GET", "/v1/scan/au", AUTH)
        self.assertEqual(code, 405)
        code, _, body = s.request("POST", "/v1/scan/mars", AUTH)
        self.assertEqual(code, 404)
        code, _, body = s.request("POST", "/v1/scan/AU", AUTH)
        self.assertEqual(code, 200, body)
        doc = json.loads(body)
        # The scan --json document of a one-region scan.
        self.assertEqual([r["region"] for r in doc["regions"]], ["au"])
        self.assertEqual(doc["regions"][0]["status"], "ok")
        self.assertEqual(len(doc["opportunities"]), 2)
        cli = self.scan("au")
        self.assertEqual(sorted(doc.keys()), sorted(cli.keys()))
        self.assertEqual(sorted(doc["regions"][0].keys()), sorted(cli["regions"][0].keys()))
        history = ("seen_since", "previous_price")  # the CLI scan came second: it has a history
        self.assertEqual(stable(drop(doc["opportunities"], history)), stable(drop(cli["opportunities"], history)))
        # Stored: what cache get serves now is the triggered scan's (or the later CLI one's).
        rows = self.sql("SELECT command FROM scans WHERE region='au' ORDER BY started_at")
        self.assertEqual(rows[0]["command"], "serve")

    def test_scan_trigger_409_while_lease_held(self):
        self.scan("au")
        conn = sqlite3.connect(self.db_path, timeout=30)
        now = utcnow()
        conn.execute("INSERT OR REPLACE INTO leases (name, owner, acquired_at, expires_at) VALUES (?,?,?,?)",
                     ("scan:au", "otherhost:4242", ms(now), ms(now + timedelta(minutes=5))))
        conn.commit()
        conn.close()
        s = self.serve_with_token()
        code, _, body = s.request("POST", "/v1/scan/au", AUTH)
        self.assertEqual(code, 409, body)
        doc = json.loads(body)
        self.assertEqual(doc["regions"][0]["status"], "skipped")
        self.assertEqual(doc["error"]["status"], 409)
        # Another region is not held.
        code, _, body = s.request("POST", "/v1/scan/uk", AUTH)
        self.assertEqual(code, 200, body)

    def test_scan_trigger_409_while_running_here(self):
        s = self.serve_with_token()
        self.fake.set_latency(3000)  # every call of the first scan is slow
        results = []

        def trigger():
            results.append(s.request("POST", "/v1/scan/au", AUTH)[0])

        first = threading.Thread(target=trigger)
        first.start()
        time.sleep(0.5)  # the second asks while the first waits for its first answer
        trigger()
        first.join(60)
        self.assertEqual(sorted(results), [200, 409])

    def test_sync_trigger_guard(self):
        self.run_json("sync", "--discover", "--regions", "au", "--sports", "basketball_nbl", env=KEY_ENV)
        s = self.serve_with_token()
        code, _, _ = s.request("POST", "/v1/sync/event/a1")
        self.assertEqual(code, 401)
        code, _, body = s.request("POST", "/v1/sync/event/nope", AUTH)
        self.assertEqual(code, 404, body)
        code, _, body = s.request("POST", "/v1/sync/event/a1", AUTH)
        self.assertEqual(code, 200, body)
        doc = json.loads(body)
        self.assertEqual(doc["synced"], 1)
        for field in ("tier", "selected", "synced", "changed", "unchanged", "failed", "requests", "credits_used",
                      "duration_ms", "failures"):
            self.assertIn(field, doc)
        # Again at once: inside sync.min_interval (10s by default).
        code, hdrs, body = s.request("POST", "/v1/sync/event/a1", AUTH)
        self.assertEqual(code, 429, body)
        retry = int(hdrs["retry-after"])
        self.assertTrue(1 <= retry <= 10, retry)
        # Another event is not held back by it.
        code, _, body = s.request("POST", "/v1/sync/event/a2", AUTH)
        self.assertEqual(code, 200, body)


class WorkerListenTest(ServeCase):
    def test_scan_every_listen(self):
        s = ServeProcess(self, "--regions", "au", "--sports", "basketball_nbl", "--every", "2s",
                         "--listen", "127.0.0.1:0", env=KEY_ENV, command=("scan",), listen_flag=False,
                         address_from="stderr")
        s.wait_for_stderr_address(self)
        doc, _ = s.get_json("/healthz")
        self.assertEqual(doc["status"], "ok")
        for _ in range(300):  # until the first cycle stored its result
            code, _, body = s.request("GET", "/readyz")
            if code == 200:
                break
            time.sleep(0.05)
        self.assertEqual(code, 200, body)
        self.assertEqual(json.loads(body)["regions"], ["au"])
        code, _, text = s.request("GET", "/metrics")
        self.assertIn('oddsctl_scans{region="au",status="ok",source="live"}', text)
        # Health only: the results API is `serve`'s.
        code, _, _ = s.request("GET", "/v1/scans/latest")
        self.assertEqual(code, 404)
        self.assertEqual(s.terminate(), 0)

    def test_listen_needs_every(self):
        proc = self.run_cli("scan", "--regions", "au", "--listen", ":9090", env=KEY_ENV)
        self.assertEqual(proc.returncode, 2, self.describe(proc))
        self.assertIn("--every", proc.stderr)


if __name__ == "__main__":
    main()
