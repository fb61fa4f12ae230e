#include <algorithm>

#include "oddsctl/errors.hpp"
#include "oddsctl/keys.hpp"
#include "oddsctl/scan.hpp"

namespace oddsctl {

namespace {

std::vector<std::string> parse_regions(const std::vector<std::string>& asked) {
  std::vector<std::string> out;
  for (const auto& r : asked) {
    std::string lower = r;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "all") return known_regions();
    if (!is_known_region(lower))
      throw UsageError("--regions: unknown region '" + r + "' (known: au, uk, us, eu, or all)");
    if (std::find(out.begin(), out.end(), lower) == out.end()) out.push_back(lower);
  }
  return out;
}

}  // namespace

ScanOptions scan_options_from_settings(const Settings& s) {
  ScanOptions o;
  o.regions = parse_regions(s.list("api.regions"));
  o.sports = s.list("api.sports");
  o.rules.markets = s.list("api.markets");
  if (o.rules.markets.empty()) throw UsageError("--markets: give at least one market (e.g. h2h,spreads,totals)");
  for (const auto& m : o.rules.markets)
    if (m.size() > 4 && m.compare(m.size() - 4, 4, "_lay") == 0)
      throw UsageError("--markets: '" + m + "' is an exchange lay market; lay prices are never combined with back prices");

  o.concurrency = static_cast<int>(s.integer("api.concurrency").value_or(8));
  if (o.concurrency < 1 || o.concurrency > 64) throw UsageError("--concurrency: must be from 1 to 64");
  o.timeout = s.duration("api.timeout").value_or(Millis(10000));
  if (o.timeout <= Millis(0)) throw UsageError("--timeout: must be more than 0");
  o.deadline = s.duration("api.deadline");
  if (o.deadline && *o.deadline <= Millis(0)) throw UsageError("--deadline: must be more than 0");
  o.max_retries = static_cast<int>(s.integer("api.retries").value_or(3));
  if (o.max_retries < 0 || o.max_retries > 10) throw UsageError("api.retries: must be from 0 to 10");
  o.base_url = s.get_or("api.base_url", "https://api.the-odds-api.com");
  while (!o.base_url.empty() && o.base_url.back() == '/') o.base_url.pop_back();
  o.bookmakers = s.list("api.bookmakers");
  o.rules.bookmakers = o.bookmakers;

  o.reserve = s.integer("budget.reserve");
  o.max_credits = s.integer("budget.max_credits");
  if (o.reserve && *o.reserve < 0) throw UsageError("--reserve: must be 0 or more");
  if (o.max_credits && *o.max_credits < 0) throw UsageError("--max-credits: must be 0 or more");

  o.rules.min_profit_pct = s.number("scan.min_profit").value_or(0.0);
  if (o.rules.min_profit_pct < 0) throw UsageError("--min-profit: must be 0 or more (a percentage)");
  o.rules.max_quote_age = s.duration("scan.max_quote_age").value_or(std::chrono::hours(1));
  o.rules.include_live = s.boolean("scan.include_live").value_or(false);
  o.rules.stake = s.number("scan.stake");
  if (o.rules.stake && *o.rules.stake <= 0) throw UsageError("--stake: must be more than 0");
  // Config file [commission] table first, then --commission flags on top.
  for (const auto& [book, rate] : s.file_table("commission")) o.rules.commissions.set_from_text(book + "=" + rate);
  if (auto flags = s.resolve("scan.commission"); flags && flags->source == SettingSource::flag)
    for (const auto& item : split_list(flags->value)) o.rules.commissions.set_from_text(item);

  if (auto as_of = s.get("scan.as_of")) o.as_of = parse_rfc3339(*as_of, "--as-of");
  if (auto f = s.get("scan.from_file")) o.from_file = std::filesystem::path(*f);
  if (s.boolean("scan.demo").value_or(false)) {
    if (o.from_file) throw UsageError("--demo and --from-file: use one");
    o.from_file = data_dir() / "demo";
  }
  o.from_store = s.boolean("scan.from_store").value_or(false);
  if (o.from_store && o.from_file) throw UsageError("--from-store and --from-file/--demo: use one");
  if (o.from_store) o.command = "scan-from-store";
  o.odds_format = parse_odds_format(s.get_or("scan.odds_format", "auto"));
  if (auto d = s.get("scan.save_responses")) o.save_responses = std::filesystem::path(*d);
  if (o.from_file && o.save_responses) throw UsageError("--save-responses records live calls; it makes no sense with --from-file");
  o.store_results = !s.boolean("scan.no_store").value_or(false);
  o.lease_ttl = s.duration("scan.lease_ttl").value_or(Millis(120000));
  o.wait_lock = s.duration("scan.wait_lock");
  o.worker = s.get_or("worker_id", default_worker_id());
  return o;
}

}  // namespace oddsctl
