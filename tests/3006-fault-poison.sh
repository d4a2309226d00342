# 3006: fault injection (issue 9): a poison message on every input topic. On each of the five
# inputs (odds, games, context, clicks, placement-results) three poisons are interleaved with
# valid events: bytes that are not msgpack, a valid msgpack map with a bad field ({"v":2}) and an
# empty value (a tombstone). Each poison becomes exactly one dead letter on savant.dlq.v1 with its
# topic, partition, offset, reason and original bytes; every valid event is applied (counted per
# topic on /metrics); the engine never stops (it stays ready and stops on SIGTERM with status 0).
# Prints: fault: poison: lost=N duplicated=N recovery_ms=N (recovery: from the last poison
# produced to every valid event applied).
. "$(dirname "$0")/lib.sh"
start_pg
DSN=$TPG_DSN
"$BIN/savant-engine" --migrate -X "pg.dsn=$DSN" >/dev/null 2>&1
"$BIN/savant-engine" --create-token --user fault@example.com -X "pg.dsn=$DSN" >/dev/null 2>&1
UID_=$(psql "$DSN" -qAtc "select id from users where email = 'fault@example.com'")
start_broker --partitions 1
bg "$BIN/savant-engine" -X "kafka.brokers=$BROKERS" -X kafka.group=t3006 -X kafka.session_timeout_ms=3000 \
    -X redis.url=none -X "pg.dsn=$DSN" -X ai.model= -X score.ai_default=7 -X signal.ev_min=-0.05 \
    2>"$TMP/engine.log"
ENGINE=$BG_PID
wait_for 20 grep -q 'event=started' "$TMP/engine.log" || { cat "$TMP/engine.log" >&2; fail "engine did not start"; }
HTTP=$(sed -n 's/.*event=started.* http=\([0-9]*\).*/\1/p' "$TMP/engine.log")
metric() { curl -s "http://127.0.0.1:$HTTP/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
valid_of() { metric "savant_input_valid_total{topic=\"$1\"}"; }
# TV25 first: its open signal (216a20c9c27a, test 2114) is what the valid clicks bet on
tv25_produce
sig_open() { [ "$(metric savant_signals_open)" = 1 ]; }
wait_for 30 sig_open || fail "the signal did not open"

# valid events per topic: the fixtures, and clicks of this test's user on TV25's signal (each
# becomes a pending bet); placement results of unknown bets are applied (logged, counted late)
F=$ROOT/tests/fixtures/events
cp "$F/odds.jsonl" "$TMP/v-odds"
cp "$F/game.jsonl" "$TMP/v-games"
cp "$F/context.jsonl" "$TMP/v-context"
cp "$F/placement_result.jsonl" "$TMP/v-placement-results"
for i in 1 2 3 4; do
    printf '{"v":1,"ts":%s,"click_id":"fault-%s","user_id":"%s","signal_id":"%s","event_id":"tv25","book":"alpha","stake":5}\n' \
        $((1764180100000 + i)) "$i" "$UID_" 216a20c9c27a
done > "$TMP/v-clicks"
TOPICS="odds games context clicks placement-results"
# poison N TOPIC: the Nth poison onto savant.TOPIC.v1 (key poison-N)
poison() {
    case $1 in
    1) printf 'not msgpack: %s' "$2" | kcat -b "$BROKERS" -t "savant.$2.v1" -P -k poison-1 ;;
    2) printf '\x81\xa1v\x02' | kcat -b "$BROKERS" -t "savant.$2.v1" -P -k poison-2 ;;
    3) printf 'poison-3:\n' | kcat -b "$BROKERS" -t "savant.$2.v1" -P -K : -Z ;;
    esac
}
n_valid=0
for t in $TOPICS; do
    eval "base_$(tr - _ <<<"$t")=$(topic_count "savant.$t.v1") valid0_$(tr - _ <<<"$t")=$(valid_of "$t")"
    n=$(grep -c . "$TMP/v-$t")
    n_valid=$((n_valid + n))
    # valid 1, poison 1, valid 2, poison 2, valid 3, poison 3, the rest
    b=base_$(tr - _ <<<"$t"); off=${!b} offs=
    for i in 1 2 3; do
        if [ "$i" -le "$n" ]; then
            sed -n "${i}p" "$TMP/v-$t" | cat_produce "$t" || fail "$t: valid line $i refused"
            off=$((off + 1))
        fi
        poison "$i" "$t"
        offs="$offs $off" off=$((off + 1))
    done
    eval "offs_$(tr - _ <<<"$t")='${offs# }'"
    tail -n +4 "$TMP/v-$t" | cat_produce "$t" || fail "$t: valid lines refused"
done
t0=$(date +%s%N)

applied() { # valid events applied since the poisons, all topics
    local t s=0 v0
    for t in $TOPICS; do v0=valid0_$(tr - _ <<<"$t"); s=$((s + $(valid_of "$t") - ${!v0})); done
    echo "$s"
}
# placement results of unknown bets are applied and counted late
all_applied() { [ "$(applied)" -ge "$n_valid" ] && [ "$(metric savant_dead_letters_total)" -ge 15 ]; }
wait_for 40 all_applied || { tail -5 "$TMP/engine.log" >&2; curl -s "http://127.0.0.1:$HTTP/metrics" | grep -E 'valid|dead' >&2; fail "not every valid event applied or poison dead-lettered"; }
t1=$(date +%s%N)
sleep 1 # anything extra would show now
timeout 20 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.dlq.v1 -e > "$TMP/dlq" 2>/dev/null

# per topic: 3 dead letters with the original bytes and a reason; the valid events all counted
for t in $TOPICS; do
    jq -r --arg t "savant.$t.v1" 'select(.src_topic == $t) | "\(.orig // "")|\(.error)"' "$TMP/dlq" > "$TMP/d-$t"
    assert_eq "$t: dead letters" 3 "$(grep -c . "$TMP/d-$t")"
    # (orig is base64 in the JSON)
    assert_eq "$t: not-msgpack poison's bytes" "$(printf 'not msgpack: %s' "$t" | base64 -w0)" "$(sed -n 1p "$TMP/d-$t" | cut -d'|' -f1)"
    [ -n "$(sed -n 1p "$TMP/d-$t" | cut -d'|' -f2-)" ] || fail "$t: the not-msgpack poison has no reason"
    assert_eq "$t: bad-field poison" "$(printf '\x81\xa1v\x02' | base64 -w0)|v: must be 1" "$(sed -n 2p "$TMP/d-$t")"
    assert_eq "$t: tombstone" "|empty message (tombstone)" "$(sed -n 3p "$TMP/d-$t")"
    o=offs_$(tr - _ <<<"$t")
    assert_eq "$t: offsets of the poisons" "${!o}" "$(jq -r --arg t "savant.$t.v1" 'select(.src_topic == $t) | .src_offset' "$TMP/dlq" | paste -sd' ')"
    want=$(grep -c . "$TMP/v-$t")
    v0=valid0_$(tr - _ <<<"$t")
    got=$(( $(valid_of "$t") - ${!v0} ))
    assert_eq "$t: valid events applied" "$want" "$got"
done
dl=$(grep -c . "$TMP/dlq")
assert_eq "the clicks' bets" 4 "$(psql "$DSN" -qAtc "select count(*) from bets where click_id like 'fault-%'")"
assert_eq "dead letters" 15 "$dl"
ok=$(applied)
kill -0 "$ENGINE" || fail "the engine stopped"
curl -sf "http://127.0.0.1:$HTTP/healthz" >/dev/null || fail "the engine is not healthy"
kill -TERM "$ENGINE"; set +e; wait "$ENGINE"; rc=$?; set -e
assert_eq "engine exit status" 0 "$rc"
lost=$(( (n_valid - ok) + (15 - dl) ))
[ "$lost" -ge 0 ] || lost=0
echo "fault: poison: lost=$lost duplicated=$(( ok - n_valid + dl - 15 )) recovery_ms=$(( (t1 - t0) / 1000000 ))" >&2
assert_eq "lost" 0 "$lost"
