#!/usr/bin/env bash
# Sets up everything moezoo needs on a Debian machine, then configures and builds.
# Idempotent: re-running it does only what is missing and prints little.
#
#   tools/setup.sh            packages + venv + configure + build
#   tools/setup.sh --no-build packages + venv only
#
# Environment: MOEZOO_HOME (default ~/.cache/moezoo) holds the Python venv with
# the `torch` package; MOEZOO_BUILD (default <repo>/build) is the build folder;
# MOEZOO_JOBS caps build parallelism; MOEZOO_TORCH_SPEC picks the torch wheel
# (e.g. "torch==2.11.0").
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MOEZOO_HOME="${MOEZOO_HOME:-$HOME/.cache/moezoo}"
BUILD="${MOEZOO_BUILD:-$REPO/build}"
VENV="$MOEZOO_HOME/venv"
TORCH_SPEC="${MOEZOO_TORCH_SPEC:-torch}"
BUILD_TOO=1
[[ "${1:-}" == "--no-build" ]] && BUILD_TOO=0

step_start=0
step() { step_start=$(date +%s); printf '[setup] %s ... ' "$1"; }
done_step() { printf 'done (%ss)\n' "$(( $(date +%s) - step_start ))"; }

# --- Debian packages ----------------------------------------------------------
PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git python3-venv
  libopencv-dev libopencv-contrib-dev libinsighttoolkit5-dev libpcl-dev libboost-graph-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libmatio-dev libzip-dev zlib1g-dev
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  step "installing ${#missing[@]} Debian packages (${missing[*]})"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  done_step
fi

# --- Python venv with torch (LibTorch comes from the wheel) --------------------
PYTHON="${MOEZOO_SYSTEM_PYTHON:-python3}"
if [[ ! -x "$VENV/bin/python" ]]; then
  step "creating the Python venv at $VENV"
  mkdir -p "$MOEZOO_HOME"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  done_step
fi
if ! "$VENV/bin/python" -c 'import torch, numpy, safetensors' 2>/dev/null; then
  step "installing $TORCH_SPEC, numpy and safetensors from PyPI into the venv (a few GB the first time)"
  "$VENV/bin/python" -m pip install -q "$TORCH_SPEC" numpy safetensors
  done_step
fi
# scipy + POT: the independent exact-OT reference of tools/check_orc.py (a CTest check).
if ! "$VENV/bin/python" -c 'import scipy, ot' 2>/dev/null; then
  step "installing scipy and POT (exact optimal transport, for the curvature check) into the venv"
  "$VENV/bin/python" -m pip install -q scipy pot
  done_step
fi

# --- configure and build --------------------------------------------------------
if ((BUILD_TOO)); then
  if [[ ! -f "$BUILD/build.ninja" ]]; then
    step "configuring CMake in $BUILD"
    cmake -S "$REPO" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMOEZOO_PYTHON="$VENV/bin/python" >"$BUILD.configure.log" 2>&1 \
      || { echo; cat "$BUILD.configure.log"; exit 1; }
    done_step
  fi
  if ! ninja -C "$BUILD" -n 2>/dev/null | grep -q "no work to do"; then
    step "building (ninja; the first build takes a while on 2 cores; log in $BUILD.build.log)"
    JOBS="${MOEZOO_JOBS:-$(nproc)}"
    if ! ninja -C "$BUILD" -j "$JOBS" >"$BUILD.build.log" 2>&1; then
      echo; grep -E "error|FAILED" -A5 "$BUILD.build.log" | head -60; echo "[setup] build failed: full log in $BUILD.build.log"; exit 1
    fi
    done_step
  fi
fi
