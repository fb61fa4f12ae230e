// printable(): see include/oddsctl/text.hpp.
#include "oddsctl/text.hpp"

#include <algorithm>
#include <vector>
#include <cstdint>

namespace oddsctl {
namespace {

// The length of the well-formed UTF-8 sequence at text[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0 when it is not one.
std::size_t sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

std::uint32_t code_point(std::string_view text, std::size_t i, std::size_t n) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(text[k])); };
  if (n == 2) return ((byte(i) & 0x1F) << 6) | (byte(i + 1) & 0x3F);
  if (n == 3) return ((byte(i) & 0x0F) << 12) | ((byte(i + 1) & 0x3F) << 6) | (byte(i + 2) & 0x3F);
  return ((byte(i) & 0x07) << 18) | ((byte(i + 1) & 0x3F) << 12) | ((byte(i + 2) & 0x3F) << 6) | (byte(i + 3) & 0x3F);
}

// Valid, but not to be shown as is: controls and the bidi embeddings, overrides and isolates.
bool hidden(std::uint32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

void escape_bytes(std::string& out, std::string_view text, std::size_t i, std::size_t n) {
  static const char* hex = "0123456789ABCDEF";
  for (std::size_t k = i; k < i + n; ++k) {
    const auto b = static_cast<unsigned char>(text[k]);
    out += "\\x";
    out += hex[b >> 4];
    out += hex[b & 15];
  }
}

}  // namespace

std::string printable(std::string_view text, std::size_t max_bytes) {
  const bool cut = text.size() > max_bytes;
  const std::size_t end = cut ? max_bytes : text.size();
  std::string out;
  out.reserve(end + 8);
  std::size_t i = 0;
  while (i < end) {
    std::size_t n = sequence_length(text, i);
    if (n == 0) {
      escape_bytes(out, text, i, 1);
      ++i;
      continue;
    }
    if (i + n > end) break;  // a character split by the cut: drop it, "…" follows
    const std::uint32_t cp = n == 1 ? static_cast<unsigned char>(text[i]) : code_point(text, i, n);
    if (hidden(cp)) escape_bytes(out, text, i, n);
    else out.append(text.data() + i, n);
    i += n;
  }
  if (cut) out += "…";
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string nearest_word(std::string_view word, const std::vector<std::string>& candidates, std::size_t max_distance) {
  const std::string* best = nullptr;
  std::size_t best_d = max_distance + 1;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = &c;
    }
  }
  return best ? *best : std::string();
}

}  // namespace oddsctl
