# LibTorch, the CUDA decision and the shared precompiled header.
#
# LibTorch is found through -DTorch_DIR=... (a user's own archive) or through the
# Python interpreter MOEZOO_PYTHON (default: the venv that tools/setup.sh makes),
# asking torch.utils.cmake_prefix_path.

set(MOEZOO_HOME "$ENV{MOEZOO_HOME}")
if(NOT MOEZOO_HOME)
  set(MOEZOO_HOME "$ENV{HOME}/.cache/moezoo")
endif()
if(NOT DEFINED MOEZOO_PYTHON)
  if(EXISTS "${MOEZOO_HOME}/venv/bin/python")
    set(MOEZOO_PYTHON "${MOEZOO_HOME}/venv/bin/python")
  else()
    find_program(MOEZOO_PYTHON NAMES python3 python)
  endif()
endif()

if(NOT Torch_DIR AND MOEZOO_PYTHON)
  execute_process(
    COMMAND "${MOEZOO_PYTHON}" -c "import torch, sys; sys.stdout.write(torch.utils.cmake_prefix_path)"
    OUTPUT_VARIABLE MOEZOO_TORCH_PREFIX RESULT_VARIABLE MOEZOO_TORCH_RC ERROR_QUIET)
  if(MOEZOO_TORCH_RC EQUAL 0)
    list(APPEND CMAKE_PREFIX_PATH "${MOEZOO_TORCH_PREFIX}")
  endif()
endif()

# The CUDA decision has to precede find_package(Torch): a CUDA build of LibTorch
# looks for the toolkit itself.
find_program(MOEZOO_NVCC nvcc HINTS "$ENV{CUDA_HOME}/bin" /usr/local/cuda/bin)
if(MOEZOO_NVCC AND NOT CMAKE_CUDA_COMPILER)
  set(CMAKE_CUDA_COMPILER "${MOEZOO_NVCC}")
endif()
# CUDA architectures. CMAKE_CUDA_ARCHITECTURES is the knob (default 80;90: A100 and
# H100/H200, named because the build machines have no GPU to detect; -D...=native on a
# GPU machine, or 90a for Hopper-only instructions). It has to be set before
# find_package(Torch): LibTorch's cuda.cmake enables the CUDA language itself (so a
# later default would come too late and nvcc's own, sm_75, would be cached), then sets
# CMAKE_CUDA_ARCHITECTURES to OFF and adds -gencode flags from TORCH_CUDA_ARCH_LIST to
# CMAKE_CUDA_FLAGS instead. So TORCH_CUDA_ARCH_LIST is derived from the same list, and
# after find_package the list is restored and LibTorch's -gencode flags are removed:
# one list decides, and nothing is compiled twice. (LibTorch's warning that it ignores
# CMAKE_CUDA_ARCHITECTURES is expected: our targets do not.)
if(MOEZOO_NVCC)
  # A value CMake cached itself (help string "CUDA architectures", from an older
  # configure that let nvcc choose) counts as unset.
  get_property(_moezoo_arch_doc CACHE CMAKE_CUDA_ARCHITECTURES PROPERTY HELPSTRING)
  if(NOT CMAKE_CUDA_ARCHITECTURES OR _moezoo_arch_doc STREQUAL "CUDA architectures")
    set(CMAKE_CUDA_ARCHITECTURES "80;90" CACHE STRING "CUDA architectures to build for (80;90, 90a, native, ...)" FORCE)
  endif()
  set(MOEZOO_CUDA_ARCHITECTURES "${CMAKE_CUDA_ARCHITECTURES}")
  if(NOT TORCH_CUDA_ARCH_LIST AND NOT DEFINED ENV{TORCH_CUDA_ARCH_LIST})
    if(MOEZOO_CUDA_ARCHITECTURES MATCHES "native|all")
      set(TORCH_CUDA_ARCH_LIST "Auto")
    else()
      set(TORCH_CUDA_ARCH_LIST "")
      foreach(arch IN LISTS MOEZOO_CUDA_ARCHITECTURES)
        string(REGEX REPLACE "-(real|virtual)$" "" arch "${arch}")
        string(REGEX REPLACE "^([0-9]+)([0-9][a-z]?)$" "\\1.\\2" arch "${arch}")
        list(APPEND TORCH_CUDA_ARCH_LIST "${arch}")
      endforeach()
    endif()
  endif()
endif()

find_package(Torch QUIET)
if(MOEZOO_NVCC AND DEFINED CMAKE_CUDA_COMPILER_ID)
  set(CMAKE_CUDA_ARCHITECTURES "${MOEZOO_CUDA_ARCHITECTURES}")
  string(REGEX REPLACE " -gencode arch=compute_[0-9a-z]+,code=[a-z_0-9]+" "" CMAKE_CUDA_FLAGS "${CMAKE_CUDA_FLAGS}")
endif()
if(NOT Torch_FOUND)
  message(FATAL_ERROR
    "moezoo: LibTorch not found. Run tools/setup.sh (it makes a venv with the 'torch' package from PyPI), "
    "or pass -DMOEZOO_PYTHON=/path/to/python (with torch installed) or -DTorch_DIR=/path/to/libtorch/share/cmake/Torch")
endif()
message(STATUS "moezoo: LibTorch ${Torch_VERSION} from ${Torch_DIR}")
if(Torch_VERSION VERSION_LESS 2.5)
  message(FATAL_ERROR "moezoo: LibTorch ${Torch_VERSION} is too old; moezoo needs 2.5 or newer")
endif()

set(MOEZOO_TORCH_HAS_CUDA OFF)
if(TARGET c10_cuda OR TARGET torch_cuda OR TORCH_CUDA_LIBRARIES)
  set(MOEZOO_TORCH_HAS_CUDA ON)
endif()

set(MOEZOO_CUDA_ENABLED OFF)
if(MOEZOO_CUDA STREQUAL "ON")
  if(NOT MOEZOO_TORCH_HAS_CUDA)
    message(FATAL_ERROR "moezoo: MOEZOO_CUDA=ON but the LibTorch found (${Torch_DIR}) has no CUDA; install a CUDA build of torch")
  endif()
  if(NOT MOEZOO_NVCC)
    message(FATAL_ERROR "moezoo: MOEZOO_CUDA=ON but nvcc was not found; install the CUDA toolkit or set CUDA_HOME")
  endif()
  set(MOEZOO_CUDA_ENABLED ON)
elseif(MOEZOO_CUDA STREQUAL "AUTO")
  if(MOEZOO_TORCH_HAS_CUDA AND MOEZOO_NVCC)
    set(MOEZOO_CUDA_ENABLED ON)
  endif()
elseif(NOT MOEZOO_CUDA STREQUAL "OFF")
  message(FATAL_ERROR "moezoo: MOEZOO_CUDA must be AUTO, ON or OFF, not '${MOEZOO_CUDA}'")
endif()

if(MOEZOO_CUDA_ENABLED)
  enable_language(CUDA)
  # nvcc parses the same LibTorch headers as the C++ compiler: C++20 where LibTorch asks
  # for it (recent LibTorch puts cxx_std_20 on its target), else C++17.
  # The flag is given by hand: CMake before 3.26 has no CUDA20 dialect for nvcc.
  get_target_property(_moezoo_torch_features torch INTERFACE_COMPILE_FEATURES)
  unset(CMAKE_CUDA_STANDARD)
  set(CMAKE_CUDA_STANDARD_REQUIRED OFF)
  if("cxx_std_20" IN_LIST _moezoo_torch_features)
    set(MOEZOO_CUDA_STD_FLAG "-std=c++20")
  else()
    set(MOEZOO_CUDA_STD_FLAG "-std=c++17")
  endif()
endif()

# moezoo_torch: LibTorch for our targets. The PyPI wheel's CUDA build needs its own
# NVIDIA libraries (site-packages/nvidia/*/lib) at link time, ahead of any older
# copies in the CUDA toolkit (e.g. /usr/local/cuda/lib64/libnccl.so.2).
add_library(moezoo_torch INTERFACE)
target_link_libraries(moezoo_torch INTERFACE ${TORCH_LIBRARIES})
file(GLOB MOEZOO_WHEEL_NVIDIA_LIBS LIST_DIRECTORIES true "${TORCH_INSTALL_PREFIX}/../nvidia/*/lib")
foreach(dir IN LISTS MOEZOO_WHEEL_NVIDIA_LIBS)
  target_link_options(moezoo_torch INTERFACE "LINKER:-rpath-link,${dir}")
endforeach()

# The CUDA runtime the kernels link: the one LibTorch itself loads (the wheel's copy in
# site-packages/nvidia/*/lib, found through LibTorch's RPATH), so that the process has
# one runtime of one version; a toolkit's runtime only when LibTorch brings none (a
# LibTorch archive). The toolkit's may be older than the wheel's (13.0 vs 13.2 here).
if(MOEZOO_CUDA_ENABLED)
  file(GLOB MOEZOO_WHEEL_CUDART "${TORCH_INSTALL_PREFIX}/../nvidia/*/lib/libcudart.so.*")
  if(MOEZOO_WHEEL_CUDART)
    list(GET MOEZOO_WHEEL_CUDART 0 MOEZOO_CUDART)
  else()
    set(MOEZOO_CUDART CUDA::cudart)
  endif()
  message(STATUS "moezoo: CUDA runtime ${MOEZOO_CUDART}")
endif()

# LibTorch's intra-op pool: the wheel is built with OpenMP (ATen/Config.h says
# AT_PARALLEL_OPENMP) and at::parallel_for is a header template that runs in parallel
# only in files compiled with OpenMP. moezoo_use_torch_openmp(target file...) compiles
# those files with it and links the libgomp LibTorch itself loads (the wheel's copy in
# torch/lib when there is one), so that the process has one OpenMP runtime. Without
# OpenMP the files still build, and their parallel_for runs serially.
file(STRINGS "${TORCH_INSTALL_PREFIX}/include/ATen/Config.h" MOEZOO_TORCH_OPENMP_LINE
     REGEX "#define AT_PARALLEL_OPENMP 1")
# GNU's OpenMP only: the wheel's runtime is libgomp, and another compiler's -fopenmp
# would call into its own runtime (Clang: libomp), a second one in the process.
set(MOEZOO_TORCH_OPENMP OFF)
if(MOEZOO_TORCH_OPENMP_LINE)
  find_package(OpenMP COMPONENTS CXX QUIET)
  if(OpenMP_CXX_FOUND AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    file(GLOB MOEZOO_TORCH_GOMP "${TORCH_INSTALL_PREFIX}/lib/libgomp*.so*")
    if(MOEZOO_TORCH_GOMP)
      list(GET MOEZOO_TORCH_GOMP 0 MOEZOO_TORCH_GOMP)
    else()
      set(MOEZOO_TORCH_GOMP ${OpenMP_CXX_LIBRARIES})
    endif()
    separate_arguments(MOEZOO_TORCH_OPENMP_FLAGS UNIX_COMMAND "${OpenMP_CXX_FLAGS}")
    set(MOEZOO_TORCH_OPENMP ON)
  else()
    message(WARNING "moezoo: LibTorch uses OpenMP but this compiler (${CMAKE_CXX_COMPILER_ID}) gives no GNU "
                    "OpenMP; the tiled expert matmuls will run one tile after another")
  endif()
endif()
message(STATUS "moezoo: OpenMP for LibTorch's parallel_for: ${MOEZOO_TORCH_OPENMP} ${MOEZOO_TORCH_GOMP}")

function(moezoo_use_torch_openmp target)
  if(NOT MOEZOO_TORCH_OPENMP)
    return()
  endif()
  # The shared precompiled header was built without OpenMP, so these files skip it.
  set_source_files_properties(${ARGN} TARGET_DIRECTORY ${target} PROPERTIES
    SKIP_PRECOMPILE_HEADERS ON COMPILE_OPTIONS "${MOEZOO_TORCH_OPENMP_FLAGS}")
  target_link_libraries(${target} PUBLIC "${MOEZOO_TORCH_GOMP}")
endfunction()

# One precompiled torch header, built once and reused by every target that uses torch.
add_library(moezoo_torch_pch STATIC "${CMAKE_CURRENT_LIST_DIR}/torch_pch.cpp")
target_link_libraries(moezoo_torch_pch PUBLIC moezoo_torch)
moezoo_target_defaults(moezoo_torch_pch)
target_precompile_headers(moezoo_torch_pch PRIVATE <torch/torch.h>)

# moezoo_use_torch_pch(target)
function(moezoo_use_torch_pch target)
  get_target_property(_type ${target} TYPE)
  if(NOT _type STREQUAL "INTERFACE_LIBRARY")
    target_precompile_headers(${target} REUSE_FROM moezoo_torch_pch)
  endif()
endfunction()
