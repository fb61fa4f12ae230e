// parse_events_json: a SAX reader that builds Events straight from the bytes.
// Why SAX: a DOM of a 20 MB /odds body costs several times its size in small allocations
// (one map node per key); reading into the value types directly keeps a scan of a large
// recorded set far below the memory target and is faster too.
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/price.hpp"
#include "oddsctl/odds.hpp"

namespace oddsctl {
namespace {

using nlohmann::json;

// Where the reader is in the document; `skip` is any value we do not read.
enum class Ctx { root, events, event, bookmakers, bookmaker, markets, market, outcomes, outcome, skip };

class EventsReader : public nlohmann::json_sax<json> {
public:
  std::vector<Event> events;
  bool any_negative_price = false;
  std::string error;  // why the reader stopped

  bool null() override { return scalar_ok(); }
  bool boolean(bool) override { return scalar_ok(); }
  bool number_integer(number_integer_t v) override { return number(static_cast<double>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return number(static_cast<double>(v)); }
  bool number_float(number_float_t v, const string_t&) override { return number(v); }
  bool binary(binary_t&) override { return scalar_ok(); }
  bool string(string_t& v) override { return scalar_ok() && text(v); }

  bool key(string_t& k) override {
    m_key = std::move(k);
    return true;
  }

  bool start_object(std::size_t) override {
    switch (top()) {
    case Ctx::root: return fail("expected an array of events");
    case Ctx::events:
      events.emplace_back();
      m_has_commence = false;
      return push(Ctx::event);
    case Ctx::bookmakers:
      events.back().bookmakers.emplace_back();
      return push(Ctx::bookmaker);
    case Ctx::markets:
      events.back().bookmakers.back().markets.emplace_back();
      return push(Ctx::market);
    case Ctx::outcomes:
      events.back().bookmakers.back().markets.back().outcomes.emplace_back();
      return push(Ctx::outcome);
    default: return push(Ctx::skip);
    }
  }

  bool end_object() override {
    if (top() == Ctx::event) {
      const Event& e = events.back();
      if (e.id.empty()) return fail("an event without an id");
      if (!m_has_commence) return fail("event " + e.id + " has no commence_time");
    }
    m_stack.pop_back();
    return true;
  }

  bool start_array(std::size_t) override {
    switch (top()) {
    case Ctx::root: return push(Ctx::events);
    case Ctx::events: return fail("expected an array of events");
    case Ctx::bookmakers:
    case Ctx::markets:
    case Ctx::outcomes: return fail("expected objects in '" + m_key + "', found an array");
    case Ctx::event: return push(m_key == "bookmakers" ? Ctx::bookmakers : Ctx::skip);
    case Ctx::bookmaker: return push(m_key == "markets" ? Ctx::markets : Ctx::skip);
    case Ctx::market: return push(m_key == "outcomes" ? Ctx::outcomes : Ctx::skip);
    default: return push(Ctx::skip);
    }
  }

  bool end_array() override {
    m_stack.pop_back();
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) override {
    std::string what = ex.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " tag: the reason is what matters.
    if (auto p = what.find("] "); p != std::string::npos && what.front() == '[') what.erase(0, p + 2);
    error = "not JSON: " + what;
    return false;
  }

private:
  std::vector<Ctx> m_stack{Ctx::root};
  std::string m_key;
  bool m_has_commence = false;
  std::string m_last_time_text;  // one-entry cache: neighbouring quotes share timestamps
  std::optional<TimePoint> m_last_time;

  Ctx top() const { return m_stack.back(); }
  bool push(Ctx c) {
    m_stack.push_back(c);
    return true;
  }
  bool fail(std::string why) {
    if (error.empty()) error = std::move(why);
    return false;
  }
  Outcome& outcome() { return events.back().bookmakers.back().markets.back().outcomes.back(); }

  std::optional<TimePoint> parse_time(const std::string& s) {
    if (!m_last_time || s != m_last_time_text) {
      m_last_time = try_parse_rfc3339(s);
      m_last_time_text = s;
    }
    return m_last_time;
  }

  // A scalar where an object is required means the body is not what we read.
  bool scalar_ok() {
    switch (top()) {
    case Ctx::root:
    case Ctx::events: return fail("expected an array of events");
    case Ctx::bookmakers:
    case Ctx::markets:
    case Ctx::outcomes: return fail("expected objects in '" + m_key + "'");
    default: return true;
    }
  }

  // A timestamp that is present but unreadable fails the body rather than being taken as
  // "no time": a quote without a time is treated as current, which must not be a fallback
  // for garbage.
  bool set_time(std::optional<TimePoint>& slot, const std::string& s) {
    slot = parse_time(s);
    return slot ? true : fail("bad " + m_key + " '" + s + "'");
  }

  bool text(std::string& v) {
    switch (top()) {
    case Ctx::event: {
      Event& e = events.back();
      if (m_key == "id") e.id = std::move(v);
      else if (m_key == "sport_key") e.sport_key = std::move(v);
      else if (m_key == "sport_title") e.sport_title = std::move(v);
      else if (m_key == "home_team") e.home_team = std::move(v);
      else if (m_key == "away_team") e.away_team = std::move(v);
      else if (m_key == "commence_time") {
        std::optional<TimePoint> t;
        if (!set_time(t, v)) return false;
        e.commence_time = *t;
        m_has_commence = true;
      }
      return true;
    }
    case Ctx::bookmaker: {
      Bookmaker& b = events.back().bookmakers.back();
      if (m_key == "key") b.key = std::move(v);
      else if (m_key == "title") b.title = std::move(v);
      else if (m_key == "last_update") return set_time(b.last_update, v);
      else if (m_key == "link") b.link = std::move(v);
      return true;
    }
    case Ctx::market: {
      Market& m = events.back().bookmakers.back().markets.back();
      if (m_key == "key") m.key = std::move(v);
      else if (m_key == "last_update") return set_time(m.last_update, v);
      else if (m_key == "link") m.link = std::move(v);
      return true;
    }
    case Ctx::outcome:
      if (m_key == "name") outcome().name = std::move(v);
      else if (m_key == "link") outcome().link = std::move(v);
      return true;
    default: return true;
    }
  }

  bool number(double v) {
    if (!scalar_ok()) return false;
    if (top() != Ctx::outcome) return true;
    if (m_key == "price") {
      outcome().price = v;
      if (v < 0) any_negative_price = true;
    } else if (m_key == "point") {
      outcome().point = v;
    } else if (m_key == "bet_limit") {
      // A limit that is not a positive amount is no limit we can cap a stake by.
      if (std::isfinite(v) && v > 0) outcome().bet_limit = v;
    }
    return true;
  }
};

}  // namespace

std::vector<Event> parse_events_json(std::string_view body, OddsFormat format) {
  EventsReader reader;
  const bool ok = json::sax_parse(body.begin(), body.end(), &reader);
  if (!ok) throw std::runtime_error(reader.error.empty() ? "not JSON" : reader.error);
  const bool american = format == OddsFormat::american ||
                        (format == OddsFormat::automatic && reader.any_negative_price);
  normalise_prices(reader.events, american);
  return std::move(reader.events);
}

}  // namespace oddsctl
