# 2120: click-to-bet end to end (issue 8): real PostgreSQL (this test's own server, so it can stop
# it), savant-broker, the engine and savant-book. TV25 (tests 2113/2114) opens the Lakers -5.5 at
# alpha -110 (signal 216a20c9c27a). Bob (max_stake 50, daily_exposure 120) clicks through
# POST /api/v1/bets and savant.clicks.v1; every refusal has its status and field; a repeated
# click returns its bet; a moved price is 409 with the current price; PostgreSQL stopped is 503
# with nothing placed; savant-book places the pending bets; the game goes live (signal withdrawn:
# 409) and final 110-104 (the Lakers cover -5.5): every placed bet is won, P/L = stake x 100/110
# to the cent, closing price +100 (the close: every book -110/-110, consensus 0.5) and CLV =
# 1.90909/2 - 1 = -0.045455; the signal is graded too (1 unit: +0.91).
. "$(dirname "$0")/lib.sh"
start_pg
DSN=$TPG_DSN
q() { psql "$DSN" -qAtc "$1"; }
assert_eq "migrations" "savant-engine: 2 migrations applied" "$("$BIN/savant-engine" --migrate -X "pg.dsn=$DSN")"
BOB=$("$BIN/savant-engine" --create-token --user bob@example.com -X "pg.dsn=$DSN" 2>/dev/null)
BOB_ID=$(q "select id from users where email = 'bob@example.com'")
q "update users set max_stake = 50, daily_exposure = 120 where id = $BOB_ID"

start_broker --partitions 2
X=(-X "kafka.brokers=$BROKERS" -X kafka.group=t2120 -X score.ai_default=7 -X ai.model=
   -X signal.ev_min=-0.05 -X redis.url=none -X "pg.dsn=$DSN" -X bets.sweep_ms=300
   -X bets.resend_ms=1000 -X pg.backoff_max_ms=300)
bg "$BIN/savant-engine" "${X[@]}" 2>"$TMP/engine.log"
wait_for 20 grep -q 'event=started' "$TMP/engine.log" || { cat "$TMP/engine.log" >&2; fail "engine did not start"; }
HTTP=$(sed -n 's/.*event=started.* http=\([0-9]*\).*/\1/p' "$TMP/engine.log")
U="http://127.0.0.1:$HTTP/api/v1"
# req TOKEN METHOD PATH [BODY]: "STATUS BODY" of the response
req() {
    local tok=$1 m=$2 p=$3 body=${4:-}
    curl -s -o "$TMP/resp" -w '%{http_code}' -X "$m" ${tok:+-H "Authorization: Bearer $tok"} \
        ${body:+-H 'Content-Type: application/json' --data "$body"} "$U$p" >"$TMP/code"
    printf '%s %s' "$(cat "$TMP/code")" "$(cat "$TMP/resp")"
}
bet() { req "$BOB" POST /bets "$1"; }
err_of() { printf '%s' "$1" | cut -d' ' -f2- | jq -c '[.error.code, .error.field]'; }
code_of() { printf '%s' "$1" | cut -d' ' -f1; }
body_of() { printf '%s' "$1" | cut -d' ' -f2-; }
bet_id() { printf 'bet-%s' "$(printf 'bet|%s' "$1" | sha256sum | cut -c1-24)"; }
SIG=216a20c9c27a
placements() { timeout 20 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.placements.v1 -e 2>/dev/null; }
dlq() { timeout 20 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.dlq.v1 -e 2>/dev/null; }
grades() { timeout 20 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.grades.v1 -e 2>/dev/null; }
sig_book() { req "$BOB" GET "/signals/$SIG" | cut -d' ' -f2- | jq -r .book; }
sig_is() { [ "$(sig_book)" = "$1" ]; }

tv25_produce
wait_for 40 sig_is alpha || fail "the signal did not open: $(req "$BOB" GET "/signals/$SIG")"

# refusals
R=$(req "" POST /bets '{}'); assert_eq "no token" 401 "$(code_of "$R")"
READ_ONLY=$(body_of "$(req "$BOB" POST /tokens '{"scopes":["read"]}')" | jq -r .token)
R=$(req "$READ_ONLY" POST /bets "{\"click_id\":\"c0\",\"signal_id\":\"$SIG\",\"stake\":1}")
assert_eq "read-only token" '403 ["forbidden","token"]' "$(code_of "$R") $(err_of "$R")"
R=$(bet '{"click_id":"c0","signal_id":"nope","stake":1}')
assert_eq "unknown signal" '404 ["not_found","signal_id"]' "$(code_of "$R") $(err_of "$R")"
R=$(bet "{\"click_id\":\"c0\",\"signal_id\":\"$SIG\",\"stake\":60}")
assert_eq "above max_stake" '422 ["unprocessable","stake"]' "$(code_of "$R") $(err_of "$R")"
assert_eq "max_stake message" "stake 60.00 is above the user's max_stake 50.00" "$(body_of "$R" | jq -r .error.message)"
R=$(bet "{\"click_id\":\"c0\",\"signal_id\":\"$SIG\",\"stake\":\"1.001\"}")
assert_eq "stake with 3 decimals" '422 ["unprocessable","stake"]' "$(code_of "$R") $(err_of "$R")"
R=$(bet "{\"click_id\":\"a|b\",\"signal_id\":\"$SIG\",\"stake\":1}")
assert_eq "bad click_id" '422 ["unprocessable","click_id"]' "$(code_of "$R") $(err_of "$R")"
R=$(bet "not json")
assert_eq "not JSON" 400 "$(code_of "$R")"
R=$(bet "{\"click_id\":\"x'); drop table bets; --\",\"signal_id\":\"$SIG' or '1'='1\",\"stake\":1}")
assert_eq "SQL in the fields" '404 ["not_found","signal_id"]' "$(code_of "$R") $(err_of "$R")"
assert_eq "no bet yet" 0 "$(q 'select count(*) from bets')"

# a bet, and its repeat
C1=$(bet_id c1)
R=$(bet "{\"click_id\":\"c1\",\"signal_id\":\"$SIG\",\"stake\":25}")
assert_eq "c1" "201 [\"$C1\",\"c1\",$BOB_ID,\"pending\",\"tv25\",\"spreads\",\"$LAL\",-5.5,\"alpha\",-110,\"25.00\"]" \
    "$(code_of "$R") $(body_of "$R" | jq -c '[.bet_id, .click_id, .user_id, .status, .event_id, .market, .side, .point, .book, .price, .stake]')"
R=$(bet "{\"click_id\":\"c1\",\"signal_id\":\"$SIG\",\"stake\":30}")
assert_eq "c1 again" "200 [\"$C1\",\"25.00\"]" "$(code_of "$R") $(body_of "$R" | jq -c '[.bet_id, .stake]')"
assert_eq "bets after the repeat" 1 "$(q 'select count(*) from bets')"
within 20 sh -c "[ \"\$(timeout 20 '$BIN/savant-cat' consume -b '$BROKERS' -t savant.placements.v1 -e 2>/dev/null | grep -c .)\" -ge 1 ]" ||
    fail "no placement"
assert_eq "the placement" "[\"tv25\",\"$C1\",\"c1\",\"$BOB_ID\",\"$SIG\",\"tv25\",\"spreads\",\"$LAL\",-5.5,\"alpha\",-110,25]" \
    "$(placements | head -1 | jq -c '[._key, .bet_id, .click_id, .user_id, .signal_id, .event_id, .market, .side, .point, .book, .price, .stake]')"

# daily exposure 120: 25 + 50 + 50 is too much; cancelling the second frees it
R=$(bet "{\"click_id\":\"c2\",\"signal_id\":\"$SIG\",\"stake\":50}"); assert_eq "c2" 201 "$(code_of "$R")"
R=$(bet "{\"click_id\":\"c3\",\"signal_id\":\"$SIG\",\"stake\":50}")
assert_eq "c3 over the exposure" '422 ["unprocessable","stake"]' "$(code_of "$R") $(err_of "$R")"
assert_eq "exposure message" "stake 50.00 would take today's exposure from 75.00 above the user's daily_exposure 120.00" \
    "$(body_of "$R" | jq -r .error.message)"
R=$(req "$BOB" DELETE "/bets/$(bet_id c2)")
assert_eq "cancel c2" '200 ["void","0.00","cancelled by the user"]' "$(code_of "$R") $(body_of "$R" | jq -c '[.status, .pnl, .reason]')"
R=$(req "$BOB" DELETE "/bets/$(bet_id c2)")
assert_eq "cancel c2 again" '409 ["conflict","bet_id"]' "$(code_of "$R") $(err_of "$R")"
R=$(req "$BOB" DELETE "/bets/nope"); assert_eq "cancel unknown" 404 "$(code_of "$R")"
R=$(bet "{\"click_id\":\"c3\",\"signal_id\":\"$SIG\",\"stake\":50}"); assert_eq "c3 after the cancel" 201 "$(code_of "$R")"
R=$(req "$BOB" GET /bets)
assert_eq "list" "200 [\"c3\",\"c2\",\"c1\"]" "$(code_of "$R") $(body_of "$R" | jq -c '[.bets[].click_id]')"
R=$(req "$BOB" GET "/bets?status=void")
assert_eq "list void" "200 [\"c2\"]" "$(code_of "$R") $(body_of "$R" | jq -c '[.bets[].click_id]')"
R=$(req "$BOB" GET "/bets/$C1"); assert_eq "get c1" "200 \"$C1\"" "$(code_of "$R") $(body_of "$R" | jq -c .bet_id)"

# the price moves at alpha (-125): the signal moves to beta; a click at alpha is 409
printf '{"v":1,"ts":%s,"event_id":"tv25","sport":"nba","book":"alpha","market":"spreads","outcomes":[{"name":"%s","price":-125,"point":-5.5},{"name":"%s","price":105,"point":5.5}]}\n' \
    $((T0 + 50)) "$LAL" "$BOS" | cat_produce odds
wait_for 30 sig_is beta || fail "the signal did not move to beta: $(sig_book)"
R=$(bet "{\"click_id\":\"c4\",\"signal_id\":\"$SIG\",\"book\":\"alpha\",\"stake\":5}")
assert_eq "price moved" '409 ["conflict","price"] -125' "$(code_of "$R") $(err_of "$R") $(body_of "$R" | jq .error.current_price)"
R=$(bet "{\"click_id\":\"c4\",\"signal_id\":\"$SIG\",\"book\":\"alpha\",\"stake\":5,\"max_price_move\":0.1}")
assert_eq "a click that accepts 10%" '201 -125' "$(code_of "$R") $(body_of "$R" | jq .price)"
R=$(req "$BOB" DELETE "/bets/$(bet_id c4)"); assert_eq "cancel c4" 200 "$(code_of "$R")"
printf '{"v":1,"ts":%s,"event_id":"tv25","sport":"nba","book":"alpha","market":"spreads","outcomes":[{"name":"%s","price":-110,"point":-5.5},{"name":"%s","price":-110,"point":5.5}]}\n' \
    $((T0 + 60)) "$LAL" "$BOS" | cat_produce odds
wait_for 30 sig_is alpha || fail "the signal did not come back to alpha: $(sig_book)"

# clicks on the topic: a good one becomes a bet; a book that does not offer it is recorded as a
# rejection; an unknown signal and a bad user are dead letters
{
    printf '{"v":1,"ts":%s,"click_id":"k1","user_id":"%s","signal_id":"%s","event_id":"tv25","book":"alpha","stake":10}\n' $((T0 + 70)) "$BOB_ID" "$SIG"
    printf '{"v":1,"ts":%s,"click_id":"k2","user_id":"%s","signal_id":"%s","event_id":"tv25","book":"nobook","stake":10}\n' $((T0 + 71)) "$BOB_ID" "$SIG"
    printf '{"v":1,"ts":%s,"click_id":"k3","user_id":"%s","signal_id":"zzz","event_id":"tv25","book":"alpha","stake":10}\n' $((T0 + 72)) "$BOB_ID"
    printf '{"v":1,"ts":%s,"click_id":"k4","user_id":"bob","signal_id":"%s","event_id":"tv25","book":"alpha","stake":10}\n' $((T0 + 73)) "$SIG"
} | cat_produce clicks
wait_for 30 sh -c "[ \"\$(psql '$DSN' -qAtc \"select count(*) from bets where click_id in ('k1','k2')\")\" = 2 ]" ||
    fail "the topic's clicks are not bets: $(q 'select click_id, status from bets')"
assert_eq "k1" "pending|-110|10.00|" "$(q "select status, price, stake, reason from bets where click_id = 'k1'")"
assert_eq "k2" "rejected|book: book nobook does not offer this side at this line now" \
    "$(q "select status, reason from bets where click_id = 'k2'")"
dl_has() { [ "$(dlq | grep -c .)" -ge "$1" ]; }
within 20 dl_has 2 || fail "no dead letters for k3, k4"
assert_eq "dead letters" '["signal_id: HTTP 404: no such signal","user_id: expected a user id (users.id, a number >= 1)"]' \
    "$(dlq | jq -s -c '[.[].error] | sort')"

# PostgreSQL stopped: 503 with Retry-After, nothing placed; back: bets again
stop_pg
R=$(bet "{\"click_id\":\"c5\",\"signal_id\":\"$SIG\",\"stake\":5}")
assert_eq "PostgreSQL down" '503 ["unavailable",""]' "$(code_of "$R") $(err_of "$R")"
curl -s -D "$TMP/h" -o /dev/null -H "Authorization: Bearer $BOB" -H 'Content-Type: application/json' \
    --data "{\"click_id\":\"c5\",\"signal_id\":\"$SIG\",\"stake\":5}" "$U/bets"
grep -qi '^Retry-After: [0-9]' "$TMP/h" || fail "503 without Retry-After: $(cat "$TMP/h")"
sleep 1
assert_eq "c5's placements while down" 0 "$(placements | jq -s '[.[] | select(.click_id == "c5")] | length')"
t0=$(date +%s%N)
start_pg
pg_up() { curl -s "http://127.0.0.1:$HTTP/readyz" | grep -q '"pg":"up"'; }
wait_for 30 pg_up || fail "the engine did not reconnect"
t1=$(date +%s%N)
R=$(bet "{\"click_id\":\"c5\",\"signal_id\":\"$SIG\",\"stake\":5}"); assert_eq "c5 after the outage" 201 "$(code_of "$R")"
# the fault line of docs/reliability.md: c5 (refused while down, accepted after) is one bet; the
# time from PostgreSQL started to the engine's /readyz saying pg up
n5=$(q "select count(*) from bets where click_id = 'c5'")
echo "fault: pg-restart: lost=$((n5 < 1 ? 1 : 0)) duplicated=$((n5 > 1 ? n5 - 1 : 0)) recovery_ms=$(( (t1 - t0) / 1000000 ))" >&2

# savant-book places what is pending (the cancelled ones stay void)
bg "$BIN/savant-book" -b "$BROKERS" 2>"$TMP/book.log"
all_placed() { [ "$(q "select count(*) from bets where status = 'pending'")" = 0 ]; }
wait_for 30 all_placed || fail "bets still pending: $(q 'select click_id, status from bets order by click_id')"
assert_eq "statuses" "c1|placed|-110
c2|void|
c3|placed|-110
c4|void|
c5|placed|-110
k1|placed|-110
k2|rejected|" "$(q 'select click_id, status, placed_price from bets order by click_id')"

# the game starts: the signal is withdrawn, a click is 409
printf '{"v":1,"ts":%s,"event_id":"tv25","sport":"nba","home":"%s","away":"%s","commence_ts":%s,"status":"live","period":1,"clock_s":600,"home_score":12,"away_score":9}\n' \
    $((START + 300000)) "$LAL" "$BOS" "$START" | cat_produce games
not_live() { [ "$(code_of "$(bet "{\"click_id\":\"c6\",\"signal_id\":\"$SIG\",\"stake\":1}")")" = 409 ]; }
wait_for 30 not_live || fail "a click on a withdrawn signal was not refused"
R=$(bet "{\"click_id\":\"c6\",\"signal_id\":\"$SIG\",\"stake\":1}")
assert_eq "not live" '409 ["conflict","signal_id"]' "$(code_of "$R") $(err_of "$R")"

# final 110-104: graded
printf '{"v":1,"ts":%s,"event_id":"tv25","sport":"nba","home":"%s","away":"%s","commence_ts":%s,"status":"final","home_score":110,"away_score":104}\n' \
    $((START + 9000000)) "$LAL" "$BOS" "$START" | cat_produce games
graded() { [ "$(q "select count(*) from bets where status = 'won'")" = 4 ]; }
wait_for 30 graded || fail "not graded: $(q 'select click_id, status from bets order by click_id')"
assert_eq "graded bets" "c1|won|22.73|100|-45455
c3|won|45.45|100|-45455
c5|won|4.55|100|-45455
k1|won|9.09|100|-45455" \
    "$(q "select click_id, status, pnl, closing_price, round(clv * 1e6) from bets where status = 'won' order by click_id")"
assert_eq "grades rows" "4|1" "$(q 'select count(bet_id), count(*) - count(bet_id) from grades')"
g_has() { [ "$(grades | grep -c .)" -ge 5 ]; }
within 20 g_has || fail "grades.v1 has $(grades | grep -c .) grades"
assert_eq "the signal's grade" "[\"$SIG\",\"win\",0.91,100,-45455]" \
    "$(grades | jq -c 'select(.bet_id == null) | [.signal_id, .result, .pnl, .closing_price, (.clv * 1e6 | round)]')"
assert_eq "c1's grade" "[\"$C1\",\"$SIG\",\"win\",22.73,100,$((START + 9000000))]" \
    "$(grades | jq -c --arg b "$C1" 'select(.bet_id == $b) | [._key, .signal_id, .result, .pnl, .closing_price, .ts]')"
R=$(req "$BOB" GET /me/stats)
assert_eq "stats" '200 [7,0,0,1,4,0,0,2,"90.00","81.82",0.909111,-0.045455,4]' \
    "$(code_of "$R") $(body_of "$R" | jq -c '[.bets, .pending, .placed, .rejected, .won, .lost, .push, .void, .staked, .pnl, .roi, .clv_mean, .clv_bets]')"
case "$(body_of "$R")" in *'"roi" : 0.909111, "clv_mean" : -0.045455,'*) ;;
    *) fail "stats not as PostgreSQL wrote them (exact decimals): $(body_of "$R")" ;; esac
R=$(req "$BOB" GET "/signals/$SIG/history")
assert_eq "history" "200 [\"open\",\"update\",\"update\",\"withdrawn\"]" "$(code_of "$R") $(body_of "$R" | jq -c '[.revisions[].state]')"
# a repeated final changes nothing
printf '{"v":1,"ts":%s,"event_id":"tv25","sport":"nba","home":"%s","away":"%s","commence_ts":%s,"status":"final","home_score":110,"away_score":104}\n' \
    $((START + 9000001)) "$LAL" "$BOS" "$START" | cat_produce games
sleep 2
assert_eq "grades after a repeated final" 5 "$(grades | grep -c .)"

# the metrics: the lifecycle's counters, the consumer lag (caught up: 0 on every assigned
# partition of the five inputs), the loop latency histogram
curl -s "http://127.0.0.1:$HTTP/metrics" >"$TMP/metrics"
assert_eq "bet counters" "savant_bets_created_total 6
savant_clicks_duplicate_total 1
savant_bets_graded_total 4
savant_signal_grades_total 1" \
    "$(grep -E '^savant_(bets_created|bets_graded|signal_grades|clicks_duplicate)_total ' "$TMP/metrics")"
assert_eq "lag lines" 10 "$(grep -c '^savant_consumer_lag{topic="savant\.[a-z-]*\.v1",partition="[01]"} ' "$TMP/metrics")"
assert_eq "lag" "" "$(grep '^savant_consumer_lag{' "$TMP/metrics" | grep -v ' 0$' || true)"
grep -q '^savant_loop_latency_seconds_bucket{le="+Inf"} [1-9]' "$TMP/metrics" ||
    fail "no loop latency histogram: $(grep loop_latency "$TMP/metrics")"
