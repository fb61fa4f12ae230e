// migrate_store (`store migrate`) between two stores of one backend: scans keep their
// provenance, and each (region, source) latest good pointer comes out as the source's.
#include <algorithm>

#include "backends.hpp"
#include "fixtures.hpp"
#include "oddsctl/store/migrate.hpp"

using namespace oddsctl;
using namespace oddsctl::test;

namespace {

constexpr store::ScanSource k_sources[] = {store::ScanSource::live, store::ScanSource::replay, store::ScanSource::demo,
                                           store::ScanSource::store};

store::RegionScan from_source(const std::string& scan_id, const std::string& region, TimePoint started_at,
                              store::ScanSource source, store::EmptyReason empty = store::EmptyReason::none) {
  store::RegionScan s =
      make_scan(scan_id, region, started_at, store::RegionStatus::ok, empty == store::EmptyReason::none ? 2 : 0);
  s.source = source;
  s.empty = empty;
  return s;
}

std::unique_ptr<store::Store> fresh_store_like(const std::string& backend) {
  for (const auto& b : backends())
    if (b.name == backend) return store::open_store(b.fresh_uri());
  FAIL("no backend " << backend);
  return nullptr;
}

std::string latest_id(store::Store& store, const std::string& region, store::ScanSource source) {
  auto got = store.latest_good(region, source);
  return got ? got->scan_id : std::string("(none)");
}

// Pointers that a plain oldest-first copy would get wrong: au's live one names an older scan
// than its newest good (invalidated, then a late run saved), uk has no live one but a demo one.
void seed(store::Store& store) {
  store.save_scan(from_source("L1", "au", at_s(0), store::ScanSource::live));
  store.save_scan(from_source("L2", "au", at_s(60), store::ScanSource::live));
  store.invalidate(std::string("au"));
  store.save_scan(from_source("L0", "au", at_s(30), store::ScanSource::live));  // finished late
  store.save_scan(from_source("D1", "au", at_s(10), store::ScanSource::demo));
  store.save_scan(from_source("D2", "au", at_s(90), store::ScanSource::demo, store::EmptyReason::filtered));
  store.save_scan(from_source("S1", "au", at_s(20), store::ScanSource::store));
  store.save_scan(from_source("S2", "au", at_s(80), store::ScanSource::store, store::EmptyReason::no_snapshots));
  store.save_scan(from_source("U1", "uk", at_s(0), store::ScanSource::live));
  store.invalidate(std::string("uk"));
  store.save_scan(from_source("UD", "uk", at_s(30), store::ScanSource::demo));
  store.save_scan(from_source("E1", "eu", at_s(0), store::ScanSource::live, store::EmptyReason::no_events));
}

void check_pointers_match(store::Store& from, store::Store& to) {
  for (const char* region : {"au", "uk", "eu"})
    for (store::ScanSource source : k_sources) {
      INFO("region " << region << ", source " << to_string(source));
      CHECK(latest_id(to, region, source) == latest_id(from, region, source));
    }
}

}  // namespace

TEST_CASE("migrate copies scans with their source and empty, and each source's latest good") {
  for_each_backend([](store::Store& from, const std::string&, const std::string& backend) {
    seed(from);
    REQUIRE(latest_id(from, "au", store::ScanSource::live) == "L0");
    REQUIRE(latest_id(from, "au", store::ScanSource::demo) == "D1");

    auto to = fresh_store_like(backend);
    store::MigrateOptions dry;
    dry.dry_run = true;
    auto preview = migrate_store(from, *to, dry);
    CHECK(preview.copied["scans"] == 10);
    CHECK(preview.invalidated_regions == std::vector<std::string>{"uk"});
    CHECK(to->list_scans({.limit = 0}).empty());

    auto report = migrate_store(from, *to, store::MigrateOptions{});
    CHECK(report.copied["scans"] == 10);
    CHECK(report.invalidated_regions == std::vector<std::string>{"uk"});
    CHECK(report.warnings.empty());
    check_pointers_match(from, *to);
    CHECK(latest_id(*to, "au", store::ScanSource::live) == "L0");
    CHECK(latest_id(*to, "au", store::ScanSource::store) == "S1");
    CHECK(latest_id(*to, "uk", store::ScanSource::demo) == "UD");
    CHECK(latest_id(*to, "eu", store::ScanSource::live) == "E1");

    auto src = from.list_scans({.limit = 0, .with_opportunities = true});
    auto dst = to->list_scans({.limit = 0, .with_opportunities = true});
    REQUIRE(src.size() == dst.size());
    auto key = [](const store::RegionScan& s) { return s.scan_id + "/" + s.region; };
    auto by_key = [&](const store::RegionScan& a, const store::RegionScan& b) { return key(a) < key(b); };
    std::sort(src.begin(), src.end(), by_key);
    std::sort(dst.begin(), dst.end(), by_key);
    for (std::size_t i = 0; i < src.size(); ++i) check_same(dst[i], src[i]);
  });
}

TEST_CASE("migrate --force keeps the target's own newer latest good, and says so") {
  for_each_backend([](store::Store& from, const std::string&, const std::string& backend) {
    seed(from);
    auto to = fresh_store_like(backend);
    to->save_scan(from_source("T9", "au", at_s(1000), store::ScanSource::live));
    store::MigrateOptions force;
    force.force = true;
    auto report = migrate_store(from, *to, force);
    CHECK(latest_id(*to, "au", store::ScanSource::live) == "T9");
    REQUIRE(report.warnings.size() == 1);
    CHECK(report.warnings[0].find("T9") != std::string::npos);
    CHECK(report.warnings[0].find("L0") != std::string::npos);
    // The other sources still come out as the source's.
    CHECK(latest_id(*to, "au", store::ScanSource::demo) == "D1");
    CHECK(latest_id(*to, "au", store::ScanSource::store) == "S1");
    CHECK(latest_id(*to, "uk", store::ScanSource::demo) == "UD");
    CHECK_FALSE(to->latest_good("uk").has_value());
  });
}
