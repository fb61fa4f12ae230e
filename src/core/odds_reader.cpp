// EventReader and parse_events_json: simdjson's DOM, walked straight into the value types.
//
// The rules are those of the SAX reader this replaces (tests/unit/test_core_odds_json.cpp and the
// field-by-field comparison in tests/unit/test_core_odds_reader.cpp): fields we do not read are
// ignored whatever they hold; a field of the wrong type is as good as absent; a duplicate
// key's last value wins, and a duplicate array appends; the first failure in document order
// is the one reported.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <simdjson.h>

#include "core/odds_reader.hpp"
#include "core/price.hpp"
#include "util/lazy_simdjson.hpp"

namespace oddsctl {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// A body larger than this leaves the reader's buffers to be given back after it.
constexpr std::size_t k_keep_capacity = 32u << 20;

[[noreturn]] void fail(std::string why) { throw std::runtime_error(std::move(why)); }

bool is_number(const element& v) {
  const element_type t = v.type();
  return t == element_type::DOUBLE || t == element_type::INT64 || t == element_type::UINT64;
}

// Reuses the object at `used` when the vector already holds one (a reader pass that only
// looks keeps its buffers), else appends one.
template <class T, class Reset>
T& slot(std::vector<T>& v, std::size_t& used, Reset reset) {
  if (used < v.size()) {
    reset(v[used]);
    return v[used++];
  }
  ++used;
  return v.emplace_back();
}

}  // namespace

struct EventReader::Impl {
  simdjson::dom::parser parser;
  std::unique_ptr<char[]> file_buffer;
  std::size_t file_capacity = 0;
  Event event;
  bool any_negative = false;
  std::string last_time_text;  // one-entry cache: neighbouring quotes share timestamps
  std::optional<TimePoint> last_time;

  std::optional<TimePoint> time_of(std::string_view s) {
    if (!last_time || s != last_time_text) {
      last_time = try_parse_rfc3339(s);
      last_time_text.assign(s);
    }
    return last_time;
  }

  // A timestamp that is present but unreadable fails the body rather than being taken as
  // "no time": a quote without a time is treated as current, which must not be a fallback
  // for garbage.
  void set_time(std::optional<TimePoint>& slot_, std::string_view key, std::string_view s) {
    slot_ = time_of(s);
    if (!slot_) fail("bad " + std::string(key) + " '" + std::string(s) + "'");
  }

  // The objects of a bookmakers/markets/outcomes array: anything else in it fails the body.
  static object member(const element& v, std::string_view key) {
    object o;
    if (v.get_object().get(o) == simdjson::SUCCESS) return o;
    if (v.type() == element_type::ARRAY) fail("expected objects in '" + std::string(key) + "', found an array");
    fail("expected objects in '" + std::string(key) + "'");
  }

  void read_outcome(const object& obj, Outcome& o) {
    for (auto [k, v] : obj) {
      if (v.type() == element_type::STRING) {
        const std::string_view s = v.get_string().value_unsafe();  // the type was checked
        if (k == "name") o.name.assign(s);
        else if (k == "link") o.link.emplace(s);
      } else if (is_number(v)) {
        const double d = v.get_double().value_unsafe();
        if (k == "price") {
          o.price = d;
          if (d < 0) any_negative = true;
        } else if (k == "point") {
          o.point = d;
        } else if (k == "bet_limit") {
          // A limit that is not a positive amount is no limit we can cap a stake by.
          if (std::isfinite(d) && d > 0) o.bet_limit = d;
        }
      }
    }
  }

  void read_market(const object& obj, Market& m, std::size_t& outcomes) {
    for (auto [k, v] : obj) {
      if (v.type() == element_type::STRING) {
        const std::string_view s = v.get_string().value_unsafe();  // the type was checked
        if (k == "key") m.key.assign(s);
        else if (k == "last_update") set_time(m.last_update, k, s);
        else if (k == "link") m.link.emplace(s);
      } else if (k == "outcomes" && v.type() == element_type::ARRAY) {
        const array a = v.get_array().value_unsafe();
        m.outcomes.reserve(outcomes + a.size());
        for (element item : a) {
          const object o = member(item, k);
          read_outcome(o, slot(m.outcomes, outcomes, [](Outcome& x) {
                         x.name.clear();
                         x.price = 0;
                         x.point.reset();
                         x.link.reset();
                         x.bet_limit.reset();
                       }));
        }
      }
    }
  }

  void read_bookmaker(const object& obj, Bookmaker& b, std::size_t& markets) {
    for (auto [k, v] : obj) {
      if (v.type() == element_type::STRING) {
        const std::string_view s = v.get_string().value_unsafe();  // the type was checked
        if (k == "key") b.key.assign(s);
        else if (k == "title") b.title.assign(s);
        else if (k == "last_update") set_time(b.last_update, k, s);
        else if (k == "link") b.link.emplace(s);
      } else if (k == "markets" && v.type() == element_type::ARRAY) {
        const array a = v.get_array().value_unsafe();
        b.markets.reserve(markets + a.size());
        for (element item : a) {
          const object o = member(item, k);
          std::size_t outcomes = 0;
          Market& m = slot(b.markets, markets, [](Market& x) {
            x.key.clear();
            x.last_update.reset();
            x.link.reset();
          });
          read_market(o, m, outcomes);
          m.outcomes.resize(outcomes);
        }
      }
    }
  }

  void read_event(const object& obj, Event& e) {
    e.id.clear();
    e.sport_key.clear();
    e.sport_title.clear();
    e.home_team.clear();
    e.away_team.clear();
    e.commence_time = {};
    bool has_commence = false;
    std::size_t books = 0;
    for (auto [k, v] : obj) {
      if (v.type() == element_type::STRING) {
        const std::string_view s = v.get_string().value_unsafe();  // the type was checked
        if (k == "id") e.id.assign(s);
        else if (k == "sport_key") e.sport_key.assign(s);
        else if (k == "sport_title") e.sport_title.assign(s);
        else if (k == "home_team") e.home_team.assign(s);
        else if (k == "away_team") e.away_team.assign(s);
        else if (k == "commence_time") {
          std::optional<TimePoint> t;
          set_time(t, k, s);
          e.commence_time = *t;
          has_commence = true;
        }
      } else if (k == "bookmakers" && v.type() == element_type::ARRAY) {
        const array a = v.get_array().value_unsafe();
        e.bookmakers.reserve(books + a.size());
        for (element item : a) {
          const object o = member(item, k);
          std::size_t markets = 0;
          Bookmaker& b = slot(e.bookmakers, books, [](Bookmaker& x) {
            x.key.clear();
            x.title.clear();
            x.last_update.reset();
            x.link.reset();
          });
          read_bookmaker(o, b, markets);
          b.markets.resize(markets);
        }
      }
    }
    e.bookmakers.resize(books);
    if (e.id.empty()) fail("an event without an id");
    if (!has_commence) fail("event " + e.id + " has no commence_time");
  }

  bool walk(simdjson::simdjson_result<element> parsed, const std::function<void(Event&)>& sink) {
    element root;
    if (auto err = std::move(parsed).get(root)) fail(std::string("not JSON: ") + util::simdjson_error_message(err));
    array events;
    if (root.get_array().get(events) != simdjson::SUCCESS) fail("expected an array of events");
    any_negative = false;
    for (element item : events) {
      object o;
      if (item.get_object().get(o) != simdjson::SUCCESS) fail("expected an array of events");
      read_event(o, event);
      sink(event);
    }
    return any_negative;
  }

  void trim() {
    if (parser.capacity() > k_keep_capacity) parser = simdjson::dom::parser();
    if (file_capacity > k_keep_capacity) {
      file_buffer.reset();
      file_capacity = 0;
    }
  }
};

EventReader::EventReader() : m(std::make_unique<Impl>()) {}
EventReader::~EventReader() = default;

bool EventReader::read(std::string_view body, const std::function<void(Event&)>& sink) {
  struct Trim {
    Impl& impl;
    ~Trim() { impl.trim(); }
  } trim{*m};
  return m->walk(m->parser.parse(body.data(), body.size(), true), sink);
}

bool EventReader::read_file(const std::filesystem::path& file, const std::function<void(Event&)>& sink) {
  struct Trim {
    Impl& impl;
    ~Trim() { impl.trim(); }
  } trim{*m};
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), file.string());
  struct Close {
    int fd;
    ~Close() { ::close(fd); }
  } close_fd{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw std::system_error(errno, std::generic_category(), file.string());
  std::size_t size = static_cast<std::size_t>(st.st_size);
  if (size + simdjson::SIMDJSON_PADDING > m->file_capacity) {
    m->file_capacity = size + simdjson::SIMDJSON_PADDING;
    m->file_buffer.reset(new char[m->file_capacity]);
  }
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = ::read(fd, m->file_buffer.get() + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), file.string());
    if (n == 0) break;  // shrank while read: parse what is there
    got += static_cast<std::size_t>(n);
  }
  std::memset(m->file_buffer.get() + got, 0, simdjson::SIMDJSON_PADDING);
  return m->walk(m->parser.parse(m->file_buffer.get(), got, false), sink);
}

void EventReader::release() {
  m->parser = simdjson::dom::parser();
  m->file_buffer.reset();
  m->file_capacity = 0;
}

}  // namespace oddsctl

namespace oddsctl {

std::vector<Event> parse_events_json(std::string_view body, OddsFormat format) {
  thread_local EventReader reader;
  std::vector<Event> events;
  const bool negative = reader.read(body, [&](Event& e) { events.push_back(std::move(e)); });
  const bool american = format == OddsFormat::american || (format == OddsFormat::automatic && negative);
  normalise_prices(events, american);
  return events;
}

}  // namespace oddsctl
