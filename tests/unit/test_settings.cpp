// The typed settings table: every value is checked where it enters (flag, env, file), the
// config file is strict (file:line, did-you-mean, types, one-shot flags), durations need units.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <unistd.h>

#include "options.hpp"
#include "oddsctl/api/options.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/settings.hpp"

using namespace oddsctl;

namespace {

settings::Settings with_env(std::map<std::string, std::string> env = {}) {
  return settings::Settings([env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

std::filesystem::path write_file(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() / ("oddsctl-settings-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto p = dir / name;
  std::ofstream(p) << text;
  return p;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("every declared setting is well formed") {
  std::map<std::string, int> seen;
  for (const auto& spec : settings::setting_specs()) {
    CHECK_MESSAGE(++seen[spec.key] == 1, spec.key);
    CHECK_MESSAGE(!spec.help.empty(), spec.key);
    CHECK_MESSAGE(spec.from != 0, spec.key);
    // A default must pass its own type check.
    if (!spec.default_value.empty()) CHECK_NOTHROW(check_setting_value(spec, spec.default_value, spec.key));
    if (spec.settable_from(settings::setting_from::env)) CHECK_MESSAGE(!spec.env.empty(), spec.key);
  }
}

TEST_CASE("a duration needs a unit everywhere") {
  auto s = with_env({{"ODDSCTL_RESERVE", "10"}});
  std::string m = message_of([&] { s.set_flag("retention.older_than", "30"); });
  CHECK(m.find("needs a unit") != std::string::npos);
  CHECK(m.find("30d") != std::string::npos);
  CHECK(m.find("--older-than") != std::string::npos);
  CHECK_THROWS_AS(parse_duration("15", "x"), UsageError);
  CHECK(parse_duration("15s", "x") == Millis(15000));
  s.set_flag("retention.older_than", "never");
  CHECK_FALSE(s.duration("retention.older_than").has_value());
  CHECK_THROWS_AS(s.set_flag("api.timeout", "never"), UsageError);  // only where "never" means something
}

TEST_CASE("flag values are checked against type and bounds") {
  auto s = with_env();
  CHECK_THROWS_AS(s.set_flag("api.concurrency", "100"), UsageError);
  CHECK_THROWS_AS(s.set_flag("api.concurrency", "0"), UsageError);
  CHECK_THROWS_AS(s.set_flag("api.retries", "11"), UsageError);
  CHECK_THROWS_AS(s.set_flag("api.concurrency", "eight"), UsageError);
  CHECK_THROWS_AS(s.set_flag("scan.stake", "-5"), UsageError);
  CHECK_THROWS_AS(s.set_flag("api.regions", "au,mars"), UsageError);
  CHECK_THROWS_AS(s.set_flag("scan.as_of", "yesterday"), UsageError);
  s.set_flag("api.regions", "AU,Uk");
  CHECK(s.list("api.regions") == std::vector<std::string>{"au", "uk"});
  s.set_flag("api.concurrency", "64");
  CHECK(*s.integer("api.concurrency") == 64);
}

TEST_CASE("an env var is checked when read, naming it") {
  auto s = with_env({{"ODDSCTL_RESERVE", "lots"}});
  std::string m = message_of([&] { (void)s.integer("budget.reserve"); });
  CHECK(m.find("ODDSCTL_RESERVE") != std::string::npos);
}

TEST_CASE("the config file is strict: unknown keys and tables, types, one-shot flags, units") {
  auto path = write_file("bad.toml",
                         "[api]\n"
                         "concurency = 3\n"  // 2
                         "timeout = 10\n"    // 3
                         "[scan]\n"
                         "demo = true\n"             // 5
                         "max_quote_age = \"15\"\n"  // 6
                         "[nosuch]\n"                // 7
                         "x = 1\n"
                         "[commission]\n"
                         "betfair_ex_uk = 0.02\n");
  auto problems = settings::Settings::check_file(path);
  REQUIRE(problems.size() == 5);
  CHECK(problems[0].line == 2);
  CHECK(problems[0].message.find("did you mean 'api.concurrency'") != std::string::npos);
  CHECK(problems[1].line == 3);
  CHECK(problems[1].message.find("duration") != std::string::npos);
  CHECK(problems[2].line == 5);
  CHECK(problems[2].message.find("one-shot") != std::string::npos);
  CHECK(problems[3].line == 6);
  CHECK(problems[3].message.find("needs a unit") != std::string::npos);
  CHECK(problems[4].line == 7);
  CHECK(problems[4].message.find("unknown table [nosuch]") != std::string::npos);

  auto s = with_env();
  std::string m = message_of([&] { s.load_file(path); });
  CHECK(m.find(path.string() + ":2:") != std::string::npos);
  CHECK_FALSE(s.file().has_value());  // nothing of a bad file is taken

  auto good = write_file("good.toml",
                         "[api]\nconcurrency = 3\nregions = [\"AU\", \"uk\"]\n[commission]\nbetfair_ex_uk = 0.02\n");
  CHECK(settings::Settings::check_file(good).empty());
  s.load_file(good);
  CHECK(*s.integer("api.concurrency") == 3);
  CHECK(s.list("api.regions") == std::vector<std::string>{"au", "uk"});
  CHECK(s.file_table("commission").at("betfair_ex_uk") == "0.02");
  CHECK(s.origin(*s.resolve("api.concurrency")) == "file " + good.string() + ":2");

  CHECK_THROWS_AS(s.load_file(good.parent_path()), UsageError);  // a folder
}

TEST_CASE("flags beat env beat file beat defaults") {
  auto file = write_file("layers.toml", "[budget]\nreserve = 5\n");
  auto s = with_env({{"ODDSCTL_RESERVE", "7"}});
  CHECK(*s.integer("budget.reserve") == 7);
  s.load_file(file);
  CHECK(*s.integer("budget.reserve") == 7);  // env over file
  s.set_flag("budget.reserve", "9");
  CHECK(*s.integer("budget.reserve") == 9);
  auto f = with_env();
  f.load_file(file);
  CHECK(*f.integer("budget.reserve") == 5);
  CHECK(*f.integer("api.concurrency") == 8);  // the table's default
}

TEST_CASE("near keys are suggested, far ones are not") {
  CHECK(settings::nearest_setting("api.concurency") == "api.concurrency");
  CHECK(settings::nearest_setting("api.regons") == "api.regions");
  CHECK(settings::nearest_setting("completely.different") == "");
}

TEST_CASE("market keys are validated before any credit is spent") {
  CHECK(api::is_known_market("h2h"));
  CHECK(api::is_known_market("alternate_totals"));
  CHECK(api::is_known_market("totals_h1"));
  CHECK(api::is_known_market("player_points"));
  CHECK_FALSE(api::is_known_market("h2x"));
  CHECK_FALSE(api::is_known_market("sprads"));
  std::string m = message_of([] { api::check_markets({"h2x", "sprads"}); });
  CHECK(m.find("'h2x' (did you mean 'h2h'?)") != std::string::npos);
  CHECK(m.find("'sprads' (did you mean 'spreads'?)") != std::string::npos);
  CHECK_THROWS_AS(api::check_markets({"h2h_lay"}), UsageError);
  CHECK_NOTHROW(api::check_markets({"h2h", "spreads", "totals"}));
}

TEST_CASE("scan and sync take one parse of the API options") {
  auto s = with_env({{"ODDS_API_BASE_URL", "http://127.0.0.1:8080/"}});
  s.set_flag("api.regions", "EU,au");
  s.set_flag("api.connect_timeout", "2s");
  s.set_flag("api.retries", "5");
  api::ApiOptions o = cmd::api_options_from_settings(s);
  CHECK(o.regions == std::vector<std::string>{"au", "eu"});  // canonical order
  CHECK(o.connect_timeout == Millis(2000));
  CHECK(o.max_retries == 5);
  CHECK(o.base_url == "http://127.0.0.1:8080");
}

TEST_CASE("each layer is named as the origin of its value; an empty env var counts as unset") {
  auto file = write_file("origins.toml", "log_level = \"info\"\n[budget]\nreserve = 5\n");
  auto s = with_env({{"ODDSCTL_LOG_LEVEL", "error"}, {"ODDSCTL_RESERVE", ""}});
  s.load_file(file);
  auto level = s.resolve("log_level");
  REQUIRE(level);
  CHECK(level->value == "error");
  CHECK(level->source == settings::SettingSource::env);
  CHECK(s.origin(*level) == "env ODDSCTL_LOG_LEVEL");
  auto reserve = s.resolve("budget.reserve");
  REQUIRE(reserve);
  CHECK(reserve->source == settings::SettingSource::file);  // the empty env var did not hide the file
  CHECK(s.origin(*reserve) == "file " + file.string() + ":3");
  auto color = s.resolve("color");
  REQUIRE(color);
  CHECK(color->source == settings::SettingSource::default_value);
  CHECK(s.origin(*color) == "default");
  s.set_flag("log_level", "DEBUG");
  CHECK(s.get("log_level") == std::optional<std::string>("debug"));  // choices are case-insensitive
  CHECK(s.origin(*s.resolve("log_level")) == "--log-level");
  CHECK_FALSE(s.resolve("scan.stake").has_value());  // no default, set nowhere
}

TEST_CASE("typed values: booleans, choices, percents, money, counts") {
  auto s = with_env();
  for (const char* yes : {"true", "TRUE", "yes", "1", "on"}) {
    s.set_flag("scan.include_live", yes);
    CHECK(s.boolean("scan.include_live") == std::optional<bool>(true));
  }
  for (const char* no : {"false", "No", "0", "off"}) {
    s.set_flag("scan.include_live", no);
    CHECK(s.boolean("scan.include_live") == std::optional<bool>(false));
  }
  std::string m = message_of([&] { s.set_flag("scan.include_live", "maybe"); });
  CHECK(m.find("--include-live") != std::string::npos);
  CHECK(m.find("true or false") != std::string::npos);

  m = message_of([&] { s.set_flag("log_level", "loud"); });
  CHECK(m.find("trace, debug, info, warn, error, off") != std::string::npos);

  s.set_flag("scan.min_profit", "1.5%");
  CHECK(*s.number("scan.min_profit") == doctest::Approx(1.5));
  CHECK_THROWS_AS(s.set_flag("scan.min_profit", "-1"), UsageError);
  CHECK_THROWS_AS(s.set_flag("scan.min_profit", "lots"), UsageError);
  CHECK_THROWS_AS(s.set_flag("scan.min_profit", "nan"), UsageError);
  CHECK_THROWS_AS(s.set_flag("scan.min_profit", "inf"), UsageError);

  m = message_of([&] { s.set_flag("scan.stake", "0"); });
  CHECK(m.find("more than 0") != std::string::npos);
  CHECK_THROWS_AS(s.set_flag("scan.stake", "100 dollars"), UsageError);
  s.set_flag("scan.stake", "250.5");
  CHECK(*s.number("scan.stake") == doctest::Approx(250.5));

  CHECK_THROWS_AS(s.set_flag("api.concurrency", "3.5"), UsageError);
  CHECK_THROWS_AS(s.set_flag("api.concurrency", "4x"), UsageError);
  CHECK_THROWS_AS(s.set_flag("api.concurrency", ""), UsageError);
}

TEST_CASE("duration settings: units required, bounds named in units") {
  auto s = with_env();
  std::string m = message_of([&] { s.set_flag("api.timeout", "0s"); });
  CHECK(m.find("--timeout") != std::string::npos);
  CHECK(m.find("out of range") != std::string::npos);
  CHECK(m.find("1h") != std::string::npos);  // the bound as a duration, not in ms
  CHECK_THROWS_AS(s.set_flag("api.timeout", "2h"), UsageError);
  CHECK_THROWS_AS(s.set_flag("api.timeout", "-5s"), UsageError);
  m = message_of([&] { s.set_flag("api.timeout", "10"); });
  CHECK(m.find("needs a unit") != std::string::npos);
  s.set_flag("api.timeout", "1m30s");
  CHECK(s.duration("api.timeout") == std::optional<Millis>(Millis(90'000)));
  // An env var's duration is checked when read, naming the variable.
  auto e = with_env({{"ODDSCTL_RESERVE", "1"}, {"ODDSCTL_SPORTS_TTL", "15"}});
  if (settings::find_setting("api.sports_ttl")) {
    m = message_of([&] { (void)e.duration("api.sports_ttl"); });
    CHECK(m.find("ODDSCTL_SPORTS_TTL") != std::string::npos);
    CHECK(m.find("needs a unit") != std::string::npos);
  }
}

TEST_CASE("config file typos: keys outside their table, a broken file, every problem at its line") {
  auto path = write_file("typos.toml",
                         "concurrency = 3\n"  // 1: belongs in [api]
                         "[api]\n"
                         "regions = [\"au\", \"mars\"]\n"  // 3: unknown region
                         "retries = \"three\"\n"           // 4: not a count
                         "[budget]\n"
                         "reserv = 10\n");  // 6: typo
  auto problems = settings::Settings::check_file(path);
  REQUIRE(problems.size() == 4);
  CHECK(problems[0].line == 1);
  CHECK(problems[0].message.find("concurrency") != std::string::npos);
  CHECK(problems[1].line == 3);
  CHECK(problems[1].message.find("mars") != std::string::npos);
  CHECK(problems[2].line == 4);
  CHECK(problems[3].line == 6);
  CHECK(problems[3].message.find("did you mean 'budget.reserve'") != std::string::npos);
  CHECK(problems[3].text().rfind(path.string() + ":6: ", 0) == 0);

  auto broken = write_file("broken.toml", "[api]\nconcurrency = = 3\n");
  auto s = with_env();
  std::string m = message_of([&] { s.load_file(broken); });
  CHECK(m.find(broken.string() + ":2") != std::string::npos);
  CHECK_FALSE(s.file().has_value());
  m = message_of([&] { s.load_file(broken.parent_path() / "missing.toml"); });
  CHECK(m.find("no such file") != std::string::npos);
}

TEST_CASE("all() masks the values of secret-looking keys and leaves out one-shot flags") {
  // Every declared key that looks secret and may come from the environment, set there.
  std::map<std::string, std::string> env;
  for (const auto& spec : settings::setting_specs()) {
    const bool secret = spec.key.find("key") != std::string::npos || spec.key.find("token") != std::string::npos ||
                        spec.key.find("password") != std::string::npos || spec.key.find("secret") != std::string::npos;
    if (secret && spec.settable_from(settings::setting_from::env) && !spec.env.empty() &&
        spec.type == settings::SettingType::text)
      env[spec.env] = "hunter2-secret-value-" + spec.key;
  }
  auto s = with_env(env);
  s.set_flag("scan.include_live", "true");
  for (const auto& r : s.all()) {
    CAPTURE(r.key);
    CHECK(r.value.find("hunter2-secret-value") == std::string::npos);
    const settings::SettingSpec* spec = settings::find_setting(r.key);
    if (spec) CHECK(spec->from != settings::setting_from::flag);
  }
}

TEST_CASE("all() masks a password inside a store URI, a webhook path and secret query parameters") {
  // Every consumer of the listing (config show in every format) prints all()'s values as
  // they are: the masking is there, once.
  for (const std::string uri :
       {"postgresql://user:s3cretpw@db.example:5432/odds?sslmode=require",
        "mongodb://u:s3cretpw@h1,h2/odds?replicaSet=rs0", "postgresql://db.example/odds?password=s3cretpw"}) {
    CAPTURE(uri);
    auto s = with_env({{"ODDSCTL_STORE", uri},
                       {"ODDSCTL_ALERTS_WEBHOOK", "https://bot:s3cretpw@hooks.example.com/services/T0/B0/s3cretpw"}});
    bool store_seen = false;
    for (const auto& r : s.all()) {
      CAPTURE(r.key);
      CHECK(r.value.find("s3cretpw") == std::string::npos);
      if (r.key == "store") {
        store_seen = true;
        CHECK(r.value.find("odds") != std::string::npos);  // still says which store
      }
    }
    CHECK(store_seen);
    CHECK(oddsctl::settings::shown_setting_value("store", uri).find("s3cretpw") == std::string::npos);
  }
  auto f = write_file("uri.toml", "store = \"postgresql://user:s3cretpw@db.example/odds\"\n");
  auto s = with_env();
  s.load_file(f);
  for (const auto& r : s.all()) CHECK(r.value.find("s3cretpw") == std::string::npos);
  // A choice is never a secret, whatever its key's name.
  CHECK(oddsctl::settings::shown_setting_value("plan.keys", "shared") == "shared");
  CHECK(oddsctl::settings::shown_setting_value("serve.token", "tok-123456789") == "…6789");
}
