# 3001: the simulator end to end. `savant-feed sim` is deterministic (the same seed gives the same
# bytes, and the counts follow the rules of docs/feeds.md); its events go through savant-broker
# to savant-engine, which publishes scored candidates (field final present) on savant.scores.v1
# for every simulated game, with in-range finals and known tiers, and p_model from the shipped model.
. "$(dirname "$0")/lib.sh"

# 1. Same seed, same bytes. seed 5, 3 games (nba, nfl, nhl), 8 books: per game 1 scheduled +
# 24 opening quotes + 2 shocks x (24 + 3 suspensions) + 4 drifts + live (17, 13, 10) + 1 final,
# and 3 splits for games 1 and 3: odds 3 x 82 = 246, games 6 + 40 = 46, context 6.
"$BIN/savant-feed" sim --seed 5 --games 3 -o - >"$TMP/a.jsonl" 2>"$TMP/a.err" || fail "sim failed: $(cat "$TMP/a.err")"
"$BIN/savant-feed" sim --seed 5 --games 3 -o - >"$TMP/b.jsonl" 2>"$TMP/b.err" || fail "sim failed: $(cat "$TMP/b.err")"
cmp -s "$TMP/a.jsonl" "$TMP/b.jsonl" || fail "two runs with --seed 5 differ"
assert_eq "summary" "savant-feed: 298 events (odds 246, games 46, context 6), 0 skipped" "$(cat "$TMP/a.err")"
assert_eq "lines" 298 "$(grep -c . "$TMP/a.jsonl")"
"$BIN/savant-feed" sim --seed 6 --games 3 -o - >"$TMP/c.jsonl" 2>/dev/null
cmp -s "$TMP/a.jsonl" "$TMP/c.jsonl" && fail "--seed 6 gives the same bytes as --seed 5"
# the lines carry topic, key and value, and the key is the value's event_id
jq -e -s 'all(.[]; (.topic | test("^savant\\.(odds|games|context)\\.v1$")) and .key == .value.event_id)' \
    "$TMP/a.jsonl" >/dev/null || fail "a line lacks topic/key/value or its key is not its event_id"
"$BIN/savant-feed" sim --bad-option >/dev/null 2>&1 && fail "a bad option was accepted"
set +e; "$BIN/savant-feed" sim --sports nba,curling -o - >/dev/null 2>"$TMP/bad.err"; rc=$?; set -e
assert_eq "unknown sport exit status" 2 "$rc"
grep -q "sports: unknown sport 'curling'" "$TMP/bad.err" || fail "unknown sport not named: $(cat "$TMP/bad.err")"

# 2. sim -> broker -> engine -> scores.
start_broker --partitions 2
# a line's value goes back through savant-cat's schema check (five quotes of the run below,
# produced twice: a repeated quote is not stale)
"$BIN/savant-feed" sim --seed 7 --games 4 --events 400 -o "$TMP/s7.jsonl" 2>/dev/null
jq -c -s '[.[] | select(.topic == "savant.odds.v1") | .value][:5][]' "$TMP/s7.jsonl" > "$TMP/odds5.jsonl"
"$BIN/savant-cat" produce -b "$BROKERS" -t savant.odds.v1 < "$TMP/odds5.jsonl" 2>"$TMP/cat.err" ||
    fail "savant-cat rejects simulated odds: $(cat "$TMP/cat.err")"
"$BIN/savant-feed" sim --seed 7 --games 4 --events 400 -b "$BROKERS" --truth "$TMP/truth.jsonl" \
    2>"$TMP/feed.err" || fail "sim to the broker failed: $(cat "$TMP/feed.err")"
# the slate of 4 games (nba, nfl, nhl, mlb) ends before 400 events: 4 x 84 + live 17 + 13 + 10
# + 10 + 6 splits = 392 (odds 4 x 82, games 8 + 50)
assert_eq "summary" "savant-feed: 392 events (odds 328, games 58, context 6), 0 skipped" "$(cat "$TMP/feed.err")"
assert_eq "truth lines" 4 "$(grep -c . "$TMP/truth.jsonl")"
jq -r .event_id "$TMP/truth.jsonl" | sort > "$TMP/games"
assert_eq "odds messages" 333 "$(topic_count savant.odds.v1)"
assert_eq "game messages" 58 "$(topic_count savant.games.v1)"

bg "$BIN/savant-engine" -X "kafka.brokers=$BROKERS" -X kafka.group=t3001 -X kafka.session_timeout_ms=3000 \
    2>"$TMP/engine.log"
ENGINE=$BG_PID
scored_games() {
    timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.scores.v1 -e 2>/dev/null |
        jq -r 'select(.final != null) | .event_id' | sort -u
}
all_scored() { [ "$(scored_games | comm -13 - "$TMP/games" | grep -c .)" = 0 ]; }
wait_for 60 all_scored || { tail -5 "$TMP/engine.log" >&2; fail "not every game scored: $(scored_games | tr '\n' ' ')"; }
timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.scores.v1 -e 2>/dev/null > "$TMP/scores"
# every scored event id is a simulated game
jq -r .event_id "$TMP/scores" | sort -u | comm -23 - "$TMP/games" > "$TMP/extra"
assert_eq "scores for unknown games" "" "$(cat "$TMP/extra")"
jq -e -s '[.[] | select(.final != null)] | length > 0 and all(.[];
        .final >= 0 and .final <= 10 and
        (.tier | IN("TITANIUM_SMASH", "GOLD_STAR", "EDGE_LEAN", "MONITOR", "PASS")) and
        (.market | IN("h2h", "spreads", "totals")) and .p_fair > 0 and .p_fair < 1 and .books >= 1)' \
    "$TMP/scores" >/dev/null || fail "a score is out of range: $(jq -c 'select(.final != null and (.final < 0 or .final > 10))' "$TMP/scores" | head -2)"
jq -e -s '[.[] | .market] | unique == ["h2h", "spreads", "totals"]' "$TMP/scores" >/dev/null ||
    fail "not every market scored"
# the shipped model (ai.model default) gives p_model on every score after an odds event, and the
# AI score is its mapping against the consensus: clamp(5 + 50 (p_model - p_fair), 0, 10)
jq -e -s 'all(.[]; .p_model != null and .p_model > 0 and .p_model < 1 and (.model | startswith("lstm-16x32-"))) and
    all(.[] | select(.final != null); ((.ai - ([0, ([10, 5 + 50 * (.p_model - .p_fair)] | min)] | max)) | fabs) < 1e-9)' \
    "$TMP/scores" >/dev/null || fail "p_model or the AI score is missing or wrong: $(head -1 "$TMP/scores")"
grep -q 'event=started .* model=lstm-16x32-' "$TMP/engine.log" || fail "the engine did not load the default model: $(grep started "$TMP/engine.log")"

kill -TERM "$ENGINE"; set +e; wait "$ENGINE"; rc=$?; set -e
assert_eq "engine exit status" 0 "$rc"
