"""The binary against a hostile or broken API (tests/fake_odds_api.py faults): error objects
sent with a 200, absurd credit headers, a body that stalls after its headers, a gzip bomb,
raw garbage bytes, a base URL that cannot work, and the client's debug log."""

import json
import os
import resource
import sqlite3
import subprocess
import time

from harness import BIN, E2ETest, main, make_bookmaker, make_event

KEY = "test-key-au-hostile-0000beef"
KEY_ENV = {"ODDS_API_KEY_AU": KEY}
SPORT = "basketball_nbl"


def nbl_event(eid="ev1"):
    return make_event(eid, "Sydney Kings", "Perth Wildcats", sport_key=SPORT, bookmakers=[
        make_bookmaker("neds", "Sydney Kings", "Perth Wildcats", h2h=(2.10, 1.80)),
        make_bookmaker("tab", "Sydney Kings", "Perth Wildcats", h2h=(1.70, 2.05)),
    ])


class HostileApiTest(E2ETest):
    def setUp(self):
        super().setUp()
        self.fake.add_key(KEY, remaining=1000)
        self.fake.set_events("au", SPORT, [nbl_event()])
        self.fake.set_events("au", "basketball_nba", [nbl_event("ev2")])

    def run_raw(self, *args, env=None, timeout=60):
        """Runs the binary with bytes for stdout/stderr (text=True would hide raw bytes) and
        returns (exit code, stdout, stderr, rusage of the child)."""
        full = dict(self.env, **KEY_ENV)
        full.update(env or {})
        proc = subprocess.Popen([BIN] + [str(a) for a in args], env=full, cwd=self.tmp,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = proc.communicate(timeout=timeout)
        # RUSAGE_CHILDREN's ru_maxrss is the largest of the reaped children: here only ever
        # oddsctl runs (the fake is a thread of this process).
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return proc.returncode, out, err, usage

    def odds_calls(self):
        return [c for c in self.fake.calls if c["path"].endswith("/odds")]

    def assert_clean_text(self, data, what):
        """Valid UTF-8 with no control bytes but newlines: what a terminal or a log can take."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.fail("%s is not UTF-8 (%s): %r" % (what, exc, data[-400:]))
        bad = [c for c in text if (ord(c) < 0x20 and c != "\n") or ord(c) == 0x7F or 0x80 <= ord(c) <= 0x9F
               or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"]
        self.assertEqual(bad, [], "%s holds control characters: %r" % (what, text[-400:]))
        return text

    def test_a_200_error_object_is_out_of_credits_and_stops_the_region(self):
        self.fake.add_fault("status", status=200, path="/odds", error_code="OUT_OF_USAGE_CREDITS",
                            message="Usage quota has been reached")
        code, out, err, _ = self.run_raw("scan", "--regions", "au", "--sports", SPORT + ",basketball_nba",
                                         "--concurrency", "1", "--json")
        self.assertIn(code, (1, 3), err)
        text = err.decode()
        self.assertIn("OUT_OF_USAGE_CREDITS", text)
        self.assertIn("Usage quota has been reached", text)
        self.assertNotIn("expected an array", text)
        self.assertEqual(len(self.odds_calls()), 1)  # no retry, and the next sport is not tried
        self.assertNotIn(KEY, text + out.decode())

    def test_absurd_credit_headers_are_unknown_not_negative(self):
        self.fake.add_fault("credit_values", used="99999999999999999999", remaining="18446744073709551616",
                            last="-3")
        code, out, err, _ = self.run_raw("scan", "--regions", "au", "--sports", SPORT, "--json")
        self.assertEqual(code, 0, err)
        rows = self.sql("SELECT used, remaining, last FROM ledger WHERE endpoint = 'odds'")
        self.assertEqual(len(rows), 1)
        for name in ("used", "remaining", "last"):
            self.assertIsNone(rows[0][name], rows[0])
        doc = json.loads(out)
        self.assertNotEqual(doc["regions"][0]["credits_remaining"], -9223372036854775808)

    def test_a_body_that_stalls_after_its_headers_is_a_timeout(self):
        self.fake.add_fault("stall_body", path="/odds", seconds=30)
        t0 = time.monotonic()
        code, out, err, _ = self.run_raw("scan", "--regions", "au", "--sports", SPORT, "--timeout", "1s",
                                         "--json", timeout=60)
        elapsed = time.monotonic() - t0
        self.assertEqual(code, 1, err)
        self.assertLess(elapsed, 20)  # 4 attempts of 1 s plus backoff, not the 30 s stall
        region = json.loads(out)["regions"][0]
        self.assertEqual(region["status"], "failed")
        self.assertIn("no complete answer within 1s", region["error"])
        self.assertGreater(len(self.odds_calls()), 1)  # retried like any timeout
        rows = self.sql("SELECT http_status, last FROM ledger WHERE endpoint = 'odds'")
        self.assertTrue(rows)
        self.assertEqual({r["http_status"] for r in rows}, {0})  # never a 200 for a call that did not finish

    def test_a_gzip_bomb_fails_fast_with_bounded_memory(self):
        self.fake.add_fault("gzip_bomb", path="/odds", inflated_mb=200)
        t0 = time.monotonic()
        code, out, err, usage = self.run_raw("scan", "--regions", "au", "--sports", SPORT, "--json", timeout=120)
        elapsed = time.monotonic() - t0
        self.assertEqual(code, 1, err)
        self.assertLess(elapsed, 30)  # the fake builds the bomb on first use (a few seconds)
        region = json.loads(out)["regions"][0]
        self.assertIn("response larger than 64 MiB", region["error"])
        self.assertEqual(len(self.odds_calls()), 1)  # not retried
        # ru_maxrss is in KiB on Linux: far below the 200 MiB the body inflates to. Under
        # AddressSanitizer the peak is its quarantine and shadow memory, not the client's.
        if not os.environ.get("ODDSCTL_SANITIZED"):
            self.assertLess(usage.ru_maxrss, 150 * 1024, "peak RSS %d KiB" % usage.ru_maxrss)

    def test_garbage_bytes_never_reach_stderr_or_the_store_raw(self):
        garbage = bytes([0xFF, 0xFE, 0x1B]) + b"[31m" + bytes([0x00, 0x0A, 0xC3, 0x28, 0xE2, 0x80, 0xAE]) + b"<html>"
        self.fake.add_fault("bad_json", path="/odds", body_hex=garbage.hex())
        code, out, err, _ = self.run_raw("scan", "--regions", "au", "--sports", SPORT, "--json")
        self.assertEqual(code, 1, err)
        self.assert_clean_text(err, "stderr")
        doc = json.loads(self.assert_clean_text(out, "stdout"))
        self.assert_clean_text(doc["regions"][0]["error"].encode(), "the JSON error")
        conn = sqlite3.connect("file:%s?mode=ro" % self.db_path, uri=True)
        conn.text_factory = bytes
        try:
            errors = [r[0] for r in conn.execute("SELECT error FROM scans WHERE error IS NOT NULL")]
        finally:
            conn.close()
        self.assertTrue(errors)
        for e in errors:
            self.assert_clean_text(e, "the stored error")

    def test_a_base_url_that_cannot_work_is_a_usage_error_without_requests(self):
        for url in ("ftp://127.0.0.1:21", "file:///etc/passwd", "http://127.0.0.1:99999"):
            code, out, err, _ = self.run_raw("scan", "--regions", "au", "--sports", SPORT,
                                             env={"ODDS_API_BASE_URL": url})
            self.assertEqual(code, 2, (url, err))
            self.assertNotIn(b"attempts", err)
        self.assertEqual(self.fake.calls, [])

    def test_debug_log_has_one_line_per_request_and_never_the_key(self):
        self.fake.add_fault("status", status=503, times=1, path="/odds")
        code, out, err, _ = self.run_raw("scan", "--regions", "au", "--sports", SPORT, "--log-level", "debug",
                                         "--json")
        self.assertEqual(code, 0, err)
        text = err.decode()
        lines = [l for l in text.splitlines() if "api: GET /v4/sports/%s/odds" % SPORT in l]
        self.assertEqual(len(lines), 2, text)
        self.assertIn("status=503 attempt=1", lines[0])
        self.assertIn("status=200 attempt=2", lines[1])
        self.assertIn("credits=3", lines[1])  # x-requests-last: 3 markets x 1 region
        self.assertRegex(text, r"retry 1/\d+ in \d+ ms: 503")
        self.assertNotIn(KEY, text)
        self.assertNotIn("apiKey", text)
        self.assertEqual(out.decode().count("api: GET"), 0)  # logs never go to stdout


if __name__ == "__main__":
    main()
