// read_placed_bets: a user's placed bets from CSV or JSON, for `oddsctl clv --bets`.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "oddsctl/clv.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/text.hpp"

namespace oddsctl::clv {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// Column names as the file may write them -> ours.
std::string canonical(const std::string& name) {
  static const std::map<std::string, std::string> aliases = {
      {"event", "event"},       {"event_id", "event"}, {"market", "market"}, {"outcome", "outcome"},
      {"selection", "outcome"}, {"line", "line"},      {"point", "line"},    {"book", "book"},
      {"bookmaker", "book"},    {"price", "price"},    {"odds", "price"},    {"time", "time"},
      {"placed_at", "time"},    {"region", "region"},  {"sport", "sport"},   {"sport_key", "sport"}};
  auto it = aliases.find(lower(trim(name)));
  return it == aliases.end() ? "" : it->second;
}

// One RFC 4180 line (quotes, doubled quotes); a quoted newline is not supported.
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') quoted = true;
    else if (c == ',') out.emplace_back();
    else out.back() += c;
  }
  for (auto& f : out) f = trim(f);
  return out;
}

double number_of(const std::string& text, const std::string& where, const char* what) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || !std::isfinite(v))
    throw UsageError(where + ": " + what + " '" + printable(text, 40) + "' is not a number");
  return v;
}

PlacedBet bet_of(const std::map<std::string, std::string>& f, const std::string& where) {
  auto get = [&](const char* k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : it->second;
  };
  PlacedBet b;
  b.origin = "file";
  b.event_id = get("event");
  b.outcome = get("outcome");
  b.bookmaker = get("book");
  if (b.event_id.empty() || b.outcome.empty() || b.bookmaker.empty())
    throw UsageError(where + ": a bet needs event, outcome and book");
  if (auto m = get("market"); !m.empty()) b.market = m;
  if (auto l = get("line"); !l.empty() && lower(l) != "null") b.point = number_of(l, where, "line");
  b.price = number_of(get("price"), where, "price");
  if (!(b.price > 1.0)) throw UsageError(where + ": price " + get("price") + " is not decimal odds above 1");
  if (auto t = get("time"); !t.empty()) {
    b.placed_at = try_parse_rfc3339(t);
    if (!b.placed_at) throw UsageError(where + ": time '" + printable(t, 40) + "' is not RFC 3339");
  }
  b.region = lower(get("region"));
  b.sport_key = get("sport");
  return b;
}

std::string json_text(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace

std::vector<PlacedBet> read_placed_bets(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("--bets: cannot read " + path.string());
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  const std::string name = path.string();
  std::vector<PlacedBet> out;

  const auto first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first != std::string::npos && (text[first] == '[' || text[first] == '{')) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      throw UsageError(name + ": not JSON (" + e.what() + ")");
    }
    if (j.is_object() && j.contains("bets")) j = j["bets"];
    if (!j.is_array()) throw UsageError(name + ": expected an array of bets (or {\"bets\": [...]})");
    for (std::size_t i = 0; i < j.size(); ++i) {
      const std::string where = name + ": bet " + std::to_string(i + 1);
      if (!j[i].is_object()) throw UsageError(where + ": not an object");
      std::map<std::string, std::string> f;
      for (auto it = j[i].begin(); it != j[i].end(); ++it)
        if (auto c = canonical(it.key()); !c.empty()) f[c] = json_text(it.value());
      out.push_back(bet_of(f, where));
    }
    return out;
  }

  std::istringstream lines(text);
  std::string line;
  std::vector<std::string> header;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    if (n == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line = line.substr(3);  // a BOM
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    auto fields = csv_fields(line);
    if (header.empty()) {
      for (const auto& h : fields) header.push_back(canonical(h));
      for (const char* need : {"event", "outcome", "book", "price"})
        if (std::find(header.begin(), header.end(), need) == header.end())
          throw UsageError(name + ":" + std::to_string(n) + ": the header has no '" + need +
                           "' column (columns: event, market, outcome, line, book, price, time)");
      continue;
    }
    std::map<std::string, std::string> f;
    for (std::size_t i = 0; i < fields.size() && i < header.size(); ++i)
      if (!header[i].empty()) f[header[i]] = fields[i];
    out.push_back(bet_of(f, name + ":" + std::to_string(n)));
  }
  if (header.empty()) throw UsageError(name + ": empty (a CSV header and one bet a line, or JSON)");
  return out;
}

}  // namespace oddsctl::clv
