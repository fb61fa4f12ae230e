#include "app.hpp"
#include "render.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace oddsctl::cmd {

namespace {

// The message as a JSON string (escaped, invalid UTF-8 replaced): --log-format json lines
// stay one valid object each whatever a message holds.
class JsonMessage : public spdlog::custom_flag_formatter {
public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string text = nlohmann::json(std::string(msg.payload.data(), msg.payload.size()))
                           .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessage>(); }
};

}  // namespace

App::App() : m_stdout_tty(::isatty(STDOUT_FILENO) == 1), m_stderr_tty(::isatty(STDERR_FILENO) == 1) {}

void App::finish_setup(bool load_config_file) {
  if (load_config_file) settings.load_default_file(config_flag);
  // Logs go to stderr only: stdout belongs to the command's output.
  auto logger = spdlog::stderr_logger_mt("oddsctl");
  logger->set_pattern("oddsctl: %l: %v");
  spdlog::set_default_logger(logger);
  std::string level = settings.get_or("log_level", "warn");
  if (quiet) level = "error";
  else if (verbose == 1) level = "info";
  else if (verbose >= 2) level = "debug";
  spdlog::set_level(spdlog::level::from_str(level));  // the table checked the name
  if (settings.get_or("log_format", "text") == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<JsonMessage>('*').set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","message":%*})");
    logger->set_formatter(std::move(formatter));
  }
  (void)format();  // validate --format now: a bad value is a usage error before any work
  set_output_style({color_stdout(), stdout_width()});
}

std::optional<std::size_t> App::stdout_width() const {
  if (!m_stdout_tty) return std::nullopt;  // piped: no limit
  if (const char* c = std::getenv("COLUMNS")) {
    char* end = nullptr;
    long v = std::strtol(c, &end, 10);
    if (end != c && *end == '\0' && v > 0) return static_cast<std::size_t>(v);
  }
  struct winsize ws {};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return std::nullopt;
}

Format App::format() const {
  if (json_flag && format_flag && *format_flag != "json")
    throw UsageError("--json and --format " + *format_flag + ": use one (--json is --format json)");
  if (json_flag) return Format::json;
  if (!format_flag) return Format::table;
  const std::string& f = *format_flag;
  if (f == "table") return Format::table;
  if (f == "json") return Format::json;
  if (f == "jsonl") return Format::jsonl;
  if (f == "csv") return Format::csv;
  throw UsageError("--format: '" + f + "' is not one of table, json, jsonl, csv");
}

void App::allow_formats(std::initializer_list<Format> formats, const std::string& command) const {
  if (!format_flag && !json_flag) return;
  Format f = format();
  for (Format ok : formats)
    if (ok == f) return;
  static const char* names[] = {"table", "json", "jsonl", "csv"};
  std::string list;
  for (Format ok : formats) list += std::string(list.empty() ? "" : ", ") + names[static_cast<int>(ok)];
  throw UsageError(command + ": no " + names[static_cast<int>(f)] + " output (formats: " + list + ")");
}

static bool env_set(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0';
}

// --color / ODDSCTL_COLOR / config color: never and always decide; auto (the default) is
// on for a terminal unless NO_COLOR, CLICOLOR=0 or TERM=dumb, and forced by CLICOLOR_FORCE.
bool App::color_on(bool tty) const {
  const std::string mode = settings.get_or("color", "auto");
  if (mode == "never") return false;
  if (mode == "always") return true;
  const char* force = std::getenv("CLICOLOR_FORCE");
  if (force && *force && std::string(force) != "0") return true;
  if (env_set("NO_COLOR")) return false;
  const char* c = std::getenv("CLICOLOR");
  if (c && std::string(c) == "0") return false;
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  return tty;
}

bool App::decorate_stderr() const {
  const char* term = std::getenv("TERM");
  return m_stderr_tty && !quiet && format() != Format::json && !env_set("CI") && !(term && std::string(term) == "dumb");
}

bool App::color_stdout() const { return format() == Format::table && color_on(m_stdout_tty); }

bool App::color_stderr() const { return color_on(m_stderr_tty); }

std::string App::store_uri() const {
  auto store = settings.resolve("store");
  auto db = settings.resolve("db");
  // A flag beats an env var whichever of the two names it uses.
  if (store && db) {
    if (db->source == settings::SettingSource::flag && store->source != settings::SettingSource::flag) return db->value;
    if (store->source == settings::SettingSource::flag && db->source == settings::SettingSource::flag)
      throw UsageError("--store and --db both given: use one");
    return store->value;
  }
  if (store) return store->value;
  if (db) return db->value;
  return store::default_store_path();
}

bool App::store_given() const { return settings.resolve("store") || settings.resolve("db"); }

std::unique_ptr<store::Store> App::open_store(store::OpenMode mode) const {
  return oddsctl::store::open_store(store_uri(), mode);
}

namespace {

const settings::SettingSpec& spec_of(const std::string& key) {
  const settings::SettingSpec* spec = settings::find_setting(key);
  if (!spec) throw std::logic_error("cmd: setting '" + key + "' is not declared in settings_table.cpp");
  return *spec;
}

// "per request attempt (default 10s) [env: X]": what --help, the man pages and the
// completions show, all from the table.
std::string help_text(const settings::SettingSpec& spec, const std::string& help) {
  std::string out = help.empty() ? spec.help : help;
  if (!spec.default_value.empty() && spec.type != settings::SettingType::boolean)
    out += " (default " + spec.default_value + ")";
  if (spec.repeatable) out += " (repeatable)";
  if (spec.settable_from(settings::setting_from::env)) out += " [env: " + spec.env + "]";
  return out;
}

std::map<const CLI::Option*, const settings::SettingSpec*>& option_settings() {
  static std::map<const CLI::Option*, const settings::SettingSpec*> map;
  return map;
}

}  // namespace

const settings::SettingSpec* setting_of(const CLI::Option* opt) {
  auto it = option_settings().find(opt);
  return it == option_settings().end() ? nullptr : it->second;
}

namespace {

CLI::Option* remember(CLI::Option* opt, const settings::SettingSpec& spec) {
  option_settings()[opt] = &spec;
  return opt;
}

}  // namespace

CLI::Option* setting_option(CLI::App* cmd, App& app, const std::string& key, const std::string& help) {
  const settings::SettingSpec& spec = spec_of(key);
  settings::Settings* settings = &app.settings;
  const bool repeatable = spec.repeatable;
  auto* opt = cmd->add_option_function<std::vector<std::string>>(
      spec.flag,
      [settings, key, repeatable](const std::vector<std::string>& values) {
        std::string joined;
        for (const auto& v : values) joined += (joined.empty() ? "" : ",") + v;
        if (!repeatable && !values.empty()) joined = values.back();
        settings->set_flag(key, joined);
      },
      help_text(spec, help));
  opt->multi_option_policy(repeatable ? CLI::MultiOptionPolicy::TakeAll : CLI::MultiOptionPolicy::TakeLast);
  opt->expected(1);
  opt->type_name(spec.type == settings::SettingType::choice ? [&] {
    std::string c;
    for (const auto& x : spec.choices) c += (c.empty() ? "" : "|") + x;
    return c;
  }() : std::string(type_placeholder(spec.type)));
  return remember(opt, spec);
}

CLI::Option* setting_flag(CLI::App* cmd, App& app, const std::string& key, const std::string& help) {
  const settings::SettingSpec& spec = spec_of(key);
  settings::Settings* settings = &app.settings;
  return remember(cmd->add_flag_callback(
                      spec.flag, [settings, key] { settings->set_flag(key, "true"); }, help_text(spec, help)),
                  spec);
}

std::string checked_region(const std::string& region, const char* flag) {
  std::string lower = region;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!is_known_region(lower))
    throw UsageError(std::string(flag) + ": unknown region '" + region + "' (known: au, uk, us, eu)");
  return lower;
}

namespace {

// CLI11's help, plus the options a command inherits from the commands above it (--json,
// --store, -q, ...) in a section of their own: they work after the command name too.
class HelpFormatter : public CLI::Formatter {
public:
  std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
    if (mode == CLI::AppFormatMode::Sub || app->get_parent() == nullptr)
      return CLI::Formatter::make_help(app, name, mode);
    std::stringstream out;
    out << make_description(app) << make_usage(app, name) << make_positionals(app) << make_groups(app, mode);
    std::vector<const CLI::Option*> inherited;
    for (const CLI::App* up = app->get_parent(); up != nullptr; up = up->get_parent()) {
      for (const CLI::Option* opt : up->get_options([up](const CLI::Option* o) {
             return o->nonpositional() && o != up->get_help_ptr() && o != up->get_help_all_ptr() &&
                    o->get_name() != "--version" && !o->get_group().empty();
           }))
        inherited.push_back(opt);
    }
    if (!inherited.empty()) out << "\n" << make_group("GLOBAL OPTIONS", false, inherited);
    out << make_subcommands(app, mode) << '\n' << make_footer(app);
    return out.str();
  }
};

}  // namespace

std::shared_ptr<CLI::FormatterBase> help_formatter() {
  auto f = std::make_shared<HelpFormatter>();
  f->column_width(32);
  return f;
}

void add_api_options(CLI::App* cmd, App& app) {
  for (const char* key :
       {"api.regions", "api.sports", "api.markets", "api.bookmakers", "api.concurrency", "api.timeout",
        "api.connect_timeout", "api.retries", "api.deadline", "budget.reserve", "budget.max_credits"})
    setting_option(cmd, app, key);
}

}  // namespace oddsctl::cmd
