// The free /v4/sports list, kept in the store (meta key `api.sports_list`) for a TTL
// (setting api.sports_ttl, default 1h), so that a worker cycle after the first makes only
// /odds calls. Internal to src/scan.
#pragma once

#include <optional>
#include <vector>

#include "oddsctl/api.hpp"
#include "oddsctl/odds.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl::store {
class Store;
}  // namespace oddsctl::store

namespace oddsctl::scan {

// The stored list when it is younger than `ttl` (and `ttl` is positive), else nullopt. A
// list kept in the older form (sport keys only) or unreadable counts as absent. Never throws:
// a store that cannot be read only costs a free call.
std::optional<std::vector<Sport>> stored_sports(store::Store* store, Millis ttl, TimePoint now);
// Keeps `sports` with the time `now`. A failed write is logged at debug level, never thrown.
void keep_sports(store::Store* store, const std::vector<Sport>& sports, TimePoint now);
// The stored list when fresh, else api.sports() (which may throw ApiError), kept.
std::vector<Sport> sports_list(store::Store* store, Millis ttl, api::OddsApi& api);

}  // namespace oddsctl::scan
