// The explicit list of commands, and which of them a run registers.
#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "app.hpp"

namespace oddsctl::cmd {

namespace {

struct Command {
  const char* name;
  void (*add)(CLI::App& root, App& app);
  bool needs_all;  // it reads the other commands (completion writes a script for every one)
};

// In the order `oddsctl --help` lists them.
constexpr std::array<Command, 11> k_commands{{
    {"scan", register_scan, false},
    {"cache", register_cache, false},
    {"cleanup", register_cleanup, false},
    {"sync", register_sync, false},
    {"budget", register_budget, false},
    {"store", register_store, false},
    {"alerts", register_alerts, false},
    {"clv", register_clv, false},
    {"config", register_config, false},
    {"serve", register_serve, false},
    {"completion", register_completion, true},
}};

}  // namespace

std::optional<std::size_t> first_word(const std::vector<std::string>& args) {
  static const std::array<std::string_view, 8> with_value = {"--store",     "--db",     "--log-level", "--log-format",
                                                             "--worker-id", "--config", "--format",    "--color"};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") return std::nullopt;
    if (!a.empty() && a[0] == '-') {
      if (std::find(with_value.begin(), with_value.end(), a) != with_value.end()) ++i;
      continue;
    }
    return i;
  }
  return std::nullopt;
}

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const auto& c : k_commands) names.emplace_back(c.name);
  return names;
}

void register_commands(CLI::App& root, App& app, const std::vector<std::string>& args) {
  // Registering every command's options costs more than a short command's whole run (`cache
  // get` answers in a few ms): a run that names a command registers that one alone. Without a
  // name (help, a typo, nothing) every command is there, for the list and the nearest name;
  // `--version` alone needs none.
  const Command* named = nullptr;
  if (const auto word = first_word(args)) {
    const auto it =
        std::find_if(k_commands.begin(), k_commands.end(), [&](const Command& c) { return args[*word] == c.name; });
    if (it != k_commands.end() && !it->needs_all) named = &*it;
  } else if (std::find(args.begin(), args.end(), "--version") != args.end()) {
    return;  // the version flag answers before any command is looked for
  }
  for (const auto& c : k_commands)
    if (!named || named == &c) c.add(root, app);
}

}  // namespace oddsctl::cmd
