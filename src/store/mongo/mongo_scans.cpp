// Scans, the latest-good pointer per region and source, and leases in the Mongo store.
#include "oddsctl/errors.hpp"
#include "store/mongo/bson_io.hpp"
#include "store/mongo/mapping.hpp"
#include "store/mongo/mongo_store_impl.hpp"
#include "store/mongo/queries.hpp"

namespace oddsctl::store::mongo {

// The latest-good rule (the same as SQLite's), per (region, source): a good() scan moves its
// source's pointer unless that names a scan that started later; anything else never moves it
// (and drops it when the very scan it names is rewritten as not good); other sources'
// pointers are left alone, but for one naming this scan under its old source; skipped is
// not stored.
void MongoStore::save_scan(const RegionScan& scan) {
  if (scan.status == RegionStatus::skipped) return;
  Conn c = conn();
  // 1. The whole scan, opportunities included, in one atomic document write.
  c.replace_by_id("scans", scan_to_bson(scan), "save scan");
  // 2. Then the pointer, so that it never names a scan that is not completely written.
  // 2a. Pointers that name this scan but no longer may (see latest_good_stale_filter).
  c.delete_many("latest_good", latest_good_stale_filter(scan), "drop latest good");
  if (scan.good()) {
    Bson pointer = latest_good_to_bson(scan);
    Bson update;
    put_child(update.get(), "$set", [&](bson_t* set) {
      bson_iter_t it;
      if (bson_iter_init(&it, pointer.get())) {
        while (bson_iter_next(&it)) {
          if (std::string(bson_iter_key(&it)) != "_id") bson_append_iter(set, bson_iter_key(&it), -1, &it);
        }
      }
    });
    // A collision on _id means a pointer exists that the filter did not match (a newer
    // one), or that another writer inserted it between our match and our insert: the plain
    // update settles both, moving it only if it is older than this scan.
    Bson filter = latest_good_forward_filter(scan);
    if (!c.update_one("latest_good", filter, update, true, "set latest good", true)) {
      c.update_one("latest_good", filter, update, false, "set latest good");
    }
  }
}

std::optional<RegionScan> MongoStore::latest_good(const std::string& region, ScanSource source) {
  Conn c = conn();
  auto pointer = c.find_one("latest_good", by_id(latest_good_doc_id(region, source)), "read latest good");
  if (!pointer) return std::nullopt;
  auto doc = c.find_one("scans", by_id(Reader(pointer->get()).str("scan_doc_id")), "read latest good");
  if (!doc) return std::nullopt;
  return scan_from_bson(Reader(doc->get()));
}

std::vector<RegionScan> MongoStore::list_scans(const ScanQuery& query) {
  Conn c = conn();
  Bson opts = scan_find_opts(query);
  std::vector<RegionScan> out;
  for (const auto& d : c.find("scans", scan_filter(query), &opts, "list scans"))
    out.push_back(scan_from_bson(Reader(d.get())));
  return out;
}

std::vector<RegionScan> MongoStore::get_scan(const std::string& scan_id) {
  Conn c = conn();
  Bson filter;
  put_str(filter.get(), "scan_id", scan_id);
  Bson opts;
  put_child(opts.get(), "sort", [](bson_t* s) { put_i32(s, "region", 1); });
  std::vector<RegionScan> out;
  for (const auto& d : c.find("scans", filter, &opts, "read scan")) out.push_back(scan_from_bson(Reader(d.get())));
  return out;
}

void MongoStore::invalidate(const std::optional<std::string>& region) {
  Conn c = conn();
  if (region) {
    c.delete_many("latest_good", latest_good_region_filter(*region), "invalidate");
  } else {
    c.delete_many("latest_good", Bson(), "invalidate");
  }
}

// --- leases ---

LeaseResult MongoStore::acquire_lease(const std::string& name, const std::string& owner, Millis ttl, TimePoint now) {
  Conn c = conn();
  // A holder can release between our failed upsert and our read: try again a few times.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto taken = c.find_and_upsert("leases", lease_acquire_filter(name, owner, now),
                                   lease_acquire_update(owner, ttl, now), "acquire lease");
    if (taken) return LeaseResult{true, lease_from_bson(Reader(taken->get()))};
    auto holder = c.find_one("leases", by_id(name), "read lease holder");
    if (holder) return LeaseResult{false, lease_from_bson(Reader(holder->get()))};
  }
  throw StoreError(m_label + ": acquire lease: " + name + " changed hands repeatedly; try again");
}

bool MongoStore::renew_lease(const std::string& name, const std::string& owner, Millis ttl, TimePoint now) {
  Conn c = conn();
  auto result =
      c.update_one("leases", lease_owner_filter(name, owner), lease_renew_update(ttl, now), false, "renew lease");
  return result && result->matched > 0;
}

LeaseResult MongoStore::acquire_lease_from(const std::string& name, const std::string& owner,
                                           const std::string& dead_owner, Millis ttl, TimePoint now) {
  if (dead_owner != owner) {
    Conn c = conn();
    // Matches only while the dead owner still holds it: a live run that took it meanwhile keeps it.
    auto result = c.update_one("leases", lease_owner_filter(name, dead_owner), lease_takeover_update(owner, ttl, now),
                               false, "take over lease");
    if (result && result->matched > 0) return LeaseResult{true, Lease{name, owner, now, now + ttl}};
  }
  return acquire_lease(name, owner, ttl, now);  // released, expired or taken meanwhile
}

void MongoStore::release_lease(const std::string& name, const std::string& owner) {
  conn().delete_one("leases", lease_owner_filter(name, owner), "release lease");
}

std::vector<Lease> MongoStore::list_leases() {
  Conn c = conn();
  Bson opts;
  put_child(opts.get(), "sort", [](bson_t* s) { put_i32(s, "_id", 1); });
  std::vector<Lease> out;
  for (const auto& d : c.find("leases", Bson(), &opts, "list leases")) out.push_back(lease_from_bson(Reader(d.get())));
  return out;
}

}  // namespace oddsctl::store::mongo
