# 2119: Redis when a candidate's line moves (docs/redis.md, "Keys"). A score's key holds its point,
# so a line move gives the candidate a new key; the old key keeps the last score emitted for it,
# as savant.scores.v1 (compacted by key) does, also when the line moves on within one loop turn
# (the engine renders the cache once per turn). TV25's game (test 2114) is known first; then,
# with the engine stopped (SIGSTOP) so that it takes them in one fetch and, as a rule, one turn,
# one batch of odds: TV25's eight books at Lakers -5.5 (theta -6.5), four books to -6.5 (the modal
# line moves to -6.5 at the third), two of them back to -5.5 (it moves back at the second). Redis
# must hold exactly the engine's output: four score keys (both lines), each with the last score
# on the topic for it (ts and books checked), every signal revision's latest (the one the line
# move withdrew included) and the live set of the open ones. Then the game ends (every key, the
# old line's too, gets the TTL) and Redis restarts empty: the rewrite restores every key.
. "$(dirname "$0")/lib.sh"
start_broker --partitions 1
start_redis
P=$TREDIS_PORT
X=(-X "kafka.brokers=$BROKERS" -X kafka.group=t2119 -X kafka.session_timeout_ms=6000 -X score.ai_default=7
   -X ai.model= -X signal.ev_min=-0.05 -X "redis.url=redis://127.0.0.1:$P/0" -X redis.prefix=sv:
   -X redis.ttl_final_s=3600 -X http.listen=127.0.0.1:0)
rcli() { redis-cli -p "$P" "$@"; }
metric() { curl -s "http://127.0.0.1:$HTTP/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
consume() { timeout 20 "$BIN/savant-cat" consume -b "$BROKERS" -t "savant.$1.v1" -e 2>/dev/null; }
same() { SAVANT_BIN_DIR="$BIN" "$ROOT/ops/cache-check" -b "$BROKERS" -r "redis://127.0.0.1:$P/0" -p sv: >"$TMP/check" 2>&1; }
inputs() { [ "$(metric savant_input_messages_total)" -ge "$1" ]; }
scores_n() { [ "$(consume scores | grep -c .)" -ge "$1" ]; }

bg "$BIN/savant-engine" "${X[@]}" 2>"$TMP/engine.log"
ENGINE=$BG_PID
wait_for 20 grep -q 'event=started' "$TMP/engine.log" || { cat "$TMP/engine.log" >&2; fail "engine did not start"; }
HTTP=$(sed -n 's/.*event=started.* http=\([0-9]*\).*/\1/p' "$TMP/engine.log")
printf '{"v":1,"ts":%s,"event_id":"tv25","sport":"nba","home":"%s","away":"%s","commence_ts":%s,"status":"scheduled"}\n' \
    "$T0" "$LAL" "$BOS" "$START" | cat_produce games
printf '{"v":1,"ts":%s,"kind":"splits","event_id":"tv25","market":"spreads","side":"%s","ticket_pct":62,"money_pct":40}\n' \
    "$T0" "$LAL" | cat_produce context
wait_for 30 inputs 2 || fail "the engine did not take the game and the splits: $(metric savant_input_messages_total)"

# the odds, one batch: ts T0+1..T0+8 TV25's books; T0+11..14 alpha..delta to -6.5; T0+21..22
# alpha, beta back to -5.5
odds() { # odds TS BOOK LINE
    printf '{"v":1,"ts":%s,"event_id":"tv25","sport":"nba","book":"%s","market":"spreads","outcomes":[{"name":"%s","price":-110,"point":-%s},{"name":"%s","price":-110,"point":%s}]}\n' \
        "$1" "$2" "$LAL" "$3" "$BOS" "$3"
}
{
    i=0
    for b in alpha beta gamma delta epsilon zeta eta theta; do
        i=$((i + 1)); pt=5.5; [ "$b" = theta ] && pt=6.5
        odds $((T0 + i)) "$b" "$pt"
    done
    i=10
    for b in alpha beta gamma delta; do i=$((i + 1)); odds $((T0 + i)) "$b" 6.5; done
    odds $((T0 + 21)) alpha 5.5
    odds $((T0 + 22)) beta 5.5
} >"$TMP/odds.jsonl"
kill -STOP "$ENGINE"
cat_produce odds <"$TMP/odds.jsonl"
kill -CONT "$ENGINE"
wait_for 30 inputs 16 || fail "the engine did not take the odds: $(metric savant_input_messages_total)"
within 30 scores_n 28 || fail "expected 28 scores on the topic, got $(consume scores | grep -c .)"
# whether the moves fell within one turn (what the old per-slot cache lost) depends on the fetch:
# reported, not asserted
echo "2119: savant_scores_displaced_total=$(metric savant_scores_displaced_total)" \
     "savant_publish_turns_total=$(metric savant_publish_turns_total)" >&2

# the signals the engine emitted: latest revision per id, and the open ones
consume signals | jq -r -s 'group_by(.signal_id) | map(max_by(.rev)) | .[] | "\(.signal_id) \(.rev) \(.state)"' \
    >"$TMP/sigs"
NSIG=$(grep -c . "$TMP/sigs" || true)
LIVE=$(awk '$3 != "withdrawn" {print $1}' "$TMP/sigs" | sort | paste -sd' ')
[ "$NSIG" -ge 2 ] || fail "expected a signal withdrawn by the line move and another: $(cat "$TMP/sigs")"
grep -q ' withdrawn$' "$TMP/sigs" || fail "no signal withdrawn by the line move: $(cat "$TMP/sigs")"

within 30 same || { cat "$TMP/check" >&2; fail "Redis does not hold the engine's latest events"; }
assert_eq "cache-check" "cache-check: $((4 + NSIG)) keys (4 scores, $NSIG signals): Redis holds the engine's state" "$(cat "$TMP/check")"
K1="score:tv25|spreads|$BOS||5.5" K2="score:tv25|spreads|$BOS||6.5"
K3="score:tv25|spreads|$LAL||-5.5" K4="score:tv25|spreads|$LAL||-6.5"
# -5.5: last emitted at beta back (T0+22, 5 books); -6.5: at alpha back (T0+21, a 4-4 tie: the
# smaller line, 4 books)
for k in "$K1 $((T0 + 22)),5" "$K2 $((T0 + 21)),4" "$K3 $((T0 + 22)),5" "$K4 $((T0 + 21)),4"; do
    key=${k% *}
    assert_eq "$key" "${k##* }" "$(rcli get "sv:$key" | jq -r '"\(.ts),\(.books)"')"
done
assert_eq "score keys" "sv:$K1 sv:$K2 sv:$K3 sv:$K4" "$(rcli --scan --pattern 'sv:score:*' | sort | paste -sd' ')"
assert_eq "the live set" "$LIVE" "$(rcli zrange sv:signals:live:nba 0 -1 | sort | paste -sd' ')"
want_idx=$( { printf '%s\n' "market:tv25|spreads|" "$K1" "$K2" "$K3" "$K4"; awk '{print "signal:" $1}' "$TMP/sigs"; } |
    sort | paste -sd' ')
assert_eq "the game's index" "$want_idx" "$(rcli smembers sv:event:tv25:keys | sort | paste -sd' ')"

# the game ends: every key of it, the old line's too, gets the TTL
printf '{"v":1,"ts":%s,"event_id":"tv25","sport":"nba","home":"%s","away":"%s","commence_ts":%s,"status":"final","home_score":110,"away_score":104}\n' \
    $((START + 9000000)) "$LAL" "$BOS" "$START" | cat_produce games
ttl_ok() {
    local k t
    while IFS= read -r k; do
        t=$(rcli ttl "sv:$k")
        [ "$t" -gt 0 ] && [ "$t" -le 3600 ] || return 1
    done < <(rcli smembers sv:event:tv25:keys)
    t=$(rcli ttl sv:event:tv25:keys)
    [ "$t" -gt 0 ] && [ "$t" -le 3600 ]
}
within 30 ttl_ok || fail "a key of the finished game has no TTL: $(rcli smembers sv:event:tv25:keys | while IFS= read -r k; do echo "$k $(rcli ttl "sv:$k")"; done)"
within 30 same || { cat "$TMP/check" >&2; fail "after the final Redis does not hold the engine's state"; }
LIVE_END=$(consume signals | jq -r -s 'group_by(.signal_id) | map(max_by(.rev)) | .[] | select(.state != "withdrawn") | .signal_id' | sort | paste -sd' ')
assert_eq "open signals after the final" "" "$LIVE_END"
assert_eq "the live set after the final" 0 "$(rcli zcard sv:signals:live:nba)"

# Redis restarts empty: the rewrite restores every key, the old line's included
stop_redis
rewrites=$(metric savant_redis_rewrites_total)
start_redis "$P"
rewritten() { [ "$(metric savant_redis_rewrites_total)" -gt "$rewrites" ] && same; }
within 30 rewritten || { cat "$TMP/check" >&2; fail "after the restart Redis does not hold the engine's state"; }
assert_eq "cache-check after the restart" "cache-check: $((4 + NSIG)) keys (4 scores, $NSIG signals): Redis holds the engine's state" "$(cat "$TMP/check")"
assert_eq "score keys after the restart" "sv:$K1 sv:$K2 sv:$K3 sv:$K4" "$(rcli --scan --pattern 'sv:score:*' | sort | paste -sd' ')"
assert_eq "the game's index after the restart" "$want_idx" "$(rcli smembers sv:event:tv25:keys | sort | paste -sd' ')"
within 10 ttl_ok || fail "after the rewrite a key of the finished game has no TTL"

kill -TERM "$ENGINE"; set +e; wait "$ENGINE"; rc=$?; set -e
assert_eq "engine exit status" 0 "$rc"
