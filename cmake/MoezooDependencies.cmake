# Libraries of the training runtime. The domain libraries (OpenCV, ITK, PCL,
# Boost.Graph, matio) are found in their own datasets/<domain> folder, so that
# each appears only where it is used. Every miss names the Debian package.

# moezoo_require(<Package> <debian-package> [find_package args...])
macro(moezoo_require PKG DEBIAN)
  find_package(${PKG} ${ARGN} QUIET)
  if(NOT ${PKG}_FOUND)
    message(FATAL_ERROR
      "moezoo: ${PKG} not found. Install the Debian package '${DEBIAN}' "
      "(tools/setup.sh installs everything) or point CMake at it with -D${PKG}_DIR=...")
  endif()
endmacro()

# moezoo_require_pkgconfig(<prefix> <module> <debian-package>): for libraries without CMake config.
macro(moezoo_require_pkgconfig PREFIX MODULE DEBIAN)
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(${PREFIX} QUIET IMPORTED_TARGET ${MODULE})
  endif()
  if(NOT ${PREFIX}_FOUND)
    message(FATAL_ERROR
      "moezoo: ${MODULE} not found. Install the Debian package '${DEBIAN}' (and pkg-config); "
      "tools/setup.sh installs everything")
  endif()
endmacro()

moezoo_require(ZLIB zlib1g-dev)
moezoo_require(yaml-cpp libyaml-cpp-dev)
moezoo_require(nlohmann_json nlohmann-json3-dev 3)
moezoo_require(CLI11 libcli11-dev)
moezoo_require_pkgconfig(LIBZIP libzip libzip-dev)
