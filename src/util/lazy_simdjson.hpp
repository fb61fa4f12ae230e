// simdjson (the /odds reader's parser) loaded on first use, like libcurl (lazy_lib.hpp): only
// commands that read /odds bodies map it. Internal to src/.
#pragma once

#include <simdjson.h>

namespace oddsctl::util {

// simdjson::error_message(err). The library's table of messages is data, which a forwarding
// function cannot stand in for, so it is looked up in the library once that is loaded.
const char* simdjson_error_message(simdjson::error_code err);

}  // namespace oddsctl::util
