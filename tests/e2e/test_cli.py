"""The command line itself: `help [COMMAND...]` prints what --help prints, and an unknown
command is a usage error that names the nearest one."""

import json

from harness import E2ETest, main


class CliTest(E2ETest):
    def test_help_is_the_same_as_dash_dash_help(self):
        for words in ([], ["scan"], ["cache", "get"]):
            want = self.run_cli(*words, "--help", check=0).stdout
            self.assertEqual(self.run_cli("help", *words, check=0).stdout, want)
            self.assertIn("Usage: oddsctl", want)

    def test_an_unknown_command_suggests_the_nearest(self):
        proc = self.run_cli("scna", check=2)
        self.assertEqual(proc.stderr.strip().splitlines(), [
            "oddsctl: unknown command 'scna'; did you mean 'scan'? (see oddsctl --help)"])
        self.assertEqual(proc.stdout, "")
        proc = self.run_cli("--store", self.db_path, "--json", "cahce", check=2)
        err = json.loads(proc.stderr)["error"]
        self.assertEqual(err["exit_code"], 2)
        self.assertIn("did you mean 'cache'", err["message"])
        proc = self.run_cli("xyzzy", check=2)
        self.assertNotIn("did you mean", proc.stderr)

    def test_an_unknown_region_is_exit_2_in_every_command_naming_its_flag(self):
        self.run_cli("scan", "--demo", "--regions", "au", "--store", self.db_path, check=0)  # a store to read
        for args, flag in ((["budget", "--region", "xx"], "--region"),
                           (["budget", "check", "--min-remaining", "1", "--region", "xx"], "--region"),
                           (["sync", "list", "--region", "xx"], "--region"),
                           (["cache", "get", "--region", "xx"], "--region"),
                           (["alerts", "--regions", "xx"], "--regions"),
                           (["scan", "--regions", "xx"], "--regions")):
            proc = self.run_cli(*args)
            self.assertEqual(proc.returncode, 2, self.describe(proc))
            self.assertTrue(proc.stderr.startswith("oddsctl: %s: unknown region 'xx'" % flag), self.describe(proc))

    def test_a_format_a_command_lacks_is_a_usage_error_naming_those_it_has(self):
        self.run_cli("scan", "--demo", "--regions", "au", "--store", self.db_path, check=0)
        for args, name in ((["cache", "export"], "cache export"),
                           (["budget", "plan", "--sports", "3", "--interval", "1m"], "budget plan"),
                           (["budget", "check", "--min-remaining", "1"], "budget check"),
                           (["config", "path"], "config path")):
            proc = self.run_cli(*args, "--format", "csv")
            self.assertEqual(proc.returncode, 2, self.describe(proc))
            self.assertIn("%s: no csv output (formats: " % name, proc.stderr)
            self.assertEqual(proc.stdout, "")
        proc = self.run_cli("scan", "--demo", "--json", "--format", "csv", check=2)
        self.assertIn("--json and --format csv", proc.stderr)


if __name__ == "__main__":
    main()
