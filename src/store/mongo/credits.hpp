// Credit reservations in the Mongo store: one document per key in the `credits` collection,
//   {_id: key_id, version, remaining, reported_at, holds: [{id, owner, cost, expires_at}]}
// changed only by a conditional update on the version it was read at (optimistic locking):
// the read-check-write of a reservation is atomic, and a lost race is read again. The
// decisions are pure functions (credit_rules.hpp), tested without a server.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "oddsctl/store.hpp"
#include "store/credit_rules.hpp"
#include "store/mongo/bson_io.hpp"
#include "store/mongo/handles.hpp"

namespace oddsctl::store::mongo {

inline constexpr const char* k_credits_collection = "credits";

struct CreditHoldDoc {
  std::string id;
  std::string owner;
  std::int64_t cost = 0;
  TimePoint expires_at{};
};

struct CreditDoc {
  std::string key_id;
  std::int64_t version = 0;  // 0: no document yet
  credit_rules::KeyFigure figure;
  std::vector<CreditHoldDoc> holds;
};

CreditDoc credit_doc_from_bson(const std::string& key_id, const Reader& r);
// {_id: key_id, version: version}
Bson credit_version_filter(const std::string& key_id, std::int64_t version);
// {$set: {version: next.version, remaining, reported_at, holds}}
Bson credit_update(const CreditDoc& next);

struct CreditStep {
  CreditDoc next;  // version already incremented
  CreditGrant grant;
};
// Expired holds dropped, the figure merged with the caller's, and the hold added when allowed.
CreditStep plan_reserve(const CreditDoc& current, const CreditRequest& request, const std::string& new_id);
CreditDoc plan_settle(const CreditDoc& current, const CreditHold& hold, std::int64_t charged, const Credits& credits,
                      TimePoint now);
CreditDoc plan_release(const CreditDoc& current, const CreditHold& hold);

}  // namespace oddsctl::store::mongo
