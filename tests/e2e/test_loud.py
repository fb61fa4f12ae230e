"""No silent failure: -q still prints one line per failure, --json failures put the error
object on stderr, bad worker and recording paths fail at start, logs can be JSON lines."""

import json
import os

from harness import nbl_arb, E2ETest, main

KEY_AU = "test-key-au-loud-0123456789"




class LoudTest(E2ETest):
    def setUp(self):
        super().setUp()
        self.fake.add_key(KEY_AU, remaining=1000)
        self.fake.set_events("au", "basketball_nbl", [nbl_arb("ev1")])

    def test_quiet_still_prints_each_failed_region(self):
        proc = self.run_cli("scan", "--regions", "au,uk", "-q", env={"ODDS_API_KEY_AU": KEY_AU})
        self.assertEqual(proc.returncode, 3, self.describe(proc))
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, self.describe(proc))  # uk failed; au's ok line is quiet
        self.assertIn("uk", lines[0])
        self.assertIn("ODDS_API_KEY_UK", lines[0])
        proc = self.run_cli("scan", "--regions", "au", "-q", env={"ODDS_API_KEY_AU": KEY_AU}, check=0)
        self.assertEqual(proc.stderr, "")

    def test_json_failure_writes_the_error_object_naming_each_region(self):
        proc = self.run_cli("scan", "--regions", "au,uk", "--json")
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        json.loads(proc.stdout)  # the document is still there
        err = json.loads(proc.stderr.strip().splitlines()[-1])["error"]
        self.assertEqual(err["exit_code"], 1)
        self.assertIn("ODDS_API_KEY_AU", err["message"])
        self.assertIn("ODDS_API_KEY_UK", err["message"])
        # Not fresh (4) is an answer, not an error.
        proc = self.run_cli("cache", "get", "--region", "au", "--json")
        self.assertEqual(proc.returncode, 4, self.describe(proc))
        self.assertNotIn('"error"', proc.stderr)

    def test_table_says_what_happened_instead_of_no_arbitrage(self):
        proc = self.run_cli("scan", "--regions", "au")
        self.assertEqual(proc.returncode, 1, self.describe(proc))
        self.assertNotIn("No arbitrage found", proc.stdout)
        self.assertIn("No region was scanned", proc.stdout)

    def test_bad_health_file_and_save_folder_fail_before_any_call(self):
        proc = self.run_cli("scan", "--regions", "au", "--every", "1m", "--max-cycles", "1",
                            "--health-file", os.path.join(self.tmp, "missing", "health"),
                            env={"ODDS_API_KEY_AU": KEY_AU})
        self.assertEqual(proc.returncode, 2, self.describe(proc))
        self.assertIn("--health-file", proc.stderr)
        blocker = os.path.join(self.tmp, "afile")
        open(blocker, "w").close()
        proc = self.run_cli("scan", "--regions", "au", "--save-responses", os.path.join(blocker, "sub"),
                            env={"ODDS_API_KEY_AU": KEY_AU})
        self.assertEqual(proc.returncode, 2, self.describe(proc))
        self.assertIn("--save-responses", proc.stderr)
        self.assertEqual(self.fake.calls, [])

    def test_log_format_json_is_one_object_a_line_without_the_key(self):
        proc = self.run_cli("scan", "--regions", "au", "-v", "--log-format", "json",
                            env={"ODDS_API_KEY_AU": KEY_AU}, check=0)
        logs = [json.loads(l) for l in proc.stderr.splitlines() if l.startswith("{")]
        self.assertTrue(any("region au" in l["message"] for l in logs), self.describe(proc))
        self.assertTrue(all({"time", "level", "message"} <= set(l) for l in logs))
        self.assertNoKeyLeak(KEY_AU, proc.stdout, proc.stderr)


if __name__ == "__main__":
    main()
