// cmd/commands: a run registers the command it names alone, and every command otherwise.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app.hpp"

using namespace oddsctl::cmd;

namespace {

std::vector<std::string> registered(const std::vector<std::string>& args) {
  App app;
  CLI::App root{"test"};
  register_commands(root, app, args);
  std::vector<std::string> names;
  for (const CLI::App* sub : root.get_subcommands([](const CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  return names;
}

}  // namespace

TEST_CASE("first_word skips options and the values of global options") {
  CHECK(first_word({"cache", "get"}) == 0u);
  CHECK(first_word({"-q", "--store", "cache", "scan"}) == 3u);  // the store is named "cache"
  CHECK(first_word({"--json", "--log-level", "debug", "budget"}) == 3u);
  CHECK(first_word({"--store=x.db", "sync"}) == 1u);
  CHECK_FALSE(first_word({"--help"}).has_value());
  CHECK_FALSE(first_word({"--", "scan"}).has_value());
  CHECK_FALSE(first_word({}).has_value());
}

TEST_CASE("a named command is registered alone and parses as before") {
  CHECK(registered({"cache", "get", "--region", "au"}) == std::vector<std::string>{"cache"});
  CHECK(registered({"-v", "--store", "scan", "sync", "--tier", "hot"}) == std::vector<std::string>{"sync"});
  App app;
  CLI::App root{"test"};
  std::vector<std::string> args{"cache", "get", "--region", "au"};
  register_commands(root, app, args);
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  // The callbacks run a command; parsing alone checks the options are all there.
  root.get_subcommand("cache")->get_subcommand("get")->callback(nullptr);
  CHECK_NOTHROW(root.parse(reversed));
  CHECK(root.get_subcommand("cache")->get_subcommand("get")->parsed());
}

TEST_CASE("without a command name, or for completion, every command is registered") {
  const auto all = command_names();
  CHECK(all.size() == 11);
  CHECK(registered({}) == all);
  CHECK(registered({"--help"}) == all);
  CHECK(registered({"help", "cache"}) == all);
  CHECK(registered({"cahce", "get"}) == all);  // a typo: the nearest name needs the list
  CHECK(registered({"completion", "bash"}) == all);
}

TEST_CASE("--version without a command registers none") {
  CHECK(registered({"--version"}).empty());
  CHECK(registered({"cache", "--version"}) == std::vector<std::string>{"cache"});
}
