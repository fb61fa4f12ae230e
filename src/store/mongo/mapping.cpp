#include "store/mongo/mapping.hpp"

#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "oddsctl/errors.hpp"
#include "util/module_log.hpp"

namespace oddsctl::store::mongo {

std::string scan_doc_id(const std::string& scan_id, const std::string& region) { return scan_id + ":" + region; }

std::string latest_good_doc_id(const std::string& region, ScanSource source) {
  if (source == ScanSource::live) return region;
  return region + ":" + to_string(source);
}

std::vector<std::string> latest_good_doc_ids(const std::string& region) {
  std::vector<std::string> ids;
  for (ScanSource s : {ScanSource::live, ScanSource::replay, ScanSource::demo, ScanSource::store})
    ids.push_back(latest_good_doc_id(region, s));
  return ids;
}

std::string tracked_doc_id(const std::string& region, const std::string& event_id) { return region + ":" + event_id; }

std::string snapshot_doc_id(const Snapshot& s) {
  return s.region + ":" + s.event_id + ":" + std::to_string(to_epoch_ms(s.taken_at)) + ":" + s.fingerprint;
}

// --- scans ---

namespace {

void put_leg(bson_t* b, const Leg& leg) {
  put_str(b, "outcome", leg.outcome);
  put_opt_double(b, "point", leg.point);
  put_double(b, "price", leg.price);
  put_double(b, "effective_price", leg.effective_price);
  put_str_array(b, "bookmakers", leg.bookmakers);
  put_opt_double(b, "stake", leg.stake);
  if (leg.age_s) put_double(b, "age_s", *leg.age_s);
  if (leg.seen_since) put_date(b, "seen_since", *leg.seen_since);
  if (leg.previous_price) put_double(b, "previous_price", *leg.previous_price);
  if (leg.link) put_str(b, "link", *leg.link);
}

// The fields of the kinds beyond arbitrage (value bets, middles, holds, rounded stakes) are
// kept as one sub-document in the opportunity's own JSON form: one description of them
// (to_json / opportunity_from_json) instead of a second mapping to keep in step.
const std::set<std::string>& base_fields() {
  static const std::set<std::string> base = {"region",     "sport_key",     "sport_title", "event_id", "home_team",
                                             "away_team",  "commence_time", "market",      "point",    "implied_sum",
                                             "profit_pct", "legs",          "kind",        "flags"};
  return base;
}

nlohmann::json kind_fields(const Opportunity& o) {
  nlohmann::json detail = nlohmann::json::object();
  const nlohmann::json whole = to_json(o);
  for (const auto& [k, v] : whole.items())
    if (!base_fields().count(k)) detail[k] = v;
  return detail;
}

Leg leg_from_bson(const Reader& r) {
  Leg leg;
  leg.outcome = r.str("outcome");
  leg.point = r.opt_double("point");
  leg.price = r.dbl("price");
  leg.effective_price = r.dbl("effective_price", leg.price);
  leg.bookmakers = r.str_array("bookmakers");
  leg.stake = r.opt_double("stake");
  leg.age_s = r.opt_double("age_s");
  leg.seen_since = r.opt_date("seen_since");
  leg.previous_price = r.opt_double("previous_price");
  leg.link = r.opt_str("link");
  return leg;
}

}  // namespace

void put_opportunity(bson_t* b, const Opportunity& o) {
  put_str(b, "region", o.region);
  put_str(b, "sport_key", o.sport_key);
  put_str(b, "sport_title", o.sport_title);
  put_str(b, "event_id", o.event_id);
  put_str(b, "home_team", o.home_team);
  put_str(b, "away_team", o.away_team);
  put_date(b, "commence_time", o.commence_time);
  put_str(b, "market", o.market);
  put_opt_double(b, "point", o.point);
  put_double(b, "implied_sum", o.implied_sum);
  put_double(b, "profit_pct", o.profit_pct);
  put_child_array(b, "legs", o.legs.size(), [&](std::size_t i, bson_t* c) { put_leg(c, o.legs[i]); });
  put_str(b, "kind", to_string(o.kind));
  put_str_array(b, "flags", o.flags);
  auto detail = kind_fields(o);
  if (!detail.empty()) {
    const std::string text = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    bson_error_t error;
    bson_t sub;
    if (!bson_init_from_json(&sub, text.c_str(), -1, &error))
      throw StoreError(std::string("mongodb: opportunity fields cannot be mapped: ") + error.message);
    bson_append_document(b, "detail", -1, &sub);
    bson_destroy(&sub);
  }
}

Opportunity opportunity_from_bson(const Reader& r) {
  Opportunity o;
  o.region = r.str("region");
  o.sport_key = r.str("sport_key");
  o.sport_title = r.str("sport_title");
  o.event_id = r.str("event_id");
  o.home_team = r.str("home_team");
  o.away_team = r.str("away_team");
  o.commence_time = r.date("commence_time");
  o.market = r.str("market");
  o.point = r.opt_double("point");
  o.implied_sum = r.dbl("implied_sum");
  o.profit_pct = r.dbl("profit_pct");
  r.each("legs", [&](const Reader& leg) { o.legs.push_back(leg_from_bson(leg)); });
  o.flags = r.str_array("flags");
  auto kind = r.opt_str("kind");
  bson_iter_t it;
  if (bson_iter_init_find(&it, r.doc(), "detail") && BSON_ITER_HOLDS_DOCUMENT(&it)) {
    uint32_t len = 0;
    const uint8_t* data = nullptr;
    bson_iter_document(&it, &len, &data);
    bson_t sub;
    if (bson_init_static(&sub, data, len)) {
      size_t n = 0;
      char* text = bson_as_relaxed_extended_json(&sub, &n);
      nlohmann::json j = to_json(o);
      if (text) {
        j.update(nlohmann::json::parse(text, text + n));
        bson_free(text);
      }
      if (kind) j["kind"] = *kind;
      return opportunity_from_json(j);
    }
  }
  if (kind) {
    auto k = opportunity_kind_from_string(*kind);
    if (!k) throw StoreError("mongodb: unknown opportunity kind " + *kind);
    o.kind = *k;
  }
  return o;
}

// Tolerant like the rest of the mapping (absent fields read as empty, documents of other
// tools and versions still read): only what no reader can use is a problem.
std::optional<std::string> opportunity_problem(const Reader& r) {
  if (!r.opt_str("market")) return std::string("no market");
  bson_iter_t it;
  bson_iter_t leg;
  if (!bson_iter_init_find(&it, r.doc(), "legs") || !BSON_ITER_HOLDS_ARRAY(&it) || !bson_iter_recurse(&it, &leg))
    return std::string("no legs");
  while (bson_iter_next(&leg)) {
    if (!BSON_ITER_HOLDS_DOCUMENT(&leg)) return std::string("a leg is not a document");
    uint32_t len = 0;
    const uint8_t* data = nullptr;
    bson_iter_document(&leg, &len, &data);
    bson_t sub;
    if (!bson_init_static(&sub, data, len)) return std::string("a leg cannot be read");
    Reader l(&sub);
    if (!l.opt_double("price")) return std::string("a leg has no price");
  }
  return std::nullopt;
}

std::vector<Opportunity> opportunities_from_bson(const Reader& scan) {
  std::vector<Opportunity> out;
  bson_iter_t it;
  bson_iter_t elem;
  if (!bson_iter_init_find(&it, scan.doc(), "opportunities") || !BSON_ITER_HOLDS_ARRAY(&it) ||
      !bson_iter_recurse(&it, &elem))
    return out;
  for (std::size_t index = 0; bson_iter_next(&elem); ++index) {
    std::optional<std::string> problem;
    if (!BSON_ITER_HOLDS_DOCUMENT(&elem)) {
      problem = "not a document";
    } else {
      uint32_t len = 0;
      const uint8_t* data = nullptr;
      bson_iter_document(&elem, &len, &data);
      bson_t sub;
      if (!bson_init_static(&sub, data, len)) {
        problem = "not a valid document";
      } else {
        Reader o(&sub);
        problem = opportunity_problem(o);
        if (!problem) out.push_back(opportunity_from_bson(o));
      }
    }
    // One damaged entry costs that entry: the rest of the scan and every other region are
    // still served.
    if (problem)
      module_log::warn(fmt::format("mongodb: scan {} region {}: opportunity {} skipped, it cannot be read: {}",
                                   scan.str("scan_id"), scan.str("region"), index, *problem));
  }
  return out;
}

Bson scan_to_bson(const RegionScan& s) {
  Bson doc;
  bson_t* b = doc.get();
  put_str(b, "_id", scan_doc_id(s.scan_id, s.region));
  put_str(b, "scan_id", s.scan_id);
  put_str(b, "region", s.region);
  put_str(b, "command", s.command);
  put_str(b, "source", to_string(s.source));
  put_str(b, "empty", to_string(s.empty));
  put_str(b, "worker", s.worker);
  put_date(b, "started_at", s.started_at);
  put_i64(b, "duration_ms", s.duration_ms);
  put_str(b, "status", to_string(s.status));
  put_opt_str(b, "error", s.error);
  put_str_array(b, "failed_sports", s.failed_sports);
  put_i32(b, "requests", s.requests);
  put_opt_i64(b, "credits_used", s.credits_used);
  put_opt_i64(b, "credits_remaining", s.credits_remaining);
  put_i32(b, "events", s.events);
  // The count survives projections that leave the array out (list_scans without
  // opportunities); a scan saved without its opportunities keeps the count it was given.
  int count = s.opportunities.empty() ? s.opportunity_count : static_cast<int>(s.opportunities.size());
  put_i32(b, "opportunity_count", count);
  put_child_array(b, "opportunities", s.opportunities.size(),
                  [&](std::size_t i, bson_t* c) { put_opportunity(c, s.opportunities[i]); });
  return doc;
}

RegionScan scan_from_bson(const Reader& r) {
  RegionScan s;
  s.scan_id = r.str("scan_id");
  s.region = r.str("region");
  s.command = r.str("command", "scan");
  // Absent on documents of schema 1, which were all live and said nothing about emptiness.
  // A word this binary does not know is a corrupt (or newer) document: never guessed.
  const std::string source = r.str("source", "live");
  auto known_source = scan_source_from_string(source);
  if (!known_source) throw StoreError("unknown scan source '" + source + "' in scan " + r.str("_id"));
  s.source = *known_source;
  const std::string empty = r.str("empty", "none");
  auto known_empty = empty_reason_from_string(empty);
  if (!known_empty) throw StoreError("unknown empty reason '" + empty + "' in scan " + r.str("_id"));
  s.empty = *known_empty;
  s.worker = r.str("worker");
  s.started_at = r.date("started_at");
  s.duration_ms = r.i64("duration_ms");
  s.status = region_status_from_string(r.str("status", "failed"));
  s.error = r.opt_str("error");
  s.failed_sports = r.str_array("failed_sports");
  s.requests = static_cast<int>(r.i64("requests"));
  s.credits_used = r.opt_i64("credits_used");
  s.credits_remaining = r.opt_i64("credits_remaining");
  s.events = static_cast<int>(r.i64("events"));
  s.opportunity_count = static_cast<int>(r.i64("opportunity_count"));
  s.opportunities = opportunities_from_bson(r);
  return s;
}

Bson latest_good_to_bson(const RegionScan& s) {
  Bson doc;
  bson_t* b = doc.get();
  put_str(b, "_id", latest_good_doc_id(s.region, s.source));
  put_str(b, "region", s.region);
  put_str(b, "source", to_string(s.source));
  put_str(b, "scan_doc_id", scan_doc_id(s.scan_id, s.region));
  put_str(b, "scan_id", s.scan_id);
  put_date(b, "started_at", s.started_at);
  return doc;
}

// --- events (snapshots) ---

void put_event(bson_t* b, const Event& e) {
  put_str(b, "id", e.id);
  put_str(b, "sport_key", e.sport_key);
  put_str(b, "sport_title", e.sport_title);
  put_str(b, "home_team", e.home_team);
  put_str(b, "away_team", e.away_team);
  put_date(b, "commence_time", e.commence_time);
  put_child_array(b, "bookmakers", e.bookmakers.size(), [&](std::size_t i, bson_t* bk) {
    const Bookmaker& book = e.bookmakers[i];
    put_str(bk, "key", book.key);
    put_str(bk, "title", book.title);
    put_opt_date(bk, "last_update", book.last_update);
    put_opt_str(bk, "link", book.link);
    put_child_array(bk, "markets", book.markets.size(), [&](std::size_t j, bson_t* mk) {
      const Market& m = book.markets[j];
      put_str(mk, "key", m.key);
      put_opt_date(mk, "last_update", m.last_update);
      put_opt_str(mk, "link", m.link);
      put_child_array(mk, "outcomes", m.outcomes.size(), [&](std::size_t k, bson_t* oc) {
        const Outcome& o = m.outcomes[k];
        put_str(oc, "name", o.name);
        put_double(oc, "price", o.price);
        put_opt_double(oc, "point", o.point);
        put_opt_str(oc, "link", o.link);
        put_opt_double(oc, "bet_limit", o.bet_limit);
      });
    });
  });
}

Event event_from_bson(const Reader& r) {
  Event e;
  e.id = r.str("id");
  e.sport_key = r.str("sport_key");
  e.sport_title = r.str("sport_title");
  e.home_team = r.str("home_team");
  e.away_team = r.str("away_team");
  e.commence_time = r.date("commence_time");
  r.each("bookmakers", [&](const Reader& bk) {
    Bookmaker book;
    book.key = bk.str("key");
    book.title = bk.str("title");
    book.last_update = bk.opt_date("last_update");
    book.link = bk.opt_str("link");
    bk.each("markets", [&](const Reader& mk) {
      Market m;
      m.key = mk.str("key");
      m.last_update = mk.opt_date("last_update");
      m.link = mk.opt_str("link");
      mk.each("outcomes", [&](const Reader& oc) {
        m.outcomes.push_back(Outcome{oc.str("name"), oc.dbl("price"), oc.opt_double("point"), oc.opt_str("link"),
                                     oc.opt_double("bet_limit")});
      });
      book.markets.push_back(std::move(m));
    });
    e.bookmakers.push_back(std::move(book));
  });
  return e;
}

// --- leases ---

Bson lease_to_bson(const Lease& l) {
  Bson doc;
  put_str(doc.get(), "_id", l.name);
  put_str(doc.get(), "owner", l.owner);
  put_date(doc.get(), "acquired_at", l.acquired_at);
  put_date(doc.get(), "expires_at", l.expires_at);
  return doc;
}

Lease lease_from_bson(const Reader& r) {
  return Lease{r.str("_id"), r.str("owner"), r.date("acquired_at"), r.date("expires_at")};
}

// --- tracked events ---

void put_tracked_identity(bson_t* b, const TrackedEvent& e) {
  put_str(b, "region", e.region);
  put_str(b, "event_id", e.event_id);
}

void put_tracked_discovery(bson_t* b, const TrackedEvent& e) {
  put_str(b, "sport_key", e.sport_key);
  put_str(b, "sport_title", e.sport_title);
  put_str(b, "home_team", e.home_team);
  put_str(b, "away_team", e.away_team);
  put_date(b, "commence_time", e.commence_time);
}

void put_tracked_state(bson_t* b, const TrackedEvent& e) {
  put_date(b, "discovered_at", e.discovered_at);
  put_opt_str(b, "pinned_tier", e.pinned_tier ? std::optional<std::string>(to_string(*e.pinned_tier)) : std::nullopt);
  put_opt_date(b, "last_synced_at", e.last_synced_at);
  put_opt_date(b, "last_changed_at", e.last_changed_at);
  put_opt_date(b, "last_attempt_at", e.last_attempt_at);
  put_str(b, "fingerprint", e.fingerprint);
  put_i32(b, "failures", e.failures);
  put_opt_str(b, "last_error", e.last_error);
}

Bson tracked_to_bson(const TrackedEvent& e) {
  Bson doc;
  bson_t* b = doc.get();
  put_str(b, "_id", tracked_doc_id(e.region, e.event_id));
  put_tracked_identity(b, e);
  put_tracked_discovery(b, e);
  put_tracked_state(b, e);
  return doc;
}

TrackedEvent tracked_from_bson(const Reader& r) {
  TrackedEvent e;
  e.region = r.str("region");
  e.event_id = r.str("event_id");
  e.sport_key = r.str("sport_key");
  e.sport_title = r.str("sport_title");
  e.home_team = r.str("home_team");
  e.away_team = r.str("away_team");
  e.commence_time = r.date("commence_time");
  e.discovered_at = r.date("discovered_at");
  if (auto tier = r.opt_str("pinned_tier")) e.pinned_tier = tier_from_string(*tier);
  e.last_synced_at = r.opt_date("last_synced_at");
  e.last_changed_at = r.opt_date("last_changed_at");
  e.last_attempt_at = r.opt_date("last_attempt_at");
  e.fingerprint = r.str("fingerprint");
  e.failures = static_cast<int>(r.i64("failures"));
  e.last_error = r.opt_str("last_error");
  return e;
}

// --- snapshots ---

Bson snapshot_to_bson(const Snapshot& s) {
  Bson doc;
  bson_t* b = doc.get();
  put_str(b, "_id", snapshot_doc_id(s));
  put_str(b, "region", s.region);
  put_str(b, "event_id", s.event_id);
  put_str(b, "sport_key", s.sport_key);
  put_date(b, "taken_at", s.taken_at);
  put_str(b, "fingerprint", s.fingerprint);
  put_child(b, "event", [&](bson_t* c) { put_event(c, s.event); });
  return doc;
}

Snapshot snapshot_from_bson(const Reader& r) {
  Snapshot s;
  s.region = r.str("region");
  s.event_id = r.str("event_id");
  s.sport_key = r.str("sport_key");
  s.taken_at = r.date("taken_at");
  s.fingerprint = r.str("fingerprint");
  r.child("event", [&](const Reader& ev) { s.event = event_from_bson(ev); });
  return s;
}

// --- ledger ---

Bson ledger_to_bson(const LedgerEntry& e) {
  Bson doc;
  bson_t* b = doc.get();
  put_date(b, "at", e.at);
  put_str(b, "key_id", e.key_id);
  put_str(b, "key_hint", e.key_hint);
  put_str(b, "region", e.region);
  put_str(b, "command", e.command);
  put_str(b, "endpoint", e.endpoint);
  put_str(b, "sport", e.sport);
  put_i32(b, "http_status", e.http_status);
  // Unknown credits stay null: "a missing header is unknown, never zero".
  put_opt_i64(b, "used", e.credits.used);
  put_opt_i64(b, "remaining", e.credits.remaining);
  put_opt_i64(b, "last", e.credits.last);
  return doc;
}

LedgerEntry ledger_from_bson(const Reader& r) {
  LedgerEntry e;
  e.at = r.date("at");
  e.key_id = r.str("key_id");
  e.key_hint = r.str("key_hint");
  e.region = r.str("region");
  e.command = r.str("command");
  e.endpoint = r.str("endpoint");
  e.sport = r.str("sport");
  e.http_status = static_cast<int>(r.i64("http_status"));
  e.credits.used = r.opt_i64("used");
  e.credits.remaining = r.opt_i64("remaining");
  e.credits.last = r.opt_i64("last");
  return e;
}

// --- alerts, heartbeats ---

Bson alert_to_bson(const AlertMark& a) {
  Bson doc;
  put_str(doc.get(), "_id", a.key);
  put_date(doc.get(), "sent_at", a.sent_at);
  put_double(doc.get(), "profit_pct", a.profit_pct);
  return doc;
}

AlertMark alert_from_bson(const Reader& r) { return AlertMark{r.str("_id"), r.date("sent_at"), r.dbl("profit_pct")}; }

Bson heartbeat_to_bson(const Heartbeat& h) {
  Bson doc;
  bson_t* b = doc.get();
  put_str(b, "_id", h.worker_id);
  put_str(b, "host", h.host);
  put_i32(b, "pid", h.pid);
  put_str(b, "command", h.command);
  put_date(b, "started_at", h.started_at);
  put_date(b, "last_cycle_at", h.last_cycle_at);
  put_i64(b, "cycles", h.cycles);
  put_opt_str(b, "last_error", h.last_error);
  return doc;
}

Heartbeat heartbeat_from_bson(const Reader& r) {
  Heartbeat h;
  h.worker_id = r.str("_id");
  h.host = r.str("host");
  h.pid = static_cast<int>(r.i64("pid"));
  h.command = r.str("command");
  h.started_at = r.date("started_at");
  h.last_cycle_at = r.date("last_cycle_at");
  h.cycles = r.i64("cycles");
  h.last_error = r.opt_str("last_error");
  return h;
}

}  // namespace oddsctl::store::mongo
