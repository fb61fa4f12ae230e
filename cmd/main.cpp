// oddsctl: parse the command line (commands.cpp lists the commands) and turn errors into exit codes.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <vector>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app.hpp"
#include "render.hpp"
#include "oddsctl/keys.hpp"
#include "oddsctl/store.hpp"
#include "oddsctl/text.hpp"

#ifndef ODDSCTL_GIT_COMMIT
#define ODDSCTL_GIT_COMMIT "unknown"  // built without CMakeLists.txt
#endif

namespace {

using oddsctl::ExitCode;
using oddsctl::cmd::App;

std::string version_text() {
  std::string stores;
  for (const auto& s : oddsctl::store::built_in_stores()) stores += (stores.empty() ? "" : ", ") + s;
  return std::string("oddsctl ") + ODDSCTL_VERSION + "\nstores: " + stores + "\ncommit: " + ODDSCTL_GIT_COMMIT;
}

// One line on stderr; with --json also one JSON object, so pipelines can read the failure.
int report_error(const App& app, bool json, ExitCode code, const std::string& message) {
  (void)app;
  if (json) {
    nlohmann::json j = {{"error", {{"exit_code", static_cast<int>(code)}, {"message", message}}}};
    std::cerr << j.dump() << "\n";
  } else {
    std::cerr << "oddsctl: " << message << "\n";
  }
  return static_cast<int>(code);
}

std::string first_line(const std::string& text) {
  auto nl = text.find('\n');
  return nl == std::string::npos ? text : text.substr(0, nl);
}

// The command named `word` itself when there is one, else the nearest within two edits, else "".
std::string nearest_command(const std::string& word) {
  return oddsctl::nearest_word(word, oddsctl::cmd::command_names(), 2);  // more than two edits away is not a typo
}

}  // namespace

int main(int argc, char** argv) {
  App app;
  CLI::App root{
      "oddsctl: find arbitrage across bookmakers, cache scans per region, keep tracked\n"
      "events fresh on tiers, clean up, and keep The Odds API's credits under control."};
  root.name("oddsctl");
  root.formatter(oddsctl::cmd::help_formatter());
  root.fallthrough();  // global options work after the subcommand name too
  root.require_subcommand(1);
  // A callback: listing the stores looks for the Mongo module on disk, only for --version.
  root.set_version_flag("--version", version_text);
  root.footer(
      "Exit codes: 0 ok, 1 runtime failure, 2 usage, 3 partial, 4 not fresh, 5 budget guard, 75 busy.\n"
      "See oddsctl(1) and oddsctl-<command>(1).");

  using oddsctl::cmd::setting_option;
  setting_option(&root, app, "store");
  setting_option(&root, app, "db");
  setting_option(&root, app, "log_level");
  setting_option(&root, app, "log_format");
  setting_option(&root, app, "worker_id");
  setting_option(&root, app, "color");
  root.add_option("--config", app.config_flag, "config file (TOML)")->envname("ODDSCTL_CONFIG");
  root.add_flag("--json", app.json_flag, "one JSON document on stdout");
  root.add_option("--format", app.format_flag, "table, json, jsonl or csv");
  root.add_flag("-q,--quiet", app.quiet, "only errors on stderr");
  root.add_flag("-v,--verbose", app.verbose, "more logging on stderr (-vv for debug)");

  // Set up (config file, logging) after options are read but before any command runs.
  // `config check` judges a file itself: a broken default file must not stop it first.
  root.parse_complete_callback([&app, &root] {
    // config is not registered when another command runs (register_commands).
    const auto config = root.get_subcommands([](const CLI::App* sub) { return sub->get_name() == "config"; });
    const bool checking = !config.empty() && config[0]->parsed() && config[0]->get_subcommand("check")->parsed();
    app.finish_setup(!checking);
  });

  // The JSON error form depends on --json, which may be unparsed when parsing fails.
  bool json_requested = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--json" || a == "--format=json") json_requested = true;
    if (a == "--format" && i + 1 < argc && std::string(argv[i + 1]) == "json") json_requested = true;
  }

  // `oddsctl help [COMMAND...]` is `oddsctl [COMMAND...] --help`; an unknown command name gets
  // the nearest one instead of CLI11's "A subcommand is required".
  std::vector<std::string> args(argv + 1, argv + argc);
  oddsctl::cmd::register_commands(root, app, args);
  if (auto word = oddsctl::cmd::first_word(args)) {
    if (args[*word] == "help") {
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(*word));
      args.push_back("--help");
    } else if (nearest_command(args[*word]) != args[*word]) {
      std::string message = "unknown command '" + args[*word] + "'";
      std::string near = nearest_command(args[*word]);
      if (!near.empty()) message += "; did you mean '" + near + "'?";
      return report_error(app, json_requested, ExitCode::usage, message + " (see oddsctl --help)");
    }
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector form back to front

  try {
    root.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return root.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return root.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return root.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11's own codes are 100-127; the contract says usage errors are 2.
    return report_error(app, json_requested, ExitCode::usage, first_line(e.what()) + " (see oddsctl --help)");
  } catch (const oddsctl::Error& e) {
    return report_error(app, json_requested, e.code(), first_line(e.what()));
  } catch (const std::exception& e) {
    return report_error(app, json_requested, ExitCode::runtime, first_line(e.what()));
  }
  if (!oddsctl::cmd::flush_stdout())
    return report_error(app, json_requested, ExitCode::runtime, "could not write to stdout");
  // A run that failed without throwing (a region failed, a guard stopped it) still tells a
  // pipeline why; 4 (not fresh) is an answer, not a failure.
  if (json_requested && app.exit_code != ExitCode::ok && app.exit_code != ExitCode::not_fresh) {
    std::string message =
        app.failure.empty() ? "failed (exit " + std::to_string(static_cast<int>(app.exit_code)) + ")" : app.failure;
    report_error(app, true, app.exit_code, message);
  }
  return static_cast<int>(app.exit_code);
}
