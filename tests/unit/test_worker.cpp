// Worker mode (src/worker/worker.cpp): cycles on a fixed schedule until stopped or
// max_cycles, errors recorded not fatal (a usage error is), the heartbeat after each cycle,
// the health file only after a healthy one, and a stop request honoured between cycles.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "oddsctl/api.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/worker.hpp"
#include "test_cache_util.hpp"

using namespace oddsctl;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

worker::WorkerOptions options(std::int64_t max_cycles, Millis every = 10ms) {
  worker::WorkerOptions o;
  o.every = every;
  o.max_cycles = max_cycles;
  o.worker_id = "w-unit";
  o.command = "scan";
  return o;
}

struct Notes {
  std::vector<std::string> lines;
  std::function<void(const std::string&)> sink() {
    return [this](const std::string& s) { lines.push_back(s); };
  }
  int count(const std::string& part) const {
    int n = 0;
    for (const auto& l : lines) n += l.find(part) != std::string::npos;
    return n;
  }
  bool any(const std::string& part) const { return count(part) > 0; }
  // The notes other than "overran its interval" (which a slow machine may add to any case
  // with a short interval).
  std::size_t others() const { return lines.size() - static_cast<std::size_t>(count("overran its interval")); }
};

std::filesystem::path health_path(const cache_test::TempStore& store) {
  return std::filesystem::path(store.path()).parent_path() / "healthy";
}

}  // namespace

TEST_CASE("max_cycles runs exactly that many cycles; the heartbeat counts them") {
  cache_test::TempStore store;
  std::atomic<bool> stop{false};
  Notes notes;
  int calls = 0;
  auto code = run_worker(
      options(3), &*store, stop,
      [&] {
        ++calls;
        return worker::CycleResult{};
      },
      notes.sink());
  CHECK(code == ExitCode::ok);
  CHECK(calls == 3);
  auto hb = store->heartbeats();
  REQUIRE(hb.size() == 1);
  CHECK(hb[0].worker_id == "w-unit");
  CHECK(hb[0].command == "scan");
  CHECK(hb[0].cycles == 3);
  CHECK(hb[0].pid == static_cast<int>(::getpid()));
  CHECK_FALSE(hb[0].last_error.has_value());
  CHECK(hb[0].last_cycle_at >= hb[0].started_at);
  CHECK(notes.others() == 0);
}

TEST_CASE("cycles start on the grid: never before t0 + n * every") {
  std::atomic<bool> stop{false};
  Notes notes;
  std::vector<SteadyClock::time_point> starts;
  const auto before = SteadyClock::now();
  run_worker(
      options(4, 60ms), nullptr, stop,
      [&] {
        starts.push_back(SteadyClock::now());
        return worker::CycleResult{};
      },
      notes.sink());
  REQUIRE(starts.size() == 4);
  for (std::size_t n = 0; n < starts.size(); ++n) CHECK(starts[n] - before >= n * 60ms);
}

TEST_CASE("a runtime error in a cycle is recorded and the worker goes on; the next good cycle clears it") {
  cache_test::TempStore store;
  std::atomic<bool> stop{false};
  Notes notes;
  int calls = 0;
  std::vector<std::optional<std::string>> seen_errors;
  auto cycle = [&]() -> worker::CycleResult {
    ++calls;
    if (calls == 1) throw std::runtime_error("upstream exploded");
    if (calls == 2) throw api::ApiError(api::ApiErrorKind::server, 503, "", "region au: 503");
    if (calls == 3) return worker::CycleResult{ExitCode::partial, "region uk: 1 sport failed", false};
    return worker::CycleResult{};
  };
  auto inspecting = [&]() -> worker::CycleResult {
    if (calls > 0) seen_errors.push_back(store->heartbeats().at(0).last_error);
    return cycle();
  };
  auto code = run_worker(options(4), &*store, stop, inspecting, notes.sink());
  CHECK(code == ExitCode::ok);
  CHECK(calls == 4);
  REQUIRE(seen_errors.size() == 3);
  CHECK(seen_errors[0] == std::optional<std::string>("upstream exploded"));
  REQUIRE(seen_errors[1].has_value());
  CHECK(seen_errors[1]->find("503") != std::string::npos);
  CHECK(seen_errors[2] == std::optional<std::string>("region uk: 1 sport failed"));
  CHECK_FALSE(store->heartbeats().at(0).last_error.has_value());  // the last cycle was good
  CHECK(store->heartbeats().at(0).cycles == 4);
  CHECK(notes.any("cycle 1: upstream exploded"));
  CHECK(notes.any("cycle 3: region uk: 1 sport failed"));
}

TEST_CASE("a usage error is not retried every cycle: it ends the worker") {
  std::atomic<bool> stop{false};
  Notes notes;
  int calls = 0;
  CHECK_THROWS_AS(run_worker(
                      options(5), nullptr, stop,
                      [&]() -> worker::CycleResult {
                        ++calls;
                        throw UsageError("--sports: unknown sport key 'x'");
                      },
                      notes.sink()),
                  UsageError);
  CHECK(calls == 1);
}

TEST_CASE("the health file is touched after a healthy cycle only") {
  cache_test::TempStore store;
  const auto health = health_path(store);
  std::atomic<bool> stop{false};
  Notes notes;

  SUBCASE("a failing cycle does not touch it") {
    auto o = options(2);
    o.health_file = health;
    run_worker(
        o, &*store, stop,
        [] {
          return worker::CycleResult{ExitCode::runtime, "every region failed", false};
        },
        notes.sink());
    CHECK_FALSE(std::filesystem::exists(health));
  }
  SUBCASE("nor does one in which another run held every lease, whatever its exit code") {
    auto o = options(2);
    o.health_file = health;
    run_worker(
        o, &*store, stop,
        [] {
          return worker::CycleResult{ExitCode::ok, std::nullopt, true};
        },
        notes.sink());
    CHECK_FALSE(std::filesystem::exists(health));
    auto hb = store->heartbeats();
    REQUIRE(hb.size() == 1);
    REQUIRE(hb[0].last_error.has_value());
    CHECK(hb[0].last_error->find("every lease was held") != std::string::npos);
  }
  SUBCASE("a good cycle does, and a later bad one leaves it as it was") {
    auto o = options(2);
    o.health_file = health;
    int calls = 0;
    run_worker(
        o, &*store, stop,
        [&]() -> worker::CycleResult {
          if (++calls == 1) return {};
          REQUIRE(std::filesystem::exists(health));
          std::filesystem::last_write_time(health, std::filesystem::file_time_type::clock::now() - 1h);
          return worker::CycleResult{ExitCode::runtime, "boom", false};
        },
        notes.sink());
    REQUIRE(std::filesystem::exists(health));
    CHECK(std::filesystem::last_write_time(health) < std::filesystem::file_time_type::clock::now() - 30min);
  }
}

TEST_CASE("a stop before the first cycle runs none; a stop during a cycle starts no other") {
  std::atomic<bool> stop{true};
  Notes notes;
  int calls = 0;
  CHECK(run_worker(
            options(5), nullptr, stop,
            [&] {
              ++calls;
              return worker::CycleResult{};
            },
            notes.sink()) == ExitCode::ok);
  CHECK(calls == 0);

  cache_test::TempStore store;
  stop = false;
  auto code = run_worker(
      options(5), &*store, stop,
      [&]() -> worker::CycleResult {
        ++calls;
        stop = true;  // SIGTERM mid-cycle
        // What the stop cut short is no error of the worker's.
        return worker::CycleResult{ExitCode::partial, "region au: soccer_epl: not fetched (run stopped)", false};
      },
      notes.sink());
  CHECK(code == ExitCode::ok);
  CHECK(calls == 1);
  auto hb = store->heartbeats();
  REQUIRE(hb.size() == 1);
  CHECK(hb[0].cycles == 1);
  CHECK_FALSE(hb[0].last_error.has_value());
  CHECK(notes.others() == 0);
}

TEST_CASE("a stop while waiting for the next tick ends the wait at once") {
  std::atomic<bool> stop{false};
  Notes notes;
  int calls = 0;
  std::thread stopper;
  // With an hour between cycles, a worker that ignored the stop while sleeping would hang
  // here (and ctest's timeout would fail the test).
  auto code = run_worker(
      options(10, 1h), nullptr, stop,
      [&] {
        if (++calls == 1)
          stopper = std::thread([&] {
            std::this_thread::sleep_for(50ms);
            stop = true;
          });
        return worker::CycleResult{};
      },
      notes.sink());
  stopper.join();
  CHECK(code == ExitCode::ok);
  CHECK(calls == 1);
}

TEST_CASE("an overrunning cycle skips the ticks it missed, and says so") {
  std::atomic<bool> stop{false};
  Notes notes;
  std::vector<SteadyClock::time_point> starts;
  const auto before = SteadyClock::now();
  run_worker(
      options(2, 40ms), nullptr, stop,
      [&] {
        starts.push_back(SteadyClock::now());
        if (starts.size() == 1) std::this_thread::sleep_for(100ms);  // 2.5 intervals
        return worker::CycleResult{};
      },
      notes.sink());
  REQUIRE(starts.size() == 2);
  REQUIRE(notes.lines.size() == 1);
  CHECK(notes.lines[0].find("cycle 1 overran its interval; skipped") != std::string::npos);
  CHECK(notes.lines[0].find("ticks") != std::string::npos);  // at least two were missed
  // The second cycle waits for the next tick on the grid (t0 + 3 * every), not "now".
  CHECK(starts[1] - before >= 120ms);
}

TEST_CASE("a store that cannot take the heartbeat does not stop the worker") {
  cache_test::TempStore store;
  std::atomic<bool> stop{false};
  Notes notes;
  int calls = 0;
  auto cycle = [&]() -> worker::CycleResult {
    if (++calls == 1) {
      // The heartbeats table gone under the store: every heartbeat write now fails.
      SQLite::Database db(store.path(), SQLite::OPEN_READWRITE);
      db.exec("DROP TABLE heartbeats");
    }
    return {};
  };
  CHECK(run_worker(options(2), &*store, stop, cycle, notes.sink()) == ExitCode::ok);
  CHECK(calls == 2);
  CHECK(notes.count("heartbeat not recorded") == 2);
  CHECK(notes.others() == 2);
}
