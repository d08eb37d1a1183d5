#!/usr/bin/env bash
# Run on a development machine before a GPU device call: copies what the GPU machine
# lacks (it has no apt packages) into .gpu-deps/ (ignored by git), which the device
# call carries (run's `carry: [".gpu-deps"]`). Today that is GoogleTest's sources;
# LibTorch, nvcc, CMake and Ninja are on the GPU machine already.
#
#   tools/gpu/prepare.sh [GTEST_SOURCE=/usr/src/googletest]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src="${1:-${GTEST_SOURCE:-/usr/src/googletest}}"
dest="$root/.gpu-deps/googletest"
if [[ ! -f "$src/CMakeLists.txt" || ! -d "$src/googletest" ]]; then
  echo "prepare.sh: no GoogleTest source tree at $src (install the Debian package googletest, or pass its path)" >&2
  exit 2
fi
rm -rf "$dest.tmp"
mkdir -p "$(dirname "$dest")"
cp -r "$src" "$dest.tmp"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "prepare.sh: $dest ($(du -sh "$dest" | cut -f1)) is ready; carry .gpu-deps in the device call and run tools/gpu/run.sh there"
