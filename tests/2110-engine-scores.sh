# 2110: savant-engine turns odds into savant.scores.v1 events, one per candidate of the touched
# market, with the consensus fair probability (Shin; for two outcomes equal to additive), best
# price and book, and book count — values computed by hand from spec/quant.md; a stale quote is
# ignored; a quote naming a team not in the game is a dead letter; a suspension removes the
# book from the consensus.
. "$(dirname "$0")/lib.sh"
start_broker --partitions 2
X=(-X "kafka.brokers=$BROKERS" -X kafka.group=t2110 -X kafka.session_timeout_ms=3000 -X ai.model=)
T0=1764180000000
odds() { # odds TS BOOK 'OUTCOMES-JSON'
    printf '{"v":1,"ts":%s,"event_id":"g1","sport":"nba","book":"%s","market":"h2h","outcomes":%s}\n' "$1" "$2" "$3"
}
LAL='Los Angeles Lakers' BOS='Boston Celtics'
printf '{"v":1,"ts":%s,"event_id":"g1","sport":"nba","home":"%s","away":"%s","commence_ts":%s,"status":"scheduled"}\n' \
    "$T0" "$LAL" "$BOS" $((T0 + 3600000)) | "$BIN/savant-cat" produce -b "$BROKERS" -t savant.games.v1 2>/dev/null
bg "$BIN/savant-engine" "${X[@]}" 2>"$TMP/engine.log"
ENGINE=$BG_PID

scores() { timeout 20 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.scores.v1 -e 2>/dev/null; }
have() { [ "$(scores | grep -c .)" -ge "$1" ]; }

# 1. alpha alone: q = 0.6, 1/2.3; additive p = q - (B-1)/2.
odds $((T0 + 1)) alpha "[{\"name\":\"$LAL\",\"price\":-150},{\"name\":\"$BOS\",\"price\":130}]" |
    "$BIN/savant-cat" produce -b "$BROKERS" -t savant.odds.v1 2>/dev/null
wait_for 30 have 2 || { cat "$TMP/engine.log" >&2; fail "no scores for the first quote"; }
# 2. beta joins: consensus is the mean of both books' fair probabilities.
odds $((T0 + 2)) beta "[{\"name\":\"$LAL\",\"price\":-140},{\"name\":\"$BOS\",\"price\":120}]" |
    "$BIN/savant-cat" produce -b "$BROKERS" -t savant.odds.v1 2>/dev/null
wait_for 30 have 4 || fail "no scores for the second quote"
# 3. a stale alpha quote (older than alpha's) and 4. a quote naming a team not in the game
{ odds $((T0 + 0)) alpha "[{\"name\":\"$LAL\",\"price\":-300},{\"name\":\"$BOS\",\"price\":250}]"
  odds $((T0 + 3)) gamma "[{\"name\":\"$LAL\",\"price\":-110},{\"name\":\"Miami Heat\",\"price\":-110}]"
  # a sport the engine does not know (market.sports): a dead letter
  printf '{"v":1,"ts":%s,"event_id":"c1","sport":"curling","book":"alpha","market":"h2h","outcomes":[{"name":"A","price":-110},{"name":"B","price":-110}]}\n' $((T0 + 3))
  # 5. beta suspends: alpha alone again
  odds $((T0 + 4)) beta "[]"; } | "$BIN/savant-cat" produce -b "$BROKERS" -t savant.odds.v1 2>/dev/null
wait_for 30 have 6 || fail "no scores after the suspension"
dl() { [ "$(timeout 20 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.dlq.v1 -e 2>/dev/null | grep -c .)" -ge 2 ]; }
wait_for 30 dl || fail "no dead letter for the unknown team"
sleep 1
scores > "$TMP/scores"
# 6 events, or 8 when the engine happened to read the game after the first quote (topics are
# consumed in no fixed order): the game then re-emits the two candidates with their scores.
n=$(grep -c . "$TMP/scores")
[ "$n" = 6 ] || [ "$n" = 8 ] || fail "score events: expected 6 or 8, got $n"

# Per side, the three events in order (one key per side, so one partition, so in order).
check() { # check SIDE N P_FAIR BEST_PRICE BEST_BOOK BOOKS
    jq -e -s --arg side "$1" --argjson n "$2" --argjson p "$3" --argjson price "$4" --arg book "$5" \
        --argjson books "$6" '
        [.[] | select(.side == $side)] |
        reduce .[] as $e ([]; if length > 0 and (.[-1] | [.p_fair, .best_price, .best_book, .books]) ==
            ($e | [.p_fair, .best_price, .best_book, .books]) then . else . + [$e] end) | .[$n] |
        (.p_fair - $p | fabs) < 1e-9 and .best_price == $price and .best_book == $book and
        .books == $books and .event_id == "g1" and .market == "h2h" and .line_variance == 0 and
        .flags == [] and ._key == "g1|h2h|\($side)||"' "$TMP/scores" >/dev/null ||
        fail "score $2 of $1: want p_fair $3 best $4 at $5 from $6 books; got $(jq -c -s --arg s "$1" "[.[]|select(.side==\$s)][$2]" "$TMP/scores")"
}
check "$LAL" 0 0.5826086956521739 -150 alpha 1
check "$BOS" 0 0.4173913043478261 130 alpha 1
check "$LAL" 1 0.5735013175230566 -140 beta 2
check "$BOS" 1 0.42649868247694334 130 alpha 2
check "$LAL" 2 0.5826086956521739 -150 alpha 1
check "$BOS" 2 0.4173913043478261 130 alpha 1
# once the game is known every candidate carries the scores (issue 4): the last event per side
jq -e -s --arg a "$LAL" --arg b "$BOS" '[([.[] | select(.side == $a)] | last), ([.[] | select(.side == $b)] | last)] |
    all(.tier != null and .confluence != null and .final != null and .research != null and
        .esoteric != null and .jarvis != null and .ai == 5)' "$TMP/scores" >/dev/null ||
    fail "the last scores lack the scoring fields: $(tail -2 "$TMP/scores")"
jq -r '.best_decimal' "$TMP/scores" | sort -u | tr '\n' ' ' > "$TMP/dec"
assert_eq "best decimals (1 + 100/150, 1 + 100/140, 1 + 130/100 in doubles)" "1.6666666666666665 1.7142857142857144 2.3 " "$(cat "$TMP/dec")"

timeout 20 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.dlq.v1 -e 2>/dev/null > "$TMP/dlq"
jq -r '.error' "$TMP/dlq" | grep -q 'Miami Heat' || fail "dead letter does not name the unknown outcome: $(cat "$TMP/dlq")"
jq -r 'select(.error | startswith("sport")) | .error' "$TMP/dlq" > "$TMP/e"
assert_eq "unknown sport dead letter" "sport: unknown sport 'curling' (market.sports)" "$(cat "$TMP/e")"

kill -TERM "$ENGINE"; set +e; wait "$ENGINE"; rc=$?; set -e
assert_eq "engine exit status" 0 "$rc"
grep -Eq 'event=stopped consumed=7 dead_letters=2 odds=3 games=1 context=0 clicks=0 stale=1 scores=(6|8) ' "$TMP/engine.log" ||
    fail "unexpected totals: $(grep event=stopped "$TMP/engine.log")"
