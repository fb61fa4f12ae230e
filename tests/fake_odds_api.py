#!/usr/bin/env python3
"""A fake of The Odds API v4 for oddsctl's tests (stdlib only). See tests/FAKE_API.md.

In-process:   with FakeOddsApi() as fake: fake.add_key("k"); ... fake.url
Subprocess:   python3 tests/fake_odds_api.py [--port 0] [--latency-ms N] [--watch-stdin]
              prints "PORT <n>" first, then serves; control it with POST /_fake/<verb>.

It only ever binds 127.0.0.1.
"""

import argparse
import copy
import gzip
import json
import socket
import struct
import sys
import threading
import time
import zlib
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    # socketserver's default listen backlog is 5: a client opening 24 connections at once
    # (4 regions x 6 sports) would see SYNs dropped and retried a second later, which
    # measures the fake, not the client.
    request_queue_size = 128
    daemon_threads = True
from urllib.parse import parse_qsl, unquote, urlsplit

FAULT_KINDS = ("latency", "status", "truncate", "bad_json", "hang", "no_credit_headers", "reset",
               "stall_body", "gzip_bomb", "credit_values", "hold")
# Faults that only modify a response; every other kind decides the response (first wins).
MODIFIER_FAULTS = ("latency", "no_credit_headers", "credit_values", "hold")
ERROR_MESSAGES = {
    401: "API key is not valid",
    404: "Unknown sport",
    422: "Invalid parameter",
    429: "Too many requests, slow down",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
}


_BOMBS = {}
_BOMBS_LOCK = threading.Lock()


def gzip_bomb(inflated_mb):
    """A gzip stream of `inflated_mb` MiB of zero bytes (~1 KiB per MiB), made at run time
    (a MiB at a time, so the fake never holds the inflated data) and cached per size."""
    inflated_mb = int(inflated_mb)
    with _BOMBS_LOCK:
        if inflated_mb not in _BOMBS:
            packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip header
            zeros = bytes(1 << 20)
            parts = [packer.compress(zeros) for _ in range(inflated_mb)]
            parts.append(packer.flush())
            _BOMBS[inflated_mb] = b"".join(parts)
        return _BOMBS[inflated_mb]


def decimal_to_american(price):
    """2.5 -> 150, 1.5 -> -200 (the API sends whole numbers)."""
    if price >= 2.0:
        return int(round((price - 1.0) * 100))
    return int(round(-100.0 / (price - 1.0)))


def _to_unix(text):
    try:
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())
    except (ValueError, AttributeError):
        return text


class _Fault:
    def __init__(self, kind, times, path, region, sport, params):
        if kind not in FAULT_KINDS:
            raise ValueError("unknown fault kind %r (one of %s)" % (kind, ", ".join(FAULT_KINDS)))
        self.kind, self.times, self.path, self.region, self.sport = kind, times, path, region, sport
        self.params = params

    def matches(self, path, regions, sport):
        if self.times is not None and self.times <= 0:
            return False
        if self.path is not None and self.path not in path:
            return False
        if self.region is not None and self.region not in regions:
            return False
        if self.sport is not None and self.sport != sport:
            return False
        return True


class FakeOddsApi:
    """The fake's state plus its HTTP server. Every public method is thread-safe."""

    def __init__(self, latency_ms=0, port=0):
        self.latency_ms = latency_ms
        self._port = port
        self._lock = threading.RLock()
        self._server = None
        self._thread = None
        self._stopping = threading.Event()
        self._released = threading.Event()  # ends every "hold" (see release)
        self._holding = 0  # requests waiting in a "hold" right now (see held)
        self.reset()

    # ---- lifecycle -------------------------------------------------------------------
    def start(self):
        fake = self

        class Handler(_Handler):
            pass

        Handler.fake = fake
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", self._port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()  # wakes hanging handlers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    # ---- control ---------------------------------------------------------------------
    def reset(self):
        """Forgets keys, data, faults and the call log (latency_ms is kept)."""
        with self._lock:
            self._keys = {}       # key -> {"remaining", "used", "charged"}
            self._events = {}     # (region, sport) -> [event]
            self._sports = {}     # key -> sport dict
            self._faults = []
            self._calls = []
        self._released.clear()

    def add_key(self, key, remaining=500, used=0):
        with self._lock:
            self._keys[key] = {"remaining": int(remaining), "used": int(used), "charged": 0}

    def key_state(self, key):
        with self._lock:
            state = self._keys.get(key)
            return dict(state) if state else None

    def set_events(self, region, sport_key, events):
        with self._lock:
            self._events[(region, sport_key)] = copy.deepcopy(list(events))
            if sport_key not in self._sports:
                title = events[0].get("sport_title", sport_key) if events else sport_key
                self._sports[sport_key] = {"key": sport_key, "group": sport_key.split("_")[0].title(),
                                           "title": title, "description": title, "active": True,
                                           "has_outrights": False}

    def add_sport(self, key, title=None, group="", active=True, has_outrights=False):
        with self._lock:
            self._sports[key] = {"key": key, "group": group, "title": title or key,
                                 "description": title or key, "active": bool(active),
                                 "has_outrights": bool(has_outrights)}

    def add_fault(self, kind, times=None, path=None, region=None, sport=None, **params):
        with self._lock:
            self._faults.append(_Fault(kind, times, path, region, sport, params))

    def clear_faults(self):
        with self._lock:
            self._faults = []

    def set_latency(self, ms):
        self.latency_ms = ms

    def release(self):
        """Lets every request held by a "hold" fault (now or later) answer."""
        self._released.set()

    @property
    def held(self):
        """How many requests a "hold" fault keeps waiting right now: a condition a test can
        wait for (a call is in flight, and stays so until release)."""
        with self._lock:
            return self._holding

    @property
    def calls(self):
        with self._lock:
            return [dict(c) for c in self._calls]

    def charged(self, key):
        with self._lock:
            return self._keys[key]["charged"] if key in self._keys else 0

    # ---- request handling (called by the handler) -----------------------------------
    def _take_faults(self, path, regions, sport):
        """The faults that apply to this request: modifiers stack, the first other one wins."""
        chosen = []
        with self._lock:
            decisive = False
            for fault in self._faults:
                if fault.kind not in MODIFIER_FAULTS and decisive:
                    continue
                if not fault.matches(path, regions, sport):
                    continue
                if fault.times is not None:
                    fault.times -= 1
                chosen.append(fault)
                decisive = decisive or fault.kind not in MODIFIER_FAULTS
        return chosen

    def _record(self, call):
        with self._lock:
            self._calls.append(call)

    def _sports_body(self, query):
        with self._lock:
            everything = query.get("all", "false").lower() == "true"
            return [dict(s) for s in self._sports.values() if everything or s["active"]]

    def _sport_known(self, sport):
        with self._lock:
            return sport in self._sports

    def _events_body(self, sport, query):
        seen, out = set(), []
        with self._lock:
            for (region, sport_key), events in self._events.items():
                if sport_key != sport:
                    continue
                for ev in events:
                    if ev["id"] in seen:
                        continue
                    seen.add(ev["id"])
                    out.append({k: copy.deepcopy(v) for k, v in ev.items() if k != "bookmakers"})
        ids = _split(query.get("eventIds"))
        if ids:
            out = [e for e in out if e["id"] in ids]
        return _dates(out, query.get("dateFormat", "iso"))

    def _odds_body(self, sport, regions, query):
        markets = _split(query.get("markets")) or ["h2h"]
        ids = _split(query.get("eventIds"))
        books = _split(query.get("bookmakers"))
        # As the real API: `bookmakers` takes priority over `regions` (the books are looked
        # for in every region), and each started group of 10 books is billed as one region.
        merged, order = {}, []
        with self._lock:
            searched = sorted({r for (r, s) in self._events if s == sport}) if books else regions
            for region in searched:
                for ev in self._events.get((region, sport), []):
                    if ids and ev["id"] not in ids:
                        continue
                    if ev["id"] not in merged:
                        merged[ev["id"]] = dict(copy.deepcopy(ev), bookmakers=[])
                        order.append(ev["id"])
                    target = merged[ev["id"]]["bookmakers"]
                    have = {b["key"] for b in target}
                    for bm in ev.get("bookmakers", []):
                        if bm["key"] in have or (books and bm["key"] not in books):
                            continue
                        kept = [copy.deepcopy(m) for m in bm.get("markets", []) if m["key"] in markets]
                        if kept:
                            target.append(dict(copy.deepcopy(bm), markets=kept))
        out = [merged[i] for i in order]
        # includeLinks / includeSids / includeBetLimits: the planted "link", "sid" and
        # "bet_limit" fields (bookmaker, market and outcome levels) come back only when asked
        # for; the cost does not change.
        strip = [f for f, p in (("link", "includeLinks"), ("sid", "includeSids"), ("bet_limit", "includeBetLimits"))
                 if query.get(p) != "true"]
        if strip:
            for ev in out:
                for bm in ev["bookmakers"]:
                    for level in [bm] + bm["markets"] + [o for m in bm["markets"] for o in m["outcomes"]]:
                        for f in strip:
                            level.pop(f, None)
        if query.get("oddsFormat", "decimal") == "american":
            for ev in out:
                for bm in ev["bookmakers"]:
                    for m in bm["markets"]:
                        for o in m["outcomes"]:
                            o["price"] = decimal_to_american(float(o["price"]))
        billed_regions = (len(set(books)) + 9) // 10 if books else len(regions)
        cost = len(markets) * billed_regions if out else 0
        return _dates(out, query.get("dateFormat", "iso")), cost

    def _charge(self, key, cost):
        with self._lock:
            state = self._keys[key]
            state["remaining"] -= cost
            state["used"] += cost
            state["charged"] += cost

    def _credit_headers(self, key, last):
        with self._lock:
            state = self._keys[key]
            return {"x-requests-used": str(state["used"]),
                    "x-requests-remaining": str(state["remaining"]),
                    "x-requests-last": str(last)}


def _split(value):
    return [v for v in (value or "").split(",") if v]


def _dates(events, date_format):
    if date_format != "unix":
        return events
    for ev in events:
        ev["commence_time"] = _to_unix(ev.get("commence_time"))
        for bm in ev.get("bookmakers", []):
            if "last_update" in bm:
                bm["last_update"] = _to_unix(bm["last_update"])
            for m in bm.get("markets", []):
                if "last_update" in m:
                    m["last_update"] = _to_unix(m["last_update"])
    return events


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so clients can reuse connections
    fake = None  # set per server

    def log_message(self, *args):
        pass

    # ---- plumbing --------------------------------------------------------------------
    def _send(self, status, body, headers=None, truncate=False, stall=None, encoded=False):
        """stall: seconds to wait after the headers and half the body, then close.
        encoded: `body` is already gzip-compressed (sent so whatever the client accepts)."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        all_headers = {"Content-Type": "application/json; charset=utf-8"}
        all_headers.update(headers or {})
        if encoded:
            all_headers["Content-Encoding"] = "gzip"
        elif "gzip" in (self.headers.get("Accept-Encoding") or "") and data:
            data = gzip.compress(data)
            all_headers["Content-Encoding"] = "gzip"
        self._finish_call()
        self.send_response(status)
        for name, value in all_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if stall is not None:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.fake._stopping.wait(float(stall))
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        elif encoded:
            # The client is expected to give up part way (the inflated size is the point)
            # and drop the connection: no keep-alive after it.
            self.close_connection = True
            try:
                self.wfile.write(data)
                self.wfile.flush()
            except OSError:
                pass
        elif truncate:
            self.wfile.write(data[: max(1, len(data) // 2)])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        else:
            self.wfile.write(data)

    def _error(self, status, code, message, headers=None):
        self._send(status, {"message": message, "error_code": code}, headers)

    def _reset(self):
        self._finish_call()
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    # ---- verbs -----------------------------------------------------------------------
    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/_fake/calls":
            return self._send(200, self.fake.calls)
        if url.path == "/_fake/held":
            return self._send(200, {"held": self.fake.held})
        if url.path == "/_fake/key":
            query = dict(parse_qsl(url.query))
            return self._send(200, self.fake.key_state(query.get("key", "")))
        if url.path.startswith("/v4/"):
            return self._v4("GET", url)
        self._error(404, "NOT_FOUND", "no such path")

    def do_POST(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not url.path.startswith("/_fake/"):
            return self._error(405, "METHOD_NOT_ALLOWED", "only GET")
        verb = url.path[len("/_fake/"):]
        allowed = {"add_key", "set_events", "add_sport", "add_fault", "clear_faults", "reset",
                   "set_latency", "release", "shutdown"}
        if verb not in allowed:
            return self._error(404, "NOT_FOUND", "unknown control verb %r" % verb)
        try:
            args = json.loads(raw) if raw.strip() else {}
            if verb == "shutdown":
                self._send(200, {"ok": True})
                threading.Thread(target=self.fake.stop, daemon=True).start()
                return None
            getattr(self.fake, verb)(**args)
        except (TypeError, ValueError, KeyError) as exc:
            return self._error(400, "BAD_CONTROL", "%s: %s" % (verb, exc))
        return self._send(200, {"ok": True})

    def _v4(self, method, url):
        fake = self.fake
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        key = query.pop("apiKey", None) or ""
        hint = key[-4:]
        parts = [unquote(p) for p in url.path.split("/") if p]  # v4 sports {sport} odds|events
        sport = parts[2] if len(parts) >= 3 else None
        regions = _split(query.get("regions"))
        call = {"method": method, "path": url.path, "query": dict(query, key_hint=hint),
                "key_hint": hint, "status": None, "charged": 0, "started": time.monotonic(),
                "ended": None, "fault": None}
        self._call = call
        try:
            self._v4_answer(fake, url.path, parts, sport, regions, query, key, call)
        finally:
            self._finish_call()

    def _finish_call(self):
        """Logs the call before its answer goes out, so a client never sees an answer
        whose call is not in the log yet."""
        call, self._call = getattr(self, "_call", None), None
        if call is not None:
            call["ended"] = time.monotonic()
            self.fake._record(call)

    def _v4_answer(self, fake, path, parts, sport, regions, query, key, call):
        if fake.latency_ms:
            time.sleep(fake.latency_ms / 1000.0)
        faults = fake._take_faults(path, regions, sport)
        no_credits = False
        credit_values = {}
        decisive = None
        for fault in faults:
            if fault.kind == "latency":
                time.sleep(float(fault.params.get("ms", 0)) / 1000.0)
            elif fault.kind == "hold":
                # Until the test says so: a condition to wait on, not a guessed latency.
                until = time.monotonic() + float(fault.params.get("seconds", 30))
                with fake._lock:
                    fake._holding += 1
                try:
                    while not fake._released.is_set() and not fake._stopping.is_set() and time.monotonic() < until:
                        fake._released.wait(0.05)
                finally:
                    with fake._lock:
                        fake._holding -= 1
            elif fault.kind == "no_credit_headers":
                no_credits = True
            elif fault.kind == "credit_values":
                for name in ("used", "remaining", "last"):
                    if name in fault.params:
                        credit_values["x-requests-" + name] = str(fault.params[name])
            else:
                decisive = fault
        call["fault"] = ",".join(f.kind for f in faults) or None
        if decisive is not None and decisive.kind == "reset":
            return self._reset()
        if decisive is not None and decisive.kind == "hang":
            fake._stopping.wait(float(decisive.params.get("seconds", 30)))
            return self._reset()

        if key not in fake._keys:
            call["status"] = 401
            return self._error(401, "INVALID_KEY", "API key is not valid or was not given")

        def credit_headers(last):
            if no_credits:
                return {}
            return dict(fake._credit_headers(key, last), **credit_values)

        # What the call would return and cost if nothing went wrong.
        status, body, cost = 200, None, 0
        if len(parts) == 2 and parts[1] == "sports":
            body = fake._sports_body(query)
        elif len(parts) == 4 and parts[1] == "sports" and parts[3] in ("events", "odds"):
            if not fake._sport_known(sport):
                status, body = 404, {"message": "Unknown sport %s" % sport, "error_code": "UNKNOWN_SPORT"}
            elif parts[3] == "events":
                body = fake._events_body(sport, query)
            elif not regions and not _split(query.get("bookmakers")):
                status, body = 422, {"message": "regions is missing", "error_code": "MISSING_REGION"}
            elif query.get("oddsFormat", "decimal") not in ("decimal", "american"):
                status, body = 422, {"message": "bad oddsFormat", "error_code": "INVALID_ODDS_FORMAT"}
            else:
                body, cost = fake._odds_body(sport, regions, query)
        else:
            status, body = 404, {"message": "Unknown path", "error_code": "NOT_FOUND"}

        if cost and cost > fake._keys[key]["remaining"]:
            call["status"] = 401
            return self._error(401, "OUT_OF_USAGE_CREDITS", "Usage quota has been reached",
                               credit_headers(0))

        if decisive is not None and decisive.kind == "status":
            p = decisive.params
            code = int(p.get("status", 500))
            charge = cost if p.get("charge") else 0
            if charge:
                fake._charge(key, charge)
            call.update(status=code, charged=charge)
            headers = credit_headers(charge)
            if p.get("retry_after") is not None:
                headers["Retry-After"] = str(p["retry_after"])
            error_code = p.get("error_code") or ("EXCEEDED_FREQ_LIMIT" if code == 429 else "ERROR_%d" % code)
            return self._error(code, error_code, p.get("message") or ERROR_MESSAGES.get(code, "error"),
                               headers)

        if status != 200:
            call["status"] = status
            return self._send(status, body, credit_headers(0))

        # The request was served: the API charges even when the body then breaks.
        if cost:
            fake._charge(key, cost)
        call.update(status=200, charged=cost)
        headers = credit_headers(cost)
        if decisive is not None and decisive.kind == "bad_json":
            p = decisive.params
            if p.get("body_hex") is not None:
                raw = bytes.fromhex(p["body_hex"])
            else:
                raw = p.get("body", '<html><body>502 Bad Gateway</body></html>').encode()
            code = int(p.get("status", 200))
            call["status"] = code
            return self._send(code, raw, headers)
        if decisive is not None and decisive.kind == "gzip_bomb":
            return self._send(200, gzip_bomb(decisive.params.get("inflated_mb", 200)), headers, encoded=True)
        if decisive is not None and decisive.kind == "stall_body":
            return self._send(200, body, headers, stall=decisive.params.get("seconds", 30))
        return self._send(200, body, headers, truncate=decisive is not None and decisive.kind == "truncate")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Fake Odds API v4 on 127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--watch-stdin", action="store_true",
                        help="exit when standard input closes (the parent died)")
    args = parser.parse_args(argv)
    fake = FakeOddsApi(latency_ms=args.latency_ms, port=args.port).start()
    print("PORT %d" % fake.port, flush=True)
    if args.watch_stdin:
        threading.Thread(target=lambda: (sys.stdin.read(), fake.stop()), daemon=True).start()
    try:
        while fake._server is not None:
            time.sleep(0.1)
    except KeyboardInterrupt:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
