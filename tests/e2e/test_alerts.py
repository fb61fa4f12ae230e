"""oddsctl alerts: the real binary, the cache filled by `scan --from-file` (no network), and a
webhook receiver started here on 127.0.0.1 that counts deliveries."""

import json
import os
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import E2ETest, main, make_bookmaker, make_event


class Receiver:
    """A webhook receiver: records each POST body; answers `status` (or 500 for the next
    `fail_next` requests)."""

    def __init__(self):
        self.bodies = []
        self.status = 200
        self.fail_next = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.bodies.append({"path": self.path, "body": json.loads(body),
                                            "content_type": self.headers.get("Content-Type")})
                    status = receiver.status
                    if receiver.fail_next > 0:
                        receiver.fail_next -= 1
                        status = 500
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        # The path carries a "token", as real webhooks do: it must never be printed.
        self.url = "http://127.0.0.1:%d/hooks/s3cr3t-token" % self.server.server_address[1]

    def keys(self):
        with self.lock:
            return [b["body"]["alert_key"] for b in self.bodies]

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def arb_event(event_id, price):
    """One h2h arbitrage at (price, price) between two books: profit = (price/2 - 1) * 100."""
    return make_event(event_id, home="Home " + event_id, away="Away " + event_id, sport_key="basketball_nbl",
                      bookmakers=[make_bookmaker("sportsbet", h2h=(price, 1.5)),
                                  make_bookmaker("tab", h2h=(1.5, price))])


class AlertsTest(E2ETest):
    def setUp(self):
        super().setUp()
        self.hook = Receiver()
        self.addCleanup(self.hook.stop)

    # -- helpers ---------------------------------------------------------------------
    def run_cli(self, *args, **kwargs):
        # The cache here is filled by replays: alerts read `--source replay` (live by default).
        if args and args[0] == "alerts" and "--source" not in args:
            args = args + ("--source", "replay")
        # Their two-book worlds are flagged thin (and high_roi): these tests are about delivery.
        if args and args[0] == "alerts" and "--include-flagged" not in args:
            args = args + ("--include-flagged",)
        return super().run_cli(*args, **kwargs)

    def scan(self, events, region="au"):
        """Stores one scan of `events` for `region` (replayed from a file: no network)."""
        path = os.path.join(self.tmp, "odds-%s-%d.json" % (region, time.monotonic_ns()))
        with open(path, "w") as f:
            json.dump(events, f)
        doc = self.run_json("scan", "--from-file", path, "--regions", region)
        self.assertEqual(doc["regions"][0]["status"], "ok")
        return doc

    def alerts(self, *args, code=0):
        return self.run_json("alerts", "--webhook", self.hook.url, *args, code=code)

    def sent(self):
        return {r["key"]: r for r in self.sql("SELECT key, sent_at, profit_pct FROM alerts")}

    def write_sql(self, query, *params):
        conn = sqlite3.connect(self.db_path)
        try:
            conn.execute(query, params)
            conn.commit()
        finally:
            conn.close()

    # -- tests -----------------------------------------------------------------------
    def test_replayed_results_are_not_alerted_unless_asked(self):
        self.scan([arb_event("e1", 2.2)])
        doc = self.alerts("--source", "live")
        self.assertEqual((doc["due"], doc["delivered"]), (0, 0))
        self.assertEqual(doc["regions"][0]["status"], "missing")
        self.assertEqual(self.hook.bodies, [])
        doc = self.alerts()  # --source replay
        self.assertEqual(doc["due"], 1)

    def test_each_key_is_delivered_once(self):
        self.scan([arb_event("e1", 2.04), arb_event("e2", 2.10)])
        doc = self.alerts()
        self.assertEqual((doc["due"], doc["delivered"], doc["failed"]), (2, 2, 0))
        self.assertEqual(self.hook.keys(), ["au:e2:h2h:null", "au:e1:h2h:null"])  # best first
        body = self.hook.bodies[0]
        self.assertEqual(body["content_type"], "application/json")
        payload = body["body"]
        self.assertEqual(payload["reason"], "new")
        self.assertEqual(payload["region"], "au")
        self.assertEqual(payload["market"], "h2h")
        self.assertIsNone(payload["point"])
        self.assertAlmostEqual(payload["profit_pct"], 5.0, places=4)
        self.assertEqual(len(payload["legs"]), 2)
        self.assertEqual(set(self.sent()), {"au:e1:h2h:null", "au:e2:h2h:null"})

        # Again, and after a newer scan with the same prices: nothing new is sent.
        doc = self.alerts()
        self.assertEqual((doc["due"], doc["suppressed"]), (0, 2))
        self.scan([arb_event("e1", 2.04), arb_event("e2", 2.10)])
        self.alerts()
        self.assertEqual(len(self.hook.bodies), 2)

    def test_escalation_resends_within_the_window(self):
        self.scan([arb_event("e1", 2.04)])  # 2 %
        self.alerts()
        self.scan([arb_event("e1", 2.10)])  # 5 %: rose by 3 points
        doc = self.alerts()
        self.assertEqual(doc["alerts"][0]["reason"], "escalation")
        self.assertEqual([b["body"]["reason"] for b in self.hook.bodies], ["new", "escalation"])
        self.assertAlmostEqual(self.sent()["au:e1:h2h:null"]["profit_pct"], 5.0, places=4)
        self.scan([arb_event("e1", 2.11)])  # 5.5 %: half a point over the last alert
        self.assertEqual(self.alerts("--escalation-step", "1")["due"], 0)
        self.assertEqual(self.alerts("--escalation-step", "0.4")["due"], 1)
        self.assertEqual(len(self.hook.bodies), 3)

    def test_a_key_is_sent_again_once_its_window_has_passed(self):
        self.scan([arb_event("e1", 2.04)])
        self.alerts()
        self.assertEqual(self.alerts()["due"], 0)
        two_hours_ago = int(time.time() * 1000) - 2 * 3600 * 1000
        self.write_sql("UPDATE alerts SET sent_at = ?", two_hours_ago)
        self.assertEqual(self.alerts("--window", "3h")["due"], 0)
        doc = self.alerts()  # default window 1h
        self.assertEqual((doc["due"], doc["alerts"][0]["reason"]), (1, "new"))
        self.assertEqual(len(self.hook.bodies), 2)

    def test_a_failed_delivery_is_not_marked_and_is_retried_next_run(self):
        self.scan([arb_event("e1", 2.04)])
        self.hook.status = 500
        proc = self.run_cli("alerts", "--webhook", self.hook.url)
        self.assertEqual(proc.returncode, 1, self.describe(proc))  # every delivery failed
        self.assertIn("HTTP 500", proc.stdout + proc.stderr)
        self.assertNotIn("s3cr3t-token", proc.stdout + proc.stderr)
        self.assertEqual(self.sent(), {})
        self.hook.status = 200
        doc = self.alerts()
        self.assertEqual((doc["delivered"], doc["alerts"][0]["reason"]), (1, "new"))
        self.assertEqual(self.hook.keys(), ["au:e1:h2h:null", "au:e1:h2h:null"])
        self.assertIn("au:e1:h2h:null", self.sent())

    def test_some_failed_exits_3_and_only_those_are_retried(self):
        self.scan([arb_event("e1", 2.04), arb_event("e2", 2.10)])
        self.hook.fail_next = 1  # the first (best: e2) fails
        doc = self.alerts(code=3)
        self.assertEqual((doc["delivered"], doc["failed"]), (1, 1))
        failed = [a for a in doc["alerts"] if not a["delivered"]]
        self.assertEqual(failed[0]["alert_key"], "au:e2:h2h:null")
        self.assertIn("HTTP 500", failed[0]["error"])
        doc = self.alerts()
        self.assertEqual([a["alert_key"] for a in doc["alerts"]], ["au:e2:h2h:null"])
        self.assertEqual(sorted(self.sent()), ["au:e1:h2h:null", "au:e2:h2h:null"])

    def test_unreachable_webhook_fails_without_leaking_its_path(self):
        self.scan([arb_event("e1", 2.04)])
        port = int(self.hook.url.split(":")[2].split("/")[0])
        self.hook.stop()
        proc = self.run_cli("alerts", "--webhook", "http://127.0.0.1:%d/hooks/s3cr3t-token" % port,
                            "--timeout", "5s")
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        self.assertIn("127.0.0.1", proc.stderr)
        self.assertNotIn("s3cr3t-token", proc.stdout + proc.stderr)
        self.assertEqual(self.sent(), {})

    def test_exec_gets_the_alert_on_stdin(self):
        self.scan([arb_event("e1", 2.04), arb_event("e2", 2.10)])
        out = os.path.join(self.tmp, "got.jsonl")
        cmd = 'cat >> "%s" && echo "$ODDSCTL_ALERT_KEY $ODDSCTL_ALERT_REASON" >> "%s.env"' % (out, out)
        proc = self.run_cli("alerts", "--exec", cmd)
        self.assertEqual(proc.returncode, 0, self.describe(proc))
        with open(out) as f:
            lines = [json.loads(line) for line in f]
        self.assertEqual([p["alert_key"] for p in lines], ["au:e2:h2h:null", "au:e1:h2h:null"])
        with open(out + ".env") as f:
            self.assertEqual(f.read().split("\n")[0], "au:e2:h2h:null new")
        self.assertEqual(len(self.sent()), 2)

    def test_exec_failure_is_retried(self):
        self.scan([arb_event("e1", 2.04)])
        proc = self.run_cli("alerts", "--exec", "cat >/dev/null; exit 7", "--json")
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        self.assertIn("exited with status 7", json.loads(proc.stdout)["alerts"][0]["error"])
        self.assertEqual(self.sent(), {})
        proc = self.run_cli("alerts", "--exec", "cat >/dev/null")
        self.assertEqual(proc.returncode, 0, self.describe(proc))
        self.assertEqual(len(self.sent()), 1)

    def test_exec_that_ignores_stdin_and_hangs_is_killed(self):
        self.scan([arb_event("e1", 2.04)])
        proc = self.run_cli("alerts", "--exec", "sleep 30", "--timeout", "1s", "--json", timeout=20)
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        self.assertIn("killed", json.loads(proc.stdout)["alerts"][0]["error"])

    def test_stdout_json_lines_without_a_sink(self):
        self.scan([arb_event("e1", 2.04), arb_event("e2", 2.10)])
        proc = self.run_cli("alerts")
        self.assertEqual(proc.returncode, 0, self.describe(proc))
        lines = [json.loads(line) for line in proc.stdout.splitlines()]
        self.assertEqual([p["alert_key"] for p in lines], ["au:e2:h2h:null", "au:e1:h2h:null"])
        self.assertEqual(self.run_cli("alerts").stdout, "")  # already sent

    def test_dry_run_sends_and_marks_nothing(self):
        self.scan([arb_event("e1", 2.04)])
        doc = self.alerts("--dry-run")
        self.assertTrue(doc["dry_run"])
        self.assertEqual((doc["due"], doc["delivered"]), (1, 0))
        self.assertEqual(doc["alerts"][0]["payload"]["alert_key"], "au:e1:h2h:null")
        proc = self.run_cli("alerts", "--webhook", self.hook.url, "--dry-run")
        self.assertIn("would send", proc.stdout)
        self.assertEqual(self.hook.bodies, [])
        self.assertEqual(self.sent(), {})

    def test_min_profit_regions_and_stale_results(self):
        self.scan([arb_event("e1", 2.04), arb_event("e2", 2.10)], region="au")
        self.scan([arb_event("u1", 2.06)], region="uk")
        doc = self.alerts("--min-profit", "4", "--dry-run")
        self.assertEqual([a["alert_key"] for a in doc["alerts"]], ["au:e2:h2h:null"])
        doc = self.alerts("--regions", "uk", "--dry-run")
        self.assertEqual([a["alert_key"] for a in doc["alerts"]], ["uk:u1:h2h:null"])
        # A cached result older than --max-age (default 15m) is not alerted on.
        self.write_sql("UPDATE scans SET started_at = started_at - 3600000 WHERE region = 'uk'")
        doc = self.alerts("--dry-run")
        self.assertEqual({r["region"]: r["status"] for r in doc["regions"]}, {"au": "ok", "uk": "stale"})
        self.assertNotIn("uk:u1:h2h:null", [a["alert_key"] for a in doc["alerts"]])
        doc = self.alerts("--dry-run", "--max-age", "2h")
        self.assertIn("uk:u1:h2h:null", [a["alert_key"] for a in doc["alerts"]])

    def test_usage_errors_exit_2(self):
        for args in (["--webhook", "http://127.0.0.1:9/x", "--exec", "cat"], ["--window", "soon"],
                     ["--escalation-step", "0"], ["--regions", "mars"]):
            proc = self.run_cli("alerts", *args)
            self.assertEqual(proc.returncode, 2, self.describe(proc))
            self.assertEqual(len(proc.stderr.strip().splitlines()), 1, self.describe(proc))

    def test_a_run_holding_the_lease_blocks_a_second_one(self):
        self.scan([arb_event("e1", 2.04)])
        self.run_cli("alerts", "--dry-run")  # creates nothing; the lease table exists already
        far = int(time.time() * 1000) + 3600 * 1000
        self.write_sql("INSERT INTO leases (name, owner, acquired_at, expires_at) VALUES ('alerts', 'other:1', 0, ?)", far)
        doc = self.alerts()
        self.assertTrue(doc["skipped_busy"])
        self.assertEqual(self.hook.bodies, [])


if __name__ == "__main__":
    main()
