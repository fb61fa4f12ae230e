#include "util/module_log.hpp"

#include <spdlog/spdlog.h>

namespace oddsctl::module_log {

void info(const std::string& message) { spdlog::info("{}", message); }
void warn(const std::string& message) { spdlog::warn("{}", message); }

}  // namespace oddsctl::module_log
