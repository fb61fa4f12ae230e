#!/usr/bin/env python3
"""Generate data/demo: recorded-style /v4/sports/{sport}/odds responses for `oddsctl scan --demo`.

Deterministic (seeded): running it again rewrites the same bytes. Layout:
data/demo/<region>/<sport_key>.json, each file exactly what the API returns for that sport
and region (us in American odds, the others decimal), all stamped around one capture time.

Ordinary quotes carry a 5 % bookmaker margin (2 % on exchanges) and at most 1.5 % noise, so
they never form an arbitrage by themselves; the planted arbitrages and traps below are
explicit overrides, listed again in data/demo/README.md (written by this script too).
"""
import hashlib
import json
import os
import random
import sys

CAPTURE = "2025-06-01T12:00:00Z"
CAPTURE_S = 1748779200  # CAPTURE as epoch seconds
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "demo")

BOOKS = {
    "au": [("sportsbet", "SportsBet"), ("tab", "TAB"), ("neds", "Neds"), ("ladbrokes_au", "Ladbrokes"),
           ("pointsbetau", "PointsBet (AU)"), ("betfair_ex_au", "Betfair")],
    "uk": [("williamhill", "William Hill"), ("skybet", "Sky Bet"), ("paddypower", "Paddy Power"),
           ("betfair_ex_uk", "Betfair"), ("smarkets", "Smarkets"), ("matchbook", "Matchbook")],
    "us": [("draftkings", "DraftKings"), ("fanduel", "FanDuel"), ("betmgm", "BetMGM"), ("caesars", "Caesars")],
    "eu": [("pinnacle", "Pinnacle"), ("unibet_eu", "Unibet"), ("betsson", "Betsson"), ("onexbet", "1xBet"),
           ("marathonbet", "Marathon Bet")],
}
EXCHANGES = ("betfair", "matchbook", "smarkets")
TITLES = {"soccer_epl": "EPL", "soccer_spain_la_liga": "La Liga - Spain", "basketball_nba": "NBA",
          "americanfootball_nfl": "NFL", "tennis_atp_french_open": "ATP French Open"}

# (sport, home, away, hours after capture, fair probabilities home/away[/draw], spread line, total line)
EVENTS = {
    "soccer_epl": [
        ("Arsenal", "Chelsea", 27, (0.48, 0.26, 0.26), None, 2.5),
        ("Liverpool", "Everton", 29.5, (0.66, 0.13, 0.21), None, 3.5),
        ("Manchester City", "Tottenham Hotspur", 51, (0.62, 0.18, 0.20), None, 3.5),
        ("Newcastle United", "Aston Villa", 75, (0.44, 0.30, 0.26), None, 2.5),
    ],
    "soccer_spain_la_liga": [
        ("Real Madrid", "Sevilla", 31, (0.68, 0.13, 0.19), None, 3.5),
        ("Barcelona", "Villarreal", 55, (0.64, 0.16, 0.20), None, 3.5),
        ("Real Betis", "Athletic Bilbao", 80, (0.37, 0.34, 0.29), None, 2.5),
    ],
    "basketball_nba": [
        ("Boston Celtics", "Los Angeles Lakers", 8, (0.64, 0.36), -4.5, 224.5),
        ("Denver Nuggets", "Golden State Warriors", 10.5, (0.58, 0.42), -3.5, 229.5),
        ("Miami Heat", "New York Knicks", 32, (0.47, 0.53), 1.5, 211.5),
        ("Phoenix Suns", "Dallas Mavericks", 34.5, (0.52, 0.48), -1.5, 231.5),
    ],
    "americanfootball_nfl": [
        ("Kansas City Chiefs", "Buffalo Bills", 53, (0.57, 0.43), -2.5, 48.5),
        ("Philadelphia Eagles", "Dallas Cowboys", 77, (0.63, 0.37), -3.5, 44.5),
        ("San Francisco 49ers", "Detroit Lions", 101, (0.55, 0.45), -1.5, 50.5),
    ],
    "tennis_atp_french_open": [
        ("Carlos Alcaraz", "Jannik Sinner", 4, (0.52, 0.48), None, None),
        ("Novak Djokovic", "Alexander Zverev", 6, (0.60, 0.40), None, None),
        ("Casper Ruud", "Holger Rune", -0.8, (0.55, 0.45), None, None),  # in play at capture
        ("Stefanos Tsitsipas", "Taylor Fritz", 26, (0.50, 0.50), None, None),
    ],
}
# Which sports each region's demo carries.
REGION_SPORTS = {
    "au": ["soccer_epl", "basketball_nba"],
    "uk": ["soccer_epl", "tennis_atp_french_open"],
    "us": ["basketball_nba", "americanfootball_nfl"],
    "eu": ["soccer_spain_la_liga", "tennis_atp_french_open"],
}
MARKETS = {"soccer_epl": ["h2h", "totals"], "soccer_spain_la_liga": ["h2h", "totals"],
           "basketball_nba": ["h2h", "spreads", "totals"], "americanfootball_nfl": ["h2h", "spreads", "totals"],
           "tennis_atp_french_open": ["h2h"]}


def event_id(sport, home, away):
    # One id per match across regions, as the API does.
    return hashlib.md5(f"{sport}:{home}:{away}".encode()).hexdigest()


def stamp(offset_s):
    import datetime as dt
    t = dt.datetime.fromtimestamp(CAPTURE_S + offset_s, dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def to_american(d):
    return round((d - 1) * 100) if d >= 2 else -round(100 / (d - 1))


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)

    def price(self, prob, book):
        margin = 1.02 if book.startswith(EXCHANGES) else 1.05
        return round(1 / (prob * margin) * (1 + self.rng.uniform(-0.015, 0.015)), 2)

    def two_way(self, names_points, book, probs=(0.5, 0.5)):
        return [{"name": n, "price": self.price(p, book), "point": pt} for (n, pt), p in zip(names_points, probs)]

    def markets(self, sport, ev, book):
        home, away, _, probs, spread, total = ev
        out = []
        for mk in MARKETS[sport]:
            if mk == "h2h":
                names = [home, away] + (["Draw"] if len(probs) == 3 else [])
                outcomes = [{"name": n, "price": self.price(p, book)} for n, p in zip(names, probs)]
                self.rng.shuffle(outcomes)  # books list outcomes in no fixed order
            elif mk == "spreads":
                line = spread + self.rng.choice([0, 0, 0, -1, 1])  # books disagree on the line
                outcomes = self.two_way([(home, line), (away, -line)], book)
            else:
                line = total + self.rng.choice([0, 0, 0, -1, 1])
                outcomes = self.two_way([("Over", line), ("Under", line)], book)
            out.append({"key": mk, "outcomes": outcomes})
        return out


def build():
    gen = Gen(20250601)
    data = {}
    for region, sports in REGION_SPORTS.items():
        for sport in sports:
            events = []
            for ev in EVENTS[sport]:
                home, away, hours = ev[0], ev[1], ev[2]
                books = []
                for key, title in BOOKS[region]:
                    age = gen.rng.randint(5, 400)
                    markets = gen.markets(sport, ev, key)
                    for m in markets:
                        m["last_update"] = stamp(-age)
                    books.append({"key": key, "title": title, "last_update": stamp(-age), "markets": markets})
                events.append({"id": event_id(sport, home, away), "sport_key": sport, "sport_title": TITLES[sport],
                               "commence_time": stamp(int(hours * 3600)), "home_team": home, "away_team": away,
                               "bookmakers": books})
            data[(region, sport)] = events
    return data


def book_of(data, region, sport, home, key):
    ev = next(e for e in data[(region, sport)] if e["home_team"] == home)
    return ev, next(b for b in ev["bookmakers"] if b["key"] == key)


def market_of(book, key):
    m = next((m for m in book["markets"] if m["key"] == key), None)
    if m is None:
        m = {"key": key, "last_update": book["last_update"], "outcomes": []}
        book["markets"].append(m)
    return m


def set_h2h(data, region, sport, home, key, prices):
    _, b = book_of(data, region, sport, home, key)
    m = market_of(b, "h2h")
    for o in m["outcomes"]:
        if o["name"] in prices:
            o["price"] = prices[o["name"]]


def set_line(data, region, sport, home, key, market, outcomes):
    _, b = book_of(data, region, sport, home, key)
    market_of(b, market)["outcomes"] = [{"name": n, "price": p, "point": pt} for n, p, pt in outcomes]


# What is planted, for the README (profits computed below from the same numbers).
PLANTED = []
TRAPS = []


def plant(data):
    # 1. au EPL Arsenal v Chelsea, 3-way h2h across three books.
    set_h2h(data, "au", "soccer_epl", "Arsenal", "sportsbet", {"Arsenal": 2.12})
    set_h2h(data, "au", "soccer_epl", "Arsenal", "tab", {"Chelsea": 3.90})
    set_h2h(data, "au", "soccer_epl", "Arsenal", "neds", {"Draw": 3.90})
    PLANTED.append(("au", "soccer_epl", "Arsenal v Chelsea", "h2h", None,
                    [("Arsenal", 2.12, "sportsbet"), ("Chelsea", 3.90, "tab"), ("Draw", 3.90, "neds")]))
    # 2. au NBA Nuggets v Warriors h2h, an exchange leg that survives Betfair's 5 %.
    set_h2h(data, "au", "basketball_nba", "Denver Nuggets", "ladbrokes_au", {"Denver Nuggets": 1.80})
    set_h2h(data, "au", "basketball_nba", "Denver Nuggets", "betfair_ex_au", {"Golden State Warriors": 2.45})
    PLANTED.append(("au", "basketball_nba", "Denver Nuggets v Golden State Warriors", "h2h", None,
                    [("Denver Nuggets", 1.80, "ladbrokes_au"), ("Golden State Warriors", 2.45, "betfair_ex_au")]))
    # 3. uk French Open Alcaraz v Sinner h2h.
    set_h2h(data, "uk", "tennis_atp_french_open", "Carlos Alcaraz", "williamhill", {"Carlos Alcaraz": 2.02})
    set_h2h(data, "uk", "tennis_atp_french_open", "Carlos Alcaraz", "skybet", {"Jannik Sinner": 2.10})
    PLANTED.append(("uk", "tennis_atp_french_open", "Carlos Alcaraz v Jannik Sinner", "h2h", None,
                    [("Carlos Alcaraz", 2.02, "williamhill"), ("Jannik Sinner", 2.10, "skybet")]))
    # 4. us NBA Celtics v Lakers spreads at Celtics -4.5 (American odds).
    set_line(data, "us", "basketball_nba", "Boston Celtics", "draftkings", "spreads",
             [("Boston Celtics", 104, -4.5), ("Los Angeles Lakers", -130, 4.5)])
    set_line(data, "us", "basketball_nba", "Boston Celtics", "fanduel", "spreads",
             [("Boston Celtics", -128, -4.5), ("Los Angeles Lakers", 102, 4.5)])
    PLANTED.append(("us", "basketball_nba", "Boston Celtics v Los Angeles Lakers", "spreads", -4.5,
                    [("Boston Celtics", 104, "draftkings"), ("Los Angeles Lakers", 102, "fanduel")]))
    # 5. us NFL Eagles v Cowboys totals 44.5.
    set_line(data, "us", "americanfootball_nfl", "Philadelphia Eagles", "betmgm", "totals",
             [("Over", 102, 44.5), ("Under", -124, 44.5)])
    set_line(data, "us", "americanfootball_nfl", "Philadelphia Eagles", "caesars", "totals",
             [("Over", -122, 44.5), ("Under", 100, 44.5)])
    PLANTED.append(("us", "americanfootball_nfl", "Philadelphia Eagles v Dallas Cowboys", "totals", 44.5,
                    [("Over", 102, "betmgm"), ("Under", 100, "caesars")]))
    # 6. eu La Liga Betis v Athletic 3-way h2h.
    set_h2h(data, "eu", "soccer_spain_la_liga", "Real Betis", "pinnacle", {"Real Betis": 2.75})
    set_h2h(data, "eu", "soccer_spain_la_liga", "Real Betis", "onexbet", {"Athletic Bilbao": 3.00})
    set_h2h(data, "eu", "soccer_spain_la_liga", "Real Betis", "betsson", {"Draw": 3.50})
    PLANTED.append(("eu", "soccer_spain_la_liga", "Real Betis v Athletic Bilbao", "h2h", None,
                    [("Real Betis", 2.75, "pinnacle"), ("Athletic Bilbao", 3.00, "onexbet"),
                     ("Draw", 3.50, "betsson")]))

    # Traps: each looks like an arbitrage to a naive finder and is not one.
    # a. Mismatched spread lines: Nuggets -3.5 at +112 (draftkings), Warriors +5.5 at +112 (betmgm).
    set_line(data, "us", "basketball_nba", "Denver Nuggets", "draftkings", "spreads",
             [("Denver Nuggets", 112, -3.5), ("Golden State Warriors", -140, 3.5)])
    set_line(data, "us", "basketball_nba", "Denver Nuggets", "betmgm", "spreads",
             [("Denver Nuggets", -145, -5.5), ("Golden State Warriors", 112, 5.5)])
    TRAPS.append(("us", "basketball_nba", "Denver Nuggets v Golden State Warriors", "spreads",
                  "Nuggets -3.5 at +112 (draftkings) with Warriors +5.5 at +112 (betmgm): different lines"))
    # b. A stale quote: paddypower's Liverpool v Everton is 3 hours old, with Everton at 12.0.
    ev, b = book_of(data, "uk", "soccer_epl", "Liverpool", "paddypower")
    b["last_update"] = stamp(-3 * 3600)
    for m in b["markets"]:
        m["last_update"] = stamp(-3 * 3600)
    set_h2h(data, "uk", "soccer_epl", "Liverpool", "paddypower", {"Everton": 12.0, "Draw": 6.0})
    TRAPS.append(("uk", "soccer_epl", "Liverpool v Everton", "h2h",
                  "paddypower's quotes (Everton 12.0, Draw 6.0) are 3 h old: older than --max-quote-age 1h"))
    # c. In play: Ruud v Rune started 48 min before capture; marathonbet's live price moved.
    set_h2h(data, "eu", "tennis_atp_french_open", "Casper Ruud", "marathonbet", {"Casper Ruud": 4.50})
    TRAPS.append(("eu", "tennis_atp_french_open", "Casper Ruud v Holger Rune", "h2h",
                  "started 48 min before capture (marathonbet's Ruud 4.50 is an in-play price): "
                  "found only with --include-live (45 %)"))
    # d. A lay market: betfair_ex_uk's h2h_lay on Man City v Spurs, priced above every back.
    _, b = book_of(data, "uk", "soccer_epl", "Manchester City", "betfair_ex_uk")
    b["markets"].append({"key": "h2h_lay", "last_update": b["last_update"], "outcomes": [
        {"name": "Manchester City", "price": 1.70}, {"name": "Tottenham Hotspur", "price": 6.4},
        {"name": "Draw", "price": 5.6}]})
    TRAPS.append(("uk", "soccer_epl", "Manchester City v Tottenham Hotspur", "h2h_lay",
                  "betfair_ex_uk lay prices (1.70/6.4/5.6) sum below 1 but lay prices are never backed"))
    # e. Commission: betfair_ex_uk Zverev 2.58 with williamhill Djokovic 1.66 is +1.0 % gross, -0.2 % net of 5 %.
    set_h2h(data, "uk", "tennis_atp_french_open", "Novak Djokovic", "williamhill", {"Novak Djokovic": 1.66})
    set_h2h(data, "uk", "tennis_atp_french_open", "Novak Djokovic", "betfair_ex_uk", {"Alexander Zverev": 2.58})
    TRAPS.append(("uk", "tennis_atp_french_open", "Novak Djokovic v Alexander Zverev", "h2h",
                  "williamhill 1.66 with betfair_ex_uk 2.58 is +1.0 % at quoted prices; 2.58 nets 2.501 at 5 %: no arbitrage"))
    # f. Two-way quote of a three-way match: pointsbetau lists Newcastle/Villa without a Draw,
    #    first in the list, at 1.75/2.45 (a "2 %" two-way book); the Draw still has to be covered.
    ev, b = book_of(data, "au", "soccer_epl", "Newcastle United", "pointsbetau")
    market_of(b, "h2h")["outcomes"] = [{"name": "Newcastle United", "price": 1.75},
                                       {"name": "Aston Villa", "price": 2.45}]
    ev["bookmakers"].remove(b)
    ev["bookmakers"].insert(0, b)
    TRAPS.append(("au", "soccer_epl", "Newcastle United v Aston Villa", "h2h",
                  "pointsbetau quotes only Newcastle 1.75 / Villa 2.45 (no Draw): with the Draw the book is over 1"))
    # Every file's newest quote is the capture time itself, so a replay's "now" is CAPTURE.
    for events in data.values():
        b = events[0]["bookmakers"][-1]
        b["last_update"] = CAPTURE
        for m in b["markets"]:
            m["last_update"] = CAPTURE


def decimal(price, region):
    if region != "us":
        return price
    return 1 + price / 100 if price > 0 else 1 + 100 / -price


def effective(book, price):
    rate = 0.05 if book.startswith("betfair") else 0.02 if book.startswith(("matchbook", "smarkets")) else 0
    return 1 + (price - 1) * (1 - rate)


def write(data):
    for (region, sport), events in data.items():
        if region == "us":  # the us demo is American odds, as some recorded files are
            for e in events:
                for b in e["bookmakers"]:
                    for m in b["markets"]:
                        for o in m["outcomes"]:
                            if isinstance(o["price"], float):
                                o["price"] = to_american(o["price"])
        for e in events:
            for b in e["bookmakers"]:
                for m in b["markets"]:
                    for o in m["outcomes"]:
                        if o.get("point") is None:
                            o.pop("point", None)
        os.makedirs(os.path.join(OUT, region), exist_ok=True)
        with open(os.path.join(OUT, region, sport + ".json"), "w") as f:
            json.dump(events, f, indent=1, ensure_ascii=False)
            f.write("\n")
    lines = ["# Demo data for `oddsctl scan --demo`", "",
             "Generated by `scripts/make-demo-data.py` (deterministic; do not edit by hand). One folder per",
             "region, one file per sport, each file a `/v4/sports/{sport}/odds` response as the API returns it.",
             f"Captured at {CAPTURE}: every file's newest `last_update` is that moment, so a replay's \"now\"",
             "is the capture time. `us` is in American odds (converted on reading); the others are decimal.",
             "Ordinary quotes carry a 5 % margin (2 % on exchanges) and never form an arbitrage on their own.",
             "", "## Planted arbitrages (found with the default rules)", "",
             "| region | sport | event | market | point | legs (price @ book) | implied sum | profit |",
             "|---|---|---|---|---|---|---|---|"]
    for region, sport, name, market, point, legs in PLANTED:
        s = sum(1 / effective(b, decimal(p, region)) for _, p, b in legs)
        leg_text = "; ".join(f"{o} {p} @ {b}" for o, p, b in legs)
        lines.append(f"| {region} | {sport} | {name} | {market} | {'' if point is None else point} | {leg_text} "
                     f"| {s:.6f} | {(1 / s - 1) * 100:.4f} % |")
    lines += ["", "The au NBA one has a Betfair leg: 2.45 nets 2.3775 after 5 % commission, and the arbitrage",
              "survives. The us ones are American odds (+104 = 2.04).", "",
              "## Traps (look like arbitrages, are not)", "",
              "| region | sport | event | market | why it is not an arbitrage |", "|---|---|---|---|---|"]
    for region, sport, name, market, why in TRAPS:
        lines.append(f"| {region} | {sport} | {name} | {market} | {why} |")
    lines += ["", "tests/unit/test_demo_data.cpp replays this folder and checks that exactly the planted",
              "arbitrages are found, and that the in-play one appears with `include_live`.", ""]
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write("\n".join(lines))


def main():
    data = build()
    plant(data)
    write(data)
    for region, sport, name, market, point, legs in PLANTED:
        s = sum(1 / effective(b, decimal(p, region)) for _, p, b in legs)
        print(f"planted {region} {sport} {name} {market} {point}: {(1 / s - 1) * 100:.4f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
