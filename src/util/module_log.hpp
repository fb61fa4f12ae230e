// Logging from the store modules (oddsctl-mongo.so, oddsctl-pg.so). spdlog is compiled into
// the executable (header-only): a module's own copy of it would have its own registry, with
// the default level and sink rather than the ones -v, -q and --log-format set, so a module
// logs through these functions instead, which it resolves from the executable like the rest
// of the core.
#pragma once

#include <string>

namespace oddsctl::module_log {

void info(const std::string& message);
void warn(const std::string& message);

}  // namespace oddsctl::module_log
