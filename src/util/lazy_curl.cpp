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
  return oddsctl::lazy_lib::function<F>(ODDSCTL_LAZY_CURL, name);
}

}  // namespace

extern "C" {

CURLcode curl_global_init(long flags) {
  static const auto fn = curl_fn<CURLcode (*)(long)>("curl_global_init");
  return fn(flags);
}

CURL* curl_easy_init(void) {
  static const auto fn = curl_fn<CURL* (*)()>("curl_easy_init");
  return fn();
}

// The one argument's type follows from the option's number, as curl itself reads it.
CURLcode curl_easy_setopt(CURL* curl, CURLoption option, ...) {
  static const auto fn = curl_fn<CURLcode (*)(CURL*, CURLoption, ...)>("curl_easy_setopt");
  va_list ap;
  va_start(ap, option);
  CURLcode rc;
  if (option < CURLOPTTYPE_OBJECTPOINT)
    rc = fn(curl, option, va_arg(ap, long));
  else if (option < CURLOPTTYPE_OFF_T)  // object and function pointers
    rc = fn(curl, option, va_arg(ap, void*));
  else if (option < CURLOPTTYPE_BLOB)
    rc = fn(curl, option, va_arg(ap, curl_off_t));
  else
    rc = fn(curl, option, va_arg(ap, void*));
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

CURLcode curl_easy_perform(CURL* curl) {
  static const auto fn = curl_fn<CURLcode (*)(CURL*)>("curl_easy_perform");
  return fn(curl);
}

void curl_easy_reset(CURL* curl) {
  static const auto fn = curl_fn<void (*)(CURL*)>("curl_easy_reset");
  fn(curl);
}

void curl_easy_cleanup(CURL* curl) {
  static const auto fn = curl_fn<void (*)(CURL*)>("curl_easy_cleanup");
  fn(curl);
}

const char* curl_easy_strerror(CURLcode code) {
  static const auto fn = curl_fn<const char* (*)(CURLcode)>("curl_easy_strerror");
  return fn(code);
}

curl_slist* curl_slist_append(curl_slist* list, const char* text) {
  static const auto fn = curl_fn<curl_slist* (*)(curl_slist*, const char*)>("curl_slist_append");
  return fn(list, text);
}

void curl_slist_free_all(curl_slist* list) {
  static const auto fn = curl_fn<void (*)(curl_slist*)>("curl_slist_free_all");
  fn(list);
}

}  // extern "C"

#endif  // ODDSCTL_LAZY_CURL
