// oddsctl clv: closing-line value of stored value bets (and --bets FILE), from the store only.

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "oddsctl/cache.hpp"
#include "oddsctl/clv.hpp"
#include "render.hpp"

namespace oddsctl::cmd {

namespace {

clv::ClvOptions options_from(const App& app, store::Store& store) {
  const settings::Settings& s = app.settings;
  clv::ClvOptions o;
  std::vector<std::string> asked = s.list("clv.regions");
  if (!asked.empty()) o.regions = cache::resolve_cache_regions(store, asked);
  o.source = *store::scan_source_from_string(s.get_or("read.source", "live"));
  if (auto sharp = s.list("scan.sharp"); !sharp.empty()) o.value.sharp = sharp;
  if (auto m = s.get("scan.devig"))
    o.value.devig = engine::devig_method_from_string(*m).value_or(engine::DevigMethod::power);
  o.value.min_books = static_cast<int>(s.integer("scan.min_books").value_or(4));
  for (const auto& [book, rate] : s.file_table("commission")) o.commissions.set_from_text(book + "=" + rate);
  for (const auto& item : s.list("scan.commission")) o.commissions.set_from_text(item);
  o.stored_bets = !s.boolean("clv.no_stored").value_or(false);
  if (auto path = s.get("clv.bets")) o.bets = clv::read_placed_bets(*path);
  o.now = s.get("clv.as_of") ? parse_rfc3339(*s.get("clv.as_of"), "--as-of") : now_utc();
  return o;
}

std::string pct(const std::optional<double>& v) { return v ? fmt_number(*v, 2, 2) + "%" : "-"; }

void print_table(const App& app, const clv::ClvReport& r) {
  if (r.bets.empty()) {
    say("No bets: no value bets are stored (scan --find value) and no --bets file was given.\n");
    return;
  }
  Table t{{"CLV", "EVENT", "STARTS", "MARKET", "OUTCOME", "LINE", "BOOK", "PRICE", "CLOSE", "STATUS"},
          {},
          {true, false, false, false, false, true, false, true, true, false}};
  for (const auto& c : r.bets)
    t.rows.push_back({pct(c.clv_pct), c.bet.event_id, c.commence_time ? format_rfc3339(*c.commence_time) : "?",
                      c.bet.market, c.bet.outcome, fmt_point(c.bet.point), c.bet.bookmaker, fmt_number(c.bet.price, 3),
                      c.closing_fair_price ? fmt_number(*c.closing_fair_price, 3) : "-", c.status});
  t.tone = [&r](std::size_t row, std::size_t col) {
    if (col != 0 || !r.bets[row].clv_pct) return Tone::none;
    return *r.bets[row].clv_pct > 0 ? Tone::good : Tone::bad;
  };
  t.print(app.color_stdout());
  auto line = [](const clv::ClvSummary& s) {
    say("  ", s.name, ": ", s.bets, " bets, ", s.with_close, " with a close, mean CLV ", pct(s.mean_clv_pct),
        ", beat the close ", (s.beat_close_share ? fmt_number(*s.beat_close_share * 100, 1, 1) + "%" : "-"), "\n");
  };
  say("\nSummary\n");
  line(r.overall);
  say("By book\n");
  for (const auto& s : r.by_book) line(s);
  say("By sport\n");
  for (const auto& s : r.by_sport) line(s);
}

void run(App& app) {
  app.allow_formats({Format::table, Format::json, Format::jsonl}, "clv");
  auto store = app.open_store(store::OpenMode::read_only);
  clv::ClvReport report = run_clv(*store, options_from(app, *store));
  auto doc = clv_report_json(report);
  switch (app.format()) {
    case Format::json: print_json(doc, app.stdout_tty()); break;
    case Format::jsonl: {
      std::vector<nlohmann::json> rows(doc["bets"].begin(), doc["bets"].end());
      print_jsonl(rows);
      break;
    }
    default: print_table(app, report); break;
  }
}

}  // namespace

void register_clv(CLI::App& root, App& app) {
  CLI::App* cmd = root.add_subcommand(
      "clv", "Closing-line value: stored value bets (and --bets FILE) against the fair price at the close");
  setting_option(cmd, app, "clv.bets");
  setting_flag(cmd, app, "clv.no_stored");
  setting_option(cmd, app, "clv.regions");
  setting_option(cmd, app, "clv.as_of");
  setting_option(cmd, app, "read.source", "read stored scans of this source");
  setting_option(cmd, app, "scan.sharp");
  setting_option(cmd, app, "scan.devig");
  setting_option(cmd, app, "scan.min_books");
  setting_option(cmd, app, "scan.commission");
  cmd->callback([&app] { run(app); });
}

}  // namespace oddsctl::cmd
