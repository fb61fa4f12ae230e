// Settings: one typed table declares every setting once (key, type, bounds, default, which
// sources may set it, flag, env var, help). Flags, env vars, the config file, `config show`,
// `--help`, the man pages' settings list and the completions all derive from it.
//
// Layering is the contract's: flags > env > config file > defaults. (CLI11 would apply env
// only where the config file left a value unset, so the layering is done here, once.)
// Every value is checked against its type where it enters: a flag when parsed, the config
// file when loaded (unknown keys and wrong types name file:line), an env var when read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oddsctl/keys.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl::settings {

enum class SettingSource { flag, env, file, default_value };
const char* to_string(SettingSource s);

enum class SettingType {
  text,      // free text
  duration,  // "500ms", "30s", "15m", "2h", "7d": a unit is required
  count,     // a whole number
  number,    // a real number
  percent,   // a real number of percent (2 = 2 %)
  money,     // an amount, > 0
  boolean,   // true/false (a flag sets true)
  regions,   // au, uk, us, eu (and the API's others), or all; case-insensitive
  list,      // comma separated (a TOML array in the file)
  path,
  uri,
  choice,  // one of SettingSpec::choices
  time,    // RFC 3339
  table,   // a config-file table of its own keys (commission, plans)
};
// The placeholder shown in help: DURATION, COUNT, NUMBER, PCT, MONEY, REGIONS, LIST, PATH, URI, TIME...
const char* type_placeholder(SettingType t);

// Which sources may set a setting.
namespace setting_from {
constexpr unsigned flag = 1, env = 2, file = 4, all = 7;
}

struct SettingSpec {
  std::string key;  // "scan.max_quote_age": the config file's dotted path
  SettingType type = SettingType::text;
  std::string flag;           // "--max-quote-age", "" when none
  std::string env;            // "" when none
  std::string default_value;  // "" when none
  std::string help;
  unsigned from = setting_from::all;
  double min = -std::numeric_limits<double>::infinity();  // bounds of numbers; of durations in ms
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices;  // for choice
  bool repeatable = false;           // a flag given several times keeps every value
  bool allow_never = false;          // a duration that also takes "never" (none, off)

  bool settable_from(unsigned source) const { return (from & source) != 0; }
};
const std::vector<SettingSpec>& setting_specs();
// nullptr when the key is not declared.
const SettingSpec* find_setting(const std::string& key);
// The closest declared key (for "did you mean"), "" when nothing is close.
std::string nearest_setting(const std::string& key);

// Checks `value` against the spec's type and bounds; returns it normalised (regions
// lower-cased, lists trimmed). UsageError "`where`: …" naming what was expected.
std::string check_setting_value(const SettingSpec& spec, const std::string& value, const std::string& where);

struct ResolvedSetting {
  std::string key;
  std::string value;
  SettingSource source;
};

// One problem found in a config file, at its line.
struct ConfigProblem {
  std::string file;
  int line = 0;
  std::string message;
  std::string text() const;  // "file:line: message"
};

class Settings {
public:
  explicit Settings(EnvLookup env = process_env());

  // Loads a TOML file: tables become dotted keys, arrays comma-joined. UsageError naming
  // file:line for a parse error, an unknown key or table, a wrong type, or a key that may
  // not be set from a file; a missing file or a folder is a UsageError too.
  void load_file(const std::filesystem::path& path);
  // Every problem of a file, without loading it (`config check`).
  static std::vector<ConfigProblem> check_file(const std::filesystem::path& path);
  // The file given by --config / ODDSCTL_CONFIG, else $XDG_CONFIG_HOME/oddsctl/config.toml
  // (~/.config/...) when it exists.
  void load_default_file(const std::optional<std::string>& flag_value);
  // What load_default_file would load: nullopt when there is no file to load.
  std::optional<std::filesystem::path> default_file(const std::optional<std::string>& flag_value) const;
  std::optional<std::filesystem::path> file() const { return m_file; }

  // A flag's value; checked against the key's type (UsageError naming the flag).
  void set_flag(const std::string& key, const std::string& value);

  // flag, then the spec's env var, then the file, then the spec's default.
  std::optional<ResolvedSetting> resolve(const std::string& key) const;
  std::optional<std::string> get(const std::string& key) const;
  std::string get_or(const std::string& key, const std::string& fallback) const;

  // Typed reads of declared keys; UsageError naming the key and where the value came from
  // when malformed (an env var is checked only here, when read).
  std::optional<Millis> duration(const std::string& key) const;  // "never" reads as nullopt
  std::optional<std::int64_t> integer(const std::string& key) const;
  std::optional<double> number(const std::string& key) const;
  std::optional<bool> boolean(const std::string& key) const;
  std::vector<std::string> list(const std::string& key) const;  // comma separated

  // Every file key under "prefix." (e.g. "commission" -> {"betfair_ex_uk": "0.02"}).
  std::map<std::string, std::string> file_table(const std::string& prefix) const;
  // Every declared setting with a value, for `config show`; each value as
  // shown_setting_value() gives it, so no consumer of the listing sees a secret whole.
  std::vector<ResolvedSetting> all() const;
  // Where a value came from, for messages: "--timeout", "env ODDSCTL_RESERVE", "file PATH:LINE", "default".
  std::string origin(const ResolvedSetting& r) const;

  const EnvLookup& env() const { return m_env; }

private:
  EnvLookup m_env;
  std::optional<std::filesystem::path> m_file;
  std::map<std::string, std::string> m_flags;
  std::map<std::string, std::string> m_file_values;
  std::map<std::string, int> m_file_lines;
};

// A setting's value as it may be shown anywhere (config show, logs, messages): a key, token,
// secret or password as "…" + its last 4 characters; a URI's password and secret query
// parameters as *** (redact_store_uri); a webhook cut to its scheme and host, since its path
// is the credential (redact_url). The one masking rule: Settings::all() applies it.
std::string shown_setting_value(const std::string& key, const std::string& value);

// "a, b,,c" -> {"a","b","c"}
std::vector<std::string> split_list(const std::string& text);

}  // namespace oddsctl::settings
