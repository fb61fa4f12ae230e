#!/usr/bin/env python3
"""A throwaway PostgreSQL server, with PgBouncer (transaction pooling) in front, for tests.

    with Cluster() as c:            # from Python (tests/e2e/test_pg_*.py, bench/)
        c.pg_uri, c.bouncer_uri, c.psql("SELECT 1")

    python3 tests/pg/cluster.py run [--via pg|pgbouncer] [--only-pg] [--timeout S] -- CMD ...

`run` starts both, exports ODDSCTL_TEST_PG_URI (the server, or PgBouncer with --via
pgbouncer) and ODDSCTL_TEST_PGBOUNCER_URI, runs CMD and exits with its status. --only-pg
also sets ODDSCTL_TEST_STORE_ONLY=postgresql (the conformance suite then skips SQLite).

What it does: initdb in a new temporary folder (as the user `nobody` when run as root, as
CI does: PostgreSQL refuses to run as root), a free port on 127.0.0.1, password (SCRAM)
authentication for TCP, a role and database `oddsctl`; then PgBouncer in transaction
pooling mode on another free port. Both are stopped and the folder removed afterwards, also
when the command fails or this process is killed (a watchdog process notices its parent
gone). Missing binaries are an error (exit 1), never a skip: scripts/setup installs them.
"""
import argparse
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

PASSWORD = "s3cret-pw"
USER = "oddsctl"
DATABASE = "oddsctl"


class ClusterError(RuntimeError):
    pass


def _version_key(path):
    try:
        return int(path.rstrip("/").split("/")[-2])
    except (ValueError, IndexError):
        return 0


def find_bindir():
    """The folder of initdb/postgres/psql: $ODDSCTL_PG_BINDIR, /usr/lib/postgresql/<newest>/bin,
    or pg_config --bindir."""
    candidates = []
    if os.environ.get("ODDSCTL_PG_BINDIR"):
        candidates.append(os.environ["ODDSCTL_PG_BINDIR"])
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin/"), key=_version_key, reverse=True)
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, timeout=10)
        if out.returncode == 0:
            candidates.append(out.stdout.strip())
    except (OSError, subprocess.TimeoutExpired):
        pass
    for d in candidates:
        if all(os.access(os.path.join(d, b), os.X_OK) for b in ("initdb", "postgres", "psql")):
            return d.rstrip("/")
    raise ClusterError("PostgreSQL server binaries (initdb, postgres, psql) not found in " +
                       (", ".join(candidates) or "/usr/lib/postgresql/*/bin") +
                       ": install them (scripts/setup: postgresql)")


def find_pgbouncer():
    path = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if os.access("/usr/sbin/pgbouncer", os.X_OK) else None)
    if not path:
        raise ClusterError("pgbouncer not found: install it (scripts/setup: pgbouncer)")
    return path


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# A watchdog, in its own session: when the process that started the cluster is gone
# (killed by a test timeout), it stops the servers and removes the folder.
_WATCHDOG = r"""
import os, shutil, signal, sys, time
parent, folder, pids = int(sys.argv[1]), sys.argv[2], [int(p) for p in sys.argv[3:]]
while True:
    time.sleep(1)
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        break
    if not os.path.isdir(folder):
        sys.exit(0)
for p in pids:
    try: os.kill(p, signal.SIGKILL)
    except OSError: pass
time.sleep(1)
shutil.rmtree(folder, ignore_errors=True)
"""


class Cluster:
    def __init__(self, with_bouncer=True, pool_size=20, max_client_conn=400, max_connections=200, keep=False):
        self.with_bouncer = with_bouncer
        self.pool_size = pool_size
        self.max_client_conn = max_client_conn
        self.max_connections = max_connections
        self.keep = keep
        self.dir = None
        self.postgres = None
        self.bouncer = None
        self.watchdog = None
        self.pg_port = None
        self.bouncer_port = None

    # --- as whom the servers run ---
    def _drop(self):
        """The command prefix that runs a server as an unprivileged user (root only)."""
        if os.geteuid() != 0:
            return []
        try:
            pw = pwd.getpwnam("nobody")
        except KeyError:
            raise ClusterError("running as root and there is no user 'nobody' to run PostgreSQL as")
        setpriv = shutil.which("setpriv")
        if setpriv:
            return [setpriv, f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--clear-groups", "--"]
        runuser = shutil.which("runuser")
        if runuser:
            return [runuser, "-u", "nobody", "--"]
        raise ClusterError("running as root and neither setpriv nor runuser is there to drop privileges")

    def _chown(self, path):
        if os.geteuid() == 0:
            pw = pwd.getpwnam("nobody")
            os.chown(path, pw.pw_uid, pw.pw_gid)

    def _env(self):
        env = dict(os.environ)
        env.pop("PGPASSWORD", None)
        env["LC_ALL"] = "C"
        env["HOME"] = self.dir
        return env

    # --- life cycle ---
    def start(self):
        self.bindir = find_bindir()
        self.pgbouncer_bin = find_pgbouncer() if self.with_bouncer else None
        drop = self._drop()
        self.dir = tempfile.mkdtemp(prefix="oddsctl-pg-")
        os.chmod(self.dir, 0o700)
        self._chown(self.dir)
        data = os.path.join(self.dir, "data")
        pwfile = os.path.join(self.dir, "pw")
        with open(pwfile, "w") as f:
            f.write(PASSWORD + "\n")
        self._chown(pwfile)
        env = self._env()
        r = subprocess.run(drop + [os.path.join(self.bindir, "initdb"), "-D", data, "-U", "postgres",
                                   "--pwfile", pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
                                   "--no-sync", "--encoding=UTF8", "--locale=C"],
                           capture_output=True, text=True, env=env, timeout=120)
        if r.returncode != 0:
            raise ClusterError("initdb failed: " + (r.stderr or r.stdout).strip()[-2000:])
        self.pg_port = free_port()
        log = open(os.path.join(self.dir, "postgres.log"), "w")
        self._chown(log.name)
        self.postgres = subprocess.Popen(
            drop + [os.path.join(self.bindir, "postgres"), "-D", data, "-p", str(self.pg_port),
                    "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.dir}",
                    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                    "-c", f"max_connections={self.max_connections}", "-c", "shared_buffers=64MB",
                    "-c", "log_min_messages=warning", "-c", "autovacuum_naptime=10s"],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self._start_watchdog()
        self._wait(lambda: self._psql_ok(), "postgres", self.postgres, os.path.join(self.dir, "postgres.log"))
        self.psql(f"CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'", db="postgres", superuser=True)
        self.psql(f"CREATE DATABASE {DATABASE} OWNER {USER}", db="postgres", superuser=True)
        if self.with_bouncer:
            self._start_bouncer(drop, env)
        self._start_watchdog()  # again: now it knows every pid
        return self

    def _start_bouncer(self, drop, env):
        self.bouncer_port = free_port()
        ini = os.path.join(self.dir, "pgbouncer.ini")
        users = os.path.join(self.dir, "userlist.txt")
        with open(users, "w") as f:
            f.write(f'"{USER}" "{PASSWORD}"\n')
        with open(ini, "w") as f:
            f.write(f"""[databases]
{DATABASE} = host=127.0.0.1 port={self.pg_port} dbname={DATABASE}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.bouncer_port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = {users}
pool_mode = transaction
default_pool_size = {self.pool_size}
max_client_conn = {self.max_client_conn}
max_db_connections = {self.pool_size}
admin_users = {USER}
stats_users = {USER}
logfile = {os.path.join(self.dir, 'pgbouncer.log')}
pidfile = {os.path.join(self.dir, 'pgbouncer.pid')}
server_reset_query =
""")
        for p in (ini, users):
            self._chown(p)
        self.bouncer = subprocess.Popen(drop + [self.pgbouncer_bin, ini], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self._wait(lambda: _port_open(self.bouncer_port), "pgbouncer", self.bouncer,
                   os.path.join(self.dir, "pgbouncer.log"))

    def _start_watchdog(self):
        if self.watchdog and self.watchdog.poll() is None:
            self.watchdog.kill()
            self.watchdog.wait()
        pids = [str(p.pid) for p in (self.postgres, self.bouncer) if p]
        self.watchdog = subprocess.Popen([sys.executable, "-c", _WATCHDOG, str(os.getpid()), self.dir] + pids,
                                         start_new_session=True, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _wait(self, ready, what, proc, logfile, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise ClusterError(f"{what} exited with {proc.returncode}: " + self._tail(logfile))
            if ready():
                return
            time.sleep(0.1)
        raise ClusterError(f"{what} did not become ready in {seconds} s: " + self._tail(logfile))

    @staticmethod
    def _tail(path):
        try:
            with open(path) as f:
                return f.read()[-2000:]
        except OSError:
            return "(no log)"

    def _psql_ok(self):
        r = subprocess.run([os.path.join(self.bindir, "psql"), "-h", self.dir, "-p", str(self.pg_port), "-U",
                            "postgres", "-d", "postgres", "-XAtqc", "SELECT 1"],
                           capture_output=True, text=True, env=self._env(), timeout=30)
        return r.returncode == 0

    def psql(self, sql, db=DATABASE, superuser=False, via_bouncer=False, check=True):
        """Runs sql with psql; returns stdout (unaligned, tuples only)."""
        if superuser:
            cmd = [os.path.join(self.bindir, "psql"), "-h", self.dir, "-p", str(self.pg_port), "-U", "postgres",
                   "-d", db]
        else:
            cmd = [os.path.join(self.bindir, "psql"), self.bouncer_uri if via_bouncer else self.pg_uri]
        r = subprocess.run(cmd + ["-XAtqv", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True,
                           env=self._env(), timeout=120)
        if check and r.returncode != 0:
            raise ClusterError(f"psql failed ({r.returncode}): {r.stderr.strip()}")
        return r.stdout

    @property
    def pg_uri(self):
        return f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{self.pg_port}/{DATABASE}"

    @property
    def bouncer_uri(self):
        if not self.bouncer_port:
            return None
        return f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{self.bouncer_port}/{DATABASE}"

    def env(self, via="pg"):
        out = {"ODDSCTL_TEST_PG_URI": self.bouncer_uri if via == "pgbouncer" else self.pg_uri,
               "ODDSCTL_TEST_PG_BINDIR": self.bindir}
        if self.bouncer_uri:
            out["ODDSCTL_TEST_PGBOUNCER_URI"] = self.bouncer_uri
        return out

    def stop(self):
        for proc, sig in ((self.bouncer, signal.SIGTERM), (self.postgres, signal.SIGINT)):
            if not proc or proc.poll() is not None:
                continue
            try:
                proc.send_signal(sig)
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            except OSError:
                pass
        if self.watchdog and self.watchdog.poll() is None:
            self.watchdog.kill()
            self.watchdog.wait()
        if self.dir and not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
        elif self.dir:
            print(f"cluster: files left in {self.dir}", file=sys.stderr)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()
        return False


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", help="start a cluster, run a command, stop it")
    run.add_argument("--via", choices=("pg", "pgbouncer"), default="pg",
                     help="what ODDSCTL_TEST_PG_URI points at (default: the server itself)")
    run.add_argument("--only-pg", action="store_true", help="also set ODDSCTL_TEST_STORE_ONLY=postgresql")
    run.add_argument("--timeout", type=float, default=0, help="kill the command after this many seconds")
    run.add_argument("--keep", action="store_true", help="leave the cluster's folder behind")
    run.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        ap.error("no command given after --")
    try:
        cluster = Cluster(keep=args.keep).__enter__()
    except ClusterError as e:
        print(f"cluster: {e}", file=sys.stderr)
        return 1
    # A SIGTERM (ctest, CI cancelling) still stops the servers.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        env = dict(os.environ)
        env.update(cluster.env(args.via))
        if args.only_pg:
            env["ODDSCTL_TEST_STORE_ONLY"] = "postgresql"
        print(f"cluster: PostgreSQL on 127.0.0.1:{cluster.pg_port}, PgBouncer (transaction pooling) on "
              f"127.0.0.1:{cluster.bouncer_port}; ODDSCTL_TEST_PG_URI -> {args.via}", flush=True)
        proc = subprocess.Popen(command, env=env)
        try:
            return proc.wait(timeout=args.timeout or None)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            print(f"cluster: {command[0]} killed after {args.timeout} s", file=sys.stderr)
            return 124
        except KeyboardInterrupt:
            proc.kill()
            proc.wait()
            return 130
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
