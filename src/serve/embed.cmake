# Writes the dashboard page into a C++ source as one raw string literal (cmake -P, at build
# time): `cmake -DINPUT=dashboard.html -DOUTPUT=dashboard_html.cpp -P embed.cmake`.
file(READ "${INPUT}" content)
string(FIND "${content}" ")oddsctl_html\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw string delimiter )oddsctl_html\"")
endif()
set(text "// Generated from src/serve/dashboard.html by src/serve/embed.cmake: do not edit.\n")
string(APPEND text "#include \"oddsctl/serve.hpp\"\n\nnamespace oddsctl::serve {\n\n")
string(APPEND text "const std::string& dashboard_html() {\n  static const std::string page = R\"oddsctl_html(")
string(APPEND text "${content}")
string(APPEND text ")oddsctl_html\";\n  return page;\n}\n\n}  // namespace oddsctl::serve\n")
set(old "")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL text)  # unchanged: keep its time stamp, nothing recompiles
  file(WRITE "${OUTPUT}" "${text}")
endif()
