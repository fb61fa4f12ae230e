#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

#include "render.hpp"

namespace oddsctl::cmd {

std::string progress_text(const std::string& label, const Progress& p, double elapsed_s) {
  std::string out = label + ":";
  auto part = [&out, first = true](const std::string& text) mutable {
    out += (first ? " " : ", ") + text;
    first = false;
  };
  if (p.events_total > 0) part(std::to_string(p.events_done) + "/" + std::to_string(p.events_total) + " events");
  if (p.regions_total > 0) part(std::to_string(p.regions_done) + "/" + std::to_string(p.regions_total) + " regions");
  if (p.sports_total > 0) part(std::to_string(p.sports_done) + "/" + std::to_string(p.sports_total) + " sports");
  part(std::to_string(p.in_flight.load()) + " in flight");
  part(plural(p.credits.load(), "credit", "credits"));
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.1fs", elapsed_s);
  part(secs);
  return out;
}

ProgressLine::ProgressLine(bool on, std::string label, const Progress& progress, std::chrono::milliseconds delay)
    : m_label(std::move(label)), m_progress(progress), m_start(std::chrono::steady_clock::now()) {
  if (on) m_thread = std::thread([this, delay] { run(delay); });
}

ProgressLine::~ProgressLine() {
  if (!m_thread.joinable()) return;
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_cv.notify_all();
  m_thread.join();
}

void ProgressLine::run(std::chrono::milliseconds delay) {
  std::unique_lock lock(m_mutex);
  if (m_cv.wait_for(lock, delay, [this] { return m_stop; })) return;  // quick: never shown
  for (;;) {
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    std::string text = progress_text(m_label, m_progress, elapsed);
    struct winsize ws {};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1) text = ellipsize(text, ws.ws_col - 1);
    std::string line = "\r\033[K" + text;  // one write: never torn by another thread's output
    (void)!::write(STDERR_FILENO, line.data(), line.size());
    m_drawn = true;
    if (m_cv.wait_for(lock, std::chrono::milliseconds(200), [this] { return m_stop; })) break;
  }
  if (m_drawn) (void)!::write(STDERR_FILENO, "\r\033[K", 4);
}

}  // namespace oddsctl::cmd
