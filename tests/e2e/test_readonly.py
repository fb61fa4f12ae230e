"""Reading a store without owning it, and one bad row never breaking every reader.

Read-only commands (cache get/list/stats/show/export, budget, budget check, budget plan
--from-ledger, sync list, store check) open the store read-only: they never create one (a
typo in --store is "no store at PATH"), never write to it (a file the user may only read, a
read-only folder or filesystem, a full disk), and another program's SQLite file is refused
by every command. One corrupt opportunity row costs that row only.

CI runs as root, which ignores file permissions: "may only read" is checked by the file's
bytes and mtime staying the same; a read-only folder and a full disk are made with a private
mount namespace (unshare -m) when the system allows one, else those tests are skipped with
the reason printed.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys

from harness import BIN, E2ETest, main, make_bookmaker, make_event

KEY_ENV = {"ODDS_API_KEY_AU": "test-key-au01", "ODDS_API_KEY_UK": "test-key-uk02"}
SPORT = "basketball_nbl"


def arb_event(eid):
    # 1/2.10 + 1/2.05 < 1: one h2h arbitrage per event.
    return make_event(eid, "Home " + eid, "Away " + eid, sport_key=SPORT, bookmakers=[
        make_bookmaker("neds", "Home " + eid, "Away " + eid, h2h=(2.10, 1.80)),
        make_bookmaker("tab", "Home " + eid, "Away " + eid, h2h=(1.70, 2.05)),
    ])


def file_state(path):
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    return digest, os.stat(path).st_mtime_ns


# Every read-only command, with the exit code it gives on a store holding two fresh scans.
READERS = [
    (("cache", "get", "--region", "au,uk"), 0),
    (("cache", "list"), 0),
    (("cache", "stats"), 0),
    (("cache", "export"), 0),
    (("budget",), 0),
    (("budget", "check", "--min-remaining", "1", "--region", "au"), 0),
    (("budget", "plan", "--from-ledger", "--interval", "15m"), 0),
    (("sync", "list"), 0),
    (("store", "check"), 0),
]


def private_mounts_work():
    """Whether `unshare -m` with a bind mount works here (root, or a kernel that allows it)."""
    if shutil.which("unshare") is None:
        return "unshare(1) is not installed"
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs tmpfs /mnt 2>&1 || mount -t tmpfs tmpfs /tmp"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return "no private mount namespace here: " + (probe.stderr or probe.stdout).strip()[:200]
    return None


class ReadOnlyCase(E2ETest):
    def setUp(self):
        super().setUp()
        for k in KEY_ENV.values():
            self.fake.add_key(k, remaining=10000)
        self.fake.set_events("au", SPORT, [arb_event("a1"), arb_event("a2")])
        self.fake.set_events("uk", SPORT, [arb_event("u1")])

    def scan(self):
        return self.run_json("scan", "--regions", "au,uk", "--sports", SPORT, env=KEY_ENV)

    def readers(self, scan_id):
        return READERS + [(("cache", "show", scan_id), 0)]

    def in_namespace(self, script, *args):
        """Runs `sh -c script sh args...` in a private mount namespace, with self.env."""
        proc = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh"] + [str(a) for a in args],
                              env=self.env, cwd=self.tmp, capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
        self.last = proc
        return proc


class NoStoreTest(ReadOnlyCase):
    def test_typo_in_store_is_no_store_and_creates_nothing(self):
        self.scan()
        missing_dir = os.path.join(self.tmp, "typo")
        for uri in ("sqlite://" + os.path.join(missing_dir, "oddsctl.db"), os.path.join(self.tmp, "oddsct.db")):
            path = uri[len("sqlite://"):] if uri.startswith("sqlite://") else uri
            for args, _ in self.readers("some-scan"):
                with self.subTest(uri=uri, args=args):
                    proc = self.run_cli(*args, "--store", uri)
                    self.assertEqual(proc.returncode, 1, self.describe(proc))
                    self.assertIn("no store at %s: run a scan first" % path, proc.stderr)
                    self.assertFalse(os.path.exists(path), "a reader created %s" % path)
                    self.assertFalse(os.path.exists(missing_dir), "a reader created %s" % missing_dir)
        # --json: the error object, exit 1.
        proc = self.run_cli("cache", "get", "--json", "--store", os.path.join(self.tmp, "oddsct.db"))
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        err = json.loads(proc.stderr)["error"]
        self.assertEqual(err["exit_code"], 1)
        self.assertIn("no store at", err["message"])
        # The default store: not made by a reader either.
        env = {"ODDSCTL_STORE": None}
        default = os.path.join(self.env["XDG_STATE_HOME"], "oddsctl", "oddsctl.db")
        proc = self.run_cli("cache", "list", env=env)
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        self.assertFalse(os.path.exists(os.path.dirname(default)))
        # A writer still makes a store where there is none.
        self.run_cli("cleanup", "--dry-run", env=env, check=0)
        self.assertTrue(os.path.exists(default))
        self.run_cli("cache", "list", env=env, check=0)

    def test_an_empty_file_is_no_store_until_a_writer_makes_it_one(self):
        path = os.path.join(self.tmp, "new.db")
        open(path, "w").close()
        proc = self.run_cli("cache", "list", "--store", path)
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        self.assertIn("no store at", proc.stderr)
        self.assertEqual(os.path.getsize(path), 0)
        self.run_cli("cleanup", "--dry-run", "--store", path, check=0)
        self.run_cli("cache", "list", "--store", path, check=0)


class ReadOnlyFileTest(ReadOnlyCase):
    def test_a_file_the_user_may_only_read_is_served_and_never_changed(self):
        scan = self.scan()
        self.scan()  # two runs: budget plan --from-ledger measures the interval
        self.assertFalse(os.path.exists(self.db_path + "-wal"), "the writer left its WAL")
        os.chmod(self.db_path, 0o400)
        os.chmod(self.tmp, 0o500)  # a non-root user can make neither -wal nor -shm here
        self.addCleanup(os.chmod, self.tmp, 0o700)
        before = file_state(self.db_path)
        for args, code in self.readers(scan["scan_id"]):
            with self.subTest(args=args):
                proc = self.run_cli(*args)
                self.assertEqual(proc.returncode, code, self.describe(proc))
        doc = self.run_json("cache", "get", "--region", "au,uk")
        self.assertEqual(len(doc["opportunities"]), 3)
        self.assertTrue(self.run_json("store", "check")["ok"])
        self.assertEqual(file_state(self.db_path), before, "a reader changed the store file")
        # Nothing a reader may leave next to it holds data.
        for suffix in ("-wal", "-journal"):
            if os.path.exists(self.db_path + suffix):
                self.assertEqual(os.path.getsize(self.db_path + suffix), 0, suffix)

    def test_a_read_only_folder_and_filesystem(self):
        if os.geteuid() != 0:
            self.skipTest("the read-only file test covers a non-root user (folder 0500)")
        why = private_mounts_work()
        if why:
            print("\n[e2e] skipped: %s" % why, file=sys.stderr)
            self.skipTest(why)
        scan = self.scan()
        before = file_state(self.db_path)
        d = self.tmp
        script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && ' \
                 '{ touch "$1/probe" 2>/dev/null && echo "still writable" && exit 99; } ; shift && exec "$@"'
        for args, code in self.readers(scan["scan_id"]):
            with self.subTest(args=args):
                proc = self.in_namespace(script, d, BIN, *args, "--store", self.db_path)
                self.assertNotEqual(proc.returncode, 99, "the bind mount is not read-only")
                self.assertEqual(proc.returncode, code, self.describe(proc))
        proc = self.in_namespace(script, d, BIN, "cache", "get", "--region", "au,uk", "--json",
                                 "--store", self.db_path)
        self.assertEqual(proc.returncode, 0, self.describe(proc))
        self.assertEqual(len(json.loads(proc.stdout)["opportunities"]), 3)
        self.assertEqual(file_state(self.db_path), before)
        self.assertFalse(os.path.exists(self.db_path + "-shm"))
        # A writer there fails cleanly (exit 1), it does not pretend.
        proc = self.in_namespace(script, d, BIN, "cache", "invalidate", "--all", "--store", self.db_path)
        self.assertEqual(proc.returncode, 1, self.describe(proc))

    def test_a_full_disk(self):
        why = private_mounts_work()
        if why:
            print("\n[e2e] skipped: %s" % why, file=sys.stderr)
            self.skipTest(why)
        scan = self.scan()
        size_kb = os.path.getsize(self.db_path) // 1024 + 64
        disk = os.path.join(self.tmp, "disk")
        os.mkdir(disk)
        target = os.path.join(disk, "oddsctl.db")
        script = ('mount -t tmpfs -o size=%dk tmpfs "$1" && cp "$2" "$1/oddsctl.db" && '
                  '{ dd if=/dev/zero of="$1/fill" bs=4k >/dev/null 2>&1; true; } && '
                  '{ dd if=/dev/zero of="$1/more" bs=1 count=4096 >/dev/null 2>&1 && echo "not full" && exit 99; } ; '
                  'shift 2 && exec "$@"') % size_kb
        for args, code in self.readers(scan["scan_id"]):
            with self.subTest(args=args):
                proc = self.in_namespace(script, disk, self.db_path, BIN, *args, "--store", target)
                self.assertNotEqual(proc.returncode, 99, "the disk is not full")
                self.assertEqual(proc.returncode, code, self.describe(proc))


class ForeignFileTest(ReadOnlyCase):
    def make_foreign(self, name, sql):
        path = os.path.join(self.tmp, name)
        conn = sqlite3.connect(path)
        conn.executescript(sql)
        conn.commit()
        conn.close()
        return path

    def test_another_programs_sqlite_file_is_refused_and_untouched(self):
        files = [
            (self.make_foreign("app.db", "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);"
                                         "INSERT INTO users VALUES (1, 'ann');"), "no schema_version table"),
            (self.make_foreign("flyway.db", "CREATE TABLE schema_version (installed_rank INTEGER, version TEXT);"
                                            "INSERT INTO schema_version VALUES (1, '1.0');"), "another program's"),
            (self.make_foreign("same.db", "CREATE TABLE schema_version (version INTEGER NOT NULL, "
                                          "applied_at INTEGER NOT NULL); INSERT INTO schema_version VALUES (1, 0);"
                                          "CREATE TABLE orders (id INTEGER);"), "none of oddsctl's tables"),
        ]
        for path, says in files:
            before = file_state(path)
            for args in (("cache", "get", "--region", "au"), ("store", "check"), ("cache", "invalidate", "--all"),
                         ("cleanup",), ("scan", "--regions", "au", "--sports", SPORT)):
                with self.subTest(path=path, args=args):
                    proc = self.run_cli(*args, "--store", path, env=KEY_ENV)
                    self.assertEqual(proc.returncode, 1, self.describe(proc))
                    self.assertIn("not an oddsctl store", proc.stderr)
                    self.assertIn(says, proc.stderr)
            self.assertEqual(file_state(path), before, "%s was changed" % path)
            self.assertFalse(os.path.exists(path + "-wal"))
            conn = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
            self.assertEqual(conn.execute("PRAGMA journal_mode").fetchone()[0], "delete")
            conn.close()


class CorruptRowTest(ReadOnlyCase):
    def corrupt_one(self, scan_id):
        conn = sqlite3.connect(self.db_path)
        with conn:
            cur = conn.execute("UPDATE opportunities SET json = '{\"region\": \"au\", \"legs\": [' "
                               "WHERE scan_id = ? AND region = 'au' AND idx = 0", (scan_id,))
            self.assertEqual(cur.rowcount, 1)
        conn.close()

    def assert_warned(self, proc, scan_id):
        self.assertIn("scan %s region au: opportunity row 0 skipped" % scan_id, proc.stderr, self.describe(proc))

    def test_one_bad_row_costs_that_row_only(self):
        scan = self.scan()
        sid = scan["scan_id"]
        self.assertEqual(len(scan["opportunities"]), 3)  # two in au, one in uk
        self.corrupt_one(sid)

        doc = self.run_json("cache", "get", "--region", "au,uk")
        self.assert_warned(self.last, sid)
        by_region = {}
        for o in doc["opportunities"]:
            by_region[o["region"]] = by_region.get(o["region"], 0) + 1
        self.assertEqual(by_region, {"au": 1, "uk": 1})

        doc = self.run_json("cache", "show", sid)
        self.assert_warned(self.last, sid)
        self.assertEqual(len(doc["opportunities"]), 2)

        proc = self.run_cli("cache", "export", check=0)
        self.assert_warned(proc, sid)
        rows = [json.loads(line) for line in proc.stdout.splitlines()]
        self.assertEqual(sum(len(r["opportunities"]) for r in rows), 2)

        hook = os.path.join(self.tmp, "alerts.out")
        proc = self.run_cli("alerts", "--exec", "cat >> %s" % hook, "--json", "--include-flagged")  # thin world
        self.assertEqual(proc.returncode, 0, self.describe(proc))
        self.assert_warned(proc, sid)
        with open(hook) as f:
            sent = f.read()
        self.assertIn("u1", sent)
        self.assertIn("a2", sent)

        target = os.path.join(self.tmp, "copy.db")
        proc = self.run_cli("store", "migrate", "--to", target)
        self.assertEqual(proc.returncode, 0, self.describe(proc))
        self.assert_warned(proc, sid)
        doc = self.run_json("cache", "get", "--region", "au,uk", "--store", target)
        self.assertEqual(len(doc["opportunities"]), 2)

        # store check still names the row.
        proc = self.run_cli("store", "check", "--json")
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        self.assertTrue(any("not valid JSON" in p and sid in p for p in json.loads(proc.stdout)["problems"]))


if __name__ == "__main__":
    main()
