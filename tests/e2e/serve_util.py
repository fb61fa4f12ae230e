"""Helpers of the `oddsctl serve` suites: start the server on a free port, talk HTTP to it."""

import http.client
import json
import os
import signal
import subprocess
import threading

from harness import BIN


class ServeProcess:
    """`oddsctl serve --listen 127.0.0.1:0 ...`, its bound address read from its first stdout line."""

    def __init__(self, test, *args, env=None, command=("serve",), listen_flag=True, address_from="stdout"):
        full = dict(test.env)
        for k, v in (env or {}).items():
            if v is None:
                full.pop(k, None)
            else:
                full[k] = v
        cmd = [BIN] + list(command)
        if listen_flag:
            cmd += ["--listen", "127.0.0.1:0"]
        cmd += [str(a) for a in args]
        self.stderr_path = os.path.join(test.tmp, "serve-%d.stderr" % id(self))
        self._stderr = open(self.stderr_path, "w+")
        self.proc = subprocess.Popen(cmd, env=full, cwd=test.tmp, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self._stderr, text=True)
        self.stdout_lines = []
        self.port = None
        source = self.proc.stdout
        if address_from == "stderr":
            source = None
        if source is not None:
            line = source.readline()
            self.stdout_lines.append(line)
            if "http://" not in line:
                self.stop()
                raise AssertionError("serve did not say where it listens: %r\n%s" % (line, self.stderr()))
            self.port = int(line.split("http://")[1].split()[0].rsplit(":", 1)[1])
            # Drain stdout so the server never blocks on a full pipe.
            threading.Thread(target=self._drain, daemon=True).start()
        test.addCleanup(self.stop)

    def wait_for_stderr_address(self, test, timeout=20):
        """Worker mode prints 'health and metrics on http://…' on stderr."""
        import time
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.stderr()
            if "http://" in text:
                self.port = int(text.split("http://")[1].split()[0].rsplit(":", 1)[1])
                return self.port
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError("no address on stderr:\n" + self.stderr())

    def _drain(self):
        for line in self.proc.stdout:
            self.stdout_lines.append(line)

    def stderr(self):
        self._stderr.flush()
        with open(self.stderr_path) as f:
            return f.read()

    def url(self, path="/"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def request(self, method, path, headers=None, body=None, timeout=60):
        """(status, headers as a dict with lower-case names, body text)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read().decode("utf-8", "replace")
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def get_json(self, path, headers=None, status=200):
        code, hdrs, body = self.request("GET", path, headers)
        if code != status:
            raise AssertionError("GET %s: %d, expected %d: %s" % (path, code, status, body[:2000]))
        return json.loads(body), hdrs

    def terminate(self, sig=signal.SIGTERM, timeout=60):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._stderr.close() if not self._stderr.closed else None


VOLATILE = ("generated_at", "age_s")


def stable(doc):
    """The document without the fields that only tell the time of asking."""
    if isinstance(doc, dict):
        return {k: stable(v) for k, v in doc.items()
                if k not in VOLATILE and not k.endswith("_age_s")}
    if isinstance(doc, list):
        return [stable(v) for v in doc]
    return doc
