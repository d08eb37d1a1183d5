#!/usr/bin/env bash
# The main job: set up what is missing, build, and train the default model on the
# default data (GeoMoE on Planetoid Cora, or on a synthetic graph without data).
# Extra arguments are config overrides, e.g. tools/run.sh train.epochs=50
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${MOEZOO_BUILD:-$REPO/build}"
if [[ -z "${MOEZOO_DATA:-}" && -d "$REPO/../shared/datasets" ]]; then
  export MOEZOO_DATA="$(cd "$REPO/../shared/datasets" && pwd)"
fi
"$REPO/tools/setup.sh"
cd "$REPO"
exec "$BUILD/pipelines/geomoe/moezoo-geomoe" train --config configs/geomoe/geomoe_cora.yaml "$@"
