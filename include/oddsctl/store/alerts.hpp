// Role: alert marks. What was sent when, so an opportunity is announced once (and again
// only when it improves).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oddsctl/time.hpp"

namespace oddsctl::store {

struct AlertMark {
  std::string key;  // {region}:{event}:{market}:{point}
  TimePoint sent_at{};
  double profit_pct = 0;
};

class AlertStore {
public:
  virtual ~AlertStore() = default;

  virtual std::optional<AlertMark> get_alert(const std::string& key) = 0;
  virtual void mark_alert(const AlertMark& mark) = 0;
  virtual std::vector<AlertMark> list_alerts() = 0;
};

}  // namespace oddsctl::store
