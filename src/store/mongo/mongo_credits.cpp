#include "store/mongo/credits.hpp"

#include <algorithm>

#include "oddsctl/errors.hpp"
#include "store/mongo/mongo_store_impl.hpp"
#include "store/mongo/queries.hpp"

namespace oddsctl::store::mongo {

CreditDoc credit_doc_from_bson(const std::string& key_id, const Reader& r) {
  CreditDoc d;
  d.key_id = key_id;
  d.version = r.i64("version", 0);
  d.figure.remaining = r.opt_i64("remaining");
  d.figure.reported_at = r.opt_date("reported_at");
  r.each("holds", [&](const Reader& h) {
    d.holds.push_back(CreditHoldDoc{h.str("id"), h.str("owner"), h.i64("cost"), h.date("expires_at")});
  });
  return d;
}

Bson credit_version_filter(const std::string& key_id, std::int64_t version) {
  Bson f;
  put_str(f.get(), "_id", key_id);
  put_i64(f.get(), "version", version);
  return f;
}

Bson credit_update(const CreditDoc& next) {
  Bson u;
  put_child(u.get(), "$set", [&](bson_t* s) {
    put_i64(s, "version", next.version);
    put_opt_i64(s, "remaining", next.figure.remaining);
    put_opt_date(s, "reported_at", next.figure.reported_at);
    put_child_array(s, "holds", next.holds.size(), [&](std::size_t i, bson_t* h) {
      put_str(h, "id", next.holds[i].id);
      put_str(h, "owner", next.holds[i].owner);
      put_i64(h, "cost", next.holds[i].cost);
      put_date(h, "expires_at", next.holds[i].expires_at);
    });
  });
  return u;
}

CreditStep plan_reserve(const CreditDoc& current, const CreditRequest& r, const std::string& new_id) {
  CreditStep step{current, {}};
  CreditDoc& next = step.next;
  next.version = current.version + 1;
  std::erase_if(next.holds, [&](const CreditHoldDoc& h) { return h.expires_at <= r.now; });
  next.figure = credit_rules::merge(current.figure, r.known_remaining, r.known_at);
  for (const auto& h : next.holds) step.grant.held += h.cost;
  step.grant.remaining = next.figure.remaining;
  if (credit_rules::allows(next.figure.remaining, step.grant.held, r.cost, r.reserve)) {
    next.holds.push_back(CreditHoldDoc{new_id, r.owner, r.cost, r.now + r.ttl});
    step.grant.hold = CreditHold{r.key_id, new_id};
  }
  return step;
}

CreditDoc plan_settle(const CreditDoc& current, const CreditHold& hold, std::int64_t charged, const Credits& credits,
                      TimePoint now) {
  CreditDoc next = plan_release(current, hold);
  next.figure = credit_rules::settled(current.figure, charged, credits, now);
  return next;
}

CreditDoc plan_release(const CreditDoc& current, const CreditHold& hold) {
  CreditDoc next = current;
  next.version = current.version + 1;
  std::erase_if(next.holds, [&](const CreditHoldDoc& h) { return h.id == hold.id; });
  return next;
}

namespace {

// Reads the key's document, applies `plan` and writes the result only if nobody changed the
// document meanwhile; a lost race is read and decided again.
template <class Plan>
auto apply_credits(const Conn& c, const std::string& label, const std::string& key_id, const char* op, Plan plan) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    auto found = c.find_one(k_credits_collection, by_id(key_id), op);
    CreditDoc current = found ? credit_doc_from_bson(key_id, Reader(found->get())) : CreditDoc{key_id, 0, {}, {}};
    auto result = plan(current);
    const CreditDoc& next = [&]() -> const CreditDoc& {
      if constexpr (std::is_same_v<decltype(result), CreditStep>) return result.next;
      else return result;
    }();
    auto written = c.update_one(k_credits_collection, credit_version_filter(key_id, current.version),
                                credit_update(next), true, op, true);
    if (written && (written->matched > 0 || written->upserted > 0)) return result;
  }
  throw StoreError(label + ": " + op + ": key " + key_id + " changed too often to update; try again");
}

}  // namespace

CreditGrant MongoStore::reserve_credits(const CreditRequest& request) {
  const std::string id = credit_rules::new_hold_id();
  CreditStep step = apply_credits(conn(), m_label, request.key_id, "reserve credits",
                                  [&](const CreditDoc& cur) { return plan_reserve(cur, request, id); });
  return step.grant;
}

void MongoStore::settle_credits(const CreditHold& hold, std::int64_t charged, const Credits& credits, TimePoint now) {
  apply_credits(conn(), m_label, hold.key_id, "settle credits",
                [&](const CreditDoc& cur) { return plan_settle(cur, hold, charged, credits, now); });
}

void MongoStore::release_credits(const CreditHold& hold) {
  apply_credits(conn(), m_label, hold.key_id, "release credits",
                [&](const CreditDoc& cur) { return plan_release(cur, hold); });
}

}  // namespace oddsctl::store::mongo
