"""Four regional runners on one PostgreSQL store, through PgBouncer (transaction pooling).

A throwaway cluster (tests/pg/cluster.py) and the fake API. Four cron-style runners
(`scan --regions au`, `uk`, `us`, `eu`, each a new process every 0.3-0.9 s while a scan takes
at least 0.8 s, so that runs of one region overlap), a `sync` runner and a `cleanup --keep-last 4` runner beside them, and a
killer that SIGKILLs one of the live processes at random points (a bounded number of kills
and a bounded run time). While they run, readers check every region's latest good result
through `cache get`; afterwards the store itself is checked. Reported like the SQLite fault
matrix, and every count but the totals must be 0:

  no region scanned twice at once (the fake's call log: two /odds calls of one region in
  flight together, outside the calls of a process being killed), no lost result (every run
  that reported a good scan still has it, unless at least keep-last newer scans of the
  region were stored since; the latest good is the newest good reported), latest good always
  complete (every read served a scan with all of its opportunities), no false opportunity
  (only the planted ones, at their prices, in their region), `store check` clean.
"""

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "pg"))

from cluster import Cluster, ClusterError  # noqa: E402
from harness import BIN, E2ETest, main, nbl_arb, parse_iso  # noqa: E402

REGIONS = ["au", "uk", "us", "eu"]
SPORT = "basketball_nbl"
KEYS = {r: "test-key-%s-pg-runners-0123456789" % r for r in REGIONS}
KEY_ENV = {"ODDS_API_KEY_%s" % r.upper(): k for r, k in KEYS.items()}
RUN_SECONDS = 20
MAX_KILLS = 12
KEEP_LAST = 4
# The planted arbitrage of each region: event id -> Sydney Kings' price.
PLANTED = {"%s-ev%d" % (r, i): p for r in REGIONS for i, p in ((1, 2.10), (2, 2.20))}


class PgRunnersTest(E2ETest):
    fake_latency_ms = 0

    def setUp(self):
        super().setUp()
        try:
            self.cluster = Cluster().__enter__()
        except ClusterError as e:
            self.fail("cannot start PostgreSQL for this test (it must not be skipped): %s" % e)
        self.addCleanup(self.cluster.stop)
        self.store = self.cluster.bouncer_uri
        self.env["ODDSCTL_STORE"] = self.store
        for r in REGIONS:
            self.fake.add_key(KEYS[r], remaining=10_000_000)
            # Two arbitrage events per region: a complete result has exactly 2 opportunities.
            self.fake.set_events(r, SPORT, [nbl_arb(e, PLANTED[e]) for e in ("%s-ev1" % r, "%s-ev2" % r)])
        # A slow answer keeps each scan in flight for a while: runs of one region overlap.
        self.fake.add_fault("latency", path="/odds", ms=800)

    def test_four_regional_runners_with_sync_cleanup_and_kills(self):
        rng = random.Random(19)
        lock = threading.Lock()
        procs = {}          # pid -> (Popen, kind, region)
        kills = []          # (monotonic time, region or None)
        reported = []       # (region, scan_id, started_at) of good scans reported by runners
        runs = {"ok": 0, "skipped": 0, "killed": 0, "failed": 0}
        problems = {"incomplete": 0, "lost": 0, "overlaps": 0, "check": 0, "false": 0}
        stop = threading.Event()
        env = dict(self.env, **KEY_ENV)

        def spawn(kind, region, args):
            p = subprocess.Popen([BIN] + args, env=env, cwd=self.tmp, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
            with lock:
                procs[p.pid] = (p, kind, region)
            return p

        def reap(p, kind, region):
            out, err = p.communicate(timeout=60)
            with lock:
                procs.pop(p.pid, None)
            if p.returncode == -signal.SIGKILL:
                with lock:
                    runs["killed"] += 1
                return
            if kind != "scan":
                if p.returncode not in (0, 3):
                    sys.stderr.write("[pg-runners] %s exited %s: %s\n" % (kind, p.returncode, err[-500:]))
                return
            try:
                doc = json.loads(out)
                reg = doc["regions"][0]
            except (ValueError, KeyError, IndexError):
                with lock:
                    runs["failed"] += 1
                sys.stderr.write("[pg-runners] scan %s exited %s: %s\n" % (region, p.returncode, err[-800:]))
                return
            with lock:
                if reg["status"] == "skipped":
                    runs["skipped"] += 1
                elif reg["status"] == "ok" and p.returncode == 0:
                    runs["ok"] += 1
                    reported.append((region, doc["scan_id"], doc["started_at"]))
                else:
                    runs["failed"] += 1
                    sys.stderr.write("[pg-runners] scan %s: %s\n" % (region, reg))

        def runner(kind, region, args, low, high):
            threads = []
            while not stop.is_set():
                p = spawn(kind, region, args)
                t = threading.Thread(target=reap, args=(p, kind, region))
                t.start()
                threads.append(t)
                stop.wait(rng.uniform(low, high))
            for t in threads:
                t.join(timeout=90)

        def killer():
            for _ in range(MAX_KILLS):
                if stop.wait(rng.uniform(0.6, 1.6)):
                    return
                with lock:
                    live = [v for v in procs.values() if v[0].poll() is None]
                if not live:
                    continue
                p, kind, region = rng.choice(live)
                time.sleep(rng.uniform(0.0, 0.4))  # a random point of its run
                with lock:
                    kills.append((time.monotonic(), region if kind == "scan" else None))
                try:
                    p.send_signal(signal.SIGKILL)
                except OSError:
                    pass

        def reader():
            while not stop.wait(0.5):
                for r in REGIONS:
                    with lock:
                        had_good = any(rep[0] == r for rep in reported)
                    proc = self.run_cli("cache", "get", "--region", r, "--json", "--max-age", "1h",
                                        env=KEY_ENV, timeout=60)
                    try:
                        doc = json.loads(proc.stdout)
                        reg = doc["regions"][0]
                        if reg["status"] == "missing" and not had_good:
                            continue  # nothing stored yet for the region
                        mine = [o for o in doc["opportunities"] if o["region"] == r]
                        complete = reg["opportunities"] == 2 and len(mine) == 2
                        for o in doc["opportunities"]:
                            leg = [l for l in o["legs"] if l["outcome"] == "Sydney Kings"][0]
                            if abs(leg["price"] - PLANTED.get(o["event_id"], -1)) > 1e-9 or o["region"] != r:
                                with lock:
                                    problems["false"] += 1
                                sys.stderr.write("[pg-runners] false opportunity in %s: %s\n" % (r, o))
                    except (ValueError, KeyError, IndexError):
                        complete = False
                    if not complete:
                        with lock:
                            problems["incomplete"] += 1
                        sys.stderr.write("[pg-runners] incomplete read of %s: %s\n" % (r, self.describe(proc)))

        # Discovery first (sync needs tracked events), then everyone at once.
        self.run_json("sync", "--discover", "--regions", ",".join(REGIONS), "--markets", "h2h", env=KEY_ENV)
        threads = [threading.Thread(target=runner, args=("scan", r, ["scan", "--regions", r, "--sports", SPORT,
                                                                   "--json", "--timeout", "10s"], 0.3, 0.9))
                   for r in REGIONS]
        threads.append(threading.Thread(target=runner, args=("sync", None, ["sync", "--regions", ",".join(REGIONS),
                                                                            "--markets", "h2h", "--json"], 1.0, 2.0)))
        threads.append(threading.Thread(target=runner, args=("cleanup", None, ["cleanup", "--keep-last",
                                                                               str(KEEP_LAST), "--json"], 1.5, 3.0)))
        threads.append(threading.Thread(target=killer))
        threads.append(threading.Thread(target=reader))
        t_start = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(RUN_SECONDS)
        stop.set()
        for t in threads:
            t.join(timeout=120)
        with lock:
            leftover = [v[0] for v in procs.values()]
        for p in leftover:
            p.kill()

        # --- no region scanned twice at once: /odds calls of one region in flight together ---
        calls = [c for c in self.fake.calls if c["path"].endswith("/odds") and c["started"] >= t_start]
        for r in REGIONS:
            # A scan's calls (sync's name their events: eventIds; they are leased apart).
            mine = sorted((c for c in calls if c["query"].get("regions") == r and "eventIds" not in c["query"]),
                          key=lambda c: c["started"])
            killed_at = [k for k, reg in kills if reg == r]
            for a, b in zip(mine, mine[1:]):
                if b["started"] < a["ended"]:
                    # A killed process's call is still answered by the fake after its death.
                    if any(a["started"] <= k <= a["ended"] for k in killed_at):
                        continue
                    problems["overlaps"] += 1
                    sys.stderr.write("[pg-runners] %s scanned twice at once: %s and %s\n" % (r, a, b))

        # --- no lost result, latest good complete and the newest reported ---
        rows = self.cluster.psql("SELECT region, scan_id, started_at, status FROM scans ORDER BY region, started_at",
                                 via_bouncer=True)
        stored = {}
        for line in rows.splitlines():
            region, scan_id, started_at, status = line.split("|")
            stored.setdefault(region, []).append((int(started_at), scan_id, status))
        for region, scan_id, started in reported:
            ids = [s for _, s, _ in stored.get(region, [])]
            if scan_id in ids:
                continue
            # Gone: only fine when cleanup may have removed it (keep-last newer scans stored).
            at_ms = int(parse_iso(started).timestamp() * 1000)
            newer = len([1 for t, s, st in stored.get(region, []) if t > at_ms])
            if newer < KEEP_LAST:
                problems["lost"] += 1
                sys.stderr.write("[pg-runners] lost result %s of %s\n" % (scan_id, region))
        for r in REGIONS:
            doc = self.run_json("cache", "get", "--region", r, "--max-age", "1h", env=KEY_ENV)
            good = sorted(((t, s) for t, s, st in stored.get(r, []) if st == "ok"), reverse=True)
            if not good or doc["regions"][0]["scan_id"] != good[0][1] or doc["regions"][0]["opportunities"] != 2:
                problems["lost"] += 1
                sys.stderr.write("[pg-runners] %s serves %s, newest good stored is %s\n" %
                                 (r, doc["regions"][0], good[:1]))
        chk = self.run_cli("store", "check")
        if chk.returncode != 0:
            problems["check"] += 1
            sys.stderr.write("[pg-runners] store check: %s\n" % self.describe(chk))
        leases = self.cluster.psql("SELECT count(*) FROM leases WHERE expires_at > "
                                   "(extract(epoch from clock_timestamp()) * 1000)::bigint AND name LIKE 'scan:%'",
                                   via_bouncer=True).strip()

        total = sum(runs.values())
        print("pg runners: %d runs (%d ok, %d skipped as busy, %d SIGKILLed, %d failed), %d /odds calls, "
              "%d kills, sync and cleanup beside them; %d regions scanned twice at once, %d lost results, "
              "%d incomplete reads, %d false opportunities, %d store check failures; %s scan leases still held "
              "after the runs"
              % (total, runs["ok"], runs["skipped"], runs["killed"], runs["failed"], len(calls), len(kills),
                 problems["overlaps"], problems["lost"], problems["incomplete"], problems["false"],
                 problems["check"], leases))
        self.assertGreater(runs["ok"], 8, "too few good scans: the test tested little")
        self.assertGreater(runs["skipped"], 0, "no run was ever skipped: the runs never overlapped")
        self.assertGreater(len(kills), 0)
        self.assertEqual(problems, {"incomplete": 0, "lost": 0, "overlaps": 0, "check": 0, "false": 0})
        self.assertEqual(runs["failed"], 0)


if __name__ == "__main__":
    main()
