"""Configuration: precedence flag > env > config file > default, `config show` / `config path`,
masked secrets, and a broken config file."""

import json
import os
import re

from harness import SOURCE_DIR, E2ETest, main, make_bookmaker, make_event

KEY_AU = "test-key-au-9f3k"


def arb_event():
    return make_event("e1", sport_key="basketball_nbl",
                      bookmakers=[make_bookmaker("sportsbet", h2h=(2.1, 1.5)),
                                  make_bookmaker("tab", h2h=(1.5, 2.1))])


class ConfigTest(E2ETest):
    def write_config(self, text, name=None):
        if name is None:
            folder = os.path.join(self.env["XDG_CONFIG_HOME"], "oddsctl")
            os.makedirs(folder, exist_ok=True)
            path = os.path.join(folder, "config.toml")
        else:
            path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def show(self, *args, env=None):
        doc = self.run_json("config", "show", *args, env=env)
        return doc, {s["key"]: s for s in doc["settings"]}

    # -- precedence, seen by config show -------------------------------------------------
    def test_store_precedence(self):
        file_db = os.path.join(self.tmp, "from-file.db")
        env_db = os.path.join(self.tmp, "from-env.db")
        flag_db = os.path.join(self.tmp, "from-flag.db")
        no_env = {"ODDSCTL_STORE": None}

        doc, rows = self.show(env=no_env)
        self.assertEqual(doc["store"], os.path.join(self.tmp, "state", "oddsctl", "oddsctl.db"))
        self.assertEqual(rows["store"]["source"], "unset")

        path = self.write_config('store = "%s"\n' % file_db)
        doc, rows = self.show(env=no_env)
        self.assertEqual(doc["store"], file_db)
        self.assertEqual((rows["store"]["source"], rows["store"]["origin"]), ("file", "file " + path + ":1"))

        doc, rows = self.show(env={"ODDSCTL_STORE": env_db})
        self.assertEqual(doc["store"], env_db)
        self.assertEqual((rows["store"]["source"], rows["store"]["origin"]), ("env", "env ODDSCTL_STORE"))

        doc, rows = self.show("--store", flag_db, env={"ODDSCTL_STORE": env_db})
        self.assertEqual(doc["store"], flag_db)
        self.assertEqual(rows["store"]["source"], "flag")

        # And the store really used is the one shown.
        self.run_cli("scan", "--demo", "--store", flag_db, env={"ODDSCTL_STORE": env_db}, check=0)
        self.assertTrue(os.path.exists(flag_db))
        self.assertFalse(os.path.exists(env_db))

    def test_log_level_precedence(self):
        _, rows = self.show()
        self.assertEqual((rows["log_level"]["value"], rows["log_level"]["source"]), ("warn", "default"))
        self.write_config('log_level = "error"\n')
        _, rows = self.show()
        self.assertEqual((rows["log_level"]["value"], rows["log_level"]["source"]), ("error", "file"))
        _, rows = self.show(env={"ODDSCTL_LOG_LEVEL": "info"})
        self.assertEqual((rows["log_level"]["value"], rows["log_level"]["source"]), ("info", "env"))
        _, rows = self.show("--log-level", "debug", env={"ODDSCTL_LOG_LEVEL": "info"})
        self.assertEqual((rows["log_level"]["value"], rows["log_level"]["source"]), ("debug", "flag"))
        # A bad level from the file is a usage error naming it.
        self.write_config('log_level = "loud"\n')
        proc = self.run_cli("config", "show")
        self.assertEqual(proc.returncode, 2, self.describe(proc))
        self.assertIn("loud", proc.stderr)

    def test_alerts_settings_defaults_and_file(self):
        _, rows = self.show()
        self.assertEqual((rows["alerts.window"]["value"], rows["alerts.window"]["source"]), ("1h", "default"))
        self.assertEqual(rows["alerts.escalation_step"]["value"], "0.5")
        self.write_config('[alerts]\nwindow = "30m"\nescalation_step = 1.5\n')
        _, rows = self.show()
        self.assertEqual((rows["alerts.window"]["value"], rows["alerts.window"]["source"]), ("30m", "file"))
        self.assertEqual(rows["alerts.escalation_step"]["value"], "1.5")

    # -- precedence, seen by what commands do ---------------------------------------------
    def test_markets_precedence_changes_what_scan_finds(self):
        def markets(*args, env=None):
            doc = self.run_json("scan", "--demo", "--no-store", *args, env=env)
            return {o["market"] for o in doc["opportunities"]}

        self.assertEqual(markets(), {"h2h", "spreads", "totals"})  # default
        self.write_config('[api]\nmarkets = ["h2h", "totals"]\n')
        self.assertEqual(markets(), {"h2h", "totals"})
        self.assertEqual(markets(env={"ODDSCTL_MARKETS": "spreads"}), {"spreads"})
        self.assertEqual(markets("--markets", "totals", env={"ODDSCTL_MARKETS": "spreads"}), {"totals"})

    def test_reserve_precedence_guards_the_budget(self):
        self.fake.add_key(KEY_AU, remaining=500)
        self.fake.set_events("au", "basketball_nbl", [arb_event()])
        env = {"ODDS_API_KEY_AU": KEY_AU}

        def scan(*args, extra=None):
            return self.run_cli("scan", "--regions", "au", *args, env=dict(env, **(extra or {})))

        # A first run records the key's remaining credits (497) in the ledger, so that the
        # guard of the next runs knows them before their first call.
        self.assertEqual(scan().returncode, 0, self.describe(self.last))
        self.write_config("[budget]\nreserve = 600\n")
        self.assertEqual(scan().returncode, 5, self.describe(self.last))  # file: 500 left < 600
        self.assertEqual(scan(extra={"ODDSCTL_RESERVE": "10"}).returncode, 0, self.describe(self.last))
        self.assertEqual(scan("--reserve", "700", extra={"ODDSCTL_RESERVE": "10"}).returncode, 5)
        self.assertEqual(scan("--reserve", "0", extra={"ODDSCTL_RESERVE": "900"}).returncode, 0,
                         self.describe(self.last))

    # -- config path, errors, masking -------------------------------------------------------
    def test_config_path(self):
        default = os.path.join(self.tmp, "config", "oddsctl", "config.toml")
        proc = self.run_cli("config", "path", check=0)
        self.assertEqual(proc.stdout.strip(), default + " (not present)")
        self.write_config("log_level = 'warn'\n")
        self.assertEqual(self.run_cli("config", "path", check=0).stdout.strip(), default)
        other = self.write_config("log_level = 'warn'\n", name="other.toml")
        self.assertEqual(self.run_cli("--config", other, "config", "path", check=0).stdout.strip(), other)
        doc = self.run_json("config", "path", env={"ODDSCTL_CONFIG": other})
        self.assertEqual((doc["path"], doc["present"], doc["source"]), (other, True, "env ODDSCTL_CONFIG"))

    def test_bad_config_file_is_a_one_line_usage_error_with_file_and_line(self):
        path = self.write_config('log_level = "warn"\n[api\nmarkets = "h2h"\n', name="broken.toml")
        for args in (["--config", path, "config", "show"], ["--config", path, "scan", "--demo"]):
            proc = self.run_cli(*args)
            self.assertEqual(proc.returncode, 2, self.describe(proc))
            lines = proc.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, self.describe(proc))
            self.assertIn(path + ":2", lines[0])
            self.assertEqual(proc.stdout, "")
        missing = os.path.join(self.tmp, "nope.toml")
        proc = self.run_cli("--config", missing, "config", "show")
        self.assertEqual(proc.returncode, 2, self.describe(proc))
        self.assertIn(missing, proc.stderr)
        proc = self.run_cli("--config", path, "config", "show", "--json")
        self.assertEqual(json.loads(proc.stderr)["error"]["exit_code"], 2)

    def test_secrets_are_masked(self):
        # An API key in the config file is refused, and the refusal does not show it.
        self.write_config('[api]\nkey = "file-secret-key-1234"\n')
        proc = self.run_cli("config", "show", check=2)
        self.assertIn("ODDS_API_KEY", proc.stderr)
        self.assertNotIn("file-secret-key-1234", proc.stdout + proc.stderr)
        self.write_config('[alerts]\nwebhook = "https://hooks.example.com/services/T0/B0/zzzz"\n')
        env = {"ODDS_API_KEY_AU": KEY_AU, "ODDS_API_KEY": "generic-key-77ab",
               "ODDSCTL_STORE": "mongodb://user:hunter2@127.0.0.1:1/odds"}
        for fmt in (["--json"], [], ["--format", "csv"]):
            proc = self.run_cli("config", "show", *fmt, env=env)
            self.assertEqual(proc.returncode, 0, self.describe(proc))
            out = proc.stdout + proc.stderr
            for secret in (KEY_AU, "generic-key-77ab", "file-secret-key-1234", "hunter2", "zzzz"):
                self.assertNotIn(secret, out)
        doc, rows = self.show(env=env)
        keys = {k["region"]: k for k in doc["keys"]}
        self.assertEqual(keys["au"]["shown"], "…9f3k (ODDS_API_KEY_AU)")
        self.assertEqual(keys["uk"]["shown"], "…77ab (ODDS_API_KEY)")
        self.assertIn("hooks.example.com", rows["alerts.webhook"]["value"])
        table = self.run_cli("config", "show", env=env, check=0).stdout
        self.assertIn("…9f3k (ODDS_API_KEY_AU)", table)

    def test_store_uri_passwords_never_shown_whole(self):
        # Nothing listens on port 1: every command that opens the store fails at once, and
        # its message, like every config show format and the -vv log, masks the password.
        for uri in ("postgresql://user:s3cretpw@127.0.0.1:1/odds?connect_timeout=2",
                    "mongodb://u:s3cretpw@127.0.0.1:1/odds?serverSelectionTimeoutMS=500"):
            env = {"ODDSCTL_STORE": uri, "ODDSCTL_ALERTS_WEBHOOK": "https://u:s3cretpw@hooks.example.com/x/s3cretpw"}
            runs = [("config", "show", "-vv", *fmt) for fmt in ([], ["--json"], ["--format", "jsonl"],
                                                                 ["--format", "csv"])]
            runs += [("--store", uri, "config", "show", "-vv"), ("cache", "get", "-vv"),
                     ("cache", "stats", "--json", "-vv"), ("store", "check", "-vv")]
            for args in runs:
                proc = self.run_cli(*args, env=env, timeout=60)
                out = proc.stdout + proc.stderr
                self.assertNotIn("s3cretpw", out, self.describe(proc))
                if args[0] == "config" or "config" in args:
                    self.assertEqual(proc.returncode, 0, self.describe(proc))
                    self.assertIn("127.0.0.1:1/odds", out)

    def test_no_key_set_says_which_variable_to_set(self):
        doc, _ = self.show()
        au = [k for k in doc["keys"] if k["region"] == "au"][0]
        self.assertIsNone(au["key"])
        self.assertIn("ODDS_API_KEY_AU", au["shown"])

    def test_example_config_parses_and_lists_every_setting(self):
        example = os.path.join(SOURCE_DIR, "deploy", "config.example.toml")
        # As shipped (everything commented out) it changes nothing.
        _, rows = self.show("--config", example)
        self.assertFalse([k for k, r in rows.items() if r["source"] == "file"])
        # Uncommented, every known setting comes from it.
        with open(example) as f:
            text = re.sub(r"^# ([a-z_]+) = ", r"\1 = ", f.read(), flags=re.M)
        path = self.write_config(text, name="uncommented.toml")
        _, rows = self.show("--config", path, env={"ODDSCTL_STORE": None, "ODDS_API_BASE_URL": None})
        not_in_file = sorted(k for k, r in rows.items() if r["source"] != "file")
        self.assertEqual(not_in_file, [], "keys missing from deploy/config.example.toml")
        for key in ("tiers.hot.within", "retention.alerts_older_than", "commission.betfair_ex_uk",
                    "budget.share.hot", "worker.grace", "sync.give_up_after"):
            self.assertEqual(rows[key]["source"], "file", key)


if __name__ == "__main__":
    main()
