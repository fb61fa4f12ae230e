// The /v4/sports list kept in the store for a TTL (see sports_cache.hpp).
#include "scan/sports_cache.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "oddsctl/store.hpp"

namespace oddsctl::scan {

namespace {

const char* const k_meta_key = "api.sports_list";

}  // namespace

std::optional<std::vector<Sport>> stored_sports(store::Store* store, Millis ttl, TimePoint now) {
  if (!store || ttl.count() <= 0) return std::nullopt;
  try {
    auto text = store->get_meta(k_meta_key);
    if (!text) return std::nullopt;
    const auto j = nlohmann::json::parse(*text);
    const TimePoint at = from_epoch_ms(j.at("at").get<std::int64_t>());
    if (now - at > ttl || at > now + std::chrono::minutes(5)) return std::nullopt;  // old, or from a wrong clock
    if (!j.contains("sports")) return std::nullopt;  // keys only (an older oddsctl): not enough
    std::vector<Sport> out;
    for (const auto& s : j.at("sports")) {
      Sport sport;
      sport.key = s.at("key").get<std::string>();
      sport.group = s.value("group", "");
      sport.title = s.value("title", "");
      sport.active = s.value("active", true);
      sport.has_outrights = s.value("has_outrights", false);
      out.push_back(std::move(sport));
    }
    if (out.empty()) return std::nullopt;  // nothing to trust: ask again
    return out;
  } catch (const std::exception& e) {
    spdlog::debug("the stored sports list is not usable ({}): asking /v4/sports", e.what());
    return std::nullopt;
  }
}

void keep_sports(store::Store* store, const std::vector<Sport>& sports, TimePoint now) {
  if (!store) return;
  nlohmann::json keys = nlohmann::json::array(), list = nlohmann::json::array();
  for (const auto& s : sports) {
    keys.push_back(s.key);
    list.push_back({{"key", s.key},
                    {"group", s.group},
                    {"title", s.title},
                    {"active", s.active},
                    {"has_outrights", s.has_outrights}});
  }
  try {
    store->set_meta(k_meta_key, nlohmann::json{{"at", to_epoch_ms(now)}, {"keys", keys}, {"sports", list}}.dump());
  } catch (const std::exception& e) {
    spdlog::debug("could not keep the sports list: {}", e.what());
  }
}

std::vector<Sport> sports_list(store::Store* store, Millis ttl, api::OddsApi& api) {
  if (auto kept = stored_sports(store, ttl, now_utc())) {
    spdlog::debug("sports: {} from the store (younger than api.sports_ttl {}): no /v4/sports call", kept->size(),
                  format_duration(ttl));
    return *kept;
  }
  std::vector<Sport> sports = api.sports();
  if (ttl.count() > 0) keep_sports(store, sports, now_utc());
  return sports;
}

}  // namespace oddsctl::scan
