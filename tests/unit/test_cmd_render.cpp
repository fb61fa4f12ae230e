// cmd/render: the one way to stdout, and the helpers every table and message uses. Linked
// from the command library (oddsctl_cmd), so the commands' output rules are tested without
// running the binary.
#include <doctest/doctest.h>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

#include "render.hpp"

using namespace oddsctl::cmd;

namespace {

// Captures what the renderer writes to std::cout while alive.
class CaptureStdout {
public:
  CaptureStdout() : m_old(std::cout.rdbuf(m_buffer.rdbuf())) {}
  ~CaptureStdout() { std::cout.rdbuf(m_old); }
  std::string text() const { return m_buffer.str(); }

private:
  std::ostringstream m_buffer;
  std::streambuf* m_old;
};

}  // namespace

TEST_CASE("say prints its parts as a stream would, and nothing else") {
  CaptureStdout out;
  say("requests ", 3, ", credits ", 12LL, ", ", 2.5, " ms\n");
  say(std::string("a"), 'b', "\n");
  CHECK(out.text() == "requests 3, credits 12, 2.5 ms\nab\n");
}

TEST_CASE("flush_stdout reports a failed stream") {
  CaptureStdout out;
  CHECK(flush_stdout());
  std::cout.setstate(std::ios::badbit);
  CHECK_FALSE(flush_stdout());
  std::cout.clear();
}

TEST_CASE("print_json: compact on a pipe, pretty on a TTY, broken UTF-8 replaced") {
  CaptureStdout out;
  print_json(nlohmann::json{{"a", 1}}, false);
  print_json(nlohmann::json{{"a", 1}}, true);
  print_json(nlohmann::json{{"t", std::string("bad \xff")}}, false);
  CHECK(out.text() == "{\"a\":1}\n{\n  \"a\": 1\n}\n{\"t\":\"bad \xEF\xBF\xBD\"}\n");
}

TEST_CASE("plural, csv_field, display_width and ellipsize") {
  CHECK(plural(1, "event", "events") == "1 event");
  CHECK(plural(0, "event", "events") == "0 events");
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(display_width("Malmö FF") == 8);
  CHECK(display_width(paint("red", Tone::bad, true)) == 3);
  CHECK(ellipsize("Manchester United", 10) == "Mancheste…");
  CHECK(display_width(ellipsize("Manchester United", 10)) <= 10);
  CHECK(ellipsize("Leeds", 10) == "Leeds");
}

TEST_CASE("a table aligns numbers right and names left") {
  Table t{{"NAME", "PCT"}, {{"a", "1.5"}, {"bbb", "10.25"}}, {false, true}};
  auto lines = t.lines(false, std::nullopt);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "NAME    PCT");
  CHECK(lines[1] == "a       1.5");
  CHECK(lines[2] == "bbb   10.25");
}
