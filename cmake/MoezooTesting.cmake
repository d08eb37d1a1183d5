# GoogleTest: built from a source tree when GTEST_SOURCE_DIR is given (the GPU
# machine has no apt packages), otherwise the installed package.
include(GoogleTest)

if(GTEST_SOURCE_DIR)
  if(NOT EXISTS "${GTEST_SOURCE_DIR}/CMakeLists.txt")
    message(FATAL_ERROR "moezoo: GTEST_SOURCE_DIR='${GTEST_SOURCE_DIR}' has no CMakeLists.txt (expected a googletest source tree such as /usr/src/googletest)")
  endif()
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  set(BUILD_GMOCK ON CACHE BOOL "" FORCE)
  add_subdirectory("${GTEST_SOURCE_DIR}" "${CMAKE_BINARY_DIR}/_googletest" EXCLUDE_FROM_ALL)
  set(MOEZOO_GTEST_MAIN GTest::gtest_main)
  if(NOT TARGET GTest::gtest_main)
    add_library(GTest::gtest_main ALIAS gtest_main)
    add_library(GTest::gtest ALIAS gtest)
  endif()
else()
  find_package(GTest QUIET)
  if(NOT GTest_FOUND)
    message(FATAL_ERROR "moezoo: GoogleTest not found. Install the Debian packages 'libgtest-dev libgmock-dev' "
      "or pass -DGTEST_SOURCE_DIR=/path/to/googletest")
  endif()
endif()

# moezoo_add_gtest(<name> SOURCES <files...> LIBS <targets...> [LABELS <labels...>] [TIMEOUT <s>] [NO_TORCH])
# One executable per test folder, run as one CTest entry.
function(moezoo_add_gtest name)
  cmake_parse_arguments(ARG "NO_TORCH" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "moezoo: test ${name} has no sources")
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest_main)
  moezoo_target_defaults(${name})
  if(NOT ARG_NO_TORCH)
    moezoo_use_torch_pch(${name})
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  # One CTest entry per executable: starting a process that loads LibTorch costs about
  # a second, so one entry per TEST would spend most of the suite's time starting up.
  # GoogleTest still prints every test's result, and --gtest_filter picks single tests.
  add_test(NAME ${name} COMMAND ${name} WORKING_DIRECTORY "${CMAKE_BINARY_DIR}")
  set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "${ARG_LABELS}")
endfunction()
