#include "oddsctl/worker.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <utime.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>

#include "oddsctl/store/lease_helpers.hpp"
#include "oddsctl/settings.hpp"

namespace oddsctl::worker {

namespace {

using SteadyClock = std::chrono::steady_clock;

std::atomic<bool> g_stop{false};
std::atomic<int> g_signals{0};
std::atomic<long long> g_grace_ms{10000};

extern "C" void on_stop_signal(int sig) {
  if (g_signals.fetch_add(1) >= 1) _exit(128 + sig);  // the second signal: at once
  g_stop.store(true);
}

void touch(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT, 0644);
  if (fd >= 0) ::close(fd);
  ::utime(path.c_str(), nullptr);
}

// Sleeps until `until` or until stop, in short slices so a signal is acted on at once.
void sleep_until(SteadyClock::time_point until, const std::atomic<bool>& stop) {
  while (!stop.load() && SteadyClock::now() < until)
    std::this_thread::sleep_for(std::min<SteadyClock::duration>(until - SteadyClock::now(), Millis(50)));
}

std::string host_name() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) return "localhost";
  return host;
}

}  // namespace

const std::atomic<bool>& install_stop_signals(Millis grace) {
  g_grace_ms = grace.count();
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  // The grace watchdog: a stuck call must not keep a stopping worker alive.
  std::thread([] {
    while (!g_stop.load()) std::this_thread::sleep_for(Millis(50));
    std::this_thread::sleep_for(Millis(g_grace_ms.load()));
    // The calls in flight cannot be unwound, but their leases are given back: the next run
    // must not find its regions held by a process that is gone. Bounded: a store that does
    // not answer must not keep a stopping worker alive.
    spdlog::warn("grace period over: exiting with calls still in flight; releasing the leases held");
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::thread([done] {
      int n = store::release_noted_leases();
      if (n > 0) spdlog::info("released {} {} at the grace exit", n, n == 1 ? "lease" : "leases");
      done->store(true);
    }).detach();
    const auto give_up = SteadyClock::now() + std::chrono::seconds(3);
    while (!done->load() && SteadyClock::now() < give_up) std::this_thread::sleep_for(Millis(10));
    spdlog::default_logger()->flush();
    _exit(0);
  }).detach();
  return g_stop;
}

ExitCode run_worker(const WorkerOptions& o, store::Store* store, const std::atomic<bool>& stop,
                    const std::function<CycleResult()>& cycle, const std::function<void(const std::string&)>& on_note) {
  store::Heartbeat hb;
  hb.worker_id = o.worker_id;
  hb.host = host_name();
  hb.pid = static_cast<int>(::getpid());
  hb.command = o.command;
  hb.started_at = now_utc();

  const auto t0 = SteadyClock::now();
  std::int64_t tick = 0;
  while (!stop.load()) {
    CycleResult r;
    try {
      r = cycle();
    } catch (const Error& e) {
      if (e.code() == ExitCode::usage) throw;  // the same bad input would fail every cycle
      r = {e.code(), e.what()};
    } catch (const std::exception& e) {
      r = {ExitCode::runtime, e.what()};
    }
    ++hb.cycles;
    hb.last_cycle_at = now_utc();
    // A requested stop is not a failure: what it cut short ("not fetched (run stopped)") is
    // no error of the worker's; a real error of the same cycle still is.
    const bool stopped = stop.load();
    if (stopped && r.error && r.error->find("(run stopped)") != std::string::npos) r.error.reset();
    hb.last_error = r.error;
    if (r.error) on_note("cycle " + std::to_string(hb.cycles) + ": " + *r.error);
    if (stopped) spdlog::info("cycle {} ended by the stop request", hb.cycles);
    // A cycle in which another run held every lease did nothing: not healthy.
    const bool idle = r.all_skipped && !stopped;
    if (idle) {
      spdlog::warn("cycle {}: nothing done: every lease was held by another run; health file not touched", hb.cycles);
      if (!hb.last_error) hb.last_error = "nothing done: every lease was held by another run";
    }
    if (store) {
      try {
        store->heartbeat(hb);
      } catch (const std::exception& e) {
        on_note(std::string("heartbeat not recorded: ") + e.what());
      }
    }
    if (r.code == ExitCode::ok && !idle && o.health_file) touch(*o.health_file);
    if (o.max_cycles && hb.cycles >= *o.max_cycles) break;

    // Next tick on the fixed grid; ticks that passed during an overrun are skipped.
    ++tick;
    auto next = t0 + tick * o.every;
    auto now = SteadyClock::now();
    if (next <= now) {
      auto behind = now - next;
      std::int64_t missed = behind / o.every + 1;
      tick += missed;
      next = t0 + tick * o.every;
      on_note("cycle " + std::to_string(hb.cycles) + " overran its interval; skipped " + std::to_string(missed) +
              (missed == 1 ? " tick" : " ticks"));
    }
    sleep_until(next, stop);
  }
  return ExitCode::ok;
}

}  // namespace oddsctl::worker
