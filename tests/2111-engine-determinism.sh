# 2111: determinism. The same input, run through two separate brokers and engines, gives the same
# score events: for every candidate key the same sequence of value bytes (DESIGN.md §5). Keys are
# the unit of order: events of one key share a partition, while the interleaving of different
# games across partitions depends on fetch timing and is not part of the contract.
# The games are known before the stream starts, so every score carries the JARVIS Savant scores
# (issue 4) and those are compared too. Topics are read in no fixed order, so the engine is first
# fed the games and one totals quote per game, and the stream starts once all eight totals
# markets come back scored; the totals keys are left out of the comparison.
. "$(dirname "$0")/lib.sh"

gen_odds_stream 12 > "$TMP/in.jsonl"
n_in=$(grep -c . "$TMP/in.jsonl")
for g in 1 2 3 4 5 6 7 8; do
    printf '{"v":1,"ts":1764170000000,"event_id":"g%s","sport":"nba","home":"Home %s","away":"Away %s","commence_ts":%s,"status":"scheduled"}\n' \
        "$g" "$g" "$g" $((1764200000000 + g * 86400000))
done > "$TMP/games.jsonl"
for g in 1 2 3 4 5 6 7 8; do
    printf '{"v":1,"ts":1764170000000,"event_id":"g%s","sport":"nba","book":"alpha","market":"totals","outcomes":[{"name":"Over","price":-110,"point":22%s.5},{"name":"Under","price":-110,"point":22%s.5}]}\n' \
        "$g" "$g" "$g"
done > "$TMP/totals.jsonl"

run() { # run NAME: broker, input, engine until every input is consumed; writes $TMP/NAME.keyed
    start_broker --partitions 3
    "$BIN/savant-cat" produce -b "$BROKERS" -t savant.games.v1 < "$TMP/games.jsonl" 2>/dev/null
    "$BIN/savant-cat" produce -b "$BROKERS" -t savant.odds.v1 < "$TMP/totals.jsonl" 2>/dev/null
    bg "$BIN/savant-engine" -X "kafka.brokers=$BROKERS" -X kafka.group=det -X kafka.session_timeout_ms=3000 \
        2>"$TMP/$1.log"
    local engine=$BG_PID
    scored_totals() { [ "$(timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.scores.v1 -e 2>/dev/null |
        jq -s '[.[] | select(.market == "totals" and .final != null)] | length')" -ge 16 ]; }
    wait_for 60 scored_totals || { tail "$TMP/$1.log" >&2; fail "$1: the games were not scored"; }
    "$BIN/savant-cat" produce -b "$BROKERS" -t savant.odds.v1 < "$TMP/in.jsonl" 2>/dev/null
    # every input produces 2 scores: wait for all of them, then stop
    all() { [ "$(topic_count savant.scores.v1)" -ge $((n_in * 2 + 16)) ]; }
    wait_for 90 all || { tail "$TMP/$1.log" >&2; fail "$1: not all scores arrived"; }
    kill -TERM "$engine"; wait "$engine" || fail "$1: engine exit status $?"
    scores_keyed "$TMP/$1.all"
    grep -v '|totals|' "$TMP/$1.all" > "$TMP/$1.keyed"
    timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.scores.v1 -e 2>/dev/null |
        jq -c 'select(.market != "totals") | [.final != null, .tier != null, .jarvis != null]' | sort | uniq -c > "$TMP/$1.scored"
    kill "$BROKER_PID"; wait "$BROKER_PID" || true
}
run a
run b
assert_eq "score events of run a" $((n_in * 2)) "$(grep -c . "$TMP/a.keyed")"
assert_eq "h2h candidate keys (8 games x 2 sides)" 16 "$(cut -f1 "$TMP/a.keyed" | grep "|h2h|" | sort -u | grep -c .)"
assert_eq "every score of the stream is scored" "$((n_in * 2)) [true,true,true]" "$(sed 's/^ *//' "$TMP/a.scored")"
assert_files_eq "per-key score bytes of two runs" "$TMP/a.keyed" "$TMP/b.keyed"
