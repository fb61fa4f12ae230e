// Role: worker heartbeats. Each long-running worker's last cycle, for `store info` and health.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "oddsctl/time.hpp"

namespace oddsctl::store {

struct Heartbeat {
  std::string worker_id;
  std::string host;
  int pid = 0;
  std::string command;
  TimePoint started_at{};
  TimePoint last_cycle_at{};
  std::int64_t cycles = 0;
  std::optional<std::string> last_error;
};

class HeartbeatStore {
public:
  virtual ~HeartbeatStore() = default;

  virtual void heartbeat(const Heartbeat& hb) = 0;
  virtual std::vector<Heartbeat> heartbeats() = 0;
};

}  // namespace oddsctl::store
