# 2116: push subscribers of the engine, end to end, with real clients: a WebSocket client
# (python3-websockets) and an SSE client subscribed to nba signals see the TV25 signal (test 2114)
# open at -110, update to -105 and be withdrawn at the start, live, in that order, after an empty
# snapshot; a client connecting while it is open gets it in its snapshot; a wrong token is
# refused with 401 naming the field; the live page at / subscribes to the same endpoint.
. "$(dirname "$0")/lib.sh"
start_broker --partitions 2
TOKEN=t2116-secret
X=(-X "kafka.brokers=$BROKERS" -X kafka.group=t2116 -X kafka.session_timeout_ms=3000 -X score.ai_default=7
   -X ai.model= -X signal.ev_min=-0.05 -X redis.url=none -X "api.bootstrap_token=$TOKEN")
PY=/usr/bin/python3
sig_count() { [ "$(timeout 20 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.signals.v1 -e 2>/dev/null | grep -c .)" -ge "$1" ]; }

bg "$BIN/savant-engine" "${X[@]}" 2>"$TMP/engine.log"
ENGINE=$BG_PID
wait_for 20 grep -q 'event=started' "$TMP/engine.log" || { cat "$TMP/engine.log" >&2; fail "engine did not start"; }
HTTP=$(sed -n 's/.*event=started.* http=\([0-9]*\).*/\1/p' "$TMP/engine.log")
WS="ws://127.0.0.1:$HTTP/api/v1/stream"
SSE="http://127.0.0.1:$HTTP/api/v1/stream/sse"

# refused: a wrong token
"$PY" "$ROOT/tests/ws-client.py" "$WS?token=wrong&kinds=signals" --count 1 --seconds 10 >"$TMP/refused"
assert_eq "wrong token (WebSocket)" 401 "$(jq -c .http_status "$TMP/refused")"
assert_eq "wrong token (SSE)" '401 token' \
    "$(curl -s -o "$TMP/body" -w '%{http_code}' "$SSE?token=wrong"; echo " $(jq -r .error.field "$TMP/body")")"

# two live subscribers, both to nba signals
bg bash -c "'$PY' '$ROOT/tests/ws-client.py' '$WS?token=$TOKEN&kinds=signals&sports=nba' --count 4 --seconds 90 >'$TMP/ws.out'"
WSC=$BG_PID
bg bash -c "'$PY' '$ROOT/tests/ws-client.py' '$SSE?token=$TOKEN&kinds=signals&sports=nba' --count 4 --seconds 90 >'$TMP/sse.out'"
SSEC=$BG_PID
wait_for 20 grep -q snapshot_end "$TMP/ws.out" || fail "no snapshot for the WebSocket client: $(cat "$TMP/ws.out")"
wait_for 20 grep -q snapshot_end "$TMP/sse.out" || fail "no snapshot for the SSE client: $(cat "$TMP/sse.out")"

tv25_produce
within 40 sig_count 1 || fail "no signal opened"
printf '{"v":1,"ts":%s,"event_id":"tv25","sport":"nba","book":"alpha","market":"spreads","outcomes":[{"name":"%s","price":-105,"point":-5.5},{"name":"%s","price":-115,"point":5.5}]}\n' \
    $((T0 + 50)) "$LAL" "$BOS" | cat_produce odds
within 30 sig_count 2 || fail "no revision 2"
sleep 1

# a client arriving now finds the open signal in its snapshot
"$PY" "$ROOT/tests/ws-client.py" "$WS?token=$TOKEN&kinds=signals" --count 2 --seconds 20 >"$TMP/late"
assert_eq "late snapshot" '["signal","update",2,-105] ["snapshot_end",1]' \
    "$(jq -c 'if .type == "snapshot_end" then ["snapshot_end", .count] else [.type, .data.state, .data.rev, .data.price] end' "$TMP/late" | paste -sd' ')"

# the REST API serves the same live state (the bootstrap token is an admin)
api() { curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$HTTP/api/v1/$1"; }
assert_eq "GET /api/v1/signals" '[1,"216a20c9c27a",2,"update",-105]' \
    "$(api 'signals?sport=nba' | jq -c '[.count, .signals[0].signal_id, .signals[0].rev, .signals[0].state, .signals[0].price]')"
assert_eq "GET /api/v1/events/tv25" '["tv25",2,1,1]' \
    "$(api events/tv25 | jq -c '[.event_id, (.scores | length), (.markets | length), (.signals | length)]')"
assert_eq "GET /api/v1/signals without a token" 401 \
    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP/api/v1/signals")"

printf '{"v":1,"ts":%s,"event_id":"tv25","sport":"nba","home":"%s","away":"%s","commence_ts":%s,"status":"live","period":1,"clock_s":600,"home_score":12,"away_score":9}\n' \
    $((START + 300000)) "$LAL" "$BOS" "$START" | cat_produce games
within 30 sig_count 3 || fail "no withdrawal"
for p in "$WSC" "$SSEC"; do
    within 30 bash -c "! kill -0 $p 2>/dev/null" || fail "a client did not get its 4 messages: ws $(cat "$TMP/ws.out") sse $(cat "$TMP/sse.out")"
done
want='["snapshot_end",0] ["signal","open",1,-110,"216a20c9c27a"] ["signal","update",2,-105,"216a20c9c27a"] ["signal","withdrawn",3,-105,"216a20c9c27a"]'
assert_eq "WebSocket messages" "$want" \
    "$(jq -c 'if .type == "snapshot_end" then ["snapshot_end", .count] else [.type, .data.state, .data.rev, .data.price, .data.signal_id] end' "$TMP/ws.out" | paste -sd' ')"
assert_eq "SSE events" "$want" \
    "$(jq -c 'if .event == "snapshot_end" then ["snapshot_end", .data.count] else [.event, .data.state, .data.rev, .data.price, .data.signal_id] end' "$TMP/sse.out" | paste -sd' ')"

# the live page
curl -s "http://127.0.0.1:$HTTP/" >"$TMP/page"
grep -q '"/api/v1/stream?"' "$TMP/page" || fail "the page at / does not subscribe to /api/v1/stream"
assert_eq "healthz" '{"status":"ok"}' "$(curl -s "http://127.0.0.1:$HTTP/healthz")"
revs3() { curl -s "http://127.0.0.1:$HTTP/metrics" | grep -qx 'savant_signal_revisions_total 3'; }
wait_for 10 revs3 ||
    fail "metrics do not count 3 signal revisions: $(curl -s "http://127.0.0.1:$HTTP/metrics" | grep signal)"

kill -TERM "$ENGINE"; set +e; wait "$ENGINE"; rc=$?; set -e
assert_eq "engine exit status" 0 "$rc"
