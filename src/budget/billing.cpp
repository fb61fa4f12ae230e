// Billing of an /odds call's books (see oddsctl/budget/billing.hpp for the API's rule and its source).
#include "oddsctl/budget/billing.hpp"

#include <algorithm>

#include "oddsctl/keys.hpp"
#include "oddsctl/scan.hpp"  // known_bookmakers

namespace oddsctl::budget {

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool known_anywhere(const std::string& book) {
  for (const auto& r : known_regions())
    if (has(scan::known_bookmakers(r), book)) return true;
  return false;
}

}  // namespace

std::int64_t bookmaker_units(std::size_t books) {
  return static_cast<std::int64_t>((books + k_books_per_region - 1) / k_books_per_region);
}

std::vector<std::string> region_books(const std::string& region, const std::vector<std::string>& asked) {
  const auto& own = scan::known_bookmakers(region);
  std::vector<std::string> out;
  for (const auto& b : asked)
    if (!has(out, b) && (has(own, b) || !known_anywhere(b))) out.push_back(b);
  return out;
}

BookRequest plan_books(const std::string& region, const std::vector<std::string>& asked) {
  BookRequest r;
  if (asked.empty()) return r;  // every book of the region: regions=, 1 region
  r.books = region_books(region, asked);
  r.units_by_bookmakers = bookmaker_units(r.books.size());
  if (r.books.empty()) {
    r.units = 0;  // none of the books is this region's: nothing to buy
    r.by_bookmakers = true;
    return r;
  }
  const auto& own = scan::known_bookmakers(region);
  const bool all_own = std::all_of(r.books.begin(), r.books.end(), [&](const std::string& b) { return has(own, b); });
  r.by_bookmakers = !(all_own && r.units_by_region < r.units_by_bookmakers);
  r.units = r.by_bookmakers ? r.units_by_bookmakers : r.units_by_region;
  return r;
}

}  // namespace oddsctl::budget
