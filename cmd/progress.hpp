// A progress line on stderr for a long run (scan, sync): shown on a terminal only
// (App::decorate_stderr), after about a second, redrawn a few times a second, erased when
// the run ends. It reads the run's Progress counters; the library never prints.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "oddsctl/progress.hpp"

namespace oddsctl::cmd {

// "scan: 2/4 regions, 12/40 sports, 3 in flight, 24 credits, 2.1s" (sync: events done of selected).
std::string progress_text(const std::string& label, const Progress& p, double elapsed_s);

class ProgressLine {
public:
  ProgressLine(bool on, std::string label, const Progress& progress,
               std::chrono::milliseconds delay = std::chrono::milliseconds(1000));
  ~ProgressLine();  // stops and erases the line
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

private:
  void run(std::chrono::milliseconds delay);

  std::string m_label;
  const Progress& m_progress;
  std::chrono::steady_clock::time_point m_start;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_stop = false;
  bool m_drawn = false;
  std::thread m_thread;
};

}  // namespace oddsctl::cmd
