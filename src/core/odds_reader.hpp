// The one reader of /odds bodies (parse_events_json, event_from_json and --from-file all go
// through it). Internal to src/.
//
// Why simdjson (Debian's libsimdjson-dev): its DOM parse validates the whole body (syntax,
// UTF-8, unescaped control characters) like nlohmann does, at several times the speed of
// nlohmann's SAX reader that it replaces; the walk over its tape then fills the value types
// directly. See bench/bench_engine and bench/bench_fromfile for the figures.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>

#include "oddsctl/odds.hpp"

namespace oddsctl {

class EventReader {
public:
  EventReader();
  ~EventReader();
  EventReader(const EventReader&) = delete;
  EventReader& operator=(const EventReader&) = delete;

  // Reads a body: each event, in document order, is filled into one Event and handed to
  // `sink`, which may move it away (parse_events_json) or only look at it: then the next
  // event reuses its buffers, so a pass that only checks allocates next to nothing. Prices
  // are as written (not normalised). Returns whether any price is negative (the automatic
  // format's test). Throws std::runtime_error with parse_events_json's reasons; events
  // handed out before a failure are partial data, so a caller keeps nothing on a throw.
  bool read(std::string_view body, const std::function<void(Event&)>& sink);
  // The same for a file, read into the reader's own padded buffer (no copy). Throws
  // std::system_error when the file cannot be read.
  bool read_file(const std::filesystem::path& file, const std::function<void(Event&)>& sink);

  // Gives back the parser's buffers (they grow to the largest body read).
  void release();

private:
  struct Impl;
  std::unique_ptr<Impl> m;
};

}  // namespace oddsctl
