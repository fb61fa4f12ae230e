#!/usr/bin/env python3
"""Independent reference for the arbitrage rules of the contract (stdlib only).

A cross-check tool, not part of the build: it re-derives, from the contract's text alone,
the opportunities in recorded /odds files, so that the C++ engine's expectations in
tests/unit/test_real_odds.cpp are not just copies of its own output.

  scripts/reference_arbs.py FILE.json...            # as of each file's capture time
  scripts/reference_arbs.py --include-live FILE.json
  scripts/reference_arbs.py --naive FILE.json       # what a naive finder reports, for comparison

Rules (contract, "Arbitrage rules"): pre-match only; quotes older than 1h (market
last_update, else bookmaker last_update) ignored; *_lay never used; h2h outcomes = union of
names quoted (Draw always for soccer); spreads home -x with away +x; totals Over x with
Under x; best effective price (commission betfair* 5 %, matchbook*/smarkets* 2 %);
sum = sum of 1/effective; profit = (1/sum - 1) * 100.
"""
import argparse
import datetime as dt
import json
import math
import sys

MAX_AGE_S = 3600
COMMISSION_PREFIXES = [("betfair", 0.05), ("matchbook", 0.02), ("smarkets", 0.02)]


def ts(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() if text else None


def to_decimal(price, american):
    if not isinstance(price, (int, float)) or isinstance(price, bool):
        return None
    if american:
        if price >= 100:
            price = 1 + price / 100
        elif price <= -100:
            price = 1 + 100 / -price
        else:
            return None
    return price if math.isfinite(price) and price >= 1.0 else None


def load(path):
    with open(path) as f:
        events = json.load(f)
    american = any(isinstance(o.get("price"), (int, float)) and o["price"] < 0
                   for e in events for b in e.get("bookmakers", []) for m in b.get("markets", [])
                   for o in m.get("outcomes", []))
    for e in events:
        for b in e.get("bookmakers", []):
            for m in b.get("markets", []):
                kept = []
                for o in m.get("outcomes", []):
                    p = to_decimal(o.get("price"), american)
                    if p is not None:
                        kept.append(dict(o, price=p))
                m["outcomes"] = kept
    return events


def capture_time(events):
    times = [ts(x["last_update"]) for e in events for b in e.get("bookmakers", [])
             for x in [b] + b.get("markets", []) if x.get("last_update")]
    return max(times)


def effective(book, price):
    rate = max((r for p, r in COMMISSION_PREFIXES if book.startswith(p)), default=0.0)
    return 1 + (price - 1) * (1 - rate)


def find(events, now, include_live=False, naive=False):
    found = []
    for e in events:
        if not naive and not include_live and ts(e["commence_time"]) <= now:
            continue
        for mkey in ("h2h", "spreads", "totals"):
            # (line, side) -> list of (effective, quoted, book, outcome name, own point)
            sides = {}
            names = set()
            for b in e.get("bookmakers", []):
                for m in b.get("markets", []):
                    if naive:
                        if not m["key"].startswith(mkey):
                            continue
                    elif m["key"] != mkey:
                        continue
                    names.update(o["name"] for o in m["outcomes"])
                    t = ts(m.get("last_update")) or ts(b.get("last_update"))
                    if not naive and t is not None and now - t > MAX_AGE_S:
                        continue
                    for o in m["outcomes"]:
                        if naive:
                            key = (None, o["name"])  # by name alone, any line, any book
                        elif mkey == "h2h":
                            key = (None, o["name"])
                        elif o.get("point") is None:
                            continue
                        elif mkey == "spreads":
                            if o["name"] == e["home_team"]:
                                key = (round(o["point"], 6), "home")
                            elif o["name"] == e["away_team"]:
                                key = (round(-o["point"], 6), "away")
                            else:
                                continue
                        elif o["name"] in ("Over", "Under"):
                            key = (round(o["point"], 6), o["name"])
                        else:
                            continue
                        eff = o["price"] if naive else effective(b["key"], o["price"])
                        sides.setdefault(key, []).append((eff, o["price"], b["key"], o["name"], o.get("point")))
            if mkey == "h2h" or naive:
                if not naive and e["sport_key"].startswith("soccer_"):
                    names.add("Draw")
                rest = sorted(n for n in names if n not in (e["home_team"], e["away_team"], "Draw"))
                order = [n for n in (e["home_team"], e["away_team"], "Draw") if n in names] + rest
                groups = {None: [(None, n) for n in order]}
            else:
                lines = sorted({k[0] for k in sides})
                labels = ("home", "away") if mkey == "spreads" else ("Over", "Under")
                groups = {x: [(x, s) for s in labels] for x in lines}
            for line, keys in groups.items():
                if len(keys) < 2 or any(k not in sides for k in keys):
                    continue
                legs = []
                for k in keys:
                    best = max(q[0] for q in sides[k])
                    tied = sorted({q[2] for q in sides[k] if q[0] >= best - 1e-9})
                    legs.append((sides[k][0][3], best, tied))
                total = sum(1 / leg[1] for leg in legs)
                profit = (1 / total - 1) * 100
                if profit > 1e-9:
                    found.append({"event_id": e["id"], "market": mkey, "point": line,
                                  "profit_pct": round(profit, 4), "implied_sum": total,
                                  "legs": [(n, round(p, 4), books) for n, p, books in legs],
                                  "live": ts(e["commence_time"]) <= now})
    found.sort(key=lambda o: (-o["profit_pct"], o["event_id"], o["market"],
                              -math.inf if o["point"] is None else o["point"]))
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--include-live", action="store_true")
    ap.add_argument("--naive", action="store_true", help="name-only pairing, no filters, no commission")
    args = ap.parse_args()
    for path in args.files:
        events = load(path)
        now = capture_time(events)
        ops = find(events, now, args.include_live, args.naive)
        print(f"# {path}: now={dt.datetime.fromtimestamp(now, dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ} "
              f"events={len(events)} opportunities={len(ops)}")
        for o in ops:
            legs = " | ".join(f"{n} {p} {','.join(b)}" for n, p, b in o["legs"])
            print(f"{o['event_id']} {o['market']} {o['point']} {o['profit_pct']:.4f}%"
                  f"{' LIVE' if o['live'] else ''}  {legs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
