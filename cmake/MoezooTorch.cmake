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
if(NOT TORCH_CUDA_ARCH_LIST AND NOT DEFINED ENV{TORCH_CUDA_ARCH_LIST})
  # No GPU on the build machines: name the architectures instead of detecting them
  # (8.0 A100, 9.0 H100/H200).
  set(TORCH_CUDA_ARCH_LIST "8.0;9.0")
endif()

find_package(Torch QUIET)
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
  if(NOT CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES 80 90)
  endif()
  enable_language(CUDA)
  set(CMAKE_CUDA_STANDARD 17)
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
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
