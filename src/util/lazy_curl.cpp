// The libcurl functions oddsctl calls, loaded on first use (see lazy_lib.hpp): commands that
// never make an HTTP request do not map libcurl and its ~30 dependencies.
//
// Only built when CMake found a shared libcurl (ODDSCTL_LAZY_CURL names its soname). A curl
// function not defined here still links, against the real library, which the executable
// then loads at start-up again (--as-needed): add it here when it is on a hot path.
#ifdef ODDSCTL_LAZY_CURL

#define CURL_DISABLE_TYPECHECK  // the type-checking macros would rewrite the definitions below
#include <cstdarg>

#include <curl/curl.h>

#include "util/lazy_lib.hpp"

namespace {

template <class F>
F curl_fn(const char* name) {
  return oddsctl::util::function<F>(ODDSCTL_LAZY_CURL, name);
}

}  // namespace

extern "C" {

ODDSCTL_LAZY_FORWARD(ODDSCTL_LAZY_CURL, CURLcode, curl_global_init, (long flags), (flags))

ODDSCTL_LAZY_FORWARD(ODDSCTL_LAZY_CURL, CURL*, curl_easy_init, (void), ())

// The one argument's type follows from the option's number, as curl itself reads it.
CURLcode curl_easy_setopt(CURL* curl, CURLoption option, ...) {
  static const auto fn = curl_fn<CURLcode (*)(CURL*, CURLoption, ...)>("curl_easy_setopt");
  va_list ap;
  va_start(ap, option);
  CURLcode rc;
  if (option < CURLOPTTYPE_OBJECTPOINT) rc = fn(curl, option, va_arg(ap, long));
  else if (option < CURLOPTTYPE_OFF_T)  // object and function pointers
    rc = fn(curl, option, va_arg(ap, void*));
  else if (option < CURLOPTTYPE_BLOB) rc = fn(curl, option, va_arg(ap, curl_off_t));
  else rc = fn(curl, option, va_arg(ap, void*));
  va_end(ap);
  return rc;
}

// Every CURLINFO takes a pointer to where the value goes.
CURLcode curl_easy_getinfo(CURL* curl, CURLINFO info, ...) {
  static const auto fn = curl_fn<CURLcode (*)(CURL*, CURLINFO, ...)>("curl_easy_getinfo");
  va_list ap;
  va_start(ap, info);
  void* out = va_arg(ap, void*);
  va_end(ap);
  return fn(curl, info, out);
}

ODDSCTL_LAZY_FORWARD(ODDSCTL_LAZY_CURL, CURLcode, curl_easy_perform, (CURL * curl), (curl))

ODDSCTL_LAZY_FORWARD(ODDSCTL_LAZY_CURL, void, curl_easy_reset, (CURL * curl), (curl))

ODDSCTL_LAZY_FORWARD(ODDSCTL_LAZY_CURL, void, curl_easy_cleanup, (CURL * curl), (curl))

ODDSCTL_LAZY_FORWARD(ODDSCTL_LAZY_CURL, const char*, curl_easy_strerror, (CURLcode code), (code))

ODDSCTL_LAZY_FORWARD(ODDSCTL_LAZY_CURL, curl_slist*, curl_slist_append, (curl_slist * list, const char* text),
                     (list, text))

ODDSCTL_LAZY_FORWARD(ODDSCTL_LAZY_CURL, void, curl_slist_free_all, (curl_slist * list), (list))

}  // extern "C"

#endif  // ODDSCTL_LAZY_CURL
