# 2118: push subscribers authenticate with the tokens of the store (issue 8), by the REST routes'
# rules: with no api.bootstrap_token at all, a token made by `savant-engine --create-token`
# subscribes over WebSocket (python3-websockets; header and ?token=) and over SSE (curl); a token
# made through POST /api/v1/tokens with only the bet scope gets 403; an unknown one 401; a token
# revoked through DELETE /api/v1/tokens/{id} is refused within the 5 s token cache (+ slack).
. "$(dirname "$0")/lib.sh"
own_db t2118
PY=/usr/bin/python3

"$BIN/savant-engine" --migrate -X "pg.dsn=$DSN" >/dev/null
TOKEN=$("$BIN/savant-engine" --create-token --user ann@example.com --role user -X "pg.dsn=$DSN" 2>"$TMP/tok.err")
case "$TOKEN" in sv_*) ;; *) fail "not a token: '$TOKEN' ($(cat "$TMP/tok.err"))" ;; esac

start_broker --partitions 2
bg "$BIN/savant-engine" -X "kafka.brokers=$BROKERS" -X kafka.group=t2118 -X redis.url=none \
    -X "pg.dsn=$DSN" -X api.bootstrap_token= 2>"$TMP/engine.log"
ENGINE=$BG_PID
wait_for 20 grep -q 'event=started' "$TMP/engine.log" || { cat "$TMP/engine.log" >&2; fail "engine did not start"; }
HTTP=$(sed -n 's/.*event=started.* http=\([0-9]*\).*/\1/p' "$TMP/engine.log")
ready() { curl -s "http://127.0.0.1:$HTTP/readyz" | grep -q '"pg":"up"'; }
wait_for 20 ready || fail "PostgreSQL not up in /readyz: $(curl -s "http://127.0.0.1:$HTTP/readyz")"
WS="ws://127.0.0.1:$HTTP/api/v1/stream"
SSE="http://127.0.0.1:$HTTP/api/v1/stream/sse"
api() { curl -s -o "$TMP/body" -w '%{http_code}' -H "Authorization: Bearer $1" -X "$2" ${4:+-d "$4"} \
    "http://127.0.0.1:$HTTP/api/v1/$3"; }
ws() { "$PY" "$ROOT/tests/ws-client.py" "$@" --count 1 --seconds 10; }
# sse URL [CURL ARGS...]: status, then the first event's name (the stream is cut after 2 s)
sse() {
    local url=$1 code; shift
    code=$(curl -s -N --max-time 2 -o "$TMP/sse" -w '%{http_code}' "$@" "$url" || true)
    echo "$code $(sed -n 's/^event: //p' "$TMP/sse" | head -n 1)$(jq -r '.error.code // empty' "$TMP/sse" 2>/dev/null || true)"
}

# a store token subscribes: WebSocket (header, then ?token=) and SSE (?token=, then header)
assert_eq "WebSocket, Authorization header" '{"type":"snapshot_end","count":0}' \
    "$(ws "$WS?kinds=signals" --header "Authorization: Bearer $TOKEN")"
assert_eq "WebSocket, ?token=" '{"type":"snapshot_end","count":0}' "$(ws "$WS?token=$TOKEN&kinds=signals")"
assert_eq "SSE, ?token=" "200 snapshot_end" "$(sse "$SSE?token=$TOKEN&kinds=signals")"
assert_eq "SSE, Authorization header" "200 snapshot_end" "$(sse "$SSE" -H "Authorization: Bearer $TOKEN")"

# refused: no read scope (403), unknown (401), the same answers as the REST routes
assert_eq "POST /api/v1/tokens (bet only)" 201 "$(api "$TOKEN" POST tokens '{"scopes":["bet"]}')"
T_BET=$(jq -r .token "$TMP/body")
assert_eq "WebSocket without the read scope" '{"http_status":403}' "$(ws "$WS?token=$T_BET")"
assert_eq "SSE without the read scope" "403 forbidden" "$(sse "$SSE?token=$T_BET")"
assert_eq "its message" "this token lacks the read scope" "$(jq -r .error.message "$TMP/sse")"
assert_eq "WebSocket, unknown token" '{"http_status":401}' "$(ws "$WS?token=sv_nope")"
assert_eq "SSE, unknown token" "401 unauthorized" "$(sse "$SSE?token=sv_nope")"

# revoked: refused within the cache's 5 s (+ slack)
assert_eq "POST /api/v1/tokens (read)" 201 "$(api "$TOKEN" POST tokens '{"scopes":["read"]}')"
T_READ=$(jq -r .token "$TMP/body")
id=$(jq -r .id "$TMP/body")
assert_eq "the read token subscribes" "200 snapshot_end" "$(sse "$SSE?token=$T_READ")"
assert_eq "DELETE /api/v1/tokens/$id" 204 "$(api "$TOKEN" DELETE "tokens/$id")"
t0=$SECONDS
refused() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$SSE?token=$T_READ" || true)" = 401 ]; }
wait_for 7 refused || fail "a revoked token still subscribes after 7 s"
[ $((SECONDS - t0)) -le 7 ] || fail "a revoked token was refused only after $((SECONDS - t0)) s"
assert_eq "WebSocket, revoked token" '{"http_status":401}' "$(ws "$WS?token=$T_READ")"
assert_eq "the first token still subscribes" '{"type":"snapshot_end","count":0}' "$(ws "$WS?token=$TOKEN")"

grep -q 'event=push_closed' "$TMP/engine.log" && fail "the engine warned that push is closed although the store has tokens"
kill -TERM "$ENGINE"; set +e; wait "$ENGINE"; rc=$?; set -e
assert_eq "engine exit status" 0 "$rc"
