#!/usr/bin/env bash
# End-to-end checks of moezoo-m4fuse: --help of every verb, one-line errors for bad
# input, train -> run files on tiny synthetic cases (6 mm grid, 16^3 patches: seconds),
# eval on the run's validation cases and on the real TCGA case, infer on the real TCGA
# case (mask on the input's exact grid, overlay PNG), broken copies of that case, and a
# shrunk reproduce (table sections, masks, the pseudo-reference wording).
# The real-data parts need $MOEZOO_DATA/mri: skipped without it, failed under CI=true.
set -uo pipefail
BIN="$1"
source "$(dirname "$0")/../../support/cli_test_lib.sh"  # WORK, fail, expect_error, check_verb_help
TCGA="${MOEZOO_DATA:-/nonexistent}/mri/TCGA-DU-7294"
HAVE_DATA=0
if [[ -n "${MOEZOO_DATA:-}" && -d "$TCGA" && -f "$MOEZOO_DATA/mri/atlas/ch2bet.nii.gz" ]]; then
  HAVE_DATA=1
elif [[ "${CI:-}" == "true" ]]; then
  fail "CI=true but the MRI data is missing: $TCGA (set MOEZOO_DATA)"
else
  echo "note: MOEZOO_DATA/mri not found: real-data checks skipped, synthetic cases use the phantom brain"
fi
# 2 training + 1 validation synthetic cases on a 6 mm grid, 16^3 patches, 2 epochs of 2 steps.
TINY=(data.spacing_mm=6 data.patch=[16,16,16] data.train_cases=2 data.val_cases=1 data.fallback_phantom=true
      train.batch_size=2 train.batches_per_epoch=2 train.epochs=2 train.lr=0.001 train.threads=1)

check_verb_help train eval infer reproduce list
listing=$("$BIN" list)
for v in tiny small base large synthetic nnunet "paper 0.29M"; do
  grep -q "$v" <<<"$listing" || fail "list lacks '$v': $listing"
done

# Bad input: one line naming the key or file, exit code 2.
expect_error "unknown config key 'train.lrr'.*did you mean 'train.lr'" train --out "$WORK/runs" "${TINY[@]}" train.lrr=1
expect_error "data.patch" train --out "$WORK/runs" "${TINY[@]}" data.patch=[16,16,24]
expect_error "tiny" train --out "$WORK/runs" "${TINY[@]}" model.variant=tinyy
expect_error "ch2bet.nii.gz" train --out "$WORK/runs" --data-root "$WORK/nodata" "${TINY[@]}" data.fallback_phantom=false
expect_error "\-\-checkpoint" eval "${TINY[@]}"
expect_error "nothing.pt: not found" infer --checkpoint "$WORK/nothing.pt" --input "$WORK" --output "$WORK/out"

# train: a few steps end to end.
"$BIN" train --out "$WORK/runs" "${TINY[@]}" >"$WORK/train.out" 2>"$WORK/train.log" \
  || fail "training failed: $(tail -5 "$WORK/train.log")"
run=$(ls -d "$WORK"/runs/m4fuse-tiny/synthetic/*/ | head -1)
for f in config.yaml metrics.csv last.pt best.pt report.md per_case_scores.csv plots/overlay.png; do
  [[ -s "$run/$f" ]] || fail "run lacks $f"
done
grep -q "## Validation cases (best.pt, original resolution)" "$run/report.md" || fail "report.md has no scores section"
python3 - "$run" <<'PY' || fail "per_case_scores.csv or metrics.csv wrong"
import csv, sys
run = sys.argv[1]
rows = list(csv.DictReader(open(run + "/per_case_scores.csv")))
assert [r["case"] for r in rows] == ["synthetic-0-2", "mean"], rows
for r in rows:
    for k in ("dice_et", "dice_tc", "dice_wt"):
        assert 0 <= float(r[k]) <= 1, (k, r)
    for k in ("hd95_et", "hd95_tc", "hd95_wt"):
        assert float(r[k]) >= 0, (k, r)
m = list(csv.DictReader(open(run + "/metrics.csv")))
vals = [float(r["eval/val_dice_mean"]) for r in m if r.get("eval/val_dice_mean")]
assert len(vals) == 2 and all(0 <= v <= 1 for v in vals), vals
PY

# eval on the run's validation case: the same scores as training wrote.
"$BIN" eval --checkpoint "$run/best.pt" --output "$WORK/eval.csv" >"$WORK/eval.out" 2>"$WORK/eval.log" \
  || fail "eval failed: $(tail -3 "$WORK/eval.log")"
for m in dice_et dice_tc dice_wt hd95_et hd95_tc hd95_wt; do grep -q "^$m " "$WORK/eval.out" || fail "eval lacks $m"; done
cmp -s "$WORK/eval.csv" "$run/per_case_scores.csv" || fail "eval's scores differ from training's"

if [[ $HAVE_DATA -eq 1 ]]; then
  # infer on the real TCGA case: the mask has the input's exact grid.
  "$BIN" infer --checkpoint "$run/best.pt" --input "$TCGA" --output "$WORK/masks" >"$WORK/infer.out" 2>"$WORK/infer.log" \
    || fail "infer failed: $(tail -3 "$WORK/infer.log")"
  grep -q "\[1/1\] TCGA-DU-7294 (240x240x155).* s -> " "$WORK/infer.out" || fail "infer progress line: $(cat "$WORK/infer.out")"
  [[ -s "$WORK/masks/TCGA-DU-7294_overlay.png" ]] || fail "infer wrote no overlay"
  python3 - "$WORK/masks/TCGA-DU-7294.nii.gz" "$TCGA/TCGA-DU-7294_t1_bet.nii.gz" <<'PY' || fail "mask grid differs from the input's"
import gzip, struct, sys
def header(path):
    h = gzip.open(path).read(352)
    dim = struct.unpack("<8h", h[40:56]); datatype = struct.unpack("<h", h[70:72])[0]
    pixdim = struct.unpack("<8f", h[76:108]); srow = struct.unpack("<12f", h[280:328])
    qform, sform = struct.unpack("<hh", h[252:256])
    return dim, datatype, pixdim, srow, (qform, sform)
mask, image = header(sys.argv[1]), header(sys.argv[2])
assert mask[0][:4] == image[0][:4] == (3, 240, 240, 155), (mask[0], image[0])
assert mask[1] == 2, "mask datatype %d, expected 2 (uint8)" % mask[1]
assert all(abs(a - b) < 1e-4 for a, b in zip(mask[2][1:4], image[2][1:4])), (mask[2], image[2])
if image[4][1] > 0:
    assert all(abs(a - b) < 1e-3 for a, b in zip(mask[3], image[3])), (mask[3], image[3])
d = gzip.open(sys.argv[1]).read()
off = int(struct.unpack("<f", d[108:112])[0])
assert set(d[off:]) <= {0, 1, 2, 4}, sorted(set(d[off:]))
PY

  # eval on the TCGA case against its majority vote.
  "$BIN" eval --checkpoint "$run/best.pt" --input "$TCGA" --output "$WORK/tcga_eval" >"$WORK/eval2.out" 2>"$WORK/eval2.log" \
    || fail "eval --input failed: $(tail -3 "$WORK/eval2.log")"
  grep -q "^TCGA-DU-7294," "$WORK/tcga_eval/per_case_scores.csv" || fail "eval --input CSV lacks the case"

  # Broken copies of the case: a missing modality, a truncated file.
  mkdir -p "$WORK/broken/TCGA-DU-7294" "$WORK/trunc/TCGA-DU-7294"
  cp "$TCGA"/TCGA-DU-7294_{t1,t1c,fla}_bet.nii.gz "$WORK/broken/TCGA-DU-7294/"
  expect_error "TCGA-DU-7294.*t2" infer --checkpoint "$run/best.pt" --input "$WORK/broken/TCGA-DU-7294" --output "$WORK/o"
  cp "$TCGA"/TCGA-DU-7294_{t1,t1c,t2}_bet.nii.gz "$WORK/trunc/TCGA-DU-7294/"
  head -c 200000 "$TCGA/TCGA-DU-7294_fla_bet.nii.gz" >"$WORK/trunc/TCGA-DU-7294/TCGA-DU-7294_fla_bet.nii.gz"
  expect_error "TCGA-DU-7294_fla_bet.nii.gz" infer --checkpoint "$run/best.pt" --input "$WORK/trunc/TCGA-DU-7294" --output "$WORK/o"

  # reproduce, shrunk: 2 steps at 6 mm, 2 held-out cases, no 1 mm timing.
  overrides='overrides=[data.spacing_mm=6, "data.patch=[16,16,16]", data.train_cases=2, data.val_cases=1,
    train.epochs=1, train.batches_per_epoch=2, train.threads=1]'
  "$BIN" reproduce --out "$WORK/runs" test_cases=2 time_1mm=false "$overrides" >"$WORK/reproduce.out" \
    2>"$WORK/reproduce.log" || fail "reproduce failed: $(tail -5 "$WORK/reproduce.log")"
  table_dir=$(dirname "$(ls "$WORK"/runs/reproduce/m4fuse/table/*/table.md | head -1)")
  for f in table.md test_scores.csv tcga_scores.csv TCGA-DU-7294.nii.gz BraTS-GLI-00001-000.nii.gz \
           BraTS-GLI-00001-000_overlay.png train/best.pt; do
    [[ -s "$table_dir/$f" ]] || fail "reproduce lacks $f"
  done
  for text in "pseudo-reference (algorithm output, not expert annotation)" "| mav (majority vote of the five) | n/a" \
              "Dice WT >= 85%: **" "| large | 2455614 | 2.46M | 2.45M |" "](BraTS-GLI-00001-000_overlay.png)"; do
    grep -qF -- "$text" "$table_dir/table.md" || fail "table.md lacks '$text'"
  done
  [[ $(wc -l <"$table_dir/test_scores.csv") -eq 4 ]] || fail "test_scores.csv should hold 2 cases and the mean"
fi
expect_error "TCGA-DU-7294: not found" reproduce --out "$WORK/runs" --data-root "$WORK/nodata"
echo "PASS"
