// How far a long run is, for a caller that shows it: the library counts, never prints.
// Every counter is atomic: the run's threads add to it, the caller's reader polls it.
#pragma once

#include <atomic>
#include <cstdint>

namespace oddsctl {

struct Progress {
  std::atomic<int> regions_total{0};
  std::atomic<int> regions_done{0};
  std::atomic<int> sports_total{0};  // /odds calls a scan will make (known per region once listed)
  std::atomic<int> sports_done{0};
  std::atomic<int> events_total{0};  // sync: the events selected
  std::atomic<int> events_done{0};
  std::atomic<int> in_flight{0};         // requests running now
  std::atomic<std::int64_t> credits{0};  // spent so far (x-requests-last of each answer)
};

// Counts a call in flight for its scope.
class InFlight {
public:
  explicit InFlight(Progress* p) : m_p(p) {
    if (m_p) ++m_p->in_flight;
  }
  ~InFlight() {
    if (m_p) --m_p->in_flight;
  }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

private:
  Progress* m_p;
};

}  // namespace oddsctl
