// The one table of settings. Adding a setting is one entry here; its flag is registered by
// the commands that take it (cmd/), with the name, type and help written here.
#include <algorithm>

#include "oddsctl/settings.hpp"
#include "oddsctl/text.hpp"

namespace oddsctl::settings {

namespace {

using T = SettingType;
namespace from = setting_from;

// A small builder, so that each entry reads as one line: key, type, flag, help, then extras.
struct Spec {
  SettingSpec s;
  Spec(std::string key, T type, std::string flag, std::string help) {
    s.key = std::move(key);
    s.type = type;
    s.flag = std::move(flag);
    s.help = std::move(help);
    if (s.flag.empty()) s.from &= ~from::flag;
  }
  Spec& def(std::string v) {
    s.default_value = std::move(v);
    return *this;
  }
  Spec& env(std::string v) {
    s.env = std::move(v);
    return *this;
  }
  Spec& range(double lo, double hi) {
    s.min = lo;
    s.max = hi;
    return *this;
  }
  Spec& at_least(double lo) {
    s.min = lo;
    return *this;
  }
  Spec& choices(std::vector<std::string> c) {
    s.choices = std::move(c);
    return *this;
  }
  // One-shot: what this run does, never a standing setting of a config file or env var.
  Spec& flag_only() {
    s.from = from::flag;
    return *this;
  }
  Spec& repeatable() {
    s.repeatable = true;
    return *this;
  }
  Spec& never() {
    s.allow_never = true;
    return *this;
  }
  operator SettingSpec() const {
    SettingSpec out = s;
    if (out.env.empty()) out.from &= ~from::env;
    return out;
  }
};

constexpr double k_ms_s = 1000;

std::vector<SettingSpec> build() {
  std::vector<SettingSpec> t = {
      // --- global ---
      Spec("store", T::uri, "--store", "store URI: sqlite:///abs.db, sqlite:rel.db, a path, mongodb://host/db")
          .env("ODDSCTL_STORE"),
      Spec("db", T::path, "--db", "SQLite path (shorthand for --store)").env("ODDSCTL_DB"),
      Spec("log_level", T::choice, "--log-level", "log level on stderr")
          .env("ODDSCTL_LOG_LEVEL")
          .def("warn")
          .choices({"trace", "debug", "info", "warn", "error", "off"}),
      Spec("log_format", T::choice, "--log-format", "log lines on stderr as text or JSON (one object a line)")
          .env("ODDSCTL_LOG_FORMAT")
          .def("text")
          .choices({"text", "json"}),
      Spec("worker_id", T::text, "--worker-id", "who runs, recorded with results (default host:pid)")
          .env("ODDSCTL_WORKER_ID"),
      Spec("color", T::choice, "--color", "colour on a terminal (auto: off with NO_COLOR, CLICOLOR=0, TERM=dumb)")
          .env("ODDSCTL_COLOR")
          .def("auto")
          .choices({"auto", "always", "never"}),

      // --- the API options of scan, sync and cache get --fallback-scan ---
      Spec("api.base_url", T::uri, "", "The Odds API base URL (http or https)")
          .env("ODDS_API_BASE_URL")
          .def("https://api.the-odds-api.com"),
      Spec("api.regions", T::regions, "--regions", "regions: au,uk,us,eu or all (default: every region with a key)")
          .env("ODDSCTL_REGIONS"),
      Spec("api.sports", T::list, "--sports", "sport keys, comma separated (default: every active sport)")
          .env("ODDSCTL_SPORTS"),
      Spec("api.markets", T::list, "--markets", "market keys, comma separated")
          .env("ODDSCTL_MARKETS")
          .def("h2h,spreads,totals"),
      Spec("api.bookmakers", T::list, "--bookmakers", "only these bookmakers (comma separated)"),
      Spec("api.concurrency", T::count, "--concurrency", "requests in flight per key").def("8").range(1, 64),
      Spec("api.timeout", T::duration, "--timeout", "per request attempt").def("10s").range(1, 3600 * k_ms_s),
      Spec("api.connect_timeout", T::duration, "--connect-timeout", "per connection").def("5s").range(1, 3600 * k_ms_s),
      Spec("api.deadline", T::duration, "--deadline", "the whole run: no new call starts after it")
          .range(1, 7 * 86400 * k_ms_s),
      Spec("api.retries", T::count, "--retries", "retries of a failed call (429, 5xx, timeouts)").def("3").range(0, 10),
      Spec("api.sports_ttl", T::duration, "",
           "the /v4/sports list kept in the store is reused this long (0s: ask every run)")
          .env("ODDSCTL_SPORTS_TTL")
          .def("1h")
          .range(0, 7 * 86400 * k_ms_s),
      Spec("budget.reserve", T::count, "--reserve", "never spend a key below this many credits")
          .env("ODDSCTL_RESERVE")
          .at_least(0),
      Spec("budget.max_credits", T::count, "--max-credits", "credits this whole run may spend at most")
          .env("ODDSCTL_MAX_CREDITS")
          .at_least(0),

      // --- scan ---
      Spec("scan.find", T::list, "--find", "kinds of opportunity: arbs, value, middles, lowhold (comma list) or all")
          .def("arbs"),
      Spec("scan.min_profit", T::percent, "--min-profit", "only opportunities with at least this profit")
          .def("0")
          .at_least(0),
      Spec("scan.max_quote_age", T::duration, "--max-quote-age", "ignore quotes older than this").def("1h").at_least(1),
      Spec("scan.include_live", T::boolean, "--include-live", "keep events that already started").def("false"),
      Spec("scan.stake", T::money, "--stake", "split this total stake across the legs (to the cent)").range(0, 1e12),
      Spec("scan.min_books", T::count, "--min-books",
           "books that must quote a market: fewer flags it thin; the consensus reference needs this many")
          .def("4")
          .range(1, 100),
      // --- value bets (scan --find value) ---
      Spec("scan.sharp", T::list, "--sharp",
           "value bets: reference books, first quoting every outcome wins; consensus = median of all books")
          .def("pinnacle,betfair_ex_uk,betfair_ex_eu,betfair_ex_au"),
      Spec("scan.devig", T::choice, "--devig", "value bets: how the reference's margin is removed")
          .def("power")
          .choices({"multiplicative", "additive", "power", "shin", "worst"}),
      Spec("scan.min_ev", T::percent, "--min-ev", "value bets: only prices with at least this expected value")
          .def("1")
          .at_least(0),
      Spec("scan.bankroll", T::money, "--bankroll", "value bets: size each with Kelly on this bankroll (kelly_stake)"),
      Spec("scan.kelly", T::number, "--kelly", "value bets: the Kelly fraction staked (1 = full Kelly)")
          .def("0.25")
          .range(0, 1),
      Spec("scan.max_stake_pct", T::percent, "--max-stake-pct",
           "value bets: no Kelly stake above this share of the bankroll")
          .def("5")
          .range(0, 100),
      // --- clv (closing-line value of value bets) ---
      Spec("clv.bets", T::path, "--bets",
           "also your placed bets: CSV or JSON (event, market, outcome, line, book, price, time)")
          .flag_only(),
      Spec("clv.no_stored", T::boolean, "--no-stored", "only the --bets file, not the stored value bets").flag_only(),
      Spec("clv.regions", T::regions, "--regions", "only bets of these regions (default: every region)").flag_only(),
      Spec("clv.as_of", T::time, "--as-of", "evaluate as of this time: events starting later have no close yet")
          .flag_only(),
      // --- middles, low hold, flags, placeable stakes ---
      Spec("scan.min_middle_ev", T::percent, "--min-middle-ev", "middles: only those with at least this expected value")
          .def("0"),
      Spec("scan.max_hold", T::percent, "--max-hold",
           "low hold: only markets whose best prices hold at most this (arbitrages too)")
          .def("2"),
      Spec("scan.outlier_pct", T::percent, "--outlier-pct",
           "flag outlier_leg: a leg's implied probability this far below the median of 3+ other books")
          .def("25")
          .range(0, 100),
      Spec("scan.verify_above", T::percent, "--verify-above", "flag high_roi: profit (or EV) above this")
          .def("5")
          .at_least(0),
      Spec("scan.round", T::money, "--round", "round each stake to a multiple of STEP (e.g. 1 or 5)").range(0, 1e12),
      Spec("scan.limit", T::text, "--limit",
           "BOOK=AMOUNT most you can stake at a book, e.g. pinnacle=250 (config: [limit])")
          .flag_only()
          .repeatable(),
      Spec("scan.links", T::boolean, "--links",
           "ask the API for bet-slip links (includeLinks, includeSids): a link per leg; same cost")
          .def("false"),
      Spec("scan.bet_limits", T::boolean, "--bet-limits",
           "ask the API for bet limits (includeBetLimits) and cap each book's stake by them; same cost")
          .def("false"),
      Spec("limit", T::table, "", "most you can stake per bookmaker key (an amount), for --stake"),
      Spec("scan.commission", T::text, "--commission",
           "BOOK=RATE exchange commission, e.g. betfair_ex_uk=0.02 (config: [commission])")
          .flag_only()
          .repeatable(),
      Spec("commission", T::table, "",
           "exchange commission per bookmaker key: a fraction (0.02) or a percentage (\"2%\")"),
      Spec("scan.no_store", T::boolean, "--no-store", "do not store results").flag_only(),
      Spec("scan.from_file", T::path, "--from-file", "replay saved API responses (a file or folder); no network")
          .flag_only(),
      Spec("scan.save_responses", T::path, "--save-responses",
           "record raw API responses to this folder for --from-file")
          .flag_only(),
      Spec("scan.as_of", T::time, "--as-of", "with --from-file/--from-store: evaluate as of this time").flag_only(),
      Spec("scan.odds_format", T::choice, "--odds-format", "replayed odds format")
          .def("auto")
          .choices({"auto", "decimal", "american"}),
      Spec("scan.demo", T::boolean, "--demo",
           "scan the bundled sample data: no key, no network; stored only with --store/--db")
          .flag_only(),
      Spec("scan.from_store", T::boolean, "--from-store",
           "scan the latest synced snapshots (oddsctl sync): no network, no credits")
          .flag_only(),
      Spec("scan.wait_lock", T::duration, "--wait-lock",
           "wait this long for a region another run is scanning (then exit 75)")
          .at_least(0),
      Spec("scan.every", T::duration, "--every", "worker mode: scan on this schedule until SIGTERM/SIGINT").at_least(1),
      Spec("scan.lease_ttl", T::duration, "", "how long a region lease lasts without renewal").def("2m").at_least(1000),

      // --- worker mode (scan --every, sync --every) ---
      Spec("worker.grace", T::duration, "--grace", "worker mode: after a stop signal, exit within this")
          .def("10s")
          .at_least(0),
      Spec("worker.health_file", T::path, "--health-file", "worker mode: touch this file after each good cycle"),
      Spec("worker.max_cycles", T::count, "--max-cycles", "worker mode: stop after this many cycles").at_least(1),
      Spec("worker.listen", T::text, "--listen",
           "worker mode: serve /healthz, /readyz, /metrics on HOST:PORT (:9090 is loopback)")
          .env("ODDSCTL_WORKER_LISTEN"),

      // --- serve (ODDSCTL_SERVE_TOKEN, which enables the triggers, is read from the environment only) ---
      Spec("serve.listen", T::text, "--listen",
           "HOST:PORT to serve on (0.0.0.0:PORT for every interface; port 0: any free)")
          .env("ODDSCTL_SERVE_LISTEN")
          .def("127.0.0.1:8080"),
      Spec("serve.max_age", T::duration, "--max-age", "/readyz and fresh: a region's latest result younger than this")
          .def("15m")
          .at_least(1000),
      Spec("serve.cors", T::text, "--cors",
           "allow this origin (https://dash.example) to read the API from a browser; off by default"),
      Spec("serve.grace", T::duration, "--grace", "after SIGTERM/SIGINT, requests in flight get this long")
          .def("10s")
          .at_least(0),
      Spec("serve.threads", T::count, "--threads", "request threads (connections beyond them wait)")
          .def("8")
          .range(1, 256),
      Spec("serve.max_body", T::count, "--max-body", "largest request body in bytes (larger: 413)")
          .def("65536")
          .range(0, 16777216),
      Spec("serve.max_headers", T::count, "", "largest request header block in bytes (larger: 431)")
          .def("16384")
          .range(1024, 1048576),
      Spec("serve.read_timeout", T::duration, "--read-timeout",
           "a client must send each part of its request within this")
          .def("5s")
          .range(100, 300 * k_ms_s),
      Spec("serve.write_timeout", T::duration, "--write-timeout",
           "a client must take each part of the answer within this")
          .def("5s")
          .range(100, 300 * k_ms_s),
      Spec("serve.keep_alive", T::duration, "", "an idle keep-alive connection is closed after this")
          .def("5s")
          .range(1000, 300 * k_ms_s),

      // --- readers ---
      // Flag only: a config file that made every reader serve demo data is the hole this closes.
      Spec("read.source", T::choice, "--source", "serve results of this source")
          .def("live")
          .choices({"live", "replay", "demo", "store"})
          .flag_only(),

      // --- cache ---
      Spec("cache.max_age", T::duration, "--max-age", "older results are not fresh").def("15m").at_least(1),
      Spec("cache.region", T::regions, "--region", "a region, a comma list, or all").flag_only(),
      Spec("cache.strict", T::boolean, "--strict", "print no opportunities of a stale region").flag_only(),
      Spec("cache.fallback_scan", T::boolean, "--fallback-scan",
           "scan the regions that are not fresh live, store and serve the result")
          .flag_only(),
      Spec("cache.sport", T::list, "--sport", "only this sport key or group, e.g. soccer_epl or soccer")
          .flag_only()
          .repeatable(),
      Spec("cache.market", T::list, "--market", "only this market").flag_only().repeatable(),
      Spec("cache.event", T::list, "--event", "only this event id").flag_only().repeatable(),
      Spec("cache.kind", T::list, "--kind", "only these kinds: arb, value, middle, lowhold (comma list)")
          .flag_only()
          .repeatable(),
      Spec("cache.min_profit", T::percent, "--min-profit", "only opportunities with at least this profit")
          .flag_only()
          .at_least(0),
      Spec("cache.limit", T::count, "--limit", "at most this many scans, 0 for all").def("20").flag_only().at_least(0),
      Spec("cache.all", T::boolean, "--all", "every region").flag_only(),
      Spec("cache.scan_id", T::text, "SCAN_ID", "the scan id (from cache list)").flag_only(),
      Spec("cache.since", T::text, "--since", "scans started within this duration (e.g. 7d) or since an RFC 3339 time")
          .flag_only(),

      // --- cleanup and retention ---
      Spec("cleanup.dry_run", T::boolean, "--dry-run", "print what would go, change nothing").flag_only(),
      Spec("cleanup.vacuum", T::boolean, "--vacuum", "compact the store file afterwards").flag_only(),
      Spec("retention.keep_last", T::count, "--keep-last", "scans kept per region (the latest good one always stays)")
          .def("100")
          .at_least(0),
      Spec("retention.older_than", T::duration, "--older-than",
           "remove scans beyond keep_last, snapshots and ledger rows older than this")
          .never()
          .at_least(0),
      Spec("retention.batch_size", T::count, "--batch-size", "rows per transaction").def("5000").range(1, 1000000),
      Spec("retention.scans_older_than", T::duration, "", "scans beyond keep_last older than this").never().at_least(0),
      Spec("retention.snapshots_older_than", T::duration, "", "snapshots older than this (default 30d)")
          .never()
          .at_least(0),
      Spec("retention.ledger_older_than", T::duration, "", "ledger rows older than this (default 90d)")
          .never()
          .at_least(0),
      Spec("retention.alerts_older_than", T::duration, "", "sent-alert marks older than this (default 30d)")
          .never()
          .at_least(0),
      Spec("retention.heartbeats_older_than", T::duration, "", "worker heartbeats older than this (default 7d)")
          .never()
          .at_least(0),

      // --- sync ---
      Spec("sync.tier", T::choice, "--tier", "hot, warm, cold, frozen or auto (auto: hot, warm, cold in that order)")
          .choices({"auto", "hot", "warm", "cold", "frozen"}),
      Spec("sync.event", T::text, "--event", "sync this one event now, whatever its tier").flag_only(),
      Spec("sync.force", T::boolean, "--force", "with --event: even if synced less than sync.min_interval ago")
          .flag_only(),
      Spec("sync.discover", T::boolean, "--discover",
           "first track the events of the sports asked (free /events calls); alone: only that")
          .flag_only(),
      Spec("sync.batch_size", T::count, "--batch-size", "event ids per /odds call").def("50").range(1, 1000),
      Spec("sync.every", T::duration, "--every", "worker mode: run on this schedule until SIGTERM/SIGINT").at_least(1),
      Spec("sync.discover_every", T::duration, "", "--tier auto discovers events when the last discovery is older")
          .def("6h")
          .at_least(0),
      Spec("sync.min_interval", T::duration, "", "sync --event: not again within this unless --force")
          .def("10s")
          .at_least(0),
      Spec("sync.forget_after", T::duration, "", "events started longer ago are over").def("6h").at_least(0),
      Spec("sync.backoff_cap", T::duration, "", "longest wait after repeated failures").def("1h").at_least(1),
      Spec("sync.give_up_after", T::count, "", "drop an event the API did not return this many times")
          .def("10")
          .range(0, 1000000),
      Spec("tiers.hot.within", T::duration, "", "events started or starting within this are hot").def("2h").at_least(0),
      Spec("tiers.warm.within", T::duration, "", "events starting within this are warm (later: cold)")
          .def("24h")
          .at_least(0),
      Spec("tiers.hot.max_age", T::duration, "", "a hot event is due when its last sync is older")
          .def("30s")
          .at_least(0),
      Spec("tiers.warm.max_age", T::duration, "", "a warm event is due when its last sync is older")
          .def("2m")
          .at_least(0),
      Spec("tiers.cold.max_age", T::duration, "", "a cold event is due when its last sync is older")
          .def("15m")
          .at_least(0),
      Spec("tiers.frozen.max_age", T::duration, "",
           "a frozen (pinned) event is due when its last sync is older; 0s: only when asked")
          .def("0s")
          .at_least(0),
      Spec("tiers.hot.limit", T::count, "", "hot events per run (0: no limit)").def("200").range(0, 1000000),
      Spec("tiers.warm.limit", T::count, "", "warm events per run (0: no limit)").def("500").range(0, 1000000),
      Spec("tiers.cold.limit", T::count, "", "cold events per run (0: no limit)").def("1000").range(0, 1000000),
      Spec("tiers.frozen.limit", T::count, "", "frozen events per run (0: no limit)").def("1000").range(0, 1000000),
      Spec("budget.share.hot", T::number, "", "share of --max-credits for hot in auto runs").def("0.6").range(0, 1),
      Spec("budget.share.warm", T::number, "", "share of --max-credits for warm in auto runs").def("0.3").range(0, 1),
      Spec("budget.share.cold", T::number, "", "share of --max-credits for cold in auto runs").def("0.1").range(0, 1),

      // --- budget ---
      Spec("budget.min_remaining", T::count, "--min-remaining", "budget check: credits each key must still have")
          .at_least(0),
      Spec("budget.plans_file", T::path, "--plans-file", "plans table (TOML) instead of the installed plans.toml"),
      Spec("plans", T::table, "", "subscription plans for budget plan: [plans.NAME] credits, price_usd"),
      Spec("plan.regions", T::text, "--regions", "regions: a list, a count or all (default: regions with a key)")
          .flag_only(),
      Spec("plan.markets", T::text, "--markets", "markets: a list or a count (default h2h,spreads,totals)").flag_only(),
      Spec("plan.sports", T::text, "--sports", "sports: a count or a list of sport keys").flag_only(),
      Spec("plan.bookmakers", T::list, "--bookmakers",
           "price these books both ways: regions= (1 a region) and bookmakers= (a region per 10 books)")
          .flag_only(),
      Spec("plan.interval", T::duration, "--interval", "how often the scan runs, e.g. 15s").flag_only(),
      Spec("plan.from_ledger", T::boolean, "--from-ledger",
           "take sports, regions, markets (and interval) from recent runs")
          .flag_only(),
      Spec("plan.window", T::duration, "--window", "how far back --from-ledger looks").def("24h").flag_only(),
      Spec("plan.plan", T::text, "--plan", "the shortest interval that fits this plan, e.g. 5M").flag_only(),
      Spec("plan.keys", T::choice, "--keys", "shared (one key pays for every region) or per-region")
          .def("shared")
          .choices({"shared", "per-region"})
          .flag_only(),
      Spec("plan.no_sync", T::boolean, "--no-sync", "forecast the scan only, not the sync tiers").flag_only(),
      Spec("budget.region", T::list, "--region", "only keys serving these regions (repeatable or comma separated)")
          .flag_only()
          .repeatable(),
      Spec("budget.as_of", T::time, "--as-of", "compute the windows as of this RFC 3339 time (default now)")
          .flag_only(),
      Spec("budget.refresh_file", T::path, "--refresh-file",
           "the API's refresh intervals (TOML) instead of the installed refresh_intervals.toml")
          .env("ODDSCTL_REFRESH_FILE"),

      // --- alerts ---
      Spec("alerts.webhook", T::uri, "--webhook", "POST each alert as JSON to this URL").env("ODDSCTL_ALERTS_WEBHOOK"),
      Spec("alerts.exec", T::text, "--exec", "run CMD (via /bin/sh) with each alert as JSON on stdin"),
      Spec("alerts.regions", T::regions, "--regions",
           "regions to alert on (default: every region with a cached result)"),
      Spec("alerts.include_flagged", T::boolean, "--include-flagged",
           "alert on flagged opportunities too (outlier_leg, high_roi, thin)")
          .def("false"),
      Spec("alerts.min_profit", T::percent, "--min-profit", "only opportunities at least this profitable")
          .def("0")
          .at_least(0),
      Spec("alerts.window", T::duration, "--window", "a key is not sent again within this").def("1h").at_least(0),
      Spec("alerts.escalation_step", T::number, "--escalation-step",
           "unless its profit rose by this many percentage points")
          .def("0.5")
          .at_least(0),
      Spec("alerts.max_age", T::duration, "--max-age",
           "cached results older than this are not alerted on (never: no limit)")
          .def("15m")
          .never()
          .at_least(1),
      Spec("alerts.timeout", T::duration, "--timeout", "per delivery (webhook or command)").def("10s").at_least(1),
  };
  return t;
}

}  // namespace

const std::vector<SettingSpec>& setting_specs() {
  static const std::vector<SettingSpec> specs = build();
  return specs;
}

const SettingSpec* find_setting(const std::string& key) {
  // By key, in a sorted index: a command looks up each of its flags' settings at start-up,
  // a few hundred string compares each through the table.
  static const std::vector<const SettingSpec*> by_key = [] {
    std::vector<const SettingSpec*> index;
    for (const auto& s : setting_specs()) index.push_back(&s);
    std::stable_sort(index.begin(), index.end(),
                     [](const SettingSpec* a, const SettingSpec* b) { return a->key < b->key; });
    return index;
  }();
  const auto it = std::lower_bound(by_key.begin(), by_key.end(), key,
                                   [](const SettingSpec* s, const std::string& k) { return s->key < k; });
  return it != by_key.end() && (*it)->key == key ? *it : nullptr;
}

std::string nearest_setting(const std::string& key) {
  std::vector<std::string> keys;
  for (const auto& s : setting_specs())
    if (s.key.find("plan.") != 0) keys.push_back(s.key);  // not the flag-only aliases of budget plan
  // Close enough to be a typo: a few edits, fewer than a third of the key.
  return nearest_word(key, keys, std::max<std::size_t>(2, key.size() / 3));
}

}  // namespace oddsctl::settings
