// CommissionTable: exchange commission on winnings, per bookmaker key.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "oddsctl/engine/arbitrage.hpp"
#include "oddsctl/errors.hpp"

namespace oddsctl::engine {

CommissionTable CommissionTable::defaults() {
  CommissionTable t;
  // Exchanges only: Betfair's fixed-odds sportsbook (betfair_sb_*) pays no commission.
  // "betfair" alone is the exchange's key in older captures.
  t.m_prefix = {{"betfair_ex_", 0.05}, {"matchbook", 0.02}, {"smarkets", 0.02}};
  t.m_exact = {{"betfair", 0.05}};
  return t;
}

void CommissionTable::set(const std::string& bookmaker, double rate) {
  if (bookmaker.empty()) throw UsageError("commission: empty bookmaker key");
  if (!(rate >= 0.0 && rate < 1.0))
    throw UsageError("commission for '" + bookmaker + "' must be in [0, 1) (e.g. 0.02 or 2%)");
  m_exact[bookmaker] = rate;
}

double CommissionTable::rate_for(const std::string& bookmaker) const {
  if (auto it = m_exact.find(bookmaker); it != m_exact.end()) return it->second;
  // The longest matching prefix wins, so a more specific default can be added later.
  double rate = 0.0;
  std::size_t best = 0;
  for (const auto& [prefix, r] : m_prefix)
    if (prefix.size() > best && bookmaker.starts_with(prefix)) {
      best = prefix.size();
      rate = r;
    }
  return rate;
}

double CommissionTable::effective_price(const std::string& bookmaker, double price) const {
  return 1.0 + (price - 1.0) * (1.0 - rate_for(bookmaker));
}

namespace {
std::string trim(std::string s) {
  auto sp = [](unsigned char c) { return std::isspace(c) != 0; };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), sp));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), sp).base(), s.end());
  return s;
}
}  // namespace

void CommissionTable::set_from_text(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos)
    throw UsageError("invalid commission '" + text + "' (expected BOOK=RATE, e.g. betfair_ex_uk=0.02 or =2%)");
  const std::string book = trim(text.substr(0, eq));
  std::string value = trim(text.substr(eq + 1));
  const bool percent = !value.empty() && value.back() == '%';
  if (percent) value = trim(value.substr(0, value.size() - 1));
  double rate = 0;
  const auto* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, rate);
  if (value.empty() || ec != std::errc() || ptr != end)
    throw UsageError("invalid commission rate in '" + text + "' (expected e.g. 0.02 or 2%)");
  set(book, percent ? rate / 100.0 : rate);
}

}  // namespace oddsctl::engine
