"""The PostgreSQL store from the binary, on a throwaway cluster (tests/pg/cluster.py):

- the module oddsctl-pg.so: listed by --version, loaded only for postgresql:// stores (SQLite
  runs never map libpq), a clear usage error when it is missing;
- scan and cache get on PostgreSQL, directly and through PgBouncer;
- `store migrate` SQLite -> PostgreSQL -> (through PgBouncer) SQLite keeps every scan and
  the latest good result; `store check` verifies a PostgreSQL store;
- the password is never shown (errors, check output, --json), a closed port fails within the
  connect timeout, TLS options reach libpq.
"""

import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "pg"))

from cluster import PASSWORD, Cluster, ClusterError  # noqa: E402
from harness import BIN, E2ETest, main, nbl_arb  # noqa: E402

KEY = "test-key-au-pg-store-0123456789"
ENV = {"ODDS_API_KEY_AU": KEY}
SPORT = "basketball_nbl"
MODULE = "oddsctl-pg.so"


class PgStoreCmdTest(E2ETest):
    def setUp(self):
        super().setUp()
        try:
            self.cluster = Cluster().__enter__()
        except ClusterError as e:
            self.fail("cannot start PostgreSQL for this test (it must not be skipped): %s" % e)
        self.addCleanup(self.cluster.stop)
        self.fake.add_key(KEY, remaining=100000)
        self.fake.set_events("au", SPORT, [nbl_arb("e1", 2.10), nbl_arb("e2", 2.20)])

    def scan(self, store):
        return self.run_json("scan", "--regions", "au", "--sports", SPORT, "--store", store, env=ENV)

    def test_module_version_and_sqlite_runs_without_libpq(self):
        version = self.run_cli("--version", check=0).stdout
        self.assertIn("postgresql", version)
        self.assertTrue(os.path.exists(os.path.join(os.path.dirname(BIN), MODULE)))
        self.run_cli("cleanup", "--dry-run", check=0)
        proc = self.run_cli("cache", "list", env={"LD_DEBUG": "libs"})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("calling init", proc.stderr)
        self.assertNotIn("libpq", proc.stderr)
        self.assertNotIn(MODULE, proc.stderr)
        proc = self.run_cli("store", "check", "--store", self.cluster.pg_uri, env={"LD_DEBUG": "libs"})
        self.assertIn("libpq", proc.stderr)
        # A binary without the module file: a usage error naming it, SQLite unaffected.
        alone = os.path.join(self.tmp, "alone")
        os.makedirs(alone)
        shutil.copy2(BIN, os.path.join(alone, "oddsctl"))
        out = subprocess.run([os.path.join(alone, "oddsctl"), "--version"], capture_output=True, text=True).stdout
        self.assertIn("postgresql (module not found)", out)
        proc = subprocess.run([os.path.join(alone, "oddsctl"), "store", "check", "--store", self.cluster.pg_uri],
                              capture_output=True, text=True, env=self.env, cwd=self.tmp)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(MODULE + " was not found", proc.stderr)
        self.assertNotIn(PASSWORD, proc.stderr)

    def test_scan_and_cache_get_directly_and_through_pgbouncer(self):
        doc = self.scan(self.cluster.bouncer_uri)
        self.assertEqual(doc["regions"][0]["status"], "ok")
        for store in (self.cluster.pg_uri, self.cluster.bouncer_uri):
            got = self.run_json("cache", "get", "--region", "au", "--store", store, env=ENV)
            self.assertEqual(got["regions"][0]["scan_id"], doc["scan_id"])
            self.assertEqual(len(got["opportunities"]), 2)
        # Both scans of a second run: the pointer moves; postgres:// is the same store.
        doc2 = self.scan(self.cluster.pg_uri.replace("postgresql://", "postgres://"))
        got = self.run_json("cache", "get", "--region", "au", "--store", self.cluster.bouncer_uri, env=ENV)
        self.assertEqual(got["regions"][0]["scan_id"], doc2["scan_id"])
        check = self.run_json("store", "check", "--store", self.cluster.bouncer_uri)
        self.assertTrue(check["ok"], check)
        self.assertEqual(check["backend"], "postgresql")
        self.assertEqual(check["counts"]["scans"], 2)
        self.assertNotIn(PASSWORD, self.last.stdout + self.last.stderr)
        self.assertIn(":***@", check["store"])

    def test_migrate_sqlite_to_postgresql_and_back(self):
        sqlite_a = "sqlite://" + os.path.join(self.tmp, "a.db")
        first = self.scan(sqlite_a)
        self.fake.set_events("au", SPORT, [nbl_arb("e3", 2.30)])
        second = self.scan(sqlite_a)
        self.run_json("cache", "invalidate", "--region", "au", "--store", sqlite_a)
        self.fake.set_events("au", SPORT, [nbl_arb("e4", 2.15)])
        third = self.scan(sqlite_a)
        target = self.cluster.pg_uri + "?schema=migrated"
        doc = self.run_json("store", "migrate", "--from", sqlite_a, "--to", target)
        self.assertEqual(doc["copied"]["scans"], 3)
        self.assertNotIn(PASSWORD, self.last.stdout + self.last.stderr)
        check = self.run_json("store", "check", "--store", target)
        self.assertTrue(check["ok"], check)
        self.assertEqual(check["counts"]["scans"], 3)
        got = self.run_json("cache", "get", "--region", "au", "--store", target, env=ENV)
        self.assertEqual(got["regions"][0]["scan_id"], third["scan_id"])
        # A second migrate into the now non-empty target is refused.
        proc = self.run_cli("store", "migrate", "--from", sqlite_a, "--to", target)
        self.assertEqual(proc.returncode, 2, self.describe(proc))
        self.assertNotIn(PASSWORD, proc.stderr)
        # Back to a new SQLite file, reading through PgBouncer.
        sqlite_b = "sqlite://" + os.path.join(self.tmp, "b.db")
        back = self.run_json("store", "migrate", "--from", self.cluster.bouncer_uri + "?schema=migrated",
                             "--to", sqlite_b)
        self.assertEqual(back["copied"]["scans"], 3)
        a = self.run_json("cache", "list", "--store", sqlite_a, "--limit", "10")
        b = self.run_json("cache", "list", "--store", sqlite_b, "--limit", "10")
        self.assertEqual(json.dumps(a, sort_keys=True), json.dumps(b, sort_keys=True))
        got = self.run_json("cache", "get", "--region", "au", "--store", sqlite_b, env=ENV)
        self.assertEqual(got["regions"][0]["scan_id"], third["scan_id"])
        self.assertNotEqual(first["scan_id"], second["scan_id"])

    def test_failures_are_fast_clear_and_never_show_the_password(self):
        t0 = time.monotonic()
        proc = self.run_cli("store", "check", "--store",
                            "postgresql://oddsctl:%s@127.0.0.1:1/oddsctl?connect_timeout=2" % PASSWORD)
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        self.assertLess(time.monotonic() - t0, 15)
        self.assertIn("cannot connect", proc.stderr)
        self.assertIn("postgresql://oddsctl:***@127.0.0.1:1/oddsctl", proc.stderr)
        self.assertNotIn(PASSWORD, proc.stderr)
        wrong = self.cluster.pg_uri.replace(PASSWORD, "wrong-" + PASSWORD)
        proc = self.run_cli("scan", "--regions", "au", "--sports", SPORT, "--store", wrong, env=ENV)
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        self.assertIn("password authentication failed", proc.stderr)
        self.assertNotIn(PASSWORD, proc.stderr + proc.stdout)
        proc = self.run_cli("store", "check", "--store", self.cluster.pg_uri + "?sslmode=require")
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        self.assertIn("SSL", proc.stderr)
        proc = self.run_cli("store", "check", "--store", self.cluster.pg_uri + "?no_such_option=1")
        self.assertEqual(proc.returncode, 2, self.describe(proc))
        self.assertIn("no_such_option", proc.stderr)
        self.assertNotIn(PASSWORD, proc.stderr)
        # A reader never creates the store.
        proc = self.run_cli("cache", "get", "--region", "au", "--store", self.cluster.pg_uri + "?schema=nothing")
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        self.assertIn("no store at", proc.stderr)
        self.assertEqual(self.cluster.psql("SELECT count(*) FROM pg_namespace WHERE nspname = 'nothing'").strip(), "0")


if __name__ == "__main__":
    main()
