// oddsctl config show | path: the effective settings and where each came from. Secrets are
// masked: API keys as "…abcd (ODDS_API_KEY_AU)", store passwords and webhook paths removed.
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "oddsctl/keys.hpp"
#include "render.hpp"

namespace oddsctl::cmd {

namespace {

struct ConfigPath {
  std::string path;
  bool present = false;
  std::string source;  // "flag", "env ODDSCTL_CONFIG", "default"
};

// Mirrors Settings::load_default_file: --config, ODDSCTL_CONFIG, then the XDG default.
ConfigPath config_path(const App& app) {
  const settings::Settings& s = app.settings;
  if (s.file()) {
    // CLI11 fills --config from ODDSCTL_CONFIG too: the same text means it came from there.
    std::string source = "default";
    auto env = s.env()("ODDSCTL_CONFIG");
    if (env && !env->empty() && app.config_flag == env) source = "env ODDSCTL_CONFIG";
    else if (app.config_flag && !app.config_flag->empty()) source = "flag";
    else if (env && !env->empty()) source = "env ODDSCTL_CONFIG";
    return {s.file()->string(), true, source};
  }
  std::filesystem::path dir;
  if (auto xdg = s.env()("XDG_CONFIG_HOME"); xdg && !xdg->empty()) dir = *xdg;
  else if (auto home = s.env()("HOME"); home && !home->empty()) dir = std::filesystem::path(*home) / ".config";
  else return {"", false, "default"};
  return {(dir / "oddsctl" / "config.toml").string(), false, "default"};
}

struct Row {
  std::string key;
  std::optional<std::string> value;
  std::string source;  // flag, env, file, default, unset
  std::string origin;
};

std::vector<Row> setting_rows(const settings::Settings& s) {
  std::vector<Row> rows;
  // all() gives every value already masked (shown_setting_value).
  for (const auto& r : s.all()) rows.push_back({r.key, r.value, to_string(r.source), s.origin(r)});
  // Known settings with no value anywhere are listed too, so the table shows every key.
  for (const auto& spec : settings::setting_specs()) {
    bool listed = false;
    for (const auto& row : rows) listed = listed || row.key == spec.key;
    if (!listed && spec.type != settings::SettingType::table && spec.from != settings::setting_from::flag)
      rows.push_back({spec.key, std::nullopt, "unset", spec.env.empty() ? "" : "env " + spec.env});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.key < b.key; });
  return rows;
}

nlohmann::json keys_json(const settings::Settings& s) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& region : known_regions()) {
    auto key = resolve_key(region, s.env());
    if (key) {
      out.push_back({{"region", region},
                     {"key", key->masked()},
                     {"env", key->env_var()},
                     {"shown", key->masked() + " (" + key->env_var() + ")"}});
    } else {
      out.push_back({{"region", region},
                     {"key", nullptr},
                     {"env", key_env_var(region)},
                     {"shown", "not set (" + key_env_var(region) + " or ODDS_API_KEY)"}});
    }
  }
  return out;
}

void run_show(App& app) {
  const settings::Settings& s = app.settings;
  ConfigPath file = config_path(app);
  std::vector<Row> rows = setting_rows(s);
  nlohmann::json keys = keys_json(s);
  std::string store = settings::shown_setting_value("store", app.store_uri());

  nlohmann::json settings = nlohmann::json::array();
  for (const auto& r : rows)
    settings.push_back({{"key", r.key},
                        {"value", r.value ? nlohmann::json(*r.value) : nlohmann::json(nullptr)},
                        {"source", r.source},
                        {"origin", r.origin}});
  nlohmann::json doc = {{"config_file", file.present ? nlohmann::json(file.path) : nlohmann::json(nullptr)},
                        {"config_file_source", file.present ? nlohmann::json(file.source) : nlohmann::json(nullptr)},
                        {"default_config_file", file.present ? nlohmann::json(nullptr) : nlohmann::json(file.path)},
                        {"store", store},
                        {"settings", settings},
                        {"keys", keys}};

  std::vector<std::vector<std::string>> table_rows;
  for (const auto& r : rows) {
    std::string from = r.origin;
    if (r.source == "unset") from = r.origin.empty() ? "unset" : "unset (" + r.origin + ")";
    table_rows.push_back({r.key, r.value.value_or("-"), from});
  }
  switch (app.format()) {
    case Format::json: print_json(doc, app.stdout_tty()); return;
    case Format::jsonl: print_jsonl(settings.get<std::vector<nlohmann::json>>()); return;
    case Format::csv: {
      std::vector<std::vector<std::string>> csv_rows;
      for (const auto& r : rows) csv_rows.push_back({r.key, r.value.value_or(""), r.source, r.origin});
      print_csv({"key", "value", "source", "origin"}, csv_rows);
      return;
    }
    case Format::table: break;
  }
  say("config file: ", (file.present ? file.path + " (" + file.source + ")" : file.path + " (not present)"), "\n");
  say("store:       ", store, "\n\n");
  Table t{{"setting", "value", "from"}, table_rows, {false, false, false}};
  t.print(app.color_stdout());
  say("\n");
  Table k{{"region", "api key"}, {}, {false, false}};
  for (const auto& key : keys) k.rows.push_back({key["region"].get<std::string>(), key["shown"].get<std::string>()});
  k.print(app.color_stdout());
}

// `config check [FILE]`: every problem of the file, one a line; exit 2 when there is any.
void run_check(App& app, const std::string& file_arg) {
  app.allow_formats({Format::table, Format::json}, "config check");
  std::optional<std::filesystem::path> path;
  if (!file_arg.empty()) path = file_arg;
  else path = app.settings.default_file(app.config_flag);
  if (!path) throw UsageError("config check: no config file to check (give FILE, --config or ODDSCTL_CONFIG)");
  std::vector<settings::ConfigProblem> problems = settings::Settings::check_file(*path);
  if (app.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& p : problems) list.push_back({{"line", p.line}, {"message", p.message}});
    print_json({{"file", path->string()}, {"ok", problems.empty()}, {"problems", list}}, app.stdout_tty());
  } else if (problems.empty()) {
    say(path->string(), ": ok\n");
  }
  if (problems.empty()) return;
  // Every problem on stderr, the way compilers list them; the summary is main's one line.
  if (!app.json())
    for (const auto& p : problems) std::cerr << p.text() << "\n";
  throw UsageError("config check: " + std::to_string(problems.size()) +
                   (problems.size() == 1 ? " problem" : " problems") + " in " + path->string());
}

const char* sources_text(const settings::SettingSpec& spec) {
  const bool f = spec.settable_from(settings::setting_from::flag), e = spec.settable_from(settings::setting_from::env),
             c = spec.settable_from(settings::setting_from::file);
  if (f && e && c) return "flag, env, file";
  if (f && c) return "flag, file";
  if (e && c) return "env, file";
  if (f && e) return "flag, env";
  if (f) return "flag";
  if (c) return "file";
  return "env";
}

// `config keys`: the settings table itself, for people and for the generated docs.
void run_keys(App& app) {
  nlohmann::json list = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& spec : settings::setting_specs()) {
    list.push_back(
        {{"key", spec.key},
         {"type", type_placeholder(spec.type)},
         {"flag", spec.flag.empty() ? nlohmann::json(nullptr) : nlohmann::json(spec.flag)},
         {"env", spec.env.empty() ? nlohmann::json(nullptr) : nlohmann::json(spec.env)},
         {"default", spec.default_value.empty() ? nlohmann::json(nullptr) : nlohmann::json(spec.default_value)},
         {"sources", sources_text(spec)},
         {"choices", spec.choices},
         {"help", spec.help}});
    rows.push_back({spec.key, type_placeholder(spec.type), spec.flag, spec.env, spec.default_value, sources_text(spec),
                    spec.help});
  }
  switch (app.format()) {
    case Format::json: print_json({{"settings", list}}, app.stdout_tty()); return;
    case Format::jsonl: print_jsonl(list.get<std::vector<nlohmann::json>>()); return;
    case Format::csv: print_csv({"key", "type", "flag", "env", "default", "sources", "help"}, rows); return;
    case Format::table:
      Table{{"KEY", "TYPE", "FLAG", "ENV", "DEFAULT", "SET BY", "MEANING"},
            rows,
            {false, false, false, false, false, false, false}}
          .print(app.color_stdout());
  }
}

void run_path(App& app) {
  app.allow_formats({Format::table, Format::json}, "config path");
  ConfigPath file = config_path(app);
  if (app.json()) {
    print_json({{"path", file.path}, {"present", file.present}, {"source", file.source}}, app.stdout_tty());
    return;
  }
  say(file.path, (file.present ? "" : " (not present)"), "\n");
}

}  // namespace

void register_config(CLI::App& root, App& app) {
  CLI::App* cmd = root.add_subcommand("config", "Show the effective configuration and where each value came from");
  cmd->require_subcommand(1);
  CLI::App* show = cmd->add_subcommand(
      "show", "Print every setting with its value and source (flag, env var, config file, default); secrets masked");
  show->callback([&app] { run_show(app); });
  CLI::App* path = cmd->add_subcommand("path", "Print the config file in use, or the default path and (not present)");
  path->callback([&app] { run_path(app); });
  CLI::App* check = cmd->add_subcommand(
      "check",
      "Validate a config file (default: the one in use): every unknown key, wrong type or bad value; exit 2 on any");
  static std::string file_arg;
  check->add_option("FILE", file_arg, "the file to check (default: --config, ODDSCTL_CONFIG, else the XDG default)");
  check->callback([&app] { run_check(app, file_arg); });
  CLI::App* keys =
      cmd->add_subcommand("keys", "List every setting: key, type, flag, env var, default, where it may be set");
  keys->callback([&app] { run_keys(app); });
}

}  // namespace oddsctl::cmd
