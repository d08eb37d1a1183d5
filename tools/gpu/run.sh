#!/usr/bin/env bash
# One device call on the lent GPU machine: configure the MoE core (MOEZOO_DOMAINS=OFF)
# against that machine's own PyTorch, build the CUDA kernel tests and the CUDA
# benchmark, run the GPU tests with ctest, then the benchmark. Fits one call (< 10 min
# with 16 cores). Prerequisite: tools/gpu/prepare.sh run on a development machine and
# .gpu-deps carried (GoogleTest's sources; the GPU machine has no apt packages).
#
#   tools/gpu/run.sh                     # everything
#   MOEZOO_GPU_STEPS="build test" ...    # a subset of: configure build test bench
#   MOEZOO_GPU_ALL_TESTS=1 ...           # also build and run every other core test (CPU)
#   MOEZOO_BENCH_ARGS="--shapes 1" ...   # arguments of moezoo-bench-moe-cuda
# Environment: PYTHON (default python3, the one with torch), JOBS (default nproc),
# CUDA_ARCHS (default native), MOEZOO_GPU_BUILD (default build-gpu), OUT (when set,
# the logs and the benchmark table are copied there).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${MOEZOO_GPU_BUILD:-$root/build-gpu}"
python="${PYTHON:-python3}"
jobs="${JOBS:-$(nproc)}"
steps="${MOEZOO_GPU_STEPS:-configure build test bench}"
gtest="${GTEST_SOURCE_DIR:-$root/.gpu-deps/googletest}"
logs="$build/gpu-logs"
has_step() { [[ " $steps " == *" $1 "* ]]; }
stamp() { echo "[run.sh $(date +%H:%M:%S)] $*"; }

if [[ ! -f "$gtest/CMakeLists.txt" ]]; then
  echo "run.sh: no GoogleTest sources at $gtest: run tools/gpu/prepare.sh on a development machine and carry .gpu-deps" >&2
  exit 2
fi
torch_prefix="$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)')"
stamp "torch $("$python" -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda, torch.cuda.is_available())')"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
mkdir -p "$logs"
copy_logs() {  # also on failure, so that a device call brings the logs back
  if [[ -n "${OUT:-}" ]]; then
    mkdir -p "$OUT"
    cp "$logs"/*.log "$logs"/*.txt "$OUT"/ 2>/dev/null || true
  fi
}
trap copy_logs EXIT

targets=(test_core_kernels test_core_routing moezoo-bench-moe-cuda)
test_regex='^test_core_(kernels|routing)$'
if [[ "${MOEZOO_GPU_ALL_TESTS:-0}" == 1 ]]; then
  targets=(all)
  test_regex='^test_core_'
fi

if has_step configure; then
  stamp "configure ($build)"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMOEZOO_DOMAINS=OFF -DMOEZOO_CUDA=ON \
    -DMOEZOO_PYTHON="$(command -v "$python")" -DCMAKE_PREFIX_PATH="$torch_prefix" \
    -DCMAKE_CUDA_ARCHITECTURES="${CUDA_ARCHS:-native}" -DGTEST_SOURCE_DIR="$gtest" > "$logs/configure.log" 2>&1 ||
    { tail -40 "$logs/configure.log"; exit 1; }
  grep "moezoo:" "$logs/configure.log" || true
fi
if has_step build; then
  stamp "build ${targets[*]} with -j$jobs"
  start=$(date +%s)
  ninja -C "$build" -j"$jobs" "${targets[@]}" > "$logs/build.log" 2>&1 || { tail -60 "$logs/build.log"; exit 1; }
  stamp "built in $(( $(date +%s) - start )) s"
fi
status=0
if has_step test; then
  stamp "ctest -R '$test_regex'"
  # -V: every test's GoogleTest output (results, skips, recorded error figures) in the log.
  (cd "$build" && ctest -R "$test_regex" -V > "$logs/ctest.log" 2>&1) || status=1
  grep -E "^[0-9]+: \[  (FAILED|SKIPPED) |tests? (passed|failed)|Total Test time" "$logs/ctest.log" || true
  [[ $status == 0 ]] || tail -80 "$logs/ctest.log"
fi
if has_step bench; then
  stamp "moezoo-bench-moe-cuda ${MOEZOO_BENCH_ARGS:-}"
  # shellcheck disable=SC2086
  "$build/tools/bench/moezoo-bench-moe-cuda" ${MOEZOO_BENCH_ARGS:-} 2>&1 | tee "$logs/moe_cuda_bench.txt" || status=1
fi
stamp "done (status $status)"
exit $status
