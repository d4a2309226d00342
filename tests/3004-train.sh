# 3004: savant-train end to end. Two simulator seeds go through savant-broker, savant-replay
# record and savant-replay dataset (ops/train-default-model --data-only); savant-train trains on
# them twice with the same seed and writes byte-identical model files and reports; the held-out
# part is whole games; the training loss goes down; a dataset with another feature hash, bad
# usage and a bad line get the documented answers.
. "$(dirname "$0")/lib.sh"
TRAIN="$BIN/savant-train"

"$TRAIN" --help | head -1 | grep -q '^usage: savant-train ' || fail "--help first line"
"$TRAIN" --help | grep -q -- '-X key=value' || fail "--help lacks -X key=value"
set +e
"$TRAIN" x.jsonl 2>/dev/null; rc1=$?
"$TRAIN" x.jsonl -o m --hidden 65 2>"$TMP/usage.err"; rc2=$?
"$TRAIN" x.jsonl -o m --bogus 2>/dev/null; rc3=$?
"$TRAIN" "$TMP/missing.jsonl" -o "$TMP/m" 2>"$TMP/missing.err"; rc4=$?
set -e
assert_eq "exit status without -o" 2 "$rc1"
assert_eq "exit status for --hidden 65" 2 "$rc2"
assert_eq "--hidden 65 message" "savant-train: --hidden: not an integer in 1..64" "$(cat "$TMP/usage.err")"
assert_eq "exit status for an unknown option" 2 "$rc3"
assert_eq "exit status for a missing dataset" 1 "$rc4"
assert_eq "missing dataset message" \
    "savant-train: $TMP/missing.jsonl: cannot open: No such file or directory" "$(cat "$TMP/missing.err")"

SAVANT_BIN_DIR=$BIN SEEDS="11 12" GAMES=30 "$ROOT/ops/train-default-model" --data-only "$TMP/data" \
    2>"$TMP/data.err" || fail "building the datasets failed: $(tail -5 "$TMP/data.err")"
cd "$TMP"
for s in 11 12; do
    [ "$(grep -c . "data/dataset-$s.jsonl")" -gt 100 ] || fail "dataset-$s.jsonl is too small"
done
args=(data/dataset-11.jsonl data/dataset-12.jsonl --hidden 8 --epochs 6 --batch 16 --lr 0.01 --seed 3 --patience 0)
for r in 1 2; do
    "$TRAIN" "${args[@]}" -o "m$r.model" --eval "ev$r" 2>"train$r.err" || fail "train $r: $(cat "train$r.err")"
done
cmp m1.model m2.model || fail "two runs wrote different model files"
assert_files_eq "report.json of two runs" ev1/report.json ev2/report.json
assert_files_eq "report.md of two runs" ev1/report.md ev2/report.md
grep -q '^epoch 1/6  train loss [0-9.]*  held-out log loss [0-9.]*  best$' train1.err ||
    fail "progress line: $(head -3 train1.err)"
assert_eq "epochs run" "6" "$(jq .training.epochs_run ev1/report.json)"
assert_eq "model id in the report" "$(jq -r .model_id ev1/report.json)" \
    "$(sed -n 's/.*(model \(lstm-16x8-[0-9a-f]*\), .*/\1/p' train1.err)"

# the split is by game: every sequence of a held-out game is held out, and nothing else
jq -r 'select(.key != null and .label != null) | .key | split("|")[0]' data/dataset-1[12].jsonl > keys.txt
jq -r '.split.heldout_games[]' ev1/report.json > held.txt
total=$(grep -c . keys.txt)
held_markets=$(grep -cxFf held.txt keys.txt)
assert_eq "held-out markets" "$held_markets" "$(jq .split.markets_heldout ev1/report.json)"
assert_eq "training markets" "$((total - held_markets))" "$(jq .split.markets_train ev1/report.json)"
assert_eq "held-out games" "$(grep -c . held.txt)" "$(jq .split.games_heldout ev1/report.json)"
assert_eq "all games" "$(sort -u keys.txt | grep -c .)" \
    "$(jq '.split.games_train + .split.games_heldout' ev1/report.json)"
[ "$held_markets" -gt 0 ] && [ "$held_markets" -lt "$total" ] || fail "degenerate split: $held_markets of $total"
# another seed splits differently
"$TRAIN" "${args[@]}" --seed 4 --epochs 1 -q -o m4.model --eval ev4 || fail "train with --seed 4"
[ "$(jq -c .split.heldout_games ev1/report.json)" != "$(jq -c .split.heldout_games ev4/report.json)" ] ||
    fail "--seed 4 gave the same split as --seed 3"

# the training loss goes down
jq -e '.training.history | (.[-1].train_loss < .[0].train_loss)' ev1/report.json >/dev/null ||
    fail "training loss did not go down: $(jq -c '[.training.history[].train_loss]' ev1/report.json)"
# the evaluation has all three forecasters on the same markets
jq -e '.evaluation.model.n > 0 and .evaluation.model.n == .evaluation.market.n and
       .evaluation.market.n == .evaluation.elo.n and (.evaluation.model.calibration | length) == 10' \
    ev1/report.json >/dev/null || fail "evaluation: $(jq -c '.evaluation | del(.by_market)' ev1/report.json)"

# --truth adds the simulator's probabilities on the held-out h2h sequences of those games
"$TRAIN" "${args[@]}" --epochs 1 -q -o mt.model --eval evt --truth data/truth-11.jsonl --truth data/truth-12.jsonl ||
    fail "train with --truth"
h2h=$(jq '.evaluation.by_market[] | select(.type == "h2h") | .model.n' evt/report.json)
jq -e --argjson n "$h2h" '.evaluation.truth | .type == "h2h" and .truth.n == $n and .model.n == $n and
       .truth.log_loss > 0' evt/report.json >/dev/null || fail "truth: $(jq -c .evaluation.truth evt/report.json)"

# a dataset of another feature schema is refused, nothing is written
sed '1s/"feature_hash": "[0-9a-f]*"/"feature_hash": "00000000000000ff"/' data/dataset-11.jsonl > other.jsonl
hash=$(head -1 data/dataset-11.jsonl | jq -r .feature_hash)
set +e
"$TRAIN" other.jsonl -o other.model 2>other.err; rc=$?
set -e
assert_eq "exit status for another feature hash" 1 "$rc"
assert_eq "feature hash message" \
    "savant-train: other.jsonl:1: feature_hash: 00000000000000ff is not this build's feature schema $hash (rebuild the dataset with this savant-replay)" \
    "$(cat other.err)"
[ ! -e other.model ] || fail "a model was written for a refused dataset"

# a bad line is reported with its number and skipped; the rest trains
{ cat data/dataset-11.jsonl; echo 'not json'; echo '{"key":"x|h2h|","steps":[[1]],"label":1}'; } > bad.jsonl
n=$(($(grep -c . data/dataset-11.jsonl) + 1))
"$TRAIN" bad.jsonl data/dataset-12.jsonl -q -o bad.model --epochs 1 --eval evb 2>bad.err || fail "bad lines stopped training"
grep -q "^savant-train: bad.jsonl:$n: line: not a JSON object" bad.err || fail "bad line message: $(cat bad.err)"
grep -qx "savant-train: bad.jsonl:$((n + 1)): steps: step 0 is not an array of $(head -1 data/dataset-11.jsonl | jq ".features | length") numbers (line skipped)" bad.err ||
    fail "short step message: $(cat bad.err)"
assert_eq "bad lines counted" 2 "$(jq .input.bad_lines evb/report.json)"

# --evaluate: the trained model on a seed it never saw; every market is held out, nothing is
# written but the report, and the same run gives the same report
"$TRAIN" data/dataset-12.jsonl --evaluate m1.model --eval evx -q 2>evx.err || fail "--evaluate failed: $(cat evx.err)"
"$TRAIN" data/dataset-12.jsonl --evaluate m1.model --eval evy -q 2>/dev/null
assert_files_eq "--evaluate report of two runs" evx/report.json evy/report.json
assert_eq "--evaluate holds every market out" "$(grep -c '"key"' data/dataset-12.jsonl)" "$(jq .split.markets_heldout evx/report.json)"
assert_eq "--evaluate trains nothing" 0 "$(jq .training.epochs_run evx/report.json)"
set +e
"$TRAIN" data/dataset-12.jsonl --evaluate m1.model -o x.model 2>evu.err; rc=$?
set -e
assert_eq "--evaluate with -o status" 2 "$rc"
