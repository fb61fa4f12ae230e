// Settings layered as the contract says: flags > env > config file > defaults.
// (CLI11 would apply env only where the config file left a value unset, so the layering is
// done here, once, for every command.)
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oddsctl/keys.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl {

enum class SettingSource { flag, env, file, default_value };
const char* to_string(SettingSource s);

// A setting with an env var or a default. Keys are the config file's dotted paths.
struct SettingSpec {
  std::string key;            // "scan.max_quote_age"
  std::string env;            // "" when none
  std::string default_value;  // "" when none
  std::string help;
};
const std::vector<SettingSpec>& setting_specs();

struct ResolvedSetting {
  std::string key;
  std::string value;
  SettingSource source;
};

class Settings {
public:
  explicit Settings(EnvLookup env = process_env());

  // Loads a TOML file: tables become dotted keys, arrays comma-joined. UsageError naming
  // the file and line on a parse error; a missing explicit file is a UsageError too.
  void load_file(const std::filesystem::path& path);
  // The file given by --config / ODDSCTL_CONFIG, else $XDG_CONFIG_HOME/oddsctl/config.toml
  // (~/.config/...) when it exists.
  void load_default_file(const std::optional<std::string>& flag_value);
  std::optional<std::filesystem::path> file() const { return m_file; }

  void set_flag(const std::string& key, const std::string& value);

  // flag, then the spec's env var, then the file, then the spec's default.
  std::optional<ResolvedSetting> resolve(const std::string& key) const;
  std::optional<std::string> get(const std::string& key) const;
  std::string get_or(const std::string& key, const std::string& fallback) const;

  // Typed reads; UsageError naming the key and where the value came from when malformed.
  std::optional<Millis> duration(const std::string& key) const;
  std::optional<std::int64_t> integer(const std::string& key) const;
  std::optional<double> number(const std::string& key) const;
  std::optional<bool> boolean(const std::string& key) const;
  std::vector<std::string> list(const std::string& key) const;  // comma separated

  // Every file key under "prefix." (e.g. "commission" -> {"betfair_ex_uk": "0.02"}).
  std::map<std::string, std::string> file_table(const std::string& prefix) const;
  // Every setting with a value, for `config show`; values of secret-looking keys masked.
  std::vector<ResolvedSetting> all() const;

  const EnvLookup& env() const { return m_env; }

private:
  EnvLookup m_env;
  std::optional<std::filesystem::path> m_file;
  std::map<std::string, std::string> m_flags;
  std::map<std::string, std::string> m_file_values;
};

// "a, b,,c" -> {"a","b","c"}
std::vector<std::string> split_list(const std::string& text);

}  // namespace oddsctl
