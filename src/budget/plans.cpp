// The API's plan table: data/plans.toml, the config file's `plans` table, or built-in figures.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "oddsctl/budget.hpp"
#include "oddsctl/errors.hpp"
#include "budget/toml_file.hpp"

namespace oddsctl::budget {

namespace {

void sort_plans(std::vector<Plan>& plans) {
  std::stable_sort(plans.begin(), plans.end(), [](const Plan& a, const Plan& b) {
    return a.credits != b.credits ? a.credits < b.credits : a.price_usd < b.price_usd;
  });
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

void validate(const Plan& p, const std::string& origin) {
  if (p.credits <= 0) throw UsageError(origin + ": plan '" + p.name + "': credits must be a positive whole number");
  if (!(p.price_usd >= 0) || !std::isfinite(p.price_usd))
    throw UsageError(origin + ": plan '" + p.name + "': price_usd must be a number >= 0");
}

void upsert(std::vector<Plan>& plans, Plan plan) {
  auto it = std::find_if(plans.begin(), plans.end(), [&](const Plan& p) { return lower(p.name) == lower(plan.name); });
  if (it != plans.end()) *it = std::move(plan);
  else plans.push_back(std::move(plan));
}

}  // namespace

std::vector<Plan> parse_plans_toml(const std::string& text, const std::string& origin) {
  toml::table root = toml_file::parse_toml(text, origin);
  const toml::table* table = root["plans"].as_table();
  if (!table || table->empty()) throw UsageError(origin + ": no [plans.<name>] table");
  std::vector<Plan> plans;
  for (const auto& [name, node] : *table) {
    const toml::table* t = node.as_table();
    if (!t) throw UsageError(origin + ": plans." + std::string(name.str()) + " is not a table");
    Plan p;
    p.name = std::string(name.str());
    auto credits = (*t)["credits"].value<std::int64_t>();
    auto price = (*t)["price_usd"].value<double>();
    if (!credits) throw UsageError(origin + ": plan '" + p.name + "': credits missing or not a whole number");
    if (!price) throw UsageError(origin + ": plan '" + p.name + "': price_usd missing or not a number");
    p.credits = *credits;
    p.price_usd = *price;
    validate(p, origin);
    plans.push_back(std::move(p));
  }
  sort_plans(plans);
  return plans;
}

std::vector<Plan> load_plans_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("plans file " + path.string() + ": cannot be read");
  std::ostringstream os;
  os << in.rdbuf();
  return parse_plans_toml(os.str(), path.string());
}

std::vector<Plan> merge_plans(std::vector<Plan> base, const std::map<std::string, std::string>& flat,
                              const std::string& origin) {
  // "5M.credits" -> plan "5M", field "credits".
  std::map<std::string, std::map<std::string, std::string>> by_plan;
  for (const auto& [key, value] : flat) {
    auto dot = key.rfind('.');
    if (dot == std::string::npos || dot == 0)
      throw UsageError(origin + ": plans." + key + ": expected [plans.<name>] with credits and price_usd");
    by_plan[key.substr(0, dot)][key.substr(dot + 1)] = value;
  }
  for (const auto& [name, fields] : by_plan) {
    Plan p;
    p.name = name;
    auto field = [&](const char* f) -> std::string {
      auto it = fields.find(f);
      if (it == fields.end()) throw UsageError(origin + ": plan '" + name + "': " + f + " missing");
      return it->second;
    };
    try {
      std::size_t used = 0;
      std::string c = field("credits");
      p.credits = std::stoll(c, &used);
      if (used != c.size()) throw std::invalid_argument(c);
      std::string pr = field("price_usd");
      p.price_usd = std::stod(pr, &used);
      if (used != pr.size()) throw std::invalid_argument(pr);
    } catch (const UsageError&) {
      throw;
    } catch (const std::exception&) {
      throw UsageError(origin + ": plan '" + name + "': credits must be a whole number and price_usd a number");
    }
    validate(p, origin);
    upsert(base, std::move(p));
  }
  sort_plans(base);
  return base;
}

std::vector<std::filesystem::path> plans_search_path(const std::filesystem::path& exe) {
  const auto dir = exe.parent_path();
  return {dir / ".." / "share" / "oddsctl" / "plans.toml", dir / ".." / "data" / "plans.toml",
          dir / ".." / ".." / "data" / "plans.toml"};
}

std::vector<Plan> builtin_plans() {
  // As published by The Odds API in 2026; data/plans.toml is the place to update them.
  return {
      {"free", 500, 0}, {"20K", 20'000, 30}, {"100K", 100'000, 59}, {"5M", 5'000'000, 119}, {"15M", 15'000'000, 249}};
}

const Plan* find_plan(const std::vector<Plan>& plans, const std::string& name) {
  for (const auto& p : plans)
    if (lower(p.name) == lower(name)) return &p;
  return nullptr;
}

const Plan* cheapest_fit(const std::vector<Plan>& plans, std::int64_t credits_per_month) {
  const Plan* best = nullptr;
  for (const auto& p : plans) {
    if (p.credits < credits_per_month) continue;
    if (!best || p.price_usd < best->price_usd || (p.price_usd == best->price_usd && p.credits < best->credits))
      best = &p;
  }
  return best;
}

}  // namespace oddsctl::budget
