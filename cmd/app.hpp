// What every command shares: global options, layered settings, output format, the store.
// Commands are thin: parse into settings, call the library, print through render.hpp.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "oddsctl/errors.hpp"
#include "oddsctl/settings.hpp"
#include "oddsctl/store.hpp"
#include "options.hpp"

namespace oddsctl::cmd {

enum class Format { table, json, jsonl, csv };

class App {
public:
  App();

  settings::Settings settings;
  std::optional<std::string> config_flag;  // --config
  bool json_flag = false;                  // --json
  std::optional<std::string> format_flag;  // --format
  bool quiet = false;
  int verbose = 0;
  // Set by the command that ran; main returns it.
  ExitCode exit_code = ExitCode::ok;
  // Why exit_code is not 0, when the command returned rather than threw: main writes it as
  // the error object on stderr with --json.
  std::string failure;

  // After parsing: config file, log level. Called once by main before the command runs.
  void finish_setup(bool load_config_file = true);

  Format format() const;
  // A command without some output form: an explicit --format it lacks is a usage error that
  // names the forms it has (the default, table, always passes).
  void allow_formats(std::initializer_list<Format> formats, const std::string& command) const;
  bool json() const { return format() == Format::json; }
  bool stdout_tty() const { return m_stdout_tty; }
  bool stderr_tty() const { return m_stderr_tty; }
  // A terminal's columns (COLUMNS, else the size of the terminal); nullopt when piped.
  std::optional<std::size_t> stdout_width() const;
  // Progress on stderr: a TTY, not --json/--quiet, no CI, TERM not dumb.
  bool decorate_stderr() const;
  // Colour (--color, NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb): of tables on stdout,
  // of messages on stderr.
  bool color_stdout() const;
  bool color_stderr() const;
  bool color_on(bool tty) const;

  // --store / ODDSCTL_STORE / --db / ODDSCTL_DB / config / default path.
  std::string store_uri() const;
  // --store, --db or their env vars (or the config file) name a store: not the default one.
  bool store_given() const;
  // read_only for commands that only read (never creates a store; see oddsctl/store.hpp).
  std::unique_ptr<store::Store> open_store(store::OpenMode mode = store::OpenMode::read_write) const;

private:
  bool m_stdout_tty = false;
  bool m_stderr_tty = false;
};

// Registers the flag of settings key `key` as the settings table declares it: its name,
// value type, help, default and env var (flags > env > file > default). `help` replaces the
// table's help line where a command means something narrower by it.
CLI::Option* setting_option(CLI::App* cmd, App& app, const std::string& key, const std::string& help = "");
// A boolean flag: sets `key` to "true" when given.
CLI::Option* setting_flag(CLI::App* cmd, App& app, const std::string& key, const std::string& help = "");

// The setting an option was registered for by setting_option/setting_flag (help and
// completions read its type and choices); nullptr for other options.
const settings::SettingSpec* setting_of(const CLI::Option* opt);

// The completion script for `shell` (bash, zsh, fish) of the whole command tree under root.
std::string completion_script(const CLI::App& root, const std::string& shell);

// A region named by a command's own flag, lower-cased; UsageError naming `flag` when unknown.
std::string checked_region(const std::string& region, const char* flag);

// The API options shared by scan, sync and cache get --fallback-scan (api.*, budget.reserve,
// budget.max_credits), parsed by api_options_from_settings.
void add_api_options(CLI::App* cmd, App& app);

// Help with a GLOBAL OPTIONS section (the options inherited from above) in every command's
// --help; set on the root before any command is added (commands inherit it).
std::shared_ptr<CLI::FormatterBase> help_formatter();

// Where the command name stands in argv (without the program): the first word that is
// neither an option nor the value of a global option that takes one.
std::optional<std::size_t> first_word(const std::vector<std::string>& args);
// Every command's name, in the order --help lists them.
std::vector<std::string> command_names();
// Adds the commands a run of `args` can reach: the one it names, else every one.
void register_commands(CLI::App& root, App& app, const std::vector<std::string>& args);

// Each command file defines one of these; commands.cpp lists them explicitly.
void register_scan(CLI::App& root, App& app);
void register_cache(CLI::App& root, App& app);
void register_cleanup(CLI::App& root, App& app);
void register_sync(CLI::App& root, App& app);
void register_budget(CLI::App& root, App& app);
void register_store(CLI::App& root, App& app);
void register_alerts(CLI::App& root, App& app);
void register_clv(CLI::App& root, App& app);
void register_config(CLI::App& root, App& app);
void register_serve(CLI::App& root, App& app);

// Worker mode's --listen (worker.listen): /healthz, /readyz and /metrics of `regions` on a
// server of its own until the last copy of the handle goes; empty without --listen.
// UsageError when --listen is given without --every (`worker` false). Defined in serve.cpp.
std::shared_ptr<void> start_health_listener(const App& app, const std::vector<std::string>& regions, bool worker);
void register_completion(CLI::App& root, App& app);

}  // namespace oddsctl::cmd
