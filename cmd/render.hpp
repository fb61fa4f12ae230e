// All stdout output goes through here: tables, JSON, JSON lines, CSV.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "oddsctl/arbitrage.hpp"

namespace oddsctl::cli {

// One JSON document, pretty when stdout is a TTY, compact otherwise; newline-terminated.
void print_json(const nlohmann::json& doc, bool pretty);
// One compact JSON document per line.
void print_jsonl(const std::vector<nlohmann::json>& rows);

// A plain aligned table: header row, then rows; columns separated by two spaces.
// Numbers are right-aligned when `numeric[i]` is set.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> numeric;
  void print(bool bold_header = false) const;
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

}  // namespace oddsctl::cli
