#!/usr/bin/env python3
"""Load benchmark of `oddsctl serve` (bounded; prints, never a timed test).

200 concurrent clients (bench/serve_load.cpp, keep-alive, plain sockets) GET
/v1/scans/latest?region=au,uk,us,eu for 10 s while `oddsctl scan --demo` writes a new result
for every region in a loop. Reports requests/s, p50/p99 latency and errors, next to a
baseline measured in the same run: /healthz (no store read) under the same load. Exits 1 when
any request failed.

Usage: bench/serve_load.py [path/to/oddsctl] [--clients 200] [--seconds 10] [--threads 8]
  (binary default: $ODDSCTL_BIN, build/release, build/serve; the load generator is
   <build>/bench/serve_load: cmake --build <build> --target serve_load)
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def arg(name, default):
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1]
    return default


def find_bin():
    for a in sys.argv[1:]:
        if not a.startswith("--") and os.path.isfile(a):
            return os.path.abspath(a)
    for c in (os.environ.get("ODDSCTL_BIN"), os.path.join(ROOT, "build/release/oddsctl"),
              os.path.join(ROOT, "build/serve/oddsctl")):
        if c and os.path.isfile(c):
            return c
    sys.exit("serve_load: no oddsctl binary (give its path)")


def main():
    binary = find_bin()
    load = os.path.join(os.path.dirname(binary), "bench", "serve_load")
    if not os.path.isfile(load):
        sys.exit("serve_load: %s is missing (cmake --build %s --target serve_load)" % (load, os.path.dirname(binary)))
    clients, seconds, threads = int(arg("--clients", 200)), float(arg("--seconds", 10)), arg("--threads", "8")
    tmp = tempfile.mkdtemp(prefix="oddsctl-serve-load-")
    env = dict(os.environ, HOME=tmp, XDG_STATE_HOME=tmp, XDG_CONFIG_HOME=tmp, NO_COLOR="1",
               ODDSCTL_STORE="sqlite://" + os.path.join(tmp, "oddsctl.db"))
    for k in list(env):
        if k.startswith("ODDS_API_KEY") or k == "ODDSCTL_SERVE_TOKEN":
            del env[k]
    subprocess.run([binary, "scan", "--demo", "--quiet"], env=env, check=True, stdout=subprocess.DEVNULL)
    serve = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--source", "demo", "--threads", threads,
                              "--quiet"], env=env, stdout=subprocess.PIPE, text=True)
    try:
        line = serve.stdout.readline()
        port = int(line.split("http://")[1].split()[0].rsplit(":", 1)[1])
        stop = threading.Event()
        scans = [0]

        def writer():  # new results all the time: readers and the writer share the store
            while not stop.is_set():
                subprocess.run([binary, "scan", "--demo", "--quiet"], env=env, stdout=subprocess.DEVNULL)
                scans[0] += 1

        def run(path):
            proc = subprocess.run([load, "127.0.0.1", str(port), path, str(clients), str(seconds)],
                                  capture_output=True, text=True, timeout=seconds + 120)
            if not proc.stdout.strip():
                sys.exit("serve_load: the load generator printed nothing: " + proc.stderr)
            return json.loads(proc.stdout)

        w = threading.Thread(target=writer)
        w.start()
        base = run("/healthz")
        latest = run("/v1/scans/latest?region=au,uk,us,eu")
        stop.set()
        w.join(60)
        print("oddsctl serve, %d clients x %.0f s, --threads %s, while `scan --demo` wrote %d new results:"
              % (clients, seconds, threads, scans[0]))
        for name, r in (("/healthz (baseline)", base), ("/v1/scans/latest", latest)):
            print("  %-22s %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  max %7.1f ms  %d requests, %d errors %s"
                  % (name, r["rps"], r["p50_ms"], r["p99_ms"], r["max_ms"], r["requests"], r["errors"],
                     r["error_kinds"] or ""))
        if base["rps"]:
            print("  /v1/scans/latest runs at %.2fx the baseline's rate" % (latest["rps"] / base["rps"]))
        return 1 if base["errors"] or latest["errors"] else 0
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(30)
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    sys.exit(main())
