"""The MongoDB backend as a loadable module (oddsctl-mongo.so): found next to the binary or in
the install layout (bin/../lib/oddsctl/), loaded only for mongodb:// stores, and a clear
usage error when it is missing. No MongoDB server runs here: 127.0.0.1:1 is the unreachable
address, so "loaded and working" shows as the driver's connection error (exit 1).

Env (besides harness's): ODDSCTL_TEST_MODULE_DIR, the install folder of the module relative to
the binary's (set by tests/CMakeLists.txt).
"""

import os
import shutil
import subprocess
import tempfile
import unittest

from harness import BIN, clean_env, main

MODULE = "oddsctl-mongo.so"
UNREACHABLE = "mongodb://odds:hunter2@127.0.0.1:1/oddsctl?serverSelectionTimeoutMS=300"


def version_text(binary):
    return subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout


def built_with_mongo():
    return "mongodb" in version_text(BIN)


@unittest.skipUnless(built_with_mongo(), "built without MongoDB")
class MongoModuleTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="oddsctl-e2e-module-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.env = clean_env(self.tmp)
        self.env["ODDSCTL_STORE"] = os.path.join(self.tmp, "oddsctl.db")

    def run_bin(self, binary, *args, env=None):
        full = dict(self.env, **(env or {}))
        return subprocess.run([binary] + list(args), env=full, cwd=self.tmp, capture_output=True, text=True,
                              timeout=60, stdin=subprocess.DEVNULL)

    def copy_binary(self, bin_dir):
        os.makedirs(bin_dir, exist_ok=True)
        target = os.path.join(bin_dir, "oddsctl")
        shutil.copy2(BIN, target)
        return target

    def assert_module_works(self, binary):
        self.assertRegex(version_text(binary) + "\n", r"stores: sqlite, mongodb(, postgresql[^\n]*)?\n")
        proc = self.run_bin(binary, "store", "check", "--store", UNREACHABLE)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("mongodb mongodb://odds:***@127.0.0.1:1/oddsctl", proc.stderr)
        self.assertNotIn("hunter2", proc.stderr)

    def test_found_next_to_the_binary(self):
        self.assertTrue(os.path.exists(os.path.join(os.path.dirname(BIN), MODULE)))
        self.assert_module_works(BIN)
        # The module's own usage errors keep their kind and text across the boundary.
        proc = self.run_bin(BIN, "store", "check", "--store", "mongodb://bob:hunter2@h1:27017/")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("needs a database name", proc.stderr)
        self.assertNotIn("hunter2", proc.stderr)

    def test_found_in_the_install_layout(self):
        rel = os.environ.get("ODDSCTL_TEST_MODULE_DIR", "../lib/oddsctl")
        bin_dir = os.path.join(self.tmp, "prefix", "bin")
        binary = self.copy_binary(bin_dir)
        module_dir = rel if os.path.isabs(rel) else os.path.join(bin_dir, rel)
        if os.path.isabs(rel):
            self.skipTest("absolute module folder %s: not relocatable" % rel)
        os.makedirs(module_dir)
        shutil.copy2(os.path.join(os.path.dirname(BIN), MODULE), module_dir)
        self.assert_module_works(binary)

    def test_missing_module_is_a_usage_error(self):
        binary = self.copy_binary(os.path.join(self.tmp, "alone"))
        self.assertIn("stores: sqlite, mongodb (module not found)", version_text(binary))
        proc = self.run_bin(binary, "store", "check", "--store", UNREACHABLE)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertIn(MODULE + " was not found", lines[0])
        self.assertIn("mongodb://odds:***@127.0.0.1:1/oddsctl", lines[0])
        self.assertNotIn("hunter2", proc.stderr)
        # SQLite stores do not need it.
        self.assertEqual(self.run_bin(binary, "cleanup", "--dry-run").returncode, 0)
        proc = self.run_bin(binary, "cache", "list")
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_sqlite_runs_do_not_load_libmongoc(self):
        # glibc's loader names every library it initialises under LD_DEBUG=libs.
        self.assertEqual(self.run_bin(BIN, "cleanup", "--dry-run").returncode, 0)  # readers never create a store
        proc = self.run_bin(BIN, "cache", "list", env={"LD_DEBUG": "libs"})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("calling init", proc.stderr)
        self.assertNotIn("libmongoc", proc.stderr)
        self.assertNotIn(MODULE, proc.stderr)
        proc = self.run_bin(BIN, "store", "check", "--store", UNREACHABLE, env={"LD_DEBUG": "libs"})
        self.assertEqual(proc.returncode, 1)
        self.assertIn("libmongoc", proc.stderr)


if __name__ == "__main__":
    main()
