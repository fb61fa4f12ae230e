"""The fault matrix: hostile upstream modes, a full disk and kills at random points, one after another on
one store, each followed by the same checks. Nothing may be lost (the newest good live result
is still what `cache get` serves), nothing false may be served (only the planted arbitrage, at
its price), and the store stays consistent. Bounded: a fixed list of faults, each run capped
by --deadline and a subprocess timeout. Prints "N faults, 0 lost results, 0 false
opportunities" (or the counts that failed)."""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

from harness import nbl_arb, BIN, E2ETest, main

KEY = "test-key-au-faults-0123456789"
ENV = {"ODDS_API_KEY_AU": KEY}
SPORT = "basketball_nbl"

# (kind, params) of the fake's faults, each applied to the /odds calls of one scan.
HOSTILE = [
    ("status", {"status": 500}),
    ("status", {"status": 429, "retry_after": 0}),
    ("status", {"status": 200, "error_code": "OUT_OF_USAGE_CREDITS", "message": "Usage quota has been reached"}),
    ("status", {"status": 401, "error_code": "INVALID_KEY", "message": "bad key"}),
    ("truncate", {}),
    ("bad_json", {"body": "<html>oops</html>"}),
    ("bad_json", {"body_hex": "ff fe 00 1b 5b 33 31 6d 41"}),
    ("hang", {"seconds": 5}),
    ("stall_body", {"seconds": 5}),
    ("gzip_bomb", {"inflated_mb": 100}),
    ("credit_values", {"remaining": "99999999999999999999", "last": "lots"}),
    ("no_credit_headers", {}),
    ("reset", {}),
]




class FaultMatrixTest(E2ETest):
    def test_faults_lose_nothing_and_serve_nothing_false(self):
        self.fake.add_key(KEY, remaining=1_000_000)
        rng = random.Random(12)
        faults = lost = false = 0
        newest = None       # scan_id of the newest good live result
        truth = {}          # event id -> the home price planted when it was served

        def scan(*extra, timeout=60, env_extra=None):
            return self.run_cli("scan", "--regions", "au", "--sports", SPORT, "--retries", "1",
                                "--timeout", "2s", "--deadline", "8s", "--json", *extra,
                                env=dict(ENV, **(env_extra or {})), timeout=timeout)

        def check(label):
            nonlocal lost, false
            proc = self.run_cli("cache", "get", "--region", "au", "--json", "--max-age", "1h")
            if newest is None:
                return
            doc = json.loads(proc.stdout)
            region = doc["regions"][0]
            if region["scan_id"] != newest or region["source"] != "live":
                lost += 1
                sys.stderr.write("[faults] %s: served %s, newest good live is %s\n" % (label, region["scan_id"], newest))
            for o in doc["opportunities"]:
                leg = [l for l in o["legs"] if l["outcome"] == "Sydney Kings"][0]
                if o["event_id"] not in truth or abs(leg["price"] - truth[o["event_id"]]) > 1e-9:
                    false += 1
                    sys.stderr.write("[faults] %s: false opportunity %s\n" % (label, o))
            chk = self.run_cli("store", "check")
            if chk.returncode != 0:
                lost += 1
                sys.stderr.write("[faults] %s: store check failed: %s\n" % (label, chk.stderr))

        def good_scan(i):
            nonlocal newest
            price = round(2.10 + i / 100, 2)
            eid = "ev-%d" % i
            self.fake.clear_faults()
            self.fake.set_events("au", SPORT, [nbl_arb(eid, price)])
            proc = scan()
            self.assertEqual(proc.returncode, 0, self.describe(proc))
            doc = json.loads(proc.stdout)
            self.assertEqual(doc["regions"][0]["status"], "ok", self.describe(proc))  # not skipped
            newest = doc["scan_id"]
            truth.clear()
            truth[eid] = price
            return eid, price

        good_scan(0)
        check("first good scan")
        for i, (kind, params) in enumerate(HOSTILE, start=1):
            # The data changes under the fault: a result built from it would be a false one.
            self.fake.set_events("au", SPORT, [nbl_arb("poisoned-%d" % i, 2.50)])
            self.fake.add_fault(kind, path="/odds", **params)
            # May fail, partially or wholly: then it must not replace the good result. Faults
            # that still deliver a valid body (odd credit headers) give a good result of it.
            proc = scan()
            faults += 1
            try:
                region = json.loads(proc.stdout)["regions"][0]
            except (ValueError, IndexError, KeyError):
                region = {}
            if proc.returncode == 0 and region.get("good"):
                newest = json.loads(proc.stdout)["scan_id"]
                truth.clear()
                truth["poisoned-%d" % i] = 2.50
            self.fake.clear_faults()
            check("%s %s" % (kind, params))
            if i % 4 == 0:
                good_scan(i)
                check("good scan after faults")

        # A full disk: the store may not grow by a page (the test hook sets max_page_count).
        diskfull_failed = 0
        for d in range(2):
            conn = sqlite3.connect(self.db_path)
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.close()
            self.fake.set_events("au", SPORT, [nbl_arb("diskfull-%d" % d, 2.45)])
            proc = scan(env_extra={"ODDSCTL_TEST_SQLITE_MAX_PAGES": str(pages)})
            faults += 1
            if proc.returncode == 0:  # it fitted after all: then it is the newest good result
                newest = json.loads(proc.stdout)["scan_id"]
                truth.clear()
                truth["diskfull-%d" % d] = 2.45
            else:
                diskfull_failed += 1
                self.assertIn("full", proc.stderr, self.describe(proc))  # the failing write is named
            check("disk full %d" % d)
        self.assertGreater(diskfull_failed, 0, "the store never filled up: the disk-full fault tested nothing")

        # Kills at random points while a scan is in flight (the fake answers slowly).
        for k in range(4):
            self.fake.set_events("au", SPORT, [nbl_arb("killed-%d" % k, 2.40)])
            self.fake.set_latency(800)
            full = dict(self.env, **ENV)
            p = subprocess.Popen([BIN, "scan", "--regions", "au", "--sports", SPORT, "--json"], env=full,
                                 cwd=self.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.05, 1.2))
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=10)
            self.fake.set_latency(0)
            faults += 1
            # A killed scan that had finished may have stored a good result: that is then the newest.
            doc = json.loads(self.run_cli("cache", "get", "--region", "au", "--json", "--max-age", "1h").stdout)
            served = doc["regions"][0]
            if served["scan_id"] != newest and any(o["event_id"] == "killed-%d" % k for o in doc["opportunities"]):
                newest = served["scan_id"]
                truth.clear()
                truth["killed-%d" % k] = 2.40
            check("SIGKILL %d" % k)
            good_scan(100 + k)  # the next run is not blocked by the dead one's lease for long
            check("good scan after kill")

        print("%d faults, %d lost results, %d false opportunities" % (faults, lost, false))
        self.assertEqual((lost, false), (0, 0))


if __name__ == "__main__":
    main()
