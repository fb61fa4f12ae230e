#include "render.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "oddsctl/time.hpp"

namespace oddsctl::cmd {

void print_text(std::string_view text) { std::cout << text; }

bool flush_stdout() {
  std::cout.flush();
  return static_cast<bool>(std::cout);
}

void print_json(const nlohmann::json& doc, bool pretty) {
  // error_handler replace: a bookmaker title with broken UTF-8 must not abort the output.
  std::cout << doc.dump(pretty ? 2 : -1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void print_lines(const std::vector<std::string>& lines) {
  for (const auto& line : lines) std::cout << line << '\n';
  std::cout.flush();
}

void print_jsonl(const std::vector<nlohmann::json>& rows) {
  for (const auto& r : rows) std::cout << r.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

namespace {

OutputStyle g_style;

constexpr std::size_t k_min_shrunk = 10;  // a shortened name keeps at least this many columns

}  // namespace

void set_output_style(const OutputStyle& style) { g_style = style; }
const OutputStyle& output_style() { return g_style; }

std::string paint(const std::string& text, Tone tone, bool on) {
  if (!on || tone == Tone::none || text.empty()) return text;
  const char* code = tone == Tone::good  ? "\033[32m"
                     : tone == Tone::bad ? "\033[31m"
                     : tone == Tone::dim ? "\033[2m"
                                         : "\033[1m";
  return code + text + "\033[0m";
}

std::size_t display_width(const std::string& s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0x1b) {  // an ANSI escape: up to its final letter
      while (i + 1 < s.size() && !std::isalpha(static_cast<unsigned char>(s[i + 1]))) ++i;
      ++i;
      continue;
    }
    if ((c & 0xC0) != 0x80) ++w;
  }
  return w;
}

std::string ellipsize(const std::string& s, std::size_t width) {
  if (display_width(s) <= width) return s;
  if (width == 0) return "";
  std::string out;
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) {
      if (w + 1 == width) break;  // room for the ellipsis only
      ++w;
    }
    out += s[i];
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + "\xE2\x80\xA6";  // U+2026
}

std::string plural(long long n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::vector<std::string> Table::lines(bool color, std::optional<std::size_t> limit) const {
  const std::size_t n = header.size();
  std::vector<std::vector<std::string>> cells = rows;
  for (auto& r : cells) r.resize(n);
  std::vector<std::size_t> w(n, 0);
  auto measure = [&](std::size_t i) {
    w[i] = display_width(header[i]);
    for (const auto& r : cells) w[i] = std::max(w[i], display_width(r[i]));
  };
  for (std::size_t i = 0; i < n; ++i) measure(i);
  std::vector<bool> shown(n, true);
  auto total = [&] {
    std::size_t t = 0, k = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (shown[i]) t += w[i], ++k;
    return t + (k ? 2 * (k - 1) : 0);
  };
  bool moved = false;
  if (limit && total() > *limit) {
    if (below >= 0 && static_cast<std::size_t>(below) < n) {
      shown[static_cast<std::size_t>(below)] = false;
      moved = true;
    }
    for (std::size_t i = 0; i < n && total() > *limit; ++i) {
      if (i >= compact.size() || !compact[i]) continue;
      for (auto& r : cells) r[i] = compact[i](r[i]);
      measure(i);
    }
    while (total() > *limit) {
      std::size_t widest = n;
      for (std::size_t i = 0; i < n; ++i)
        if (shown[i] && i < shrink.size() && shrink[i] && w[i] > std::max(k_min_shrunk, display_width(header[i])) &&
            (widest == n || w[i] > w[widest]))
          widest = i;
      if (widest == n) break;  // nothing left to shorten: the line is as narrow as it gets
      --w[widest];
    }
  }
  auto right = [&](std::size_t i) { return i < numeric.size() && numeric[i]; };
  auto line = [&](const std::vector<std::string>& row, std::size_t index, bool is_header) {
    std::string out;
    bool first = true;
    for (std::size_t i = 0; i < n; ++i) {
      if (!shown[i]) continue;
      std::string cell = ellipsize(row[i], w[i]);
      std::size_t pad = w[i] - display_width(cell);
      Tone t = is_header ? (color ? Tone::bold : Tone::none) : tone ? tone(index, i) : Tone::none;
      if (!first) out += "  ";
      first = false;
      if (right(i)) out += std::string(pad, ' ') + paint(cell, t, color);
      else out += paint(cell, t, color) + std::string(pad, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  };
  std::vector<std::string> out;
  out.push_back(line(header, 0, true));
  for (std::size_t r = 0; r < cells.size(); ++r) {
    out.push_back(line(cells[r], r, false));
    if (!moved) continue;
    const std::string& text = cells[r][static_cast<std::size_t>(below)];
    if (text.empty()) continue;
    // Under the row, indented, one piece (a leg) a line.
    std::size_t from = 0;
    while (from <= text.size()) {
      std::size_t bar = text.find(" | ", from);
      out.push_back("    " + text.substr(from, bar == std::string::npos ? std::string::npos : bar - from));
      if (bar == std::string::npos) break;
      from = bar + 3;
    }
  }
  return out;
}

void Table::print(bool bold_header) const {
  for (const auto& l : lines(bold_header || g_style.color, g_style.width)) std::cout << l << "\n";
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
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i) out += ',';  // not ("," + field): GCC 12 warns -Wrestrict on that when inlined
      out += csv_field(cells[i]);
    }
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
    if (leg.point && o.market != "h2h")
      out += " " + (o.market == "totals" ? fmt_number(*leg.point, 2) : fmt_point(leg.point));
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

// "2026-12-02T15:00:00Z" -> "12-02 15:00": what a narrow terminal has room for (UTC).
std::string short_time(const std::string& rfc3339) {
  if (rfc3339.size() < 16 || rfc3339[10] != 'T') return rfc3339;
  return rfc3339.substr(5, 5) + " " + rfc3339.substr(11, 5);
}

void print_opportunities_table(const std::vector<Opportunity>& opps) {
  // KIND and FLAGS only when some row has one: an arbitrage-only table stays as it was.
  bool kinds =
      std::any_of(opps.begin(), opps.end(), [](const Opportunity& o) { return o.kind != OpportunityKind::arb; });
  bool flags = std::any_of(opps.begin(), opps.end(), [](const Opportunity& o) { return !o.flags.empty(); });
  Table t;
  t.header = {"PROFIT", "REGION", "SPORT", "EVENT", "STARTS", "MARKET", "LINE", "LEGS"};
  t.numeric = {true, false, false, false, false, false, true, false};
  t.shrink = {false, false, true, true, false, false, false, false};
  t.compact.resize(t.header.size());
  t.compact[4] = short_time;
  t.below = 7;
  auto insert = [&](std::size_t at, const char* name) {
    t.header.insert(t.header.begin() + static_cast<std::ptrdiff_t>(at), name);
    t.numeric.insert(t.numeric.begin() + static_cast<std::ptrdiff_t>(at), false);
    t.shrink.insert(t.shrink.begin() + static_cast<std::ptrdiff_t>(at), false);
    t.compact.insert(t.compact.begin() + static_cast<std::ptrdiff_t>(at), nullptr);
    ++t.below;
  };
  if (kinds) insert(1, "KIND");
  if (flags) insert(1 + (kinds ? 1 : 0), "FLAGS");
  for (const auto& o : opps) {
    std::vector<std::string> row{fmt_number(opportunity_score(o), 2, 2) + "%"};
    if (kinds) row.push_back(to_string(o.kind));
    if (flags) {
      std::string f;
      for (const auto& x : o.flags) f += (f.empty() ? "" : ",") + x;
      row.push_back(f);
    }
    for (std::string cell : {o.region, o.sport_key, o.home_team + " v " + o.away_team, format_rfc3339(o.commence_time),
                             o.market, line_text(o), legs_text(o, true)})
      row.push_back(std::move(cell));
    t.rows.push_back(std::move(row));
  }
  t.tone = [&opps, flags, kinds](std::size_t row, std::size_t col) {
    if (col == 0) return opportunity_score(opps[row]) > 0 ? Tone::good : Tone::none;
    if (flags && col == 1 + (kinds ? 1 : 0) && !opps[row].flags.empty()) return Tone::bad;
    return Tone::none;
  };
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

}  // namespace oddsctl::cmd
