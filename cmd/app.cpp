#include "app.hpp"

#include <unistd.h>

#include <cstdlib>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace oddsctl::cli {

App::App() : m_stdout_tty(::isatty(STDOUT_FILENO) == 1), m_stderr_tty(::isatty(STDERR_FILENO) == 1) {}

void App::finish_setup() {
  settings.load_default_file(config_flag);
  // Logs go to stderr only: stdout belongs to the command's output.
  auto logger = spdlog::stderr_logger_mt("oddsctl");
  logger->set_pattern("oddsctl: %l: %v");
  spdlog::set_default_logger(logger);
  std::string level = settings.get_or("log_level", "warn");
  if (quiet) level = "error";
  else if (verbose == 1) level = "info";
  else if (verbose >= 2) level = "debug";
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off")
    throw UsageError("log level '" + level + "' is not one of trace, debug, info, warn, error, off");
  spdlog::set_level(parsed);
  (void)format();  // validate --format now: a bad value is a usage error before any work
}

Format App::format() const {
  if (json_flag) return Format::json;
  if (!format_flag) return Format::table;
  const std::string& f = *format_flag;
  if (f == "table") return Format::table;
  if (f == "json") return Format::json;
  if (f == "jsonl") return Format::jsonl;
  if (f == "csv") return Format::csv;
  throw UsageError("--format: '" + f + "' is not one of table, json, jsonl, csv");
}

static bool env_set(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0';
}

static bool color_allowed() {
  if (env_set("NO_COLOR")) return false;
  const char* c = std::getenv("CLICOLOR");
  return !(c && std::string(c) == "0");
}

bool App::decorate_stderr() const {
  return m_stderr_tty && color_allowed() && !quiet && format() != Format::json && !env_set("CI");
}

bool App::color_stdout() const { return m_stdout_tty && color_allowed() && format() == Format::table; }

std::string App::store_uri() const {
  auto store = settings.resolve("store");
  auto db = settings.resolve("db");
  // A flag beats an env var whichever of the two names it uses.
  if (store && db) {
    if (db->source == SettingSource::flag && store->source != SettingSource::flag) return db->value;
    if (store->source == SettingSource::flag && db->source == SettingSource::flag)
      throw UsageError("--store and --db both given: use one");
    return store->value;
  }
  if (store) return store->value;
  if (db) return db->value;
  return default_store_path();
}

std::unique_ptr<Store> App::open_store() const { return oddsctl::open_store(store_uri()); }

CLI::Option* setting_option(CLI::App* cmd, App& app, const std::string& names, const std::string& key,
                            const std::string& help, bool repeatable) {
  Settings* settings = &app.settings;
  auto* opt = cmd->add_option_function<std::vector<std::string>>(
      names,
      [settings, key, repeatable](const std::vector<std::string>& values) {
        std::string joined;
        for (const auto& v : values) {
          if (!joined.empty()) joined += ",";
          joined += v;
        }
        if (!repeatable && !values.empty()) joined = values.back();
        settings->set_flag(key, joined);
      },
      help);
  if (repeatable) opt->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  else opt->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  opt->expected(1);
  if (repeatable) opt->expected(1, 1);
  return opt;
}

CLI::Option* setting_flag(CLI::App* cmd, App& app, const std::string& names, const std::string& key,
                          const std::string& help) {
  Settings* settings = &app.settings;
  return cmd->add_flag_callback(names, [settings, key] { settings->set_flag(key, "true"); }, help);
}

void add_api_options(CLI::App* cmd, App& app) {
  setting_option(cmd, app, "--regions", "api.regions", "regions: au,uk,us,eu or all (default: every region with a key)");
  setting_option(cmd, app, "--sports", "api.sports", "sport keys, comma separated (default: every active sport)");
  setting_option(cmd, app, "--markets", "api.markets", "markets (default h2h,spreads,totals)");
  setting_option(cmd, app, "--concurrency", "api.concurrency", "requests in flight per key (default 8)");
  setting_option(cmd, app, "--timeout", "api.timeout", "per request, e.g. 10s");
  setting_option(cmd, app, "--deadline", "api.deadline", "the whole run, e.g. 50s");
  setting_option(cmd, app, "--reserve", "budget.reserve", "never spend a key below this many credits");
  setting_option(cmd, app, "--max-credits", "budget.max_credits", "credits this run may spend at most");
}

}  // namespace oddsctl::cli
