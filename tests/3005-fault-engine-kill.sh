# 3005: fault injection (issue 9): kill -9 of the engine under load. The simulator's slate (seed
# 7, 4 games: scheduled games and splits, then 328 odds, then the live scores and finals) goes
# through savant-broker to an engine twice: once undisturbed (the reference) and once with the
# engine killed with SIGKILL while it works through the odds, then restarted in the same group.
# For every candidate (savant.scores.v1) and every signal_id (savant.signals.v1) the last value
# equals the reference's, and nothing of the reference is missing (per key, every value of the
# reference is there; tests/fault-compare.py); the extra messages are the redone work. Scores are
# compared byte for byte, signal revisions too (their Kafka metadata aside). The input
# is fed in three steps (games and splits, odds, live scores) so both runs see the same order per
# key (see 2111: topics are read in no fixed order relative to each other).
# Prints: fault: engine-kill: lost=N duplicated=N recovery_ms=N (recovery: from the restart to
# every key's latest value being the reference's).
. "$(dirname "$0")/lib.sh"

"$BIN/savant-feed" sim --seed 7 --games 4 --events 400 -o "$TMP/sim.jsonl" 2>/dev/null
jq -c 'select(.topic == "savant.games.v1" and .value.status == "scheduled" or .topic == "savant.context.v1")' \
    "$TMP/sim.jsonl" > "$TMP/a.jsonl"
jq -c 'select(.topic == "savant.odds.v1") | .value' "$TMP/sim.jsonl" > "$TMP/b.jsonl"
jq -c 'select(.topic == "savant.games.v1" and .value.status != "scheduled") | .value' "$TMP/sim.jsonl" > "$TMP/c.jsonl"
n_a=$(grep -c . "$TMP/a.jsonl") n_b=$(grep -c . "$TMP/b.jsonl") n_c=$(grep -c . "$TMP/c.jsonl")
assert_eq "the slate" "10 328 54" "$n_a $n_b $n_c"
half=$((n_b / 2))
head -n "$half" "$TMP/b.jsonl" > "$TMP/b1.jsonl"
tail -n +$((half + 1)) "$TMP/b.jsonl" > "$TMP/b2.jsonl"

engine() { exec "$BIN/savant-engine" -X "kafka.brokers=$BROKERS" -X kafka.group=t3005 \
    -X kafka.session_timeout_ms=3000 -X kafka.commit_interval_ms=100 -X kafka.batch_max=20 \
    -X redis.url=none -X pg.dsn=none -X score.ai_default=7 -X ai.model= -X signal.ev_min=-0.05 "$@"; }
# start_engine LOG: sets ENGINE and HTTP
start_engine() {
    bg engine 2>"$1"; ENGINE=$BG_PID
    wait_for 20 grep -q 'event=started' "$1" || { cat "$1" >&2; fail "engine did not start"; }
    HTTP=$(sed -n 's/.*event=started.* http=\([0-9]*\).*/\1/p' "$1")
}
consumed() { curl -s "http://127.0.0.1:$HTTP/metrics" | awk '$1 == "savant_input_messages_total" {print $2}'; }
consumed_ge() { [ "$(consumed)" -ge "$1" ]; }
produce_a() {
    jq -c 'select(.topic == "savant.games.v1") | .value' "$TMP/a.jsonl" | cat_produce games
    jq -c 'select(.topic == "savant.context.v1") | .value' "$TMP/a.jsonl" | cat_produce context
}
# keyed TOPIC FILE: "key<TAB>base64 value bytes" in offset order per key (a score's key is its
# candidate)
keyed() {
    timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t "$1" -e -R 2>/dev/null |
        jq -r '[._key, ._partition, ._offset, ._bytes] | @tsv' |
        sort -t "$(printf '\t')" -k1,1 -k3,3n -s | awk -F '\t' '{print $1 "\t" $4}' > "$2"
}
# signals_keyed FILE: "signal_id<TAB>revision" in offset order per signal_id. A restarted engine
# takes as said only the revisions computed from inputs before the committed offsets (their
# savant-src header) and redoes the rest with the same rev numbers (docs/signals.md, Recovery;
# decision 0014), so a redone revision is equal in every field, rev included.
signals_keyed() {
    timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.signals.v1 -e 2>/dev/null |
        jq -r '[.signal_id, ._partition, ._offset, (del(._topic, ._partition, ._offset, ._key) | tojson | @base64)] | @tsv' |
        sort -t "$(printf '\t')" -k1,1 -k3,3n -s | awk -F '\t' '{print $1 "\t" $4}' > "$1"
}
snapshot() { keyed savant.scores.v1 "$TMP/$1.scores"; signals_keyed "$TMP/$1.signals"; }
settled() { local a; a=$(topic_count savant.scores.v1); sleep 1; [ "$a" = "$(topic_count savant.scores.v1)" ]; }
# compare REF RUN: "lost duplicated" of run RUN against REF (tests/fault-compare.py)
compare() {
    python3 "$ROOT/tests/fault-compare.py" "$TMP/$1.scores" "$TMP/$2.scores" "$TMP/$1.signals" "$TMP/$2.signals"
}

# The reference
start_broker --partitions 3
produce_a
start_engine "$TMP/ref.log"
wait_for 30 consumed_ge "$n_a" || fail "reference: the games were not consumed"
cat_produce odds < "$TMP/b.jsonl"
wait_for 60 consumed_ge $((n_a + n_b)) || fail "reference: the odds were not consumed ($(consumed))"
wait_for 30 settled || fail "reference: outputs do not settle"
snapshot refb
cat_produce games < "$TMP/c.jsonl"
wait_for 60 consumed_ge $((n_a + n_b + n_c)) || fail "reference: the live scores were not consumed"
wait_for 30 settled || fail "reference: outputs do not settle"
snapshot ref
kill -TERM "$ENGINE"; wait "$ENGINE" || fail "reference engine exit status $?"
kill "$BROKER_PID"; wait "$BROKER_PID" || true
n_sig=$(grep -c . "$TMP/ref.signals")
[ "$n_sig" -ge 1 ] || fail "the reference has no signal"

# The crash: the first half of the odds is processed and committed, the second half arrives and
# the engine is killed with SIGKILL as soon as it has started on it
start_broker --partitions 3
produce_a
start_engine "$TMP/crash1.log"
wait_for 30 consumed_ge "$n_a" || fail "the games were not consumed"
cat_produce odds < "$TMP/b1.jsonl"
wait_for 60 consumed_ge $((n_a + half)) || fail "the first half was not consumed"
sleep 1 # > kafka.commit_interval_ms: committed
cat_produce odds < "$TMP/b2.jsonl"
wait_for 30 consumed_ge $((n_a + half + 1)) || fail "the second half was not started"
at_kill=$(consumed)
kill -KILL "$ENGINE"
wait "$ENGINE" 2>/dev/null || true
t0=$(date +%s%N)
start_engine "$TMP/crash2.log"
caught_up() { snapshot run; compare refb run >/dev/null 2>&1; }
within 60 caught_up || { tail -5 "$TMP/crash2.log" >&2; fail "the restarted engine did not catch up: $(compare refb run)"; }
t1=$(date +%s%N)
cat_produce games < "$TMP/c.jsonl"
wait_for 60 consumed_ge "$n_c" || fail "the restarted engine did not consume the live scores"
wait_for 30 settled || fail "outputs do not settle"
snapshot crash
kill -TERM "$ENGINE"; set +e; wait "$ENGINE"; rc=$?; set -e
assert_eq "restarted engine exit status" 0 "$rc"
set +e; res=$(compare ref crash); set -e
read -r lost dup <<<"$res"
replayed=$(sed -n 's/.*event=stopped .* replayed=\([0-9]*\).*/\1/p' "$TMP/crash2.log")
echo "    killed after ${at_kill:-?} of $((n_a + n_b)) inputs; the restart re-read $replayed;" \
    "reference $(grep -c . "$TMP/ref.scores") scores, $n_sig signal revisions;" \
    "crash run $(grep -c . "$TMP/crash.scores") scores, $(grep -c . "$TMP/crash.signals") signal revisions" >&2
echo "fault: engine-kill: lost=$lost duplicated=$dup recovery_ms=$(( (t1 - t0) / 1000000 ))" >&2
assert_eq "lost" 0 "$lost"
