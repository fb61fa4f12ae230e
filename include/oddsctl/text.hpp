// Text that came from outside (an API body, a header, a server's error message) made safe to
// show: a terminal, a log file, the store and a JSON document all receive exactly what
// printable() returns, never the raw bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace oddsctl {

// Valid UTF-8 passes through; every byte of an invalid sequence, every ASCII control
// character (tab and newline included: a message is one line), DEL, the C1 controls and the
// Unicode bidirectional overrides (which can make a message read differently from what it
// says) become "\xNN" per byte. With `max_bytes`, the input is cut at that many bytes (on a
// character boundary) and "…" marks the cut.
std::string printable(std::string_view text, std::size_t max_bytes = std::string_view::npos);

// Levenshtein distance (insertions, deletions, substitutions), for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The first candidate nearest to `word`, if at most `max_distance` edits away; else "".
std::string nearest_word(std::string_view word, const std::vector<std::string>& candidates, std::size_t max_distance);

}  // namespace oddsctl
