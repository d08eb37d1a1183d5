#!/usr/bin/env bash
# End-to-end checks of moezoo-geomoe: help, unknown keys, training on real Cora
# (or failing under CI when the data is missing), eval of the checkpoint, bad data.
set -uo pipefail
BIN="$1"
source "$(dirname "$0")/../support/cli_test_lib.sh"  # WORK, fail, expect_error, check_verb_help

check_verb_help train eval infer reproduce list
"$BIN" train --help | grep -q -- "--resume" || fail "train --help does not list --resume"
"$BIN" list | grep -q "gcn" || fail "list does not show gcn"

# Bad input: one line naming the key, with a suggestion, exit code 2.
expect_error "unknown config key 'train.lrr'.*did you mean 'train.lr'" train --out "$WORK/runs" data.name=synthetic \
  train.epochs=1 train.lrr=1
expect_error "unknown model 'gcm' (did you mean 'gcn'?)" train --out "$WORK/runs" data.name=synthetic model.name=gcm

# Missing data without fallback names the file.
out=$("$BIN" train --data-root "$WORK/nodata" --out "$WORK/runs" data.fallback_synthetic=false 2>&1); rc=$?
[[ $rc -eq 2 ]] && grep -q "nodata/graph/planetoid/cora.npz: not found" <<<"$out" || fail "missing data: rc=$rc $out"

# Synthetic fallback trains end to end and writes the run folder.
"$BIN" train --data-root "$WORK/nodata" --out "$WORK/runs" train.epochs=30 >"$WORK/synthetic.log" 2>&1 \
  || fail "synthetic training failed: $(tail -5 "$WORK/synthetic.log")"
run=$(ls -d "$WORK"/runs/gcn/synthetic/*/ | head -1)
for f in config.yaml metrics.csv last.pt best.pt report.md plots/loss.png; do
  [[ -s "$run/$f" ]] || fail "synthetic run lacks $f"
done

# GeoMoE on the synthetic graph (curvature cached under $WORK): predictions.csv with
# expert weights summing to 1 per node, the gate plot in the report, and infer
# reproducing the training's predictions file.
"$BIN" train --data-root "$WORK/nodata" --out "$WORK/runs" model.name=geomoe model.hidden=16 train.epochs=5 \
  curvature.cache_dir="$WORK/cache" >"$WORK/geomoe.log" 2>&1 || fail "geomoe training failed: $(tail -5 "$WORK/geomoe.log")"
run=$(ls -d "$WORK"/runs/geomoe/synthetic/*/ | head -1)
for f in predictions.csv gate_vs_curvature.png expert_load.csv plots/expert_load.png; do
  [[ -s "$run/$f" ]] || fail "geomoe run lacks $f"
done
grep -q "gate_vs_curvature.png" "$run/report.md" || fail "report.md does not show the gate plot"
ls "$WORK"/cache/*.curv >/dev/null 2>&1 || fail "no curvature cache entry in $WORK/cache"
head -1 "$run/predictions.csv" | grep -q "curvature,weight_kappa=-1,weight_kappa=0,weight_kappa=1" \
  || fail "predictions.csv header: $(head -1 "$run/predictions.csv")"
python3 - "$run/predictions.csv" <<'PY' || fail "expert weights do not sum to 1"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 600, len(rows)
for r in rows:
    s = sum(float(r[k]) for k in r if k.startswith("weight_"))
    assert abs(s - 1) < 1e-4, (r["node"], s)
PY
"$BIN" infer --data-root "$WORK/nodata" --checkpoint "$run/best.pt" --output "$WORK/pred.csv" >/dev/null 2>&1 \
  || fail "infer failed"
cmp -s "$WORK/pred.csv" "$run/predictions.csv" || fail "infer's predictions differ from the training run's"

# Consistency training (GRAND-style, 2 perturbed passes per step) logs its loss term.
"$BIN" train --data-root "$WORK/nodata" --out "$WORK/runs_cr" model.name=geomoe model.hidden=16 train.epochs=3 \
  train.consistency.samples=2 train.consistency.coef=0.7 train.consistency.drop_node=0.5 model.input_dropout=0 \
  curvature.cache_dir="$WORK/cache" >"$WORK/consistency.log" 2>&1 || fail "consistency training failed: $(tail -5 "$WORK/consistency.log")"
python3 - "$(ls -d "$WORK"/runs_cr/geomoe/synthetic/*/ | head -1)metrics.csv" <<'PY' || fail "metrics.csv lacks aux/consistency values"
import csv, sys
values = [float(r["aux/consistency"]) for r in csv.DictReader(open(sys.argv[1])) if r.get("aux/consistency")]
assert values and all(v > 0 for v in values), values
PY
expect_error "train.consistency.drop_node: must be in .0, 1)" train --data-root "$WORK/nodata" --out "$WORK/runs_cr" \
  model.name=gcn train.epochs=1 train.consistency.drop_node=1

# reproduce: 2 models x 2 seeds on the synthetic graph, a table and one CSV row per run.
"$BIN" reproduce --data-root "$WORK/nodata" --out "$WORK/runs" seeds=2 'datasets={synthetic: cora.yaml}' \
  'models={gcn: [model.name=gcn], geomoe: [model.name=geomoe, model.hidden=16]}' \
  "overrides=[train.epochs=3, curvature.cache_dir=$WORK/cache]" 'selected={best: [gcn, geomoe]}' \
  >"$WORK/reproduce.log" 2>&1 || fail "reproduce failed: $(tail -5 "$WORK/reproduce.log")"
table=$(ls "$WORK"/runs/reproduce/geomoe/table/*/table.md | head -1)
grep -Eq "^\| geomoe \| [0-9.]+ ± [0-9.]+ \|" "$table" || fail "reproduce table: $(cat "$table")"
[[ $(wc -l <"$(dirname "$table")/results.csv") -eq 5 ]] || fail "results.csv should have 4 runs"
# The selected row repeats the row of the candidate with the higher mean validation accuracy.
python3 - "$table" <<'PY' || fail "selected row: $(cat "$table")"
import csv, os, sys
table = open(sys.argv[1]).read()
rows = list(csv.DictReader(open(os.path.join(os.path.dirname(sys.argv[1]), "results.csv"))))
val = {m: sum(float(r["val_acc"]) for r in rows if r["model"] == m) for m in ("gcn", "geomoe")}
best = max(val, key=val.get)
cells = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in table.splitlines() if line.startswith("| ")}
assert cells["best (selected on validation)"] == cells[best] + " [" + best + "]", (cells, val)
PY

# reuse: a third seed on top of the first call's results.csv trains only the two new
# runs; the four earlier rows come back unchanged.
first_csv="$(dirname "$table")/results.csv"
"$BIN" reproduce --data-root "$WORK/nodata" --out "$WORK/runs2" seeds=3 'datasets={synthetic: cora.yaml}' \
  'models={gcn: [model.name=gcn], geomoe: [model.name=geomoe, model.hidden=16]}' \
  "overrides=[train.epochs=3, curvature.cache_dir=$WORK/cache]" 'selected={best: [gcn, geomoe]}' "reuse=[$first_csv]" \
  >"$WORK/reuse.log" 2>&1 || fail "reproduce with reuse failed: $(tail -5 "$WORK/reuse.log")"
[[ $(grep -c ", reused)" "$WORK/reuse.log") -eq 4 ]] || fail "reuse should take 4 runs: $(cat "$WORK/reuse.log")"
table2=$(ls "$WORK"/runs2/reproduce/geomoe/table/*/table.md | head -1)
grep -q "6 of 6 runs (4 reused" "$table2" || fail "reuse table header: $(cat "$table2")"
[[ $(ls -d "$WORK"/runs2/reproduce/geomoe/table/*/runs/synthetic/*/seed* | wc -l) -eq 2 ]] \
  || fail "reuse should train only seed 2 of each model"
second_csv="$(dirname "$table2")/results.csv"
for model in gcn geomoe; do
  diff <(grep "^synthetic,$model,[01]," "$first_csv") <(grep "^synthetic,$model,[01]," "$second_csv") >/dev/null \
    || fail "reused rows of $model differ from the first results.csv"
done
# A run whose config changed since (here the model's width) is trained again, not reused.
"$BIN" reproduce --data-root "$WORK/nodata" --out "$WORK/runs3" seeds=1 'datasets={synthetic: cora.yaml}' \
  'models={geomoe: [model.name=geomoe, model.hidden=8]}' "overrides=[train.epochs=3, curvature.cache_dir=$WORK/cache]" \
  "reuse=[$first_csv]" >"$WORK/reuse3.log" 2>&1 || fail "reproduce with a changed config failed"
grep -q "geomoe seed 0: the reused results.csv trained it with another config; training it again" "$WORK/reuse3.log" \
  || fail "a changed config was reused: $(cat "$WORK/reuse3.log")"
grep -q "1 of 1 runs (0 reused" "$(ls "$WORK"/runs3/reproduce/geomoe/table/*/table.md)" || fail "changed config counted as reused"
printf 'dataset,model,seed\nsynthetic,gcn\n' >"$WORK/broken.csv"
expect_error "broken.csv:2: 2 fields, but the header has 3" reproduce --data-root "$WORK/nodata" \
  --out "$WORK/runs4" seeds=1 'datasets={synthetic: cora.yaml}' "reuse=[$WORK/broken.csv]"

# Real Cora: GCN with the paper's setup reaches Kipf & Welling's range on one seed.
if [[ -f "${MOEZOO_DATA:-/nonexistent}/graph/planetoid/cora.npz" ]]; then
  "$BIN" train --out "$WORK/runs" train.threads=1 >"$WORK/cora.log" 2>&1 || fail "cora training failed: $(tail -5 "$WORK/cora.log")"
  acc=$(grep -o "test_acc [0-9.]*" "$WORK/cora.log" | tail -1 | cut -d' ' -f2)
  echo "GCN Cora test accuracy at best validation step: $acc"
  python3 -c "import sys; sys.exit(0 if float('$acc') >= 0.78 else 1)" || fail "GCN Cora test accuracy $acc < 0.78"
  run=$(ls -d "$WORK"/runs/gcn/cora/*/ | head -1)
  eval_acc=$("$BIN" eval --checkpoint "$run/best.pt" | grep test_acc | cut -d' ' -f2)
  [[ "$eval_acc" == "$acc" ]] || fail "eval of best.pt gives test_acc $eval_acc, training reported $acc"
elif [[ "${CI:-}" == "true" ]]; then
  fail "CI=true but MOEZOO_DATA has no graph/planetoid/cora.npz"
else
  echo "skipping the Cora run: set MOEZOO_DATA"
fi
echo "PASS"
