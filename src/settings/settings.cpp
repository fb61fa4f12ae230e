#include "oddsctl/settings.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <toml++/toml.h>

#include "oddsctl/keys.hpp"  // redact_url, redact_store_uri
#include "oddsctl/errors.hpp"

namespace oddsctl::settings {

const char* to_string(SettingSource s) {
  switch (s) {
    case SettingSource::flag: return "flag";
    case SettingSource::env: return "env";
    case SettingSource::file: return "file";
    case SettingSource::default_value: return "default";
  }
  return "?";
}

const char* type_placeholder(SettingType t) {
  switch (t) {
    case SettingType::text: return "TEXT";
    case SettingType::duration: return "DURATION";
    case SettingType::count: return "COUNT";
    case SettingType::number: return "NUMBER";
    case SettingType::percent: return "PCT";
    case SettingType::money: return "MONEY";
    case SettingType::boolean: return "BOOL";
    case SettingType::regions: return "REGIONS";
    case SettingType::list: return "LIST";
    case SettingType::path: return "PATH";
    case SettingType::uri: return "URI";
    case SettingType::choice: return "CHOICE";
    case SettingType::time: return "TIME";
    case SettingType::table: return "TABLE";
  }
  return "TEXT";
}

std::string ConfigProblem::text() const { return file + ":" + std::to_string(line) + ": " + message; }

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string join(const std::vector<std::string>& items, const char* sep = ",") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::string bound_text(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

void check_bounds(const SettingSpec& spec, double v, const std::string& shown, const std::string& where) {
  if (v < spec.min || v > spec.max) {
    bool duration = spec.type == SettingType::duration;
    auto b = [&](double x) { return duration ? format_duration(Millis(static_cast<std::int64_t>(x))) : bound_text(x); };
    std::string range = std::isinf(spec.max)   ? "at least " + b(spec.min)
                        : std::isinf(spec.min) ? "at most " + b(spec.max)
                                               : "from " + b(spec.min) + " to " + b(spec.max);
    throw UsageError(where + ": " + shown + " is out of range (" + range + ")");
  }
}

bool is_never(const std::string& v) { return v == "never" || v == "none" || v == "off"; }

}  // namespace

std::string check_setting_value(const SettingSpec& spec, const std::string& value, const std::string& where) {
  const std::string shown = "'" + value + "'";
  switch (spec.type) {
    case SettingType::text:
    case SettingType::path:
    case SettingType::uri:
    case SettingType::table: return value;
    case SettingType::duration: {
      if (spec.allow_never && is_never(value)) return value;
      Millis d = parse_duration(value, where);
      check_bounds(spec, static_cast<double>(d.count()), shown, where);
      return value;
    }
    case SettingType::count: {
      long long v = 0;
      try {
        std::size_t used = 0;
        v = std::stoll(value, &used);
        if (used != value.size()) throw 0;
      } catch (...) {
        throw UsageError(where + ": " + shown + " is not a whole number");
      }
      check_bounds(spec, static_cast<double>(v), shown, where);
      return value;
    }
    case SettingType::number:
    case SettingType::percent:
    case SettingType::money: {
      std::string text = value;
      if (spec.type == SettingType::percent && !text.empty() && text.back() == '%') text.pop_back();
      double v = 0;
      try {
        std::size_t used = 0;
        v = std::stod(text, &used);
        if (used != text.size() || !std::isfinite(v)) throw 0;
      } catch (...) {
        const char* what = spec.type == SettingType::percent ? "a percentage (e.g. 1.5)"
                           : spec.type == SettingType::money ? "an amount (e.g. 100)"
                                                             : "a number";
        throw UsageError(where + ": " + shown + " is not " + what);
      }
      if (spec.type == SettingType::money && v <= 0) throw UsageError(where + ": " + shown + " must be more than 0");
      check_bounds(spec, v, shown, where);
      return text;
    }
    case SettingType::boolean: {
      std::string v = lower(value);
      if (v == "true" || v == "1" || v == "yes" || v == "on") return "true";
      if (v == "false" || v == "0" || v == "no" || v == "off") return "false";
      throw UsageError(where + ": " + shown + " is not true or false");
    }
    case SettingType::regions: {
      std::vector<std::string> out;
      for (const auto& r : split_list(value)) {
        std::string l = lower(r);
        if (l != "all" && !is_known_region(l))
          throw UsageError(where + ": unknown region '" + r + "' (known: " + join(known_regions(), ", ") + ", or all)");
        out.push_back(l);
      }
      return join(out);
    }
    case SettingType::list: return join(split_list(value));
    case SettingType::choice: {
      std::string v = lower(value);
      if (std::find(spec.choices.begin(), spec.choices.end(), v) == spec.choices.end())
        throw UsageError(where + ": " + shown + " is not one of " + join(spec.choices, ", "));
      return v;
    }
    case SettingType::time: parse_rfc3339(value, where); return value;
  }
  return value;
}

namespace {

const SettingSpec& declared(const std::string& key) {
  const SettingSpec* spec = find_setting(key);
  // A programming error, not a user's: every key a command reads is in the table.
  if (!spec) throw std::logic_error("setting '" + key + "' is not declared in settings_table.cpp");
  return *spec;
}

// A table-typed setting ("commission", "plans") whose keys this one falls under.
const SettingSpec* owning_table(const std::string& key) {
  for (const auto& s : setting_specs())
    if (s.type == SettingType::table && key.rfind(s.key + ".", 0) == 0) return &s;
  return nullptr;
}

// Is `prefix` a table some declared key lives under ("api", "tiers.hot")?
bool known_table(const std::string& prefix) {
  for (const auto& s : setting_specs())
    if (s.key.rfind(prefix + ".", 0) == 0 || (s.type == SettingType::table && s.key == prefix)) return true;
  return false;
}

const char* toml_type_name(const toml::node& n) {
  if (n.is_string()) return "a string";
  if (n.is_integer()) return "an integer";
  if (n.is_floating_point()) return "a number";
  if (n.is_boolean()) return "a boolean";
  if (n.is_array()) return "an array";
  if (n.is_table()) return "a table";
  return "a date or time";
}

const char* expected_text(const SettingSpec& spec) {
  switch (spec.type) {
    case SettingType::duration: return "a duration string with a unit, e.g. \"30s\"";
    case SettingType::count: return "a whole number";
    case SettingType::number:
    case SettingType::percent:
    case SettingType::money: return "a number";
    case SettingType::boolean: return "true or false";
    case SettingType::regions:
    case SettingType::list: return "an array of strings or a comma separated string";
    case SettingType::time: return "an RFC 3339 time";
    default: return "a string";
  }
}

// The TOML value as the text a flag would carry, or nullopt when the TOML type cannot be
// that setting's (a duration given as a bare integer, a list as a table...).
std::optional<std::string> node_text(const SettingSpec& spec, const toml::node& node) {
  auto scalar = [](const toml::node& n) -> std::optional<std::string> {
    if (auto s = n.as_string()) return s->get();
    if (auto i = n.as_integer()) return std::to_string(i->get());
    if (auto f = n.as_floating_point()) return bound_text(f->get());
    if (auto b = n.as_boolean()) return b->get() ? "true" : "false";
    return std::nullopt;
  };
  switch (spec.type) {
    case SettingType::duration:
    case SettingType::text:
    case SettingType::path:
    case SettingType::uri:
    case SettingType::choice:
      if (auto s = node.as_string()) return s->get();
      return std::nullopt;
    case SettingType::time:
      if (auto s = node.as_string()) return s->get();
      if (auto dt = node.as_date_time()) {
        std::ostringstream os;
        os << dt->get();
        return os.str();
      }
      return std::nullopt;
    case SettingType::count:
      if (auto i = node.as_integer()) return std::to_string(i->get());
      return std::nullopt;
    case SettingType::number:
    case SettingType::percent:
    case SettingType::money:
      if (node.is_integer() || node.is_floating_point()) return scalar(node);
      if (auto s = node.as_string()) return s->get();
      return std::nullopt;
    case SettingType::boolean:
      if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
      return std::nullopt;
    case SettingType::regions:
    case SettingType::list:
      if (auto s = node.as_string()) return s->get();
      if (auto a = node.as_array()) {
        std::vector<std::string> items;
        for (const auto& el : *a) {
          auto s = el.as_string();
          if (!s) return std::nullopt;
          items.push_back(s->get());
        }
        return join(items);
      }
      return std::nullopt;
    case SettingType::table: return scalar(node);
  }
  return std::nullopt;
}

bool looks_secret(const std::string& key) {
  return key.find("key") != std::string::npos || key.find("password") != std::string::npos ||
         key.find("secret") != std::string::npos || key.find("token") != std::string::npos;
}

int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

// Walks the file's tables: each leaf is a declared key (or under a table-typed one), of a
// type that fits, settable from a file. Values go to `out`, problems to `problems`.
void walk(const toml::table& table, const std::string& prefix, const std::string& file,
          std::map<std::string, std::string>& out, std::map<std::string, int>& lines,
          std::vector<ConfigProblem>& problems) {
  for (const auto& [k, v] : table) {
    std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    int line = line_of(v);
    auto problem = [&](std::string message) { problems.push_back({file, line, std::move(message)}); };
    if (const SettingSpec* owner = owning_table(key)) {
      if (auto sub = v.as_table()) {
        walk(*sub, key, file, out, lines, problems);
        continue;
      }
      auto text = node_text(*owner, v);
      if (!text) {
        problem(key + ": expected a number or a string, got " + std::string(toml_type_name(v)));
        continue;
      }
      out[key] = *text;
      lines[key] = line;
      continue;
    }
    const SettingSpec* spec = find_setting(key);
    if (!spec || (spec->type != SettingType::table && v.is_table())) {
      if (v.is_table() && known_table(key)) {
        walk(*v.as_table(), key, file, out, lines, problems);
        continue;
      }
      if (!v.is_table() && looks_secret(key)) {
        problem("'" + key +
                "': API keys are never read from a config file: set ODDS_API_KEY_<REGION> "
                "(e.g. ODDS_API_KEY_AU) or ODDS_API_KEY in the environment");
        continue;
      }
      std::string near = nearest_setting(key);
      problem((v.is_table() ? "unknown table [" + key + "]" : "unknown setting '" + key + "'") +
              (near.empty() ? std::string(" (oddsctl config show lists every setting)")
                            : " (did you mean '" + near + "'?)"));
      continue;
    }
    if (spec->type == SettingType::table) {
      if (auto sub = v.as_table()) walk(*sub, key, file, out, lines, problems);
      else problem(key + ": expected a table [" + key + "]");
      continue;
    }
    if (!spec->settable_from(setting_from::file)) {
      problem("'" + key + "' cannot be set in a config file: it is a one-shot flag (" + spec->flag + ")");
      continue;
    }
    auto text = node_text(*spec, v);
    if (!text) {
      std::string hint;
      if (spec->type == SettingType::duration && (v.is_integer() || v.is_floating_point()))
        hint =
            " (write e.g. \"" + std::string(v.is_integer() ? std::to_string(*v.value<std::int64_t>()) : "1") + "s\")";
      problem(key + ": expected " + expected_text(*spec) + ", got " + toml_type_name(v) + hint);
      continue;
    }
    try {
      out[key] = check_setting_value(*spec, *text, key);
      lines[key] = line;
    } catch (const UsageError& e) {
      problem(e.what());
    }
  }
}

struct Parsed {
  std::map<std::string, std::string> values;
  std::map<std::string, int> lines;
  std::vector<ConfigProblem> problems;
};

Parsed parse_config(const std::filesystem::path& path) {
  Parsed p;
  const std::string file = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw UsageError("config file " + file + ": no such file");
  if (std::filesystem::is_directory(path, ec)) throw UsageError("config file " + file + ": is a directory, not a file");
  try {
    toml::table table = toml::parse_file(file);
    walk(table, "", file, p.values, p.lines, p.problems);
  } catch (const toml::parse_error& e) {
    p.problems.push_back({file, static_cast<int>(e.source().begin.line), std::string(e.description())});
  }
  std::sort(p.problems.begin(), p.problems.end(),
            [](const ConfigProblem& a, const ConfigProblem& b) { return a.line < b.line; });
  return p;
}

}  // namespace

Settings::Settings(EnvLookup env) : m_env(std::move(env)) {}

std::vector<ConfigProblem> Settings::check_file(const std::filesystem::path& path) {
  return parse_config(path).problems;
}

void Settings::load_file(const std::filesystem::path& path) {
  Parsed p = parse_config(path);
  if (!p.problems.empty()) {
    std::string more = p.problems.size() > 1 ? " (and " + std::to_string(p.problems.size() - 1) +
                                                   " more: oddsctl config check " + path.string() + ")"
                                             : "";
    throw UsageError("config file " + p.problems.front().text() + more);
  }
  m_file_values = std::move(p.values);
  m_file_lines = std::move(p.lines);
  m_file = path;
}

std::optional<std::filesystem::path> Settings::default_file(const std::optional<std::string>& flag_value) const {
  if (flag_value && !flag_value->empty()) return std::filesystem::path(*flag_value);
  if (auto env = m_env("ODDSCTL_CONFIG"); env && !env->empty()) return std::filesystem::path(*env);
  std::filesystem::path dir;
  if (auto xdg = m_env("XDG_CONFIG_HOME"); xdg && !xdg->empty()) dir = *xdg;
  else if (auto home = m_env("HOME"); home && !home->empty()) dir = std::filesystem::path(*home) / ".config";
  else return std::nullopt;
  auto path = dir / "oddsctl" / "config.toml";
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return path;
  return std::nullopt;
}

void Settings::load_default_file(const std::optional<std::string>& flag_value) {
  if (auto path = default_file(flag_value)) load_file(*path);
}

void Settings::set_flag(const std::string& key, const std::string& value) {
  const SettingSpec& spec = declared(key);
  const std::string where = spec.flag.empty() ? key : spec.flag;
  if (!spec.repeatable) {
    m_flags[key] = check_setting_value(spec, value, where);
    return;
  }
  for (const auto& item : split_list(value)) check_setting_value(spec, item, where);
  m_flags[key] = value;
}

std::optional<ResolvedSetting> Settings::resolve(const std::string& key) const {
  const SettingSpec& spec = declared(key);
  if (auto it = m_flags.find(key); it != m_flags.end()) return ResolvedSetting{key, it->second, SettingSource::flag};
  if (spec.settable_from(setting_from::env)) {
    if (auto v = m_env(spec.env); v && !v->empty())
      return ResolvedSetting{key, check_setting_value(spec, *v, spec.env), SettingSource::env};
  }
  if (auto it = m_file_values.find(key); it != m_file_values.end())
    return ResolvedSetting{key, it->second, SettingSource::file};
  if (!spec.default_value.empty()) return ResolvedSetting{key, spec.default_value, SettingSource::default_value};
  return std::nullopt;
}

std::optional<std::string> Settings::get(const std::string& key) const {
  if (auto r = resolve(key)) return r->value;
  return std::nullopt;
}

std::string Settings::get_or(const std::string& key, const std::string& fallback) const {
  return get(key).value_or(fallback);
}

std::string Settings::origin(const ResolvedSetting& r) const {
  const SettingSpec* spec = find_setting(r.key);
  switch (r.source) {
    case SettingSource::flag: return spec && !spec->flag.empty() ? spec->flag : "flag";
    case SettingSource::env: return "env " + (spec ? spec->env : std::string("?"));
    case SettingSource::file: {
      std::string f = "file " + (m_file ? m_file->string() : std::string("?"));
      if (auto it = m_file_lines.find(r.key); it != m_file_lines.end()) f += ":" + std::to_string(it->second);
      return f;
    }
    case SettingSource::default_value: return "default";
  }
  return "";
}

std::optional<Millis> Settings::duration(const std::string& key) const {
  auto r = resolve(key);
  if (!r || r->value.empty()) return std::nullopt;
  const SettingSpec& spec = declared(key);
  if (spec.allow_never && is_never(r->value)) return std::nullopt;
  return parse_duration(r->value, key + " (" + origin(*r) + ")");
}

std::optional<std::int64_t> Settings::integer(const std::string& key) const {
  auto r = resolve(key);
  if (!r) return std::nullopt;
  try {
    std::size_t used = 0;
    long long v = std::stoll(r->value, &used);
    if (used == r->value.size()) return v;
  } catch (...) {}
  throw UsageError(key + " (" + origin(*r) + "): '" + r->value + "' is not a whole number");
}

std::optional<double> Settings::number(const std::string& key) const {
  auto r = resolve(key);
  if (!r) return std::nullopt;
  std::string text = r->value;
  if (!text.empty() && text.back() == '%') text.pop_back();
  try {
    std::size_t used = 0;
    double v = std::stod(text, &used);
    if (used == text.size() && std::isfinite(v)) return v;
  } catch (...) {}
  throw UsageError(key + " (" + origin(*r) + "): '" + r->value + "' is not a number");
}

std::optional<bool> Settings::boolean(const std::string& key) const {
  auto r = resolve(key);
  if (!r) return std::nullopt;
  return check_setting_value(declared(key), r->value, key + " (" + origin(*r) + ")") == "true";
}

std::vector<std::string> Settings::list(const std::string& key) const {
  auto v = get(key);
  if (!v) return {};
  return split_list(*v);
}

std::map<std::string, std::string> Settings::file_table(const std::string& prefix) const {
  declared(prefix);
  std::map<std::string, std::string> out;
  const std::string p = prefix + ".";
  for (const auto& [k, v] : m_file_values)
    if (k.rfind(p, 0) == 0) out[k.substr(p.size())] = v;
  return out;
}

std::vector<ResolvedSetting> Settings::all() const {
  std::vector<ResolvedSetting> out;
  for (const auto& spec : setting_specs()) {
    if (spec.from == setting_from::flag) continue;  // one-shot: never a standing setting
    if (spec.type == SettingType::table) {
      for (const auto& [k, v] : file_table(spec.key))
        out.push_back({spec.key + "." + k, shown_setting_value(spec.key + "." + k, v), SettingSource::file});
      continue;
    }
    if (auto r = resolve(spec.key)) {
      r->value = shown_setting_value(spec.key, r->value);
      out.push_back(*r);
    }
  }
  return out;
}

std::string shown_setting_value(const std::string& key, const std::string& value) {
  const SettingSpec* spec = find_setting(key);
  const SettingSpec* table = spec ? nullptr : owning_table(key);
  // A table's entries are judged by their own name ("limit.<book>"), not the table's.
  const std::string name = table ? key.substr(table->key.size() + 1) : key;
  const SettingType type = spec ? spec->type : SettingType::text;
  const bool free_text = type == SettingType::text || type == SettingType::path || type == SettingType::uri;
  if (free_text && looks_secret(name)) return mask_secret(value);
  if (name.size() >= 7 && name.compare(name.size() - 7, 7, "webhook") == 0) return redact_url(value);
  if (type == SettingType::uri || name == "store" || name == "db") return redact_store_uri(value);
  return value;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    auto b = cur.find_first_not_of(" \t");
    auto e = cur.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
    cur.clear();
  };
  for (char c : text) {
    if (c == ',') flush();
    else cur += c;
  }
  flush();
  return out;
}

}  // namespace oddsctl::settings
