// Loading a library on first use: see lazy_lib.hpp.
#include "util/lazy_lib.hpp"

#include <dlfcn.h>
#include <map>
#include <mutex>
#include <string>

#include "oddsctl/errors.hpp"

namespace oddsctl::util {

void* symbol(const char* soname, const char* name) {
  static std::mutex mutex;
  static std::map<std::string, void*> handles;
  void* handle = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex);
    void*& slot = handles[soname];
    if (!slot) {
      // RTLD_LOCAL: its symbols stay out of the global scope, where they could be taken
      // for ours (and ours for its).
      slot = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
      if (!slot) {
        const char* why = dlerror();
        throw Error(ExitCode::runtime, std::string("cannot load ") + soname + ": " + (why ? why : "unknown reason"));
      }
    }
    handle = slot;
  }
  void* fn = dlsym(handle, name);
  if (!fn) throw Error(ExitCode::runtime, std::string(soname) + " has no " + name);
  return fn;
}

}  // namespace oddsctl::util
