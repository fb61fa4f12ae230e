// The data files budget reads (plans.toml, refresh_intervals.toml) parse the same way: a
// syntax error is a UsageError naming the file and line.
#pragma once

#include <sstream>
#include <string>

#include <toml++/toml.h>

#include "oddsctl/errors.hpp"

namespace oddsctl::budget::toml_file {

inline toml::table parse_toml(const std::string& text, const std::string& origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << origin << ":" << e.source().begin.line << ": " << e.description();
    throw UsageError(os.str());
  }
}

}  // namespace oddsctl::budget::toml_file
