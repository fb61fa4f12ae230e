// oddsctl config show | path: the effective settings and where each came from. Secrets are
// masked: API keys as "…abcd (ODDS_API_KEY_AU)", store passwords and webhook paths removed.
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "oddsctl/alerts.hpp"
#include "oddsctl/keys.hpp"
#include "render.hpp"

namespace oddsctl::cli {

namespace {

struct ConfigPath {
  std::string path;
  bool present = false;
  std::string source;  // "flag", "env ODDSCTL_CONFIG", "default"
};

// Mirrors Settings::load_default_file: --config, ODDSCTL_CONFIG, then the XDG default.
ConfigPath config_path(const App& app) {
  const Settings& s = app.settings;
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

std::string origin(const ResolvedSetting& r, const Settings& s) {
  switch (r.source) {
    case SettingSource::flag: return "flag";
    case SettingSource::env:
      for (const auto& spec : setting_specs())
        if (spec.key == r.key) return "env " + spec.env;
      return "env";
    case SettingSource::file: return "file " + (s.file() ? s.file()->string() : std::string("?"));
    case SettingSource::default_value: return "default";
  }
  return "";
}

// Settings::all() masks keys that look secret; values that may embed one are masked here.
std::string shown_value(const ResolvedSetting& r) {
  if (r.key == "store" || r.key == "db") return redact_store_uri(r.value);
  if (r.key.size() >= 7 && r.key.compare(r.key.size() - 7, 7, "webhook") == 0) return redact_url(r.value);
  return r.value;
}

struct Row {
  std::string key;
  std::optional<std::string> value;
  std::string source;  // flag, env, file, default, unset
  std::string origin;
};

std::vector<Row> setting_rows(const Settings& s) {
  std::vector<Row> rows;
  for (const auto& r : s.all()) rows.push_back({r.key, shown_value(r), to_string(r.source), origin(r, s)});
  // Known settings with no value anywhere are listed too, so the table shows every key.
  for (const auto& spec : setting_specs()) {
    bool listed = false;
    for (const auto& row : rows) listed = listed || row.key == spec.key;
    if (!listed) rows.push_back({spec.key, std::nullopt, "unset", spec.env.empty() ? "" : "env " + spec.env});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.key < b.key; });
  return rows;
}

nlohmann::json keys_json(const Settings& s) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& region : known_regions()) {
    auto key = resolve_key(region, s.env());
    if (key) {
      out.push_back({{"region", region}, {"key", key->masked()}, {"env", key->env_var()},
                     {"shown", key->masked() + " (" + key->env_var() + ")"}});
    } else {
      out.push_back({{"region", region}, {"key", nullptr}, {"env", key_env_var(region)},
                     {"shown", "not set (" + key_env_var(region) + " or ODDS_API_KEY)"}});
    }
  }
  return out;
}

void run_show(App& app) {
  const Settings& s = app.settings;
  ConfigPath file = config_path(app);
  std::vector<Row> rows = setting_rows(s);
  nlohmann::json keys = keys_json(s);
  std::string store = redact_store_uri(app.store_uri());

  nlohmann::json settings = nlohmann::json::array();
  for (const auto& r : rows)
    settings.push_back({{"key", r.key}, {"value", r.value ? nlohmann::json(*r.value) : nlohmann::json(nullptr)},
                        {"source", r.source}, {"origin", r.origin}});
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
  std::cout << "config file: " << (file.present ? file.path + " (" + file.source + ")" : file.path + " (not present)")
            << "\n";
  std::cout << "store:       " << store << "\n\n";
  Table t{{"setting", "value", "from"}, table_rows, {false, false, false}};
  t.print(app.color_stdout());
  std::cout << "\n";
  Table k{{"region", "api key"}, {}, {false, false}};
  for (const auto& key : keys) k.rows.push_back({key["region"].get<std::string>(), key["shown"].get<std::string>()});
  k.print(app.color_stdout());
}

void run_path(App& app) {
  ConfigPath file = config_path(app);
  if (app.json()) {
    print_json({{"path", file.path}, {"present", file.present}, {"source", file.source}}, app.stdout_tty());
    return;
  }
  std::cout << file.path << (file.present ? "" : " (not present)") << "\n";
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
}

}  // namespace oddsctl::cli
