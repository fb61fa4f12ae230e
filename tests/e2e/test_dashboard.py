"""The dashboard of `oddsctl serve` in a real headless browser (Debian's chromium): after its
script has run, the DOM shows every region with its age and the planted opportunities. A
screenshot goes to the test output folder ($ODDSCTL_TEST_OUTPUT_DIR, else
build/test-output/ beside the binary) for people to look at.
"""

import os
import re
import shutil
import subprocess
import tempfile
import unittest
from datetime import timedelta

from harness import BIN, E2ETest, main, utcnow
from serve_util import ServeProcess
from test_cache import insert_scan, opp_row
from test_serve import value_opp

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def output_dir():
    d = os.environ.get("ODDSCTL_TEST_OUTPUT_DIR") or os.path.join(
        os.path.dirname(os.path.abspath(shutil.which(BIN) or BIN)), "test-output")
    os.makedirs(d, exist_ok=True)
    return d


def chromium(url, profile, *extra, timeout=120):
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--virtual-time-budget=8000"] + list(extra) + [url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@unittest.skipUnless(os.path.exists(CHROMIUM), "chromium is not installed (scripts/setup installs it)")
class DashboardTest(E2ETest):
    def setUp(self):
        super().setUp()
        self.run_cli("cleanup", "--dry-run", check=0)  # a writer makes the store
        now = utcnow()
        insert_scan(self.db_path, "d-au", "au", now - timedelta(seconds=42), duration_ms=640,
                    opps=[opp_row("au", "ev-au-arb", profit=2.5), value_opp("au", "ev-au-value", 4.0)])
        insert_scan(self.db_path, "d-uk", "uk", now - timedelta(minutes=3), duration_ms=812,
                    opps=[opp_row("uk", "ev-uk-arb", market="spreads", profit=1.25)])
        insert_scan(self.db_path, "d-us", "us", now - timedelta(hours=3), duration_ms=1500, opps=[])
        self.server = ServeProcess(self, "--regions", "au,uk,us")
        self.profile = tempfile.mkdtemp(prefix="chromium-", dir=self.tmp)

    def test_dom_shows_regions_ages_and_opportunities(self):
        proc = chromium(self.server.url("/"), self.profile, "--dump-dom")
        self.assertEqual(proc.returncode, 0, proc.stderr[-3000:])
        dom = proc.stdout
        for region in ("au", "uk", "us"):
            m = re.search(r'<article class="region" data-region="%s"[^>]*>(.*?)</article>' % region, dom, re.S)
            self.assertIsNotNone(m, "region %s not in the DOM:\n%s" % (region, dom[-4000:]))
            card = m.group(1)
            self.assertIn(region.upper(), card)
            # "updated N s ago", from the age the API gave plus the time since.
            age = re.search(r'class="age"[^>]*>([^<]+)<', card)
            self.assertIsNotNone(age, card)
            self.assertRegex(age.group(1), r"^\d+ (s|min|h|d) ago$")
        self.assertRegex(re.search(r'data-region="au".*?class="age"[^>]*>([^<]+)<', dom, re.S).group(1), r"^\d+ s ago$")
        self.assertRegex(re.search(r'data-region="uk".*?class="age"[^>]*>([^<]+)<', dom, re.S).group(1), r"^3 min ago$")
        self.assertIn('data-status="stale"', re.search(r'<article class="region" data-region="us"[^>]*>', dom).group(0))
        self.assertIn("640 ms", dom)
        for event in ("ev-au-arb", "ev-au-value", "ev-uk-arb"):
            self.assertIn('data-event="%s"' % event, dom)
        self.assertIn('data-kind="value"', dom)
        self.assertIn("4.00 %", dom)   # the value bet's EV
        self.assertIn("2.50 %", dom)   # the arbitrage's profit
        self.assertIn("Home ev-uk-arb v Away ev-uk-arb", dom)
        self.assertIn("(neds)", dom)   # a leg with its bookmaker

    def test_screenshot_phone_width(self):
        shot = os.path.join(output_dir(), "dashboard.png")
        if os.path.exists(shot):
            os.remove(shot)
        proc = chromium(self.server.url("/"), self.profile, "--screenshot=" + shot, "--window-size=412,915",
                        "--hide-scrollbars")
        self.assertEqual(proc.returncode, 0, proc.stderr[-3000:])
        self.assertTrue(os.path.exists(shot), proc.stderr[-3000:])
        with open(shot, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        sys_note = "dashboard screenshot: %s\n" % shot
        os.write(2, sys_note.encode())


if __name__ == "__main__":
    main()
