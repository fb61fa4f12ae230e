#include "oddsctl/settings.hpp"

#include <cmath>
#include <sstream>

#include <toml++/toml.h>

#include "oddsctl/errors.hpp"

namespace oddsctl {

const char* to_string(SettingSource s) {
  switch (s) {
    case SettingSource::flag: return "flag";
    case SettingSource::env: return "env";
    case SettingSource::file: return "file";
    case SettingSource::default_value: return "default";
  }
  return "?";
}

// The settings with an env var or a default. Keys without an entry here still work from
// flags and the config file.
const std::vector<SettingSpec>& setting_specs() {
  static const std::vector<SettingSpec> specs{
      {"store", "ODDSCTL_STORE", "", "store URI (sqlite:…, mongodb://…/db, or a path)"},
      {"db", "ODDSCTL_DB", "", "SQLite path (shorthand for --store)"},
      {"log_level", "ODDSCTL_LOG_LEVEL", "warn", "trace, debug, info, warn, error, off"},
      {"worker_id", "ODDSCTL_WORKER_ID", "", "who runs (default host:pid)"},
      {"api.base_url", "ODDS_API_BASE_URL", "https://api.the-odds-api.com", "The Odds API base URL"},
      {"api.regions", "ODDSCTL_REGIONS", "", "regions (default: every region with a key)"},
      {"api.sports", "ODDSCTL_SPORTS", "", "sport keys (default: every active sport)"},
      {"api.markets", "ODDSCTL_MARKETS", "h2h,spreads,totals", "markets"},
      {"api.concurrency", "", "8", "requests in flight per key"},
      {"api.timeout", "", "10s", "per request"},
      {"api.connect_timeout", "", "5s", "per connection"},
      {"api.deadline", "", "", "the whole run"},
      {"api.retries", "", "3", "retries of a failed call"},
      {"api.bookmakers", "", "", "only these bookmakers"},
      {"budget.reserve", "ODDSCTL_RESERVE", "", "credits never to spend below"},
      {"budget.max_credits", "ODDSCTL_MAX_CREDITS", "", "credits one run may spend"},
      {"scan.min_profit", "", "0", "minimum profit in percent"},
      {"scan.max_quote_age", "", "1h", "older quotes are ignored"},
      {"scan.include_live", "", "false", "keep events that already started"},
      {"scan.stake", "", "", "total stake to split across legs"},
      {"scan.lease_ttl", "", "2m", "how long a region lease lasts without renewal"},
      {"cache.max_age", "", "15m", "older cached results are not fresh"},
      {"retention.keep_last", "", "100", "scans kept per region"},
      {"tiers.hot.within", "", "2h", "events started or starting within this are hot"},
      {"tiers.warm.within", "", "24h", "events starting within this are warm (later: cold)"},
      {"tiers.hot.max_age", "", "30s", "a hot event is due when its last sync is older"},
      {"tiers.warm.max_age", "", "2m", "a warm event is due when its last sync is older"},
      {"tiers.cold.max_age", "", "15m", "a cold event is due when its last sync is older"},
      {"tiers.hot.limit", "", "200", "hot events per run"},
      {"tiers.warm.limit", "", "500", "warm events per run"},
      {"tiers.cold.limit", "", "1000", "cold events per run"},
      {"sync.discover_every", "", "6h", "--tier auto discovers events when the last discovery is older"},
      {"sync.min_interval", "", "10s", "sync --event: not again within this unless --force"},
      {"sync.batch_size", "", "50", "event ids per /odds call"},
      {"sync.forget_after", "", "6h", "events started longer ago are over"},
      {"budget.share.hot", "", "0.6", "share of --max-credits for hot in auto runs"},
      {"budget.share.warm", "", "0.3", "share of --max-credits for warm in auto runs"},
      {"budget.share.cold", "", "0.1", "share of --max-credits for cold in auto runs"},
      {"worker.grace", "", "10s", "--every: exit within this after a stop signal"},
      {"alerts.regions", "", "", "regions to alert on (default: every region with a cached result)"},
      {"alerts.min_profit", "", "0", "only alert on opportunities at least this profitable (percent)"},
      {"alerts.webhook", "ODDSCTL_ALERTS_WEBHOOK", "", "POST each alert as JSON to this URL"},
      {"alerts.exec", "", "", "run this command (sh -c) with each alert as JSON on stdin"},
      {"alerts.window", "", "1h", "a key is not sent again within this window"},
      {"alerts.escalation_step", "", "0.5", "unless its profit rose by this many percentage points"},
      {"alerts.max_age", "", "15m", "cached results older than this are not alerted on"},
      {"alerts.timeout", "", "10s", "per delivery (webhook or command)"},
  };
  return specs;
}

namespace {

const SettingSpec* find_spec(const std::string& key) {
  for (const auto& s : setting_specs())
    if (s.key == key) return &s;
  return nullptr;
}

std::string node_to_string(const toml::node& node) {
  if (auto s = node.as_string()) return s->get();
  if (auto i = node.as_integer()) return std::to_string(i->get());
  if (auto f = node.as_floating_point()) {
    std::ostringstream os;
    os << f->get();
    return os.str();
  }
  if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
  if (auto a = node.as_array()) {
    std::string out;
    for (const auto& el : *a) {
      if (!out.empty()) out += ",";
      out += node_to_string(el);
    }
    return out;
  }
  // Dates and times: keep TOML's own text form via its string conversion.
  if (auto d = node.as_date()) {
    std::ostringstream os;
    os << d->get();
    return os.str();
  }
  if (auto dt = node.as_date_time()) {
    std::ostringstream os;
    os << dt->get();
    return os.str();
  }
  return "";
}

void flatten(const toml::table& table, const std::string& prefix, std::map<std::string, std::string>& out) {
  for (const auto& [k, v] : table) {
    std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (auto sub = v.as_table()) flatten(*sub, key, out);
    else out[key] = node_to_string(v);
  }
}

bool looks_secret(const std::string& key) {
  return key.find("key") != std::string::npos || key.find("password") != std::string::npos ||
         key.find("secret") != std::string::npos || key.find("token") != std::string::npos;
}

}  // namespace

Settings::Settings(EnvLookup env) : m_env(std::move(env)) {}

void Settings::load_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw UsageError("config file " + path.string() + ": no such file");
  try {
    toml::table table = toml::parse_file(path.string());
    m_file_values.clear();
    flatten(table, "", m_file_values);
    m_file = path;
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << "config file " << path.string() << ":" << e.source().begin.line << ": " << e.description();
    throw UsageError(os.str());
  }
}

void Settings::load_default_file(const std::optional<std::string>& flag_value) {
  if (flag_value && !flag_value->empty()) return load_file(*flag_value);
  if (auto env = m_env("ODDSCTL_CONFIG"); env && !env->empty()) return load_file(*env);
  std::filesystem::path dir;
  if (auto xdg = m_env("XDG_CONFIG_HOME"); xdg && !xdg->empty()) dir = *xdg;
  else if (auto home = m_env("HOME"); home && !home->empty()) dir = std::filesystem::path(*home) / ".config";
  else return;
  auto path = dir / "oddsctl" / "config.toml";
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) load_file(path);
}

void Settings::set_flag(const std::string& key, const std::string& value) { m_flags[key] = value; }

std::optional<ResolvedSetting> Settings::resolve(const std::string& key) const {
  if (auto it = m_flags.find(key); it != m_flags.end()) return ResolvedSetting{key, it->second, SettingSource::flag};
  const SettingSpec* spec = find_spec(key);
  if (spec && !spec->env.empty()) {
    if (auto v = m_env(spec->env); v && !v->empty()) return ResolvedSetting{key, *v, SettingSource::env};
  }
  if (auto it = m_file_values.find(key); it != m_file_values.end())
    return ResolvedSetting{key, it->second, SettingSource::file};
  if (spec && !spec->default_value.empty()) return ResolvedSetting{key, spec->default_value, SettingSource::default_value};
  return std::nullopt;
}

std::optional<std::string> Settings::get(const std::string& key) const {
  if (auto r = resolve(key)) return r->value;
  return std::nullopt;
}

std::string Settings::get_or(const std::string& key, const std::string& fallback) const {
  return get(key).value_or(fallback);
}

namespace {

std::string origin(const ResolvedSetting& r, const Settings& s) {
  switch (r.source) {
    case SettingSource::flag: return "flag";
    case SettingSource::env: {
      const SettingSpec* spec = find_spec(r.key);
      return spec ? spec->env : "env";
    }
    case SettingSource::file: return s.file() ? s.file()->string() : "config file";
    case SettingSource::default_value: return "default";
  }
  return "";
}

}  // namespace

std::optional<Millis> Settings::duration(const std::string& key) const {
  auto r = resolve(key);
  if (!r) return std::nullopt;
  return parse_duration(r->value, key + " (" + origin(*r, *this) + ")");
}

std::optional<std::int64_t> Settings::integer(const std::string& key) const {
  auto r = resolve(key);
  if (!r) return std::nullopt;
  try {
    std::size_t used = 0;
    long long v = std::stoll(r->value, &used);
    if (used == r->value.size()) return v;
  } catch (...) {
  }
  throw UsageError(key + " (" + origin(*r, *this) + "): '" + r->value + "' is not a whole number");
}

std::optional<double> Settings::number(const std::string& key) const {
  auto r = resolve(key);
  if (!r) return std::nullopt;
  try {
    std::size_t used = 0;
    double v = std::stod(r->value, &used);
    if (used == r->value.size() && std::isfinite(v)) return v;
  } catch (...) {
  }
  throw UsageError(key + " (" + origin(*r, *this) + "): '" + r->value + "' is not a number");
}

std::optional<bool> Settings::boolean(const std::string& key) const {
  auto r = resolve(key);
  if (!r) return std::nullopt;
  const std::string& v = r->value;
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  throw UsageError(key + " (" + origin(*r, *this) + "): '" + v + "' is not true or false");
}

std::vector<std::string> Settings::list(const std::string& key) const {
  auto v = get(key);
  if (!v) return {};
  return split_list(*v);
}

std::map<std::string, std::string> Settings::file_table(const std::string& prefix) const {
  std::map<std::string, std::string> out;
  const std::string p = prefix + ".";
  for (const auto& [k, v] : m_file_values)
    if (k.rfind(p, 0) == 0) out[k.substr(p.size())] = v;
  return out;
}

std::vector<ResolvedSetting> Settings::all() const {
  std::map<std::string, bool> keys;
  for (const auto& s : setting_specs()) keys[s.key] = true;
  for (const auto& [k, v] : m_file_values) keys[k] = true;
  for (const auto& [k, v] : m_flags) keys[k] = true;
  std::vector<ResolvedSetting> out;
  for (const auto& [k, unused] : keys) {
    if (auto r = resolve(k)) {
      if (looks_secret(k)) r->value = mask_secret(r->value);
      out.push_back(*r);
    }
  }
  return out;
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

}  // namespace oddsctl
