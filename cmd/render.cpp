#include "render.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>

#include "oddsctl/time.hpp"

namespace oddsctl::cli {

void print_json(const nlohmann::json& doc, bool pretty) {
  // error_handler replace: a bookmaker title with broken UTF-8 must not abort the output.
  std::cout << doc.dump(pretty ? 2 : -1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void print_jsonl(const std::vector<nlohmann::json>& rows) {
  for (const auto& r : rows) std::cout << r.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

namespace {

// Display width in code points: good enough for team names with accents.
std::size_t width(const std::string& s) {
  std::size_t w = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++w;
  return w;
}

}  // namespace

void Table::print(bool bold_header) const {
  std::vector<std::size_t> widths(header.size(), 0);
  for (std::size_t i = 0; i < header.size(); ++i) widths[i] = width(header[i]);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], width(r[i]));
  auto line = [&](const std::vector<std::string>& cells, bool is_header) {
    std::string out;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      std::string cell = i < cells.size() ? cells[i] : "";
      std::size_t pad = widths[i] - width(cell);
      bool right = !is_header && i < numeric.size() && numeric[i];
      bool last = i + 1 == widths.size();
      if (right) out += std::string(pad, ' ') + cell;
      else out += cell + (last ? "" : std::string(pad, ' '));
      if (!last) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (is_header && bold_header) out = "\033[1m" + out + "\033[0m";
    std::cout << out << "\n";
  };
  line(header, true);
  for (const auto& r : rows) line(r, false);
}

std::string csv_field(const std::string& field) {
  if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void print_csv(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  auto line = [](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_field(cells[i]);
    std::cout << out << "\r\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
}

std::string fmt_number(double value, int max_decimals, int min_decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", max_decimals, value);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    std::size_t dot = s.find('.');
    while (s.size() > dot + 1 + static_cast<std::size_t>(min_decimals) && s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string fmt_point(const std::optional<double>& point) {
  if (!point) return "";
  std::string s = fmt_number(*point, 2);
  return *point > 0 ? "+" + s : s;
}

namespace {

std::string legs_text(const Opportunity& o, bool with_stakes) {
  std::string out;
  for (const auto& leg : o.legs) {
    if (!out.empty()) out += " | ";
    out += leg.outcome;
    if (leg.point && o.market != "h2h") out += " " + (o.market == "totals" ? fmt_number(*leg.point, 2) : fmt_point(leg.point));
    out += " " + fmt_number(leg.price, 3, 2);
    // Six decimals, as stored: fewer would round a value such as 2.3775 one way when fresh
    // and the other way after its round trip through the store.
    if (std::abs(leg.effective_price - leg.price) > 1e-9) out += " (net " + fmt_number(leg.effective_price, 6, 2) + ")";
    out += " @ ";
    for (std::size_t i = 0; i < leg.bookmakers.size(); ++i) out += (i ? "," : "") + leg.bookmakers[i];
    if (with_stakes && leg.stake) out += " stake " + fmt_number(*leg.stake, 2, 2);
  }
  return out;
}

std::string line_text(const Opportunity& o) {
  if (!o.point) return "";
  return o.market == "totals" ? fmt_number(*o.point, 2) : fmt_point(o.point);
}

}  // namespace

void print_opportunities_table(const std::vector<Opportunity>& opps) {
  Table t;
  t.header = {"PROFIT", "REGION", "SPORT", "EVENT", "STARTS", "MARKET", "LINE", "LEGS"};
  t.numeric = {true, false, false, false, false, false, true, false};
  for (const auto& o : opps) {
    t.rows.push_back({fmt_number(o.profit_pct, 2, 2) + "%", o.region, o.sport_key, o.home_team + " v " + o.away_team,
                      format_rfc3339(o.commence_time), o.market, line_text(o), legs_text(o, true)});
  }
  t.print();
}

void print_opportunities_csv(const std::vector<Opportunity>& opps) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& o : opps) {
    for (const auto& leg : o.legs) {
      std::string books;
      for (std::size_t i = 0; i < leg.bookmakers.size(); ++i) books += (i ? ";" : "") + leg.bookmakers[i];
      rows.push_back({o.region, o.sport_key, o.event_id, o.home_team, o.away_team, format_rfc3339(o.commence_time),
                      o.market, o.point ? fmt_number(*o.point, 4) : "", fmt_number(o.implied_sum, 6),
                      fmt_number(o.profit_pct, 4), leg.outcome, leg.point ? fmt_number(*leg.point, 4) : "",
                      fmt_number(leg.price, 4), fmt_number(leg.effective_price, 6), books,
                      leg.stake ? fmt_number(*leg.stake, 2, 2) : ""});
    }
  }
  print_csv({"region", "sport_key", "event_id", "home_team", "away_team", "commence_time", "market", "point",
             "implied_sum", "profit_pct", "outcome", "leg_point", "price", "effective_price", "bookmakers", "stake"},
            rows);
}

}  // namespace oddsctl::cli
