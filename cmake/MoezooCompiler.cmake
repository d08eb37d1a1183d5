# Warnings for our own targets and ccache when present.

find_program(MOEZOO_CCACHE ccache)
if(MOEZOO_CCACHE)
  # Precompiled headers are cacheable only with these sloppiness settings and -fpch-preprocess.
  set(MOEZOO_CCACHE_LAUNCHER "${CMAKE_COMMAND}" -E env
      "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
      "CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}" "${MOEZOO_CCACHE}")
  set(CMAKE_CXX_COMPILER_LAUNCHER ${MOEZOO_CCACHE_LAUNCHER})
  set(CMAKE_CUDA_COMPILER_LAUNCHER ${MOEZOO_CCACHE_LAUNCHER})
  add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-fpch-preprocess>)
  message(STATUS "moezoo: using ccache ${MOEZOO_CCACHE}")
endif()

# moezoo_target_defaults(target): warnings on our code only (third-party headers are SYSTEM).
function(moezoo_target_defaults target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>)
endfunction()
