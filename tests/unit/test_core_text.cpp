// printable(): what an outside text (an API body, a header) may look like once it is shown.
#include <doctest/doctest.h>

#include <string>

#include "oddsctl/text.hpp"

using oddsctl::printable;

TEST_CASE("printable keeps valid UTF-8 and escapes everything else as \\xNN") {
  CHECK(printable("plain ascii: 1.95 @ neds") == "plain ascii: 1.95 @ neds");
  CHECK(printable("Mönchengladbach – Köln …") == "Mönchengladbach – Köln …");
  CHECK(printable("emoji \xF0\x9F\x98\x80 ok") == "emoji \xF0\x9F\x98\x80 ok");
  // Invalid bytes: a lone continuation byte, a truncated sequence, latin-1, 0xFF.
  CHECK(printable("a\x80"
                  "b") == "a\\x80b");
  CHECK(printable("caf\xE9") == "caf\\xE9");
  CHECK(printable("\xE2\x82") == "\\xE2\\x82");
  CHECK(printable("\xFF\xFE") == "\\xFF\\xFE");
  // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
  CHECK(printable("\xC0\xAF") == "\\xC0\\xAF");
  CHECK(printable("\xE0\x80\xAF") == "\\xE0\\x80\\xAF");
  CHECK(printable("\xED\xA0\x80") == "\\xED\\xA0\\x80");
  CHECK(printable("\xF4\x90\x80\x80") == "\\xF4\\x90\\x80\\x80");
}

TEST_CASE("printable escapes control characters, C1 controls and bidi overrides") {
  CHECK(printable("line\nbreak\r\ttab") == "line\\x0Abreak\\x0D\\x09tab");
  CHECK(printable(std::string("nul\0byte", 8)) == "nul\\x00byte");
  CHECK(printable("\x1B[31mred\x1B[0m") == "\\x1B[31mred\\x1B[0m");  // no terminal escapes
  CHECK(printable("del\x7F") == "del\\x7F");
  CHECK(printable("c1\xC2\x85") == "c1\\xC2\\x85");
  CHECK(printable("rtl\xE2\x80\xAEtxt") == "rtl\\xE2\\x80\\xAEtxt");
}

TEST_CASE("printable bounds the text on a character boundary") {
  CHECK(printable("abcdef", 3) == "abc…");
  CHECK(printable("abc", 3) == "abc");
  // "ö" is two bytes: a cut inside it drops the character, never leaves half of it.
  CHECK(printable("aö", 2) == "a…");
  CHECK(printable(std::string(1000, '\xFF'), 10).size() == 10 * 4 + std::string("…").size());
}
