# 2111: determinism. The same input, run through two separate brokers and engines, gives the same
# score events: for every candidate key the same sequence of value bytes (DESIGN.md §5). Keys are
# the unit of order: events of one key share a partition, while the interleaving of different
# games across partitions depends on fetch timing and is not part of the contract.
. "$(dirname "$0")/lib.sh"

gen_odds_stream 12 > "$TMP/in.jsonl"
n_in=$(grep -c . "$TMP/in.jsonl")

run() { # run NAME: broker, input, engine until every input is consumed; writes $TMP/NAME.keyed
    start_broker --partitions 3
    "$BIN/savant-cat" produce -b "$BROKERS" -t savant.odds.v1 < "$TMP/in.jsonl" 2>/dev/null
    bg "$BIN/savant-engine" -X "kafka.brokers=$BROKERS" -X kafka.group=det -X kafka.session_timeout_ms=3000 \
        2>"$TMP/$1.log"
    local engine=$BG_PID
    # every input produces 2 scores: wait for all of them, then stop
    all() { [ "$(topic_count savant.scores.v1)" -ge $((n_in * 2)) ]; }
    wait_for 90 all || { tail "$TMP/$1.log" >&2; fail "$1: not all scores arrived"; }
    kill -TERM "$engine"; wait "$engine" || fail "$1: engine exit status $?"
    scores_keyed "$TMP/$1.keyed"
    kill "$BROKER_PID"; wait "$BROKER_PID" || true
}
run a
run b
assert_eq "score events of run a" $((n_in * 2)) "$(grep -c . "$TMP/a.keyed")"
assert_eq "h2h candidate keys (8 games x 2 sides)" 16 "$(cut -f1 "$TMP/a.keyed" | grep "|h2h|" | sort -u | grep -c .)"
assert_files_eq "per-key score bytes of two runs" "$TMP/a.keyed" "$TMP/b.keyed"
