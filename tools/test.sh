#!/usr/bin/env bash
# Sets up what is missing, builds, and runs the whole CTest suite.
# Ends with CTest's summary line. Extra arguments go to ctest (e.g. -R Trainer).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${MOEZOO_BUILD:-$REPO/build}"
if [[ -z "${MOEZOO_DATA:-}" && -d "$REPO/../shared/datasets" ]]; then
  export MOEZOO_DATA="$(cd "$REPO/../shared/datasets" && pwd)"
fi
start=$(date +%s)
"$REPO/tools/setup.sh"
echo "[test] set-up and build took $(( $(date +%s) - start ))s; running CTest (MOEZOO_DATA=${MOEZOO_DATA:-unset})"
cd "$BUILD"
exec ctest --output-on-failure -j "${MOEZOO_TEST_JOBS:-2}" --timeout 900 "$@"
