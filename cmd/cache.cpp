// oddsctl cache get | list | stats | invalidate | show | export: thin shells over cache.hpp.
#include <cctype>
#include <iostream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "app.hpp"
#include "oddsctl/cache.hpp"
#include "oddsctl/engine/detect.hpp"
#include "render.hpp"

namespace oddsctl::cmd {

namespace {

using nlohmann::json;

std::string opt_text(const json& v) {
  if (v.is_null()) return "";
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// One region for list/stats/export; "all" or nothing means no filter.
std::optional<std::string> one_region(const App& app, store::Store& store) {
  auto r = app.settings.get("cache.region");
  if (!r || *r == "all") return std::nullopt;
  auto regions = cache::resolve_cache_regions(store, {*r});
  if (regions.size() != 1) throw UsageError("--region: give one region here (got '" + *r + "')");
  return regions.front();
}

// --source on a listing filters by it; without the flag every source is listed.
std::optional<store::ScanSource> filter_source(const App& app) {
  auto r = app.settings.resolve("read.source");
  if (!r || r->source == settings::SettingSource::default_value) return std::nullopt;
  return store::scan_source_from_string(r->value);
}

void print_opportunities(App& app, const std::vector<Opportunity>& opps, const std::vector<std::string>& lines,
                         const json& doc, const std::vector<Tone>& tones = {}) {
  switch (app.format()) {
    case Format::json: print_json(doc, app.stdout_tty()); break;
    case Format::jsonl: {
      std::vector<json> rows;
      for (const auto& o : opps) rows.push_back(scan::opportunity_json(o));
      print_jsonl(rows);
      break;
    }
    case Format::csv: print_opportunities_csv(opps); break;
    case Format::table:
      for (std::size_t i = 0; i < lines.size(); ++i)
        std::cout << paint(lines[i], i < tones.size() ? tones[i] : Tone::none, app.color_stdout()) << "\n";
      if (!opps.empty()) {
        std::cout << "\n";
        print_opportunities_table(opps);
      }
      break;
  }
}

void run_get(App& app) {
  const auto& s = app.settings;
  // Every flag is checked before the store is opened: a bad one is a usage error (exit 2)
  // whether or not there is a store.
  const auto asked = cache::parse_cache_regions([&] {
    auto r = s.list("cache.region");
    if (r.empty()) r = s.list("api.regions");  // --regions / ODDSCTL_REGIONS / config api.regions
    return r.empty() ? std::vector<std::string>{"all"} : r;
  }());
  cache::CacheGetOptions options;
  options.max_age = s.duration("cache.max_age").value_or(std::chrono::minutes(15));
  options.source = *store::scan_source_from_string(s.get_or("read.source", "live"));
  options.strict = s.boolean("cache.strict").value_or(false);
  options.filter.sports = s.list("cache.sport");
  options.filter.markets = s.list("cache.market");
  options.filter.events = s.list("cache.event");
  options.filter.min_profit_pct = s.number("cache.min_profit");
  options.filter.kinds = engine::parse_opportunity_kinds(s.list("cache.kind"), "--kind");
  const auto stake = s.number("scan.stake");
  const bool fallback_scan = s.boolean("cache.fallback_scan").value_or(false);
  std::optional<scan::ScanOptions> scan_options;
  if (fallback_scan) {
    // Validated before anything is read, so a bad API flag is a usage error, not a stale answer.
    scan_options = scan_options_from_settings(s);
    scan_options->command = "cache-fallback";
    scan_options->store_results = true;
  }
  // Compact JSON for a program: the stored texts written out as they are (a new stake needs
  // the opportunities read whole).
  const bool as_text = app.format() == Format::json && !app.stdout_tty();
  // The table, CSV and JSON lines read the stored rows too: a row the filters drop is never
  // parsed, and the served ones are parsed once, in order (CacheResult::opportunities).
  const bool rows_only = app.format() == Format::table || app.format() == Format::csv || app.format() == Format::jsonl;
  options.as_text = (as_text || rows_only) && !stake;
  options.defer_rows = as_text && !stake;  // written out as they are read, never held

  auto store = app.open_store(fallback_scan ? store::OpenMode::read_write : store::OpenMode::read_only);
  options.regions = cache::resolve_cache_regions(*store, asked);
  options.now = now_utc();
  cache::FallbackScan fallback;
  if (scan_options) {
    fallback = [&, scan_options = *scan_options](const std::vector<std::string>& regions) mutable {
      scan_options.regions = regions;
      return run_scan(scan_options, store.get(), api::http_api_factory(s.env()), s.env());
    };
  }
  cache::CacheResult result = cache_get(*store, options, fallback);
  // -vv, once the rows are read: which scan each region was answered from, and how its
  // served rows were read.
  const auto log_sources = [&] {
    if (!spdlog::should_log(spdlog::level::debug)) return;
    for (const auto& r : result.regions) {
      if (!r.scan) {
        spdlog::debug("cache get {}: no good {} scan in the store", r.region, to_string(options.source));
        continue;
      }
      std::size_t texts = r.streamed, as_stored = r.streamed;
      for (const auto& o : r.stored)
        if (!o.opportunity) ++texts, as_stored += o.served_form ? 1 : 0;
      spdlog::debug(
          "cache get {}: scan {} ({}), {} of {} opportunities served, {} from their stored text ({} written "
          "out as stored, {} straight from the store)",
          r.region, r.scan->scan_id, r.fresh ? "fresh" : "stale", r.served(), r.stored_opportunities, texts, as_stored,
          r.streamed);
    }
  };
  if (stake)
    for (auto& region : result.regions)
      if (region.scan) cache::restake_opportunities(region.scan->opportunities, *stake);
  if (as_text) {
    cache_get_json_text(result, *store, options, [](std::string_view piece) {
      std::cout.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    });
    std::cout << '\n';
    log_sources();
    app.exit_code = result.exit_code();
    return;
  }
  log_sources();
  // Dim a stale region's line, red a missing one (on a colour terminal).
  std::vector<Tone> tones;
  for (const auto& r : result.regions) tones.push_back(!r.scan ? Tone::bad : r.fresh ? Tone::none : Tone::dim);
  print_opportunities(app, result.opportunities(), cache_status_lines(result),
                      app.json() ? cache_get_json(result) : json(), tones);
  app.exit_code = result.exit_code();
}

void run_list(App& app) {
  const auto limit = app.settings.integer("cache.limit").value_or(20);
  if (limit < 0) throw UsageError("--limit: must be 0 (no limit) or more");
  auto store = app.open_store(store::OpenMode::read_only);
  store::ScanQuery q;
  q.region = one_region(app, *store);
  q.limit = static_cast<int>(limit);
  q.source = filter_source(app);
  std::vector<json> rows;
  for (const auto& scan : store->list_scans(q)) rows.push_back(cache::scan_row_json(scan));
  const std::vector<std::string> header = {"scanned_at",    "region",       "status",  "duration_ms",
                                           "opportunities", "credits_used", "scan_id", "source",
                                           "command",       "scanned_by",   "error"};
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : rows) {
    std::vector<std::string> line;
    for (const auto& h : header) {
      std::string cell = opt_text(r[h]);
      // An empty result says why, so "ok" with nothing usable is never mistaken for a good one.
      if (h == "status" && !r["empty"].is_null()) cell += " (" + r["empty"].get<std::string>() + ")";
      line.push_back(std::move(cell));
    }
    cells.push_back(std::move(line));
  }
  switch (app.format()) {
    case Format::json: print_json({{"scans", rows}}, app.stdout_tty()); break;
    case Format::jsonl: print_jsonl(rows); break;
    case Format::csv: print_csv(header, cells); break;
    case Format::table:
      if (rows.empty()) {
        std::cout << "No scans stored.\n";
        break;
      }
      Table{{"TIME", "REGION", "STATUS", "MS", "OPPS", "CREDITS", "SCAN ID", "SOURCE", "COMMAND", "BY", "ERROR"},
            cells,
            {false, false, false, true, true, true, false, false, false, false, false}}
          .print(app.color_stdout());
  }
}

void run_stats(App& app) {
  auto store = app.open_store(store::OpenMode::read_only);
  const auto region = one_region(app, *store);
  json doc = cache_stats_json(cache::cache_stats(
      *store, now_utc(), region, *store::scan_source_from_string(app.settings.get_or("read.source", "live"))));
  const std::vector<std::string> header = {
      "region",         "scans",          "success_rate",     "last_success", "age_s",     "latency_last_ms",
      "latency_p50_ms", "latency_p95_ms", "credits_per_scan", "last_failure", "last_error"};
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : doc["regions"]) {
    cells.push_back(
        {r["region"], std::to_string(r["scans"].get<std::int64_t>()),
         fmt_number(r["success_rate"].get<double>() * 100, 1) + "%",
         r["last_success"].is_null() ? "" : opt_text(r["last_success"]["at"]),
         r["age_s"].is_null() ? "" : cache::format_age(std::chrono::seconds(r["age_s"].get<std::int64_t>())),
         opt_text(r["latency_ms"]["last"]), opt_text(r["latency_ms"]["p50"]), opt_text(r["latency_ms"]["p95"]),
         r["credits_per_scan"].is_null() ? "" : fmt_number(r["credits_per_scan"].get<double>(), 1),
         r["last_failure"].is_null() ? "" : opt_text(r["last_failure"]["at"]),
         r["last_failure"].is_null() ? "" : opt_text(r["last_failure"]["error"])});
  }
  switch (app.format()) {
    case Format::json: print_json(doc, app.stdout_tty()); break;
    case Format::jsonl: print_jsonl({doc}); break;
    case Format::csv: print_csv(header, cells); break;
    case Format::table: {
      const std::string source = doc["regions"].empty() ? "" : doc["regions"][0]["source"].get<std::string>();
      if (cells.empty()) std::cout << "No scans stored.\n";
      else if ((std::cout << "Source: " << source << "\n"))
        Table{{"REGION", "SCANS", "OK", "LAST SUCCESS", "AGE", "LAST MS", "P50 MS", "P95 MS", "CREDITS/SCAN",
               "LAST FAILURE", "ERROR"},
              cells,
              {false, true, true, false, true, true, true, true, true, false, false}}
            .print(app.color_stdout());
      if (!doc["workers"].empty()) {
        Table w{{"WORKER", "COMMAND", "LAST CYCLE", "CYCLES", "LAST ERROR"}, {}, {false, false, false, true, false}};
        for (const auto& h : doc["workers"])
          w.rows.push_back({h["worker_id"], h["command"],
                            cache::format_age(std::chrono::seconds(h["last_cycle_age_s"].get<std::int64_t>())) + " ago",
                            std::to_string(h["cycles"].get<std::int64_t>()), opt_text(h["last_error"])});
        std::cout << "\n";
        w.print(app.color_stdout());
      }
    }
  }
}

void run_invalidate(App& app) {
  const bool all = app.settings.boolean("cache.all").value_or(false);
  auto region_flag = app.settings.get("cache.region");
  if (all == region_flag.has_value()) throw UsageError("cache invalidate: give --region R or --all (one of them)");
  auto store = app.open_store();
  std::vector<std::string> regions = all ? known_regions() : cache::resolve_cache_regions(*store, {*region_flag});
  std::vector<std::string> dropped;
  for (const auto& r : regions)
    if (store->latest_good(r)) dropped.push_back(r);
  if (all) store->invalidate(std::nullopt);
  else
    for (const auto& r : regions) store->invalidate(r);
  json doc = {{"invalidated", dropped}, {"regions", regions}};
  if (app.format() == Format::table) {
    std::string names;
    for (const auto& r : dropped) names += (names.empty() ? "" : ", ") + r;
    std::cout << (dropped.empty() ? "Nothing to invalidate: no cached result for those regions."
                                  : "Invalidated " + names + ": the next cache get reports it missing.")
              << "\n";
  } else if (app.format() == Format::csv) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : dropped) rows.push_back({r});
    print_csv({"region"}, rows);
  } else {
    print_json(doc, app.json() && app.stdout_tty());
  }
}

void run_show(App& app, const std::string& scan_id) {
  auto store = app.open_store(store::OpenMode::read_only);
  json doc = cache::cache_show_json(*store, scan_id);
  std::vector<Opportunity> opps;
  std::vector<std::string> lines;
  for (const auto& r : doc["regions"]) {
    std::string region = r["region"];
    for (auto& c : region) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const int n = r["opportunities"];
    lines.push_back(region + ": " + r["status"].get<std::string>() +
                    (r["empty"].is_null() ? "" : " (" + r["empty"].get<std::string>() + ")") + ", " +
                    r["source"].get<std::string>() + ", " + std::to_string(n) +
                    (n == 1 ? " opportunity, " : " opportunities, ") +
                    std::to_string(r["duration_ms"].get<std::int64_t>()) + " ms, scanned at " +
                    r["scanned_at"].get<std::string>() + " by " + r["scanned_by"].get<std::string>() +
                    (r["error"].is_null() ? "" : ": " + r["error"].get<std::string>()));
  }
  for (const auto& o : doc["opportunities"]) opps.push_back(opportunity_from_json(o));
  print_opportunities(app, opps, lines, doc);
}

void run_export(App& app) {
  app.allow_formats({Format::jsonl, Format::json}, "cache export");
  auto store = app.open_store(store::OpenMode::read_only);
  std::optional<TimePoint> since;
  if (auto text = app.settings.get("cache.since")) {
    // A duration back from now, or an RFC 3339 time.
    if (auto at = try_parse_rfc3339(*text)) since = *at;
    else since = now_utc() - parse_duration(*text, "--since");
  }
  const auto region = one_region(app, *store);
  auto rows = cache::cache_export_rows(*store, since, region, filter_source(app));
  // JSON lines are the point of an export; --json asks for one document instead.
  if (app.json()) print_json({{"scans", rows}}, app.stdout_tty());
  else print_jsonl(rows);
}

}  // namespace

void register_cache(CLI::App& root, App& app) {
  CLI::App* cache = root.add_subcommand("cache", "Serve stored scan results per region, instantly, with their age");
  cache->require_subcommand(1);

  CLI::App* get = cache->add_subcommand(
      "get", "The latest good scan of each region with its age; exit 4 when a region is stale or missing");
  setting_option(get, app, "cache.region", "a region, a comma list, or all (default: --regions, else all)");
  setting_option(get, app, "read.source");
  setting_option(get, app, "cache.max_age");
  setting_flag(get, app, "cache.strict");
  setting_flag(get, app, "cache.fallback_scan");
  setting_option(get, app, "cache.sport");
  setting_option(get, app, "cache.market");
  setting_option(get, app, "cache.event");
  setting_option(get, app, "cache.min_profit");
  setting_option(get, app, "cache.kind");
  setting_option(get, app, "scan.stake", "split this total stake across each opportunity's legs, as scan --stake");
  add_api_options(get, app);
  get->callback([&app] { run_get(app); });

  CLI::App* list = cache->add_subcommand("list", "Recent scans per region, newest first");
  setting_option(list, app, "cache.region", "only this region");
  setting_option(list, app, "read.source", "only scans of this source (default: every source)");
  setting_option(list, app, "cache.limit");
  list->callback([&app] { run_list(app); });

  CLI::App* stats =
      cache->add_subcommand("stats", "Per region: last success and failure, latency, success rate, credits");
  setting_option(stats, app, "cache.region", "only this region");
  setting_option(stats, app, "read.source", "count scans of this source");
  stats->callback([&app] { run_stats(app); });

  CLI::App* inv = cache->add_subcommand("invalidate", "Forget the latest good result (nothing else is deleted)");
  setting_option(inv, app, "cache.region", "a region or a comma list");
  setting_flag(inv, app, "cache.all");
  inv->callback([&app] { run_invalidate(app); });

  CLI::App* show = cache->add_subcommand("show", "One stored scan run, as scan --json prints it");
  setting_option(show, app, "cache.scan_id")->required();
  show->callback([&app] { run_show(app, app.settings.get_or("cache.scan_id", "")); });

  CLI::App* exp =
      cache->add_subcommand("export", "Stored scans as JSON lines (one scan --json document per region scan)");
  setting_option(exp, app, "cache.since");
  setting_option(exp, app, "cache.region", "only this region");
  setting_option(exp, app, "read.source", "only scans of this source (default: every source)");
  exp->callback([&app] { run_export(app); });
}

}  // namespace oddsctl::cmd
