// lease_owner_gone and acquire_or_reclaim_lease: a lease of a dead process on this host is
// taken over at once; a live holder, another host or a --worker-id name only by expiry.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "oddsctl/store/lease_helpers.hpp"
#include "oddsctl/scan.hpp"

using namespace oddsctl;
using std::chrono::seconds;

namespace {

// A pid that existed and is gone: a child that exited and was reaped.
int dead_pid() {
  pid_t pid = ::fork();
  if (pid == 0) _exit(0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return pid;
}

std::string host() {
  std::string id = store::default_worker_id();
  return id.substr(0, id.rfind(':'));
}

std::filesystem::path temp_dir() {
  static const auto dir = std::filesystem::temp_directory_path() / ("oddsctl-reclaim-" + std::to_string(::getpid()));
  // Removed when the test program ends.
  static const struct Cleanup {
    std::filesystem::path p;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(p, ec);
    }
  } cleanup{dir};
  return dir;
}

std::unique_ptr<store::Store> temp_store(const char* name) {
  auto dir = temp_dir();
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::filesystem::remove(path);
  return store::open_store((dir / name).string());
}

}  // namespace

TEST_CASE("lease_owner_gone: only host:pid of this host with no such process") {
  CHECK(store::lease_owner_gone(host() + ":" + std::to_string(dead_pid())));
  CHECK_FALSE(store::lease_owner_gone(store::default_worker_id()));                  // ourselves
  CHECK_FALSE(store::lease_owner_gone(host() + ":" + std::to_string(::getppid())));  // alive
  CHECK_FALSE(store::lease_owner_gone("some-other-host-x:" + std::to_string(dead_pid())));
  CHECK_FALSE(store::lease_owner_gone("worker-7"));
  CHECK_FALSE(store::lease_owner_gone(host() + ":"));
  CHECK_FALSE(store::lease_owner_gone(host() + ":12x"));
  CHECK_FALSE(store::lease_owner_gone(host() + ":0"));
  CHECK_FALSE(store::lease_owner_gone(host() + ":1"));
  CHECK_FALSE(store::lease_owner_gone(":" + std::to_string(dead_pid())));
}

TEST_CASE("acquire_or_reclaim_lease: a dead local holder's lease is taken at once, a live one is not") {
  auto store = temp_store("reclaim.db");
  const std::string dead = host() + ":" + std::to_string(dead_pid());
  const TimePoint now = now_utc();
  REQUIRE(store->acquire_lease("scan:au", dead, seconds(120), now).acquired);
  auto r = acquire_or_reclaim_lease(*store, "scan:au", store::default_worker_id(), seconds(120), now + seconds(1));
  CHECK(r.acquired);
  CHECK(store->list_leases().at(0).owner == store::default_worker_id());

  const std::string alive = host() + ":" + std::to_string(::getppid());
  REQUIRE(store->acquire_lease("scan:uk", alive, seconds(120), now).acquired);
  CHECK_FALSE(acquire_or_reclaim_lease(*store, "scan:uk", store::default_worker_id(), seconds(120), now).acquired);

  REQUIRE(store->acquire_lease("scan:us", "worker-7", seconds(120), now).acquired);
  CHECK_FALSE(acquire_or_reclaim_lease(*store, "scan:us", store::default_worker_id(), seconds(120), now).acquired);
}

TEST_CASE("release_noted_leases gives back what is still noted, and nothing released already") {
  auto store = temp_store("noted.db");
  const TimePoint now = now_utc();
  REQUIRE(store->acquire_lease("scan:au", "me", seconds(120), now).acquired);
  REQUIRE(store->acquire_lease("scan:uk", "me", seconds(120), now).acquired);
  note_lease_held(*store, "scan:au", "me");
  note_lease_held(*store, "scan:uk", "me");
  note_lease_released(*store, "scan:uk", "me");
  CHECK(store::release_noted_leases() == 1);
  auto leases = store->list_leases();
  REQUIRE(leases.size() == 1);
  CHECK(leases[0].name == "scan:uk");
  CHECK(store::release_noted_leases() == 0);
}
