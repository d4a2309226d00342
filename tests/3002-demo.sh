# 3002: the demo (ops/demo, what `make demo` runs after building): within a minute the live view
# shows scored markets from the simulator through the engine and the signals' revisions, a
# WebSocket client on the printed push address sees signals open and change live, the live page
# and Redis hold them, and stopping it leaves nothing running and no temp dir behind.
# DEMO_SECONDS stands in for the Ctrl-C (the same trap).
. "$(dirname "$0")/lib.sh"

before=$(ls -d /tmp/savant-demo.* 2>/dev/null | sort || true)
SAVANT_BIN_DIR="$BIN" DEMO_SECONDS=50 DEMO_RATE=60 DEMO_TOKEN=t3002 timeout 150 ops/demo >"$TMP/demo.out" 2>"$TMP/demo.err" &
DEMO=$!
wait_for 60 grep -q '^  push ' "$TMP/demo.out" || fail "no push address in the banner: $(head -12 "$TMP/demo.out")"
page=$(sed -n 's/^  live page *\(http[^ ]*\).*/\1/p' "$TMP/demo.out")
ws=$(sed -n "s/^  push *\(ws:[^ ]*\).*/\1/p" "$TMP/demo.out")
/usr/bin/python3 "$ROOT/tests/ws-client.py" "$ws" --seconds 30 >"$TMP/ws.out" || true
curl -s "$page" | grep -q 'api/v1/stream' || fail "the live page at $page is not served"
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
left=$(ps -eo cmd | grep -E '^[^ ]*savant-(broker|engine|feed|top) .*(group=demo|--follow|-n 15 -i 1|--partitions 4 --bootstrap-file /tmp/savant-demo)' || true)
assert_eq "processes left by the demo" "" "$left"
