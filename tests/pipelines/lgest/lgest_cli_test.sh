#!/usr/bin/env bash
# End-to-end checks of moezoo-lgest on a tiny synthetic scene (no data needed): --help of
# every verb, one-line errors for bad input, train -> files and metrics in [0, 1], eval
# agreeing with train, infer's map (.npy and PNG of the scene's size), and a one-seed
# reproduce of all three models under both splits.
set -uo pipefail
BIN="$1"
source "$(dirname "$0")/../../support/cli_test_lib.sh"  # WORK, fail, expect_error, check_verb_help
export MOEZOO_DATA="$WORK/nodata"  # the synthetic scene, procedural spectra: same everywhere
# A 24x24 scene of 4 classes and 24 bands, 16 principal components, 5x5 patches.
TINY=(data.synthetic.height=24 data.synthetic.width=24 data.synthetic.classes=4 data.synthetic.endmembers=procedural
      data.synthetic.bands=24 data.pca_bands=16 data.patch=5 data.val_fraction=0.1 train.threads=1)

check_verb_help train eval infer reproduce list
listing=$("$BIN" list)
grep -q "hybridsn" <<<"$listing" && grep -q "jasper_ridge" <<<"$listing" || fail "list lacks models or scenes: $listing"

# Bad input: one line naming the key or file, exit code 2 (more data.* errors in test_hsi_data.cpp).
expect_error "unknown config key 'train.lrr'.*did you mean 'train.lr'" train --out "$WORK/runs" "${TINY[@]}" train.lrr=1
expect_error "unknown model 'lgset' (did you mean 'lgest'?)" train --out "$WORK/runs" "${TINY[@]}" model.name=lgset
expect_error "data.pca_bands: 40 exceeds" train --out "$WORK/runs" "${TINY[@]}" data.pca_bands=40
expect_error "unknown hsi scene 'samsun' (did you mean 'samson'?)" train --out "$WORK/runs" "${TINY[@]}" data.name=samsun
expect_error "Samson.mat: not found" train --out "$WORK/runs" "${TINY[@]}" data.name=samson data.fallback_synthetic=false
expect_error "\-\-checkpoint" eval "${TINY[@]}"
expect_error "nothing.pt: not found" infer --checkpoint "$WORK/nothing.pt"
expect_error "nothing.yaml: not found" train --config "$WORK/nothing.yaml"

# train: 2 epochs of LGEST end to end.
"$BIN" train --out "$WORK/runs" "${TINY[@]}" train.epochs=2 >"$WORK/train.out" 2>"$WORK/train.log" \
  || fail "training failed: $(tail -5 "$WORK/train.log")"
grep -q "fitted on the [0-9]* training pixels only" "$WORK/train.log" || fail "no leakage statement in the log"
run=$(ls -d "$WORK"/runs/lgest/synthetic/*/ | head -1)
for f in config.yaml metrics.csv last.pt best.pt report.md test_metrics.csv test_metrics.json confusion.csv \
         plots/loss.png plots/confusion.png plots/expert_load.png; do
  [[ -s "$run/$f" ]] || fail "run lacks $f"
done
grep -q "## Test set (best.pt)" "$run/report.md" || fail "report.md has no test section"
python3 - "$run" <<'PY' || fail "metrics out of range"
import csv, json, math, sys
run = sys.argv[1]
j = json.load(open(run + "/test_metrics.json"))
for key in ("oa", "aa", "kappa"):
    assert isinstance(j[key], float), (key, j[key])
for key in ("oa", "aa"):
    assert 0 <= j[key] <= 1, (key, j[key])
assert -1 <= j["kappa"] <= 1, j["kappa"]
assert len(j["per_class_accuracy"]) == 4 and len(j["confusion"]) == 4
assert sum(map(sum, j["confusion"])) == j["test_pixels"] > 0
rows = list(csv.DictReader(open(run + "/metrics.csv")))
vals = [float(r["eval/val_oa"]) for r in rows if r.get("eval/val_oa")]
assert len(vals) == 2 and all(0 <= v <= 1 for v in vals), vals
PY
test_oa=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['oa'])" "$run/test_metrics.json")

# eval: the checkpoint's test OA equals what training reported.
"$BIN" eval --checkpoint "$run/best.pt" >"$WORK/eval.out" 2>"$WORK/eval.log" || fail "eval failed: $(tail -3 "$WORK/eval.log")"
for m in val_oa val_aa val_kappa test_oa test_aa test_kappa; do grep -q "^$m " "$WORK/eval.out" || fail "eval lacks $m"; done
python3 -c "import sys; a=float(sys.argv[1]); b=float(sys.argv[2]); sys.exit(0 if abs(a-b) < 1e-6 else 1)" \
  "$(grep '^test_oa ' "$WORK/eval.out" | cut -d' ' -f2)" "$test_oa" || fail "eval test_oa differs from training's $test_oa"

# infer: the whole-scene map.
"$BIN" infer --checkpoint "$run/best.pt" --output "$WORK/map" >"$WORK/infer.out" 2>"$WORK/infer.log" \
  || fail "infer failed: $(tail -3 "$WORK/infer.log")"
python3 - "$WORK/map" <<'PY' || fail "infer outputs are wrong"
import ast, struct, sys
d = sys.argv[1]
def png_size(path):
    b = open(path, "rb").read()
    assert b[:8] == b"\x89PNG\r\n\x1a\n" and b[12:16] == b"IHDR", path
    return struct.unpack(">II", b[16:24])
assert png_size(d + "/classification_map.png") == (24, 24)
assert png_size(d + "/ground_truth.png") == (24, 24)
w, h = png_size(d + "/classification_figure.png")
assert w > 48 and h > 24, (w, h)
raw = open(d + "/classification_map.npy", "rb").read()
assert raw[:6] == b"\x93NUMPY"
hlen = struct.unpack("<H", raw[8:10])[0]
header = ast.literal_eval(raw[10:10 + hlen].decode())
assert header["descr"] == "<i8" and header["shape"] == (24, 24) and not header["fortran_order"], header
values = struct.unpack("<%dq" % (24 * 24), raw[10 + hlen:])
assert min(values) >= 1 and max(values) <= 4, (min(values), max(values))
PY

# reproduce: one seed, one scene, one epoch, all three models, both splits.
splits='splits={fraction: [data.split=fraction],
  disjoint: [data.split=disjoint, data.block=8, data.train_fraction=0.2, data.val_fraction=0.1]}'
models='models={lgest: [model.name=lgest], hybridsn: [model.name=hybridsn, model.same_padding=true],
  ssftt: [model.name=ssftt]}'
overrides='overrides=[train.epochs=1, data.synthetic.height=32, data.synthetic.width=32, data.synthetic.classes=3,
  data.synthetic.endmembers=procedural, data.synthetic.bands=24, data.pca_bands=16, data.patch=5, train.threads=1]'
"$BIN" reproduce --out "$WORK/runs" seeds=1 'scenes={synthetic: base.yaml}' "$splits" "$models" "$overrides" \
  >"$WORK/reproduce.out" 2>"$WORK/reproduce.log" || fail "reproduce failed: $(tail -5 "$WORK/reproduce.log")"
table=$(ls "$WORK"/runs/reproduce/lgest/table/*/table.md | head -1)
cell="[0-9.]+ ± [0-9.]+"
for split in fraction disjoint; do
  for model in lgest hybridsn ssftt; do
    row="^\| synthetic \| $split \(.*\) \| $model \| (\*\*)?$cell(\*\*)? \| $cell \| -?$cell \| [0-9.]+ \| 1 \|$"
    grep -Eq "$row" "$table" || fail "table lacks the $split $model row: $(cat "$table")"
  done
done
grep -q "disjoint 8x8 blocks" "$table" || fail "table does not describe the disjoint split"
grep -q "### synthetic, fraction" "$table" || fail "table has no per-class section"
[[ $(wc -l <"$(dirname "$table")/results.csv") -eq 7 ]] || fail "results.csv should have 6 runs"

# reuse: the same call on top of that results.csv trains nothing and gives the same rows,
# per-class sections included (the class names come back from the per_class column).
"$BIN" reproduce --out "$WORK/runs2" seeds=1 'scenes={synthetic: base.yaml}' "$splits" "$models" "$overrides" \
  "reuse=[$(dirname "$table")/results.csv]" >/dev/null 2>"$WORK/reuse.log" \
  || fail "reproduce with reuse failed: $(tail -5 "$WORK/reuse.log")"
table2=$(ls "$WORK"/runs2/reproduce/lgest/table/*/table.md | head -1)
grep -q "6 of 6 runs (6 reused" "$table2" || fail "reuse table header: $(head -5 "$table2")"
[[ ! -d "$(dirname "$table2")/runs" ]] || fail "reuse trained runs again"
diff <(grep -v "runs (" "$table") <(grep -v "runs (" "$table2") >/dev/null \
  || fail "the reused table differs: $(diff <(grep -v "runs (" "$table") <(grep -v "runs (" "$table2"))"
cmp -s "$(dirname "$table")/results.csv" "$(dirname "$table2")/results.csv" || fail "the reused results.csv differs"
echo "PASS"
