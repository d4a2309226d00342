# 3002: the demo (ops/demo, what `make demo` runs after building): within a minute the live view
# shows scored markets from the simulator through the engine and the signals' revisions, a
# WebSocket client on the printed push address sees signals open and change live, the live page
# and Redis hold them; the README's click-to-bet walk-through with the banner's user token takes
# a live signal, clicks it (201 pending; the same click again: the same bet), sees savant-book
# place it and the game's end grade it with P/L and CLV, and /me/stats count it; and stopping it
# leaves nothing running and no temp dir behind.
# DEMO_SECONDS stands in for the Ctrl-C (the same trap).
. "$(dirname "$0")/lib.sh"

before=$(ls -d /tmp/savant-demo.* 2>/dev/null | sort || true)
SAVANT_BIN_DIR="$BIN" DEMO_SECONDS=90 DEMO_RATE=60 DEMO_TOKEN=t3002 timeout 200 ops/demo >"$TMP/demo.out" 2>"$TMP/demo.err" &
DEMO=$!
wait_for 60 grep -q '^Ctrl-C stops everything' "$TMP/demo.out" || fail "no push address in the banner: $(head -12 "$TMP/demo.out")"
page=$(sed -n 's/^  live page *\(http[^ ]*\).*/\1/p' "$TMP/demo.out")
ws=$(sed -n "s/^  push *\(ws:[^ ]*\).*/\1/p" "$TMP/demo.out")
# the README's walk-through, with the banner's values
API=$(sed -n 's/^ *API=\([^ ]*\) TOKEN=.*/\1/p' "$TMP/demo.out")
TOKEN=$(sed -n 's/^  user token  *\([^ ]*\).*/\1/p' "$TMP/demo.out")
[ -n "$API" ] && [ -n "$TOKEN" ] || fail "no API or user token in the banner: $(head -20 "$TMP/demo.out")"
auth=(-H "Authorization: Bearer $TOKEN")
click() { # click the first live signal; 201 leaves the bet in $TMP/bet
    local sig
    sig=$(curl -s "${auth[@]}" "$API/signals" | jq -r '.signals[0].signal_id // empty')
    [ -n "$sig" ] || return 1
    n=$((n + 1))
    [ "$(curl -s -o "$TMP/bet" -w '%{http_code}' "${auth[@]}" -H 'Content-Type: application/json' \
        -d "{\"click_id\":\"click-$n\",\"signal_id\":\"$sig\",\"stake\":10}" "$API/bets")" = 201 ]
}
n=0
within 30 click || fail "no click became a bet: $(cat "$TMP/bet" 2>/dev/null)"
BET=$(jq -r .bet_id "$TMP/bet")
assert_eq "the new bet" '["pending","10.00"]' "$(jq -c '[.status, .stake]' "$TMP/bet")"
again=$(curl -s "${auth[@]}" -H 'Content-Type: application/json' \
    -d "{\"click_id\":\"click-$n\",\"signal_id\":\"$(jq -r .signal_id "$TMP/bet")\",\"stake\":10}" "$API/bets" | jq -r .bet_id)
assert_eq "the same click again" "$BET" "$again"
status_is() { curl -s "${auth[@]}" "$API/bets/$BET" | jq -e --arg s "$1" '(.status // "") | test($s)' >/dev/null; }
within 20 status_is '^placed$' || fail "not placed: $(curl -s "${auth[@]}" "$API/bets/$BET")"
/usr/bin/python3 "$ROOT/tests/ws-client.py" "$ws" --seconds 15 >"$TMP/ws.out" || true
within 60 status_is '^(won|lost|push|void)$' || fail "not graded: $(curl -s "${auth[@]}" "$API/bets/$BET")"
graded_ok() {
    curl -s "${auth[@]}" "$API/bets/$BET" >"$TMP/graded"
    jq -e '(.pnl | type) == "string" and (.closing_price | type) == "number" and (.clv | type) == "number"
        and .placed_price != null' "$TMP/graded" >/dev/null
}
within 10 graded_ok || fail "the graded bet lacks P/L, closing price or CLV: $(cat "$TMP/graded")"
assert_eq "/me/stats counts it" 1 "$(curl -s "${auth[@]}" "$API/me/stats" | jq '.won + .lost + .push')"
# (to a file: `curl | grep -q` fails under pipefail when grep exits before curl has written all)
curl -s -o "$TMP/page" "$page" || true
grep -q 'api/v1/stream' "$TMP/page" || fail "the live page at $page is not served"
set +e
wait "$DEMO"
rc=$?
set -e
assert_eq "demo exit status" 0 "$rc"
grep -q '^Savant demo' "$TMP/demo.out" || fail "no demo banner: $(head -5 "$TMP/demo.out")"
# the last screen: a table of scored candidates from the simulated slate
last=$(awk '/^savant-top: /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' "$TMP/demo.out")
rows=$(printf '%s' "$last" | grep -Ec '^(nba|nfl|nhl|mlb)-[0-9-]+-[a-z]+-[a-z0-9-]+ .* (TITANIUM_SMASH|GOLD_STAR|EDGE_LEAN|MONITOR|PASS) ' || true)
[ "$rows" -ge 10 ] || fail "the live view showed $rows scored rows: $(printf '%s' "$last" | head -8)"
printf '%s' "$last" | grep -Eq '^signals: [0-9]+ revisions' || fail "the live view shows no signals: $(printf '%s' "$last" | tail -12)"
# the WebSocket client: a snapshot, then signals opening and changing live
grep -q '"type":"snapshot_end"' "$TMP/ws.out" || fail "no snapshot on $ws: $(head -3 "$TMP/ws.out")"
live=$(sed -n '/"type":"snapshot_end"/,$p' "$TMP/ws.out" | jq -r 'select(.type == "signal") | .data.state' | sort -u | paste -sd' ')
case " $live " in *" open "*) ;; *) fail "the WebSocket client saw no signal open live (states: '$live')" ;; esac
[ "$(sed -n '/"type":"snapshot_end"/,$p' "$TMP/ws.out" | grep -c '"type":"signal"')" -ge 2 ] ||
    fail "the WebSocket client saw fewer than 2 signal revisions live"
! grep -q 'level=error' "$TMP/demo.out" "$TMP/demo.err" || fail "errors while stopping: $(grep 'level=error' "$TMP/demo.out" "$TMP/demo.err" | head -3)"
sleep 1
after=$(ls -d /tmp/savant-demo.* 2>/dev/null | sort || true)
assert_eq "temp dirs left by the demo" "$before" "$after"
left=$(ps -eo cmd | grep -E '^[^ ]*savant-(broker|engine|feed|top|book) .*(group=demo|--follow|-n 15 -i 1|--latency-ms 500|--partitions 4 --bootstrap-file /tmp/savant-demo)' || true)
assert_eq "processes left by the demo" "" "$left"
