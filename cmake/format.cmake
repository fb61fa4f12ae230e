# `format` applies .clang-format to every C++ file of the project; `format-check` (run by
# scripts/test) fails, naming the file and line, on any difference. clang-format 14 is
# Debian 12's; another version may lay out a few constructs differently.
find_program(ODDSCTL_CLANG_FORMAT NAMES clang-format clang-format-14)
if(ODDSCTL_CLANG_FORMAT)
  file(GLOB_RECURSE ODDSCTL_FORMAT_FILES CONFIGURE_DEPENDS
       ${PROJECT_SOURCE_DIR}/src/*.cpp ${PROJECT_SOURCE_DIR}/src/*.hpp
       ${PROJECT_SOURCE_DIR}/include/*.hpp ${PROJECT_SOURCE_DIR}/cmd/*.cpp ${PROJECT_SOURCE_DIR}/cmd/*.hpp
       ${PROJECT_SOURCE_DIR}/tests/*.cpp ${PROJECT_SOURCE_DIR}/tests/*.hpp ${PROJECT_SOURCE_DIR}/bench/*.cpp)
  add_custom_target(format COMMAND ${ODDSCTL_CLANG_FORMAT} -i ${ODDSCTL_FORMAT_FILES}
                    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} COMMENT "clang-format -i" VERBATIM)
  add_custom_target(format-check COMMAND ${ODDSCTL_CLANG_FORMAT} --dry-run --Werror ${ODDSCTL_FORMAT_FILES}
                    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} COMMENT "clang-format --dry-run --Werror" VERBATIM)
else()
  message(STATUS "oddsctl: clang-format not found: no format and format-check targets (apt-get install clang-format)")
endif()
