"""On a terminal: tables fit its width (names shortened with an ellipsis, legs moved under
their row, nothing wrapped mid-cell; no limit when piped), numbers right-aligned, colour
(on a TTY; NO_COLOR, CLICOLOR=0, TERM=dumb, --color never turn it off; --color always and
CLICOLOR_FORCE turn it on), and a progress line on stderr for long runs, erased at the end
(never with --quiet, --json, CI, or stderr piped). Every TTY here is a pseudo-terminal of
80 columns (TIOCSWINSZ)."""

import fcntl
import os
import re
import select
import struct
import subprocess
import termios

from harness import BIN, E2ETest, main, make_bookmaker, make_event, in_hours

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
KEY = "test-key-au-term-0123456789abcdef"


def pty_pair(cols=80, rows=24):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    return master, slave


def drain(fds, proc, timeout=60):
    """Everything written to the masters until the process ends (bytes per fd)."""
    out = {fd: b"" for fd in fds}
    open_fds = list(fds)
    while open_fds:
        ready, _, _ = select.select(open_fds, [], [], timeout)
        if not ready:
            proc.kill()
            raise AssertionError("no output for %ss" % timeout)
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the slave side is closed
                chunk = b""
            if not chunk:
                open_fds.remove(fd)
            else:
                out[fd] += chunk
    proc.wait(timeout=timeout)
    return out


def long_event(eid, home, away):
    return make_event(eid, home, away, sport_key="soccer_epl", commence=in_hours(5), bookmakers=[
        make_bookmaker("neds", home, away, h2h=(2.40, 3.60, 3.60)),
        make_bookmaker("tab", home, away, h2h=(1.90, 4.20, 3.50)),
        make_bookmaker("sportsbet", home, away, h2h=(2.00, 3.80, 4.00))])


class TerminalCase(E2ETest):
    def run_tty(self, *args, env=None, stdout_tty=True, stderr_tty=True, cols=80):
        """(exit code, stdout text, stderr text) with stdout/stderr on 80-column pseudo-terminals."""
        full = dict(self.env)
        full.pop("COLUMNS", None)
        full.pop("NO_COLOR", None)  # the harness's default; a terminal test wants the real default
        full.setdefault("TERM", "xterm")
        for k, v in (env or {}).items():
            if v is None:
                full.pop(k, None)
            else:
                full[k] = v
        fds, closers = [], []
        out_m = err_m = None
        if stdout_tty:
            out_m, out_s = pty_pair(cols)
            stdout = out_s
            closers.append(out_s)
            fds.append(out_m)
        else:
            stdout = subprocess.PIPE
        if stderr_tty:
            err_m, err_s = pty_pair(cols)
            stderr = err_s
            closers.append(err_s)
            fds.append(err_m)
        else:
            stderr = subprocess.PIPE
        proc = subprocess.Popen([BIN] + list(args), env=full, cwd=self.tmp, stdin=subprocess.DEVNULL,
                                stdout=stdout, stderr=stderr)
        for fd in closers:
            os.close(fd)
        got = drain(fds, proc) if fds else {}
        piped_out = proc.stdout.read() if proc.stdout else b""
        piped_err = proc.stderr.read() if proc.stderr else b""
        proc.wait(timeout=60)
        for fd in fds:
            os.close(fd)
        text_out = (got.get(out_m, b"") if stdout_tty else piped_out).decode("utf-8")  # strict: valid UTF-8
        text_err = (got.get(err_m, b"") if stderr_tty else piped_err).decode("utf-8")
        # A pty turns \n into \r\n.
        return proc.returncode, text_out.replace("\r\n", "\n"), text_err.replace("\r\n", "\n")


class TableTest(TerminalCase):
    def test_the_scan_table_fits_80_columns_and_is_unlimited_when_piped(self):
        code, out, _ = self.run_tty("scan", "--demo")
        self.assertEqual(code, 0, out)
        lines = [ANSI.sub("", l) for l in out.splitlines()]
        self.assertTrue(lines[0].startswith("PROFIT"), out)
        self.assertTrue(all(len(l) <= 80 for l in lines), "\n".join(l for l in lines if len(l) > 80))
        self.assertNotIn("LEGS", lines[0])                            # legs moved under their rows
        self.assertTrue(any(l.startswith("    ") and " @ " in l for l in lines), out)
        self.assertIn("\u2026", out)                                    # names shortened with an ellipsis
        rows = [l for l in lines[1:] if not l.startswith("    ")]
        self.assertTrue(all(re.match(r"^ *\d+\.\d\d%  ", l) for l in rows), rows)
        # Right-aligned: every profit ends in the same column.
        self.assertEqual(len({l.index("%") for l in rows}), 1, rows)
        # A cell is never cut in two: each leg is whole on its own line.
        legs = [l.strip() for l in lines if l.startswith("    ")]
        self.assertTrue(all(re.search(r" @ \S+", leg) for leg in legs), legs)

        piped = self.run_cli("scan", "--demo", check=0).stdout
        self.assertTrue(max(len(l) for l in piped.splitlines()) > 80)
        self.assertIn("LEGS", piped.splitlines()[0])
        self.assertNotIn("\u2026", piped)
        self.assertNotIn("\x1b[", piped)

    def test_columns_overrides_the_terminal_size(self):
        code, out, _ = self.run_tty("scan", "--demo", env={"COLUMNS": "400"})
        lines = [ANSI.sub("", l) for l in out.splitlines()]
        self.assertIn("LEGS", lines[0])
        self.assertNotIn("\u2026", out)
        self.assertTrue(all(len(l) <= 400 for l in lines))
        # Narrower than the narrowest row can be: names at their shortest, cells still whole.
        code, out, _ = self.run_tty("scan", "--demo", env={"COLUMNS": "60"})
        lines = [ANSI.sub("", l) for l in out.splitlines()]
        self.assertNotIn("LEGS", lines[0])
        self.assertTrue(any("06-01 16:00" in l for l in lines), out)  # whole, in its short form

    def test_accented_names_are_cut_on_a_character(self):
        self.fake.add_key(KEY, remaining=1000)
        self.fake.set_events("au", "soccer_epl", [
            long_event("x1", "Atlético Madrid Féminas Académie Réserve", "Borussia Mönchengladbach Ümläüt Zweite")])
        code, out, err = self.run_tty("scan", "--regions", "au", "--sports", "soccer_epl", "--markets", "h2h",
                                      env={"ODDS_API_KEY_AU": KEY})
        self.assertEqual(code, 0, out + err)
        lines = [ANSI.sub("", l) for l in out.splitlines()]
        self.assertTrue(all(len(l) <= 80 for l in lines if not l.startswith("    ")), out)
        self.assertIn("Atlético", out)
        self.assertIn("\u2026", out)
        # The whole names are in the legs, which are never shortened.
        self.assertIn("Borussia Mönchengladbach Ümläüt Zweite", out)
        self.assertIn("1 opportunity", err)
        self.assertNotIn("1 opportunities", err)
        self.assertIn("1 event,", err)


class ColorTest(TerminalCase):
    def test_colour_on_a_tty_and_its_switches(self):
        _, out, _ = self.run_tty("scan", "--demo")
        self.assertIn("\x1b[32m", out)  # green profit
        self.assertIn("\x1b[1m", out)   # bold header
        for env, args in (({"NO_COLOR": "1"}, []), ({"CLICOLOR": "0"}, []), ({"TERM": "dumb"}, []),
                          ({}, ["--color", "never"]), ({"ODDSCTL_COLOR": "never"}, [])):
            _, out, _ = self.run_tty("scan", "--demo", *args, env=env)
            self.assertNotIn("\x1b[", out, (env, args))
        # Forced when piped.
        for env, args in (({}, ["--color", "always"]), ({"CLICOLOR_FORCE": "1", "NO_COLOR": None}, [])):
            proc = self.run_cli("scan", "--demo", *args, env=env, check=0)
            self.assertIn("\x1b[32m", proc.stdout, (env, args))
        # --color never beats CLICOLOR_FORCE; a bad value is a usage error.
        proc = self.run_cli("scan", "--demo", "--color", "never", env={"CLICOLOR_FORCE": "1"}, check=0)
        self.assertNotIn("\x1b[", proc.stdout)
        self.run_cli("scan", "--demo", "--color", "sometimes", check=2)

    def test_failures_are_red_on_stderr(self):
        _, _, err = self.run_tty("scan", "--regions", "au", "--sports", "soccer_epl",
                                 env={"ODDS_API_KEY_AU": "test-key-unknown-000000000000"})
        self.assertIn("\x1b[31mfailed\x1b[0m", err)
        _, _, err = self.run_tty("scan", "--regions", "au", "--sports", "soccer_epl",
                                 env={"ODDS_API_KEY_AU": "test-key-unknown-000000000000", "NO_COLOR": "1"})
        self.assertNotIn("\x1b[31m", err)


class ProgressTest(TerminalCase):
    fake_latency_ms = 700  # each call: a run of three sports on one connection takes ~2 s

    def setUp(self):
        super().setUp()
        self.fake.add_key(KEY, remaining=1000)
        for sport in ("soccer_epl", "basketball_nbl", "tennis_atp"):
            self.fake.set_events("au", sport, [long_event("p-" + sport, "Home", "Away")])

    def scan(self, *extra, env=None, **kw):
        e = {"ODDS_API_KEY_AU": KEY}
        e.update(env or {})
        return self.run_tty("scan", "--regions", "au", "--sports", "soccer_epl,basketball_nbl,tennis_atp",
                            "--markets", "h2h", "--concurrency", "1", *extra, env=e, **kw)

    def test_a_long_scan_shows_progress_on_stderr_then_erases_it(self):
        code, out, err = self.scan()
        self.assertEqual(code, 0, err)
        self.assertIn("\r\x1b[K", err)
        frames = [f for f in err.split("\r\x1b[K") if f.startswith("scan:")]
        self.assertTrue(frames, repr(err))
        self.assertRegex(frames[0], r"^scan: \d/1 regions, \d+/3 sports, \d in flight, \d+ credits?, \d+\.\ds")
        # Erased: the region summary starts on a clean line, after the last frame.
        tail = err.split("\r\x1b[K")[-1]
        self.assertTrue(tail.startswith("au: ok"), repr(err[-300:]))
        self.assertNotIn("scan:", out)

    def test_no_progress_when_quiet_json_ci_or_piped(self):
        for extra, env in ((["--quiet"], {}), (["--json"], {}), ([], {"CI": "true"}), ([], {"TERM": "dumb"})):
            _, _, err = self.scan(*extra, env=env)
            self.assertNotIn("scan:", err, (extra, env))
            self.assertNotIn("\x1b[K", err, (extra, env))
        _, _, err = self.scan(stderr_tty=False)
        self.assertNotIn("scan:", err)

    def test_a_long_sync_shows_events_done_of_selected(self):
        env = {"ODDS_API_KEY_AU": KEY}
        self.run_json("sync", "--discover", "--regions", "au", "--sports", "soccer_epl,basketball_nbl,tennis_atp",
                      env=env)
        code, out, err = self.run_tty("sync", "--tier", "warm", "--regions", "au", "--markets", "h2h",
                                      "--concurrency", "1", "--batch-size", "1", env=env)
        self.assertEqual(code, 0, err)
        frames = [f for f in err.split("\r\x1b[K") if f.startswith("sync:")]
        self.assertTrue(frames, repr(err))
        self.assertRegex(frames[-1], r"^sync: \d/3 events, \d in flight, \d+ credits?, \d+\.\ds")


if __name__ == "__main__":
    main()
