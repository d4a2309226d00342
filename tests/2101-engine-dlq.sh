# 2101: savant-engine against savant-broker: an input that does not decode or validate becomes a
# dead letter with the reason, its coordinates and its original bytes — so is a click whose
# user_id is no user id (the fixture's "u-42", "u-7": users.id is a number); valid input does not; the
# engine survives all of it, stops on SIGTERM with status 0 within 5 s, and its committed offsets
# mean a restart does not redo what it finished.
. "$(dirname "$0")/lib.sh"
start_broker --partitions 2
X=(-X "kafka.brokers=$BROKERS" -X kafka.group=t2101 -X kafka.session_timeout_ms=3000)
# 2102 runs this same script in exactly-once mode (transactions; readers are read_committed).
[ "${SAVANT_TEST_EOS:-0}" = 1 ] && X+=(-X kafka.exactly_once=true)

bg "$BIN/savant-engine" "${X[@]}" 2>"$TMP/engine1.log"
ENGINE=$BG_PID

printf 'not msgpack' | kcat -b "$BROKERS" -t savant.odds.v1 -P -k ev-1 -p 0
printf '\x81\xa1v\x02' | kcat -b "$BROKERS" -t savant.games.v1 -P -k ev-2 -p 1
"$BIN/savant-cat" produce -b "$BROKERS" -t savant.odds.v1 < "$ROOT/tests/fixtures/events/odds.jsonl" 2>/dev/null
"$BIN/savant-cat" produce -b "$BROKERS" -t savant.clicks.v1 < "$ROOT/tests/fixtures/events/click.jsonl" 2>/dev/null

got_dlq() { [ "$(timeout 20 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.dlq.v1 -e 2>/dev/null | grep -c .)" -ge "$1" ]; }
wait_for 30 got_dlq 4 || { cat "$TMP/engine1.log" >&2; fail "no dead letters after 30 s"; }
timeout 20 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.dlq.v1 -e > "$TMP/dlq" 2>/dev/null
assert_eq "dead letters" 4 "$(grep -c . "$TMP/dlq")"
assert_eq "the clicks' dead letters" "clk-0001 user_id: expected a user id (users.id, a number >= 1)
clk-0002 user_id: expected a user id (users.id, a number >= 1)" \
    "$(jq -r 'select(.src_topic=="savant.clicks.v1") | "\(.orig | @base64d | .[0:400])|\(.error)"' "$TMP/dlq" |
       sed -n 's/.*\(clk-000[0-9]\).*|\(.*\)/\1 \2/p' | sort)"

jq -r 'select(.src_topic=="savant.odds.v1") | "\(.src_partition) \(.src_offset) \(.orig)"' "$TMP/dlq" > "$TMP/d1"
read -r part off orig < "$TMP/d1"
assert_eq "odds dead letter partition" 0 "$part"
assert_eq "odds dead letter offset" 0 "$off"
assert_eq "odds dead letter original bytes" "not msgpack" "$(printf '%s' "$orig" | base64 -d)"
jq -r 'select(.src_topic=="savant.odds.v1") | .error' "$TMP/dlq" | grep -q . || fail "odds dead letter has no error"
jq -r 'select(.src_topic=="savant.games.v1") | .error' "$TMP/dlq" > "$TMP/e2"
assert_eq "games dead letter reason" "v: must be 1" "$(cat "$TMP/e2")"

# Graceful stop: status 0 within 5 s.
kill -TERM "$ENGINE"
for _ in $(seq 60); do kill -0 "$ENGINE" 2>/dev/null || break; sleep 0.1; done
kill -0 "$ENGINE" 2>/dev/null && fail "engine still running 6 s after SIGTERM"
set +e; wait "$ENGINE"; rc=$?; set -e
assert_eq "engine exit status after SIGTERM" 0 "$rc"
grep -q 'event=stopped consumed=10 dead_letters=4 odds=6 games=0 context=0 clicks=0' "$TMP/engine1.log" ||
    fail "unexpected totals: $(grep event=stopped "$TMP/engine1.log")"

# Restart in the same group: it resumes after what it committed and redoes nothing.
# Not in exactly-once mode on savant-broker: its mock (librdkafka 2.0.2) accepts transactional
# offsets but never stores them (decision 0005); SAVANT_TEST_REAL_KAFKA=1 runs it anyway.
if [ "${SAVANT_TEST_EOS:-0}" = 1 ] && [ "${SAVANT_TEST_REAL_KAFKA:-0}" != 1 ]; then
    echo "    exactly-once: restart check skipped on the mock broker (decision 0005)" >&2
    exit 0
fi
printf '\xc0' | kcat -b "$BROKERS" -t savant.odds.v1 -P -k ev-3 -p 1
bg "$BIN/savant-engine" "${X[@]}" 2>"$TMP/engine2.log"
ENGINE=$BG_PID
wait_for 60 got_dlq 5 || { cat "$TMP/engine2.log" >&2; fail "no third dead letter after restart"; }
sleep 1
timeout 20 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.dlq.v1 -e 2>/dev/null | grep -c . > "$TMP/n"
assert_eq "dead letters after the restart (nothing redone)" 5 "$(cat "$TMP/n")"
kill -TERM "$ENGINE"; set +e; wait "$ENGINE"; rc=$?; set -e
assert_eq "second engine exit status" 0 "$rc"
grep -q 'event=stopped consumed=1 dead_letters=1 ' "$TMP/engine2.log" ||
    fail "restart redid work: $(grep event=stopped "$TMP/engine2.log")"
