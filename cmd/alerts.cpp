// oddsctl alerts: a thin shell over run_alerts(): picks the sink, renders the report.
#include <iostream>

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "oddsctl/alerts.hpp"
#include "oddsctl/cache.hpp"
#include "oddsctl/store/lease_helpers.hpp"
#include "oddsctl/scan.hpp"
#include "render.hpp"

namespace oddsctl::cmd {

namespace {

struct AlertsFlags {
  bool dry_run = false;
};

enum class SinkKind { stdout_lines, webhook, exec };

// An http(s) URL with a host and no blanks: anything else could only fail at delivery, after
// the alerts were chosen; it is a usage error before any work instead.
std::string webhook_problem(const std::string& url) {
  std::string lower = url;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t scheme = lower.rfind("https://", 0) == 0 ? 8 : lower.rfind("http://", 0) == 0 ? 7 : 0;
  if (scheme == 0) return "'" + url + "' is not an http:// or https:// URL";
  if (url.find_first_of(" \t\r\n") != std::string::npos) return "'" + url + "' has blanks in it (not a URL)";
  std::string host = url.substr(scheme, url.find_first_of("/?#", scheme) - scheme);
  if (host.empty() || host[0] == ':' || host[0] == '@') return "'" + url + "' has no host";
  return "";
}

// --webhook and --exec are exclusive at one precedence level; across levels the stronger
// source wins (a --exec flag overrides a webhook from the config file).
SinkKind choose_sink(const settings::Settings& s) {
  auto hook = s.resolve("alerts.webhook");
  auto exec = s.resolve("alerts.exec");
  if (hook && exec) {
    if (hook->source == exec->source)
      throw UsageError("alerts: --webhook and --exec both given (" + std::string(to_string(hook->source)) +
                       "): use one");
    return static_cast<int>(hook->source) < static_cast<int>(exec->source) ? SinkKind::webhook : SinkKind::exec;
  }
  if (hook) return SinkKind::webhook;
  if (exec) return SinkKind::exec;
  return SinkKind::stdout_lines;
}

alerts::AlertOptions options_from(const App& app, store::Store& store, bool dry_run) {
  const settings::Settings& s = app.settings;
  alerts::AlertOptions o;
  std::vector<std::string> asked = s.list("alerts.regions");
  // "all" and region names are resolved and validated the same way `cache get` does it.
  if (!asked.empty()) o.regions = cache::resolve_cache_regions(store, asked);
  o.min_profit_pct = s.number("alerts.min_profit").value_or(0);
  o.include_flagged = s.boolean("alerts.include_flagged").value_or(false);
  o.window = s.duration("alerts.window").value_or(std::chrono::hours(1));
  o.escalation_step = s.number("alerts.escalation_step").value_or(0.5);
  if (o.escalation_step <= 0) throw UsageError("alerts: --escalation-step must be above 0 percentage points");
  o.max_age = s.duration("alerts.max_age");  // "never" reads as no limit
  o.source = *store::scan_source_from_string(s.get_or("read.source", "live"));
  o.dry_run = dry_run;
  o.now = now_utc();
  o.owner = s.get_or("worker_id", store::default_worker_id());
  Millis timeout = s.duration("alerts.timeout").value_or(std::chrono::seconds(10));
  o.lease_ttl = std::max<Millis>(std::chrono::minutes(2), timeout * 3);
  return o;
}

void print_results(const App& app, const alerts::AlertReport& report) {
  std::vector<std::string> header{"key", "reason", "profit_pct", "sport", "event", "result"};
  std::vector<std::vector<std::string>> rows;
  for (const auto& a : report.alerts) {
    const Opportunity& o = a.opportunity;
    std::string result = !a.attempted ? "would send" : a.delivered ? "sent" : "FAILED: " + a.error;
    rows.push_back({a.key, to_string(a.reason), fmt_number(o.profit_pct, 2, 2), o.sport_key,
                    o.home_team + " v " + o.away_team, result});
  }
  switch (app.format()) {
    case Format::json: print_json(alert_report_json(report), app.stdout_tty()); break;
    case Format::jsonl: print_jsonl(alert_report_json(report)["alerts"].get<std::vector<nlohmann::json>>()); break;
    case Format::csv: print_csv(header, rows); break;
    case Format::table: {
      Table t{header, rows, {false, false, true, false, false, false}};
      if (!rows.empty()) t.print(app.color_stdout());
      break;
    }
  }
}

void summarise(const alerts::AlertReport& r) {
  int fresh = 0, escalations = 0;
  for (const auto& a : r.alerts) (a.reason == alerts::AlertReason::fresh ? fresh : escalations)++;
  std::cerr << "alerts: " << r.alerts.size() << (r.dry_run ? " would be sent" : " due") << " (" << fresh << " new, "
            << escalations << " escalation), ";
  if (!r.dry_run) std::cerr << r.delivered() << " delivered, " << r.failed() << " failed, ";
  std::cerr << r.suppressed << " already sent\n";
  for (const auto& reg : r.regions)
    if (reg.status != "ok") std::cerr << "alerts: region " << reg.region << ": " << reg.status << ", skipped\n";
}

void run(App& app, const AlertsFlags& flags) {
  // The flag is checked as it is parsed; the env var and config file here, before any work.
  if (auto hook = app.settings.resolve("alerts.webhook")) {
    std::string problem = webhook_problem(hook->value);
    if (!problem.empty())
      throw UsageError((hook->source == settings::SettingSource::flag
                            ? std::string("--webhook")
                            : "alerts.webhook (" + std::string(to_string(hook->source)) + ")") +
                       ": " + problem);
  }
  auto store = app.open_store();
  alerts::AlertOptions options = options_from(app, *store, flags.dry_run);
  SinkKind kind = choose_sink(app.settings);
  Millis timeout = app.settings.duration("alerts.timeout").value_or(std::chrono::seconds(10));
  // Without a sink the alerts ARE the output: JSON lines on stdout, or, with --json, the
  // payloads inside the one summary document.
  bool lines_on_stdout = kind == SinkKind::stdout_lines && !app.json() && !flags.dry_run;
  alerts::AlertSink sink;
  switch (kind) {
    case SinkKind::webhook: sink = alerts::webhook_sink(*app.settings.get("alerts.webhook"), timeout); break;
    case SinkKind::exec: sink = alerts::exec_sink(*app.settings.get("alerts.exec"), timeout); break;
    case SinkKind::stdout_lines:
      sink = [lines_on_stdout](const nlohmann::json& payload) -> alerts::Delivery {
        if (!lines_on_stdout) return {true, ""};
        say(payload.dump(), "\n");
        if (!flush_stdout()) return {false, "stdout: write failed"};
        return {true, ""};
      };
      break;
  }

  alerts::AlertReport report = run_alerts(*store, options, sink);
  if (!lines_on_stdout) print_results(app, report);
  if (!app.quiet && !app.json()) {
    if (report.skipped_busy) std::cerr << "alerts: another alerts run holds the lease; nothing sent\n";
    else summarise(report);
  }
  app.exit_code = report.exit_code();
}

}  // namespace

void register_alerts(CLI::App& root, App& app) {
  CLI::App* cmd = root.add_subcommand(
      "alerts", "Send each new cached opportunity once: to a webhook, a command, or stdout (JSON lines)");
  auto flags = std::make_shared<AlertsFlags>();
  setting_option(cmd, app, "alerts.webhook")->check([](const std::string& url) { return webhook_problem(url); });
  setting_option(cmd, app, "alerts.exec");
  setting_option(cmd, app, "alerts.regions");
  setting_option(cmd, app, "alerts.min_profit");
  setting_flag(cmd, app, "alerts.include_flagged");
  setting_option(cmd, app, "alerts.window");
  setting_option(cmd, app, "alerts.escalation_step");
  setting_option(cmd, app, "alerts.max_age");
  setting_option(cmd, app, "alerts.timeout");
  setting_option(cmd, app, "read.source", "alert on results of this source");
  cmd->add_flag("--dry-run", flags->dry_run, "show what would be sent; send and mark nothing");
  cmd->callback([&app, flags] { run(app, *flags); });
}

}  // namespace oddsctl::cmd
