// All stdout output goes through here: tables, JSON, JSON lines, CSV.
#pragma once

#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "oddsctl/engine/arbitrage.hpp"

namespace oddsctl::cmd {

// Text on stdout: the messages and summaries around tables and documents. The parts are
// printed as an std::ostream prints them.
void print_text(std::string_view text);
template <class... Parts>
void say(const Parts&... parts) {
  std::ostringstream text;
  (text << ... << parts);
  print_text(text.str());
}
// Flushes stdout; false when a write has failed (a closed pipe, a full disk).
bool flush_stdout();

// One JSON document, pretty when stdout is a TTY, compact otherwise; newline-terminated.
void print_json(const nlohmann::json& doc, bool pretty);
// One compact JSON document per line.
void print_jsonl(const std::vector<nlohmann::json>& rows);
// Lines of text as they are (a report's sentences), each newline-terminated.
void print_lines(const std::vector<std::string>& lines);

// How tables look: set once by main from the terminal (App::finish_setup). Piped output has
// no width limit and no colour.
struct OutputStyle {
  bool color = false;                // ANSI colour and bold on stdout
  std::optional<std::size_t> width;  // a TTY's columns: tables fit within them
};
void set_output_style(const OutputStyle& style);
const OutputStyle& output_style();

// ANSI colour around text when `on`; what the styles mean, not which escape.
enum class Tone { none, good, bad, dim, bold };
std::string paint(const std::string& text, Tone tone, bool on);

// Display width: code points (accents count one), escapes not counted.
std::size_t display_width(const std::string& s);
// At most `width` columns: cut at a code point with "…" (UTF-8) when longer.
std::string ellipsize(const std::string& s, std::size_t width);

// "1 opportunity", "2 opportunities".
std::string plural(long long n, const std::string& one, const std::string& many);

// An aligned table: header row, then rows; columns separated by two spaces; a cell never
// wraps. Numbers (numeric[i]) are right-aligned. Within a width limit (output_style().width):
// first the `below` column moves under its row (one " | " piece a line), then `shrink`
// columns are cut with an ellipsis (down to 10 columns), then `compact` forms are used.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> numeric;
  std::vector<bool> shrink{};                                             // may be shortened (names of events, teams)
  int below = -1;                                                         // a column that may move under its row (legs)
  std::vector<std::function<std::string(const std::string&)>> compact{};  // a shorter form per column
  std::function<Tone(std::size_t row, std::size_t col)> tone{};           // colour of a cell
  void print(bool bold_header = false) const;
  // The lines print writes, for `width` columns (nullopt: no limit).
  std::vector<std::string> lines(bool color, std::optional<std::size_t> width) const;
};

// RFC 4180: fields quoted when they hold a comma, quote or newline.
void print_csv(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
std::string csv_field(const std::string& field);

// Fixed decimals without trailing noise: 2.0400 -> "2.04", 2 -> "2.00" when min_decimals = 2.
std::string fmt_number(double value, int max_decimals = 4, int min_decimals = 0);
std::string fmt_point(const std::optional<double>& point);  // "" for none, "+1.5" / "-1.5" / "220.5"

// Opportunities as table/csv rows (scan and cache get share them).
void print_opportunities_table(const std::vector<Opportunity>& opps);
void print_opportunities_csv(const std::vector<Opportunity>& opps);

}  // namespace oddsctl::cmd
