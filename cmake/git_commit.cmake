# The commit a build comes from, for `oddsctl --version`: `git rev-parse --short=12 HEAD` of
# the source folder (with "-dirty" when tracked files changed), else "unknown" (a tarball
# without .git, no git installed). -DODDSCTL_GIT_COMMIT=... overrides it (a packager who
# knows). Read at configure time; the configure step re-runs when HEAD moves.
#
# As a script, for the tests: cmake -DSOURCE_DIR=<dir> -P cmake/git_commit.cmake prints it.
function(oddsctl_git_commit source_dir out)
  set(commit "unknown")
  find_package(Git QUIET)
  if(GIT_FOUND AND EXISTS "${source_dir}/.git")
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${source_dir}" rev-parse --short=12 HEAD
                    OUTPUT_VARIABLE head RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(rc EQUAL 0 AND head MATCHES "^[0-9a-f]+$")
      set(commit "${head}")
      execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${source_dir}" diff-index --quiet HEAD --
                      RESULT_VARIABLE dirty ERROR_QUIET)
      if(dirty EQUAL 1)
        string(APPEND commit "-dirty")
      endif()
    endif()
  endif()
  set(${out} "${commit}" PARENT_SCOPE)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND NOT CMAKE_PARENT_LIST_FILE)
  oddsctl_git_commit("${SOURCE_DIR}" commit)
  message("${commit}")
endif()
