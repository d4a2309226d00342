# 2121: click-to-bet with kafka.exactly_once: a REST click's placement is produced outside the
# handling of any input message, so the engine opens a transaction of its own for it
# (kin_begin_output) and commits it once the placement is acknowledged — savant-book, reading
# committed messages only, sees it and the bet is placed; the game's final, graded after the
# database answers, gets its grade out the same way (consumers read committed messages only, librdkafka's default: only a committed grade is
# seen). Without that, producing outside a transaction fails and the engine stops.
. "$(dirname "$0")/lib.sh"
own_db t2121
q() { psql "$DSN" -qAtc "$1"; }
TOKEN=$("$BIN/savant-engine" --create-token --user eve@example.com -X "pg.dsn=$DSN" 2>/dev/null)

start_broker --partitions 2
bg "$BIN/savant-engine" -X "kafka.brokers=$BROKERS" -X kafka.group=t2121 -X kafka.exactly_once=true \
    -X score.ai_default=7 -X ai.model= -X signal.ev_min=-0.05 -X redis.url=none -X "pg.dsn=$DSN" \
    2>"$TMP/engine.log"
ENGINE=$BG_PID
wait_for 20 grep -q 'event=started' "$TMP/engine.log" || { cat "$TMP/engine.log" >&2; fail "engine did not start"; }
HTTP=$(sed -n 's/.*event=started.* http=\([0-9]*\).*/\1/p' "$TMP/engine.log")
U="http://127.0.0.1:$HTTP/api/v1"
SIG=216a20c9c27a
live() { curl -s -H "Authorization: Bearer $TOKEN" "$U/signals/$SIG" | jq -e '.state == "open"'; }
tv25_produce
wait_for 40 live || fail "the signal did not open"
bg "$BIN/savant-book" -b "$BROKERS" 2>"$TMP/book.log"
sleep 2 # the tv25 batch's transaction is committed long before: the click comes between batches
code=$(curl -s -o "$TMP/bet" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"click_id\":\"e1\",\"signal_id\":\"$SIG\",\"stake\":20}" "$U/bets")
assert_eq "the click" 201 "$code"
placed() { [ "$(q "select status from bets where click_id = 'e1'")" = placed ]; }
wait_for 30 placed || fail "not placed: $(q 'select click_id, status from bets') $(tail -3 "$TMP/engine.log")"
kill -0 "$ENGINE" || fail "the engine stopped: $(grep -E 'level=(error|warn)' "$TMP/engine.log" | tail -3)"
printf '{"v":1,"ts":%s,"event_id":"tv25","sport":"nba","home":"%s","away":"%s","commence_ts":%s,"status":"final","home_score":110,"away_score":104}\n' \
    $((START + 9000000)) "$LAL" "$BOS" "$START" | cat_produce games
won() { [ "$(q "select status, pnl from bets where click_id = 'e1'")" = "won|18.18" ]; }
wait_for 30 won || fail "not graded: $(q "select status, pnl from bets")"
grade() { "$BIN/savant-cat" consume -b "$BROKERS" -t savant.grades.v1 -e 2>/dev/null |
    jq -c 'select(.bet_id != null) | [.result, .pnl]'; }
has_grade() { [ "$(grade)" = '["win",18.18]' ]; }
within 20 has_grade || fail "no committed grade: $(grade)"
kill -0 "$ENGINE" || fail "the engine stopped"
