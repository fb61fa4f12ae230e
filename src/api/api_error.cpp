// Names of API error kinds, as shown in logs and JSON failure reports.
#include "oddsctl/api.hpp"

namespace oddsctl::api {

const char* to_string(ApiErrorKind kind) {
  switch (kind) {
    case ApiErrorKind::invalid_key: return "invalid_key";
    case ApiErrorKind::out_of_credits: return "out_of_credits";
    case ApiErrorKind::not_found: return "not_found";
    case ApiErrorKind::unprocessable: return "unprocessable";
    case ApiErrorKind::rate_limited: return "rate_limited";
    case ApiErrorKind::server: return "server";
    case ApiErrorKind::timeout: return "timeout";
    case ApiErrorKind::bad_body: return "bad_body";
    case ApiErrorKind::network: return "network";
    case ApiErrorKind::deadline: return "deadline";
    case ApiErrorKind::budget: return "budget";
  }
  return "unknown";
}

}  // namespace oddsctl::api
