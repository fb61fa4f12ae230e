# Warnings, -Werror and sanitizers, for every target of the project: the library, the
# modules, the binary, the tests and the benchmarks alike (set before any target is made, so
# directory-wide options reach them all; system headers stay exempt, as the compiler treats
# them). CI builds with ODDSCTL_WERROR=ON, and runs the unit, store and e2e suites once more
# in a build with ODDSCTL_SANITIZE=address,undefined (scripts/test).
option(ODDSCTL_WERROR "Treat compiler warnings as errors" OFF)
set(ODDSCTL_SANITIZE "" CACHE STRING
    "Sanitizers to build with, comma-separated: address, undefined, thread, leak (empty: none)")

# Not -Wmissing-field-initializers (in -Wextra): value types put their optional fields last
# so that brace initialisers may leave them out (odds.hpp), which that warning flags.
add_compile_options(-Wall -Wextra -Wpedantic -Wnon-virtual-dtor -Wno-missing-field-initializers)
if(ODDSCTL_WERROR)
  add_compile_options(-Werror)
endif()

if(ODDSCTL_SANITIZE)
  string(REPLACE "," ";" _oddsctl_sanitizers "${ODDSCTL_SANITIZE}")
  foreach(_s ${_oddsctl_sanitizers})
    if(NOT _s MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "ODDSCTL_SANITIZE: unknown sanitizer '${_s}' (address, undefined, thread, leak)")
    endif()
  endforeach()
  if("address" IN_LIST _oddsctl_sanitizers AND "thread" IN_LIST _oddsctl_sanitizers)
    message(FATAL_ERROR "ODDSCTL_SANITIZE: address and thread cannot be combined")
  endif()
  # A finding stops the program (no recovery), so a test cannot pass over it; frame
  # pointers give whole stacks in the reports.
  add_compile_options(-fsanitize=${ODDSCTL_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${ODDSCTL_SANITIZE})
  # GCC's flow analysis sees through the sanitizers' checks badly: it reports
  # -Wmaybe-uninitialized inside libstdc++ (std::regex's std::function at -O1) that the
  # normal build does not; the GCC manual warns of this. The test build keeps the warning.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
  message(STATUS "oddsctl: sanitizers: ${ODDSCTL_SANITIZE}")
endif()
