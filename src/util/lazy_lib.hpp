// Shared libraries loaded on first use instead of at start-up (issue 4): libcurl maps ~30
// libraries (GnuTLS, LDAP, Kerberos, SSH, RTMP...) and libcrypto is large, yet a `cache get`
// or `--version` never calls them. src/util/lazy_curl.cpp and lazy_crypto.cpp define the few
// functions oddsctl uses, each forwarding to the real one found here. Internal to src/.
#pragma once

namespace oddsctl::util {

// The address of `name` in the library `soname` (dlopen-ed once, RTLD_NOW, never closed).
// Throws oddsctl::Error (exit 1) naming the library and the loader's reason when it cannot
// be loaded or lacks the symbol.
void* symbol(const char* soname, const char* name);

// `symbol` cast to the function type F; resolve once per call site (function-local static).
template <class F>
F function(const char* soname, const char* name) {
  return reinterpret_cast<F>(symbol(soname, name));
}

}  // namespace oddsctl::util

// Defines the C function `ret name params` (a parameter list with names) as a forwarder to
// the function of the same name in the library `soname`, resolved on its first call. `args`
// is the argument list to pass on, e.g.
//   ODDSCTL_LAZY_FORWARD(ODDSCTL_LAZY_CURL, void, curl_easy_cleanup, (CURL* curl), (curl))
// Variadic functions (curl_easy_setopt) cannot be forwarded this way: they are written out.
#define ODDSCTL_LAZY_FORWARD(soname, ret, name, params, args)                       \
  ret name params {                                                                 \
    static const auto fn = ::oddsctl::util::function<ret(*) params>(soname, #name); \
    return fn args;                                                                 \
  }
