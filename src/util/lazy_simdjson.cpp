// The libsimdjson symbols the /odds reader calls, loaded on first use (see lazy_lib.hpp).
// Everything else it uses is inline in simdjson.h: the parser reaches the library's kernels
// through the implementation that get_active_implementation() hands out. With the library
// loaded at start-up, it was also the one C++ library besides libstdc++ that every command,
// `cache get` included, mapped and relocated.
//
// Only built lazily when CMake found a shared libsimdjson (ODDSCTL_LAZY_SIMDJSON names its
// soname); a symbol not defined here still links, against the real library, loaded at
// start-up again (tests/e2e/test_startup.py notices).
#include "util/lazy_simdjson.hpp"

#ifdef ODDSCTL_LAZY_SIMDJSON

#include "util/lazy_lib.hpp"

namespace simdjson {

internal::atomic_ptr<const implementation>& get_active_implementation() {
  using Fn = internal::atomic_ptr<const implementation>& (*)();
  static const Fn fn =
      ::oddsctl::util::function<Fn>(ODDSCTL_LAZY_SIMDJSON, "_ZN8simdjson25get_active_implementationEv");
  return fn();
}

}  // namespace simdjson

namespace oddsctl::util {

const char* simdjson_error_message(simdjson::error_code err) {
  static const auto* codes = static_cast<const simdjson::internal::error_code_info*>(
      symbol(ODDSCTL_LAZY_SIMDJSON, "_ZN8simdjson8internal11error_codesE"));
  const int i = static_cast<int>(err);
  return codes[i >= 0 && i < simdjson::NUM_ERROR_CODES ? i : simdjson::UNEXPECTED_ERROR].message;
}

}  // namespace oddsctl::util

#else

namespace oddsctl::util {

const char* simdjson_error_message(simdjson::error_code err) { return simdjson::error_message(err); }

}  // namespace oddsctl::util

#endif  // ODDSCTL_LAZY_SIMDJSON
