"""Helpers shared by every end-to-end suite: the real binary against the fake Odds API.

    from harness import E2ETest, make_event, make_bookmaker, iso, main

    class ScanTest(E2ETest):
        def test_finds_arb(self):
            self.fake.add_key("test-key-au01")
            self.fake.set_events("au", "soccer_epl", [make_event(...)])
            out = self.run_json("scan", "--regions", "au", env={"ODDS_API_KEY_AU": "test-key-au01"})

    if __name__ == "__main__":
        main()

Env: ODDSCTL_BIN (the binary under test), ODDSCTL_SOURCE_DIR (repo root, optional).
A failing test keeps its temp dir and prints where it is; a passing one removes it.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("ODDSCTL_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests"))

from fake_odds_api import FakeOddsApi  # noqa: E402

BIN = os.environ.get("ODDSCTL_BIN", "oddsctl")


# ---- time helpers --------------------------------------------------------------------
def utcnow():
    return datetime.now(timezone.utc).replace(microsecond=0)


def iso(dt):
    """RFC 3339 with a Z, as the API writes it: 2030-01-01T12:00:00Z."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    dt = dt.astimezone(timezone.utc)
    if dt.microsecond:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def in_hours(h):
    return utcnow() + timedelta(hours=h)


def minutes_ago(m):
    return utcnow() - timedelta(minutes=m)


# ---- v4 JSON builders ----------------------------------------------------------------
def _american(price):
    return int(round((price - 1) * 100)) if price >= 2 else int(round(-100 / (price - 1)))


def _outcome(name, price, point, american):
    out = {"name": name, "price": _american(price) if american else price}
    if point is not None:
        out["point"] = point
    return out


def make_market(key, outcomes, last_update=None, american=False):
    """outcomes: [(name, decimal_price)] or [(name, decimal_price, point)]."""
    m = {"key": key, "outcomes": [_outcome(o[0], o[1], o[2] if len(o) > 2 else None, american)
                                  for o in outcomes]}
    if last_update is not None:
        m["last_update"] = last_update if isinstance(last_update, str) else iso(last_update)
    return m


def make_bookmaker(key, home="Home", away="Away", h2h=None, spreads=None, totals=None,
                   title=None, last_update=None, market_last_update=None, american=False,
                   markets=None):
    """A bookmaker with the markets given (decimal prices; american=True writes them American).

    h2h:     (home_price, away_price) or (home_price, away_price, draw_price)
    spreads: (home_point, home_price, away_price)  -> home at home_point, away at -home_point
    totals:  (point, over_price, under_price)
    markets: extra make_market() dicts, appended as they are.
    last_update defaults to 1 minute ago; market_last_update is written on each market when given.
    """
    if last_update is None:
        last_update = minutes_ago(1)
    mlu = market_last_update
    out = []
    if h2h is not None:
        outcomes = [(home, h2h[0]), (away, h2h[1])]
        if len(h2h) > 2:
            outcomes.append(("Draw", h2h[2]))
        out.append(make_market("h2h", outcomes, mlu, american))
    if spreads is not None:
        point, hp, ap = spreads
        out.append(make_market("spreads", [(home, hp, point), (away, ap, -point)], mlu, american))
    if totals is not None:
        point, op, up = totals
        out.append(make_market("totals", [("Over", op, point), ("Under", up, point)], mlu, american))
    out.extend(markets or [])
    return {"key": key, "title": title or key.replace("_", " ").title(),
            "last_update": last_update if isinstance(last_update, str) else iso(last_update),
            "markets": out}


def make_event(event_id, home="Home", away="Away", sport_key="soccer_epl", sport_title=None,
               commence=None, bookmakers=None):
    """A v4 event; commence defaults to 24 hours from now (pre-match)."""
    if commence is None:
        commence = in_hours(24)
    return {"id": event_id, "sport_key": sport_key,
            "sport_title": sport_title or sport_key.upper(),
            "commence_time": commence if isinstance(commence, str) else iso(commence),
            "home_team": home, "away_team": away, "bookmakers": list(bookmakers or [])}


def nbl_arb(eid, home_price=2.10):
    """An NBL h2h arbitrage between neds (home) and tab (away 2.05): 1/2.10 + 1/2.05 < 1."""
    return make_event(eid, "Sydney Kings", "Perth Wildcats", sport_key="basketball_nbl", bookmakers=[
        make_bookmaker("neds", "Sydney Kings", "Perth Wildcats", h2h=(home_price, 1.80)),
        make_bookmaker("tab", "Sydney Kings", "Perth Wildcats", h2h=(1.70, 2.05)),
    ])


# ---- the test case -------------------------------------------------------------------
def clean_env(tmp):
    env = {
        "HOME": tmp,
        "XDG_STATE_HOME": os.path.join(tmp, "state"),
        "XDG_CONFIG_HOME": os.path.join(tmp, "config"),
        "XDG_CACHE_HOME": os.path.join(tmp, "cache"),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "NO_COLOR": "1",
        "TMPDIR": tmp,
    }
    # A sanitizer build (scripts/test's second job) reports through these: keep them.
    for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


class E2ETest(unittest.TestCase):
    """Per test: a temp dir, a clean env, a store path, and a started fake API."""

    fake_latency_ms = 0

    def setUp(self):
        if shutil.which(BIN) is None:
            self.fail("the binary under test ODDSCTL_BIN=%s is not an executable" % BIN)
        self.tmp = tempfile.mkdtemp(prefix="oddsctl-e2e-%s-" % self._testMethodName)
        self.db_path = os.path.join(self.tmp, "oddsctl.db")
        self.store = "sqlite://" + self.db_path
        self.fake = FakeOddsApi(latency_ms=self.fake_latency_ms).start()
        self.env = clean_env(self.tmp)
        self.env["ODDS_API_BASE_URL"] = self.fake.url
        self.env["ODDSCTL_STORE"] = self.store
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        self.fake.stop()
        outcome = getattr(self, "_outcome", None)
        failed = _test_failed(self, outcome)
        if failed:
            sys.stderr.write("\n[e2e] %s failed; its files are kept in %s\n" % (self.id(), self.tmp))
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def run_cli(self, *args, env=None, timeout=60, input=None, check=None):
        """Runs the binary; env adds to (or, with a None value, removes from) self.env."""
        full = dict(self.env)
        for k, v in (env or {}).items():
            if v is None:
                full.pop(k, None)
            else:
                full[k] = v
        cmd = [BIN] + [str(a) for a in args]
        proc = subprocess.run(cmd, env=full, cwd=self.tmp, capture_output=True, text=True,
                              timeout=timeout, input=input,
                              stdin=None if input is not None else subprocess.DEVNULL)
        self.last = proc
        if check is not None:
            self.assertEqual(proc.returncode, check, self.describe(proc))
        return proc

    def run_json(self, *args, env=None, timeout=60, input=None, code=0):
        """Runs with --json, asserts the exit code (default 0), returns parsed stdout."""
        if "--json" not in args:
            args = args + ("--json",)
        proc = self.run_cli(*args, env=env, timeout=timeout, input=input)
        self.assertEqual(proc.returncode, code, self.describe(proc))
        try:
            return json.loads(proc.stdout)
        except ValueError as exc:
            self.fail("stdout is not one JSON document (%s)\n%s" % (exc, self.describe(proc)))

    @staticmethod
    def describe(proc):
        return "command: %s\nexit: %s\n--- stdout ---\n%s\n--- stderr ---\n%s" % (
            " ".join(proc.args), proc.returncode, proc.stdout[-4000:], proc.stderr[-4000:])

    def sql(self, query, *params):
        """Rows (as dicts) of a read-only query on the SQLite store."""
        conn = sqlite3.connect("file:%s?mode=ro" % self.db_path, uri=True)
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute(query, params).fetchall()]
        finally:
            conn.close()

    def assertNoKeyLeak(self, key, *texts):
        """The whole key appears in none of the texts (stdout, stderr, files...)."""
        for text in texts:
            self.assertNotIn(key, text or "")


def _test_failed(test, outcome):
    if outcome is None:
        return False
    result = getattr(outcome, "result", None)
    if result is not None:  # Python 3.11+
        for kind in ("failures", "errors", "unexpectedSuccesses"):
            for case, _ in getattr(result, kind, []) or []:
                if case is test:
                    return True
        return False
    errors = getattr(outcome, "errors", [])  # older Pythons
    return any(exc is not None for _, exc in errors)


# ---- running a suite -----------------------------------------------------------------
def main():
    """Like unittest.main(), but ends with 'N passed, N failed' and exits non-zero on failure."""
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2)
    prog = unittest.main(module="__main__", exit=False, testRunner=runner)
    result = prog.result
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    sys.stdout.flush()
    sys.stderr.flush()
    line = "%d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped
    print(line, flush=True)
    sys.exit(1 if failed or result.testsRun == 0 else 0)
