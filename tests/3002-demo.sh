# 3002: the demo (ops/demo, what `make demo` runs after building): within a minute the live view
# shows scored markets from the simulator through the engine, and stopping it leaves nothing
# running and no temp dir behind. DEMO_SECONDS stands in for the Ctrl-C (the same trap).
. "$(dirname "$0")/lib.sh"

before=$(ls -d /tmp/savant-demo.* 2>/dev/null | sort || true)
set +e
SAVANT_BIN_DIR="$BIN" DEMO_SECONDS=40 DEMO_RATE=60 timeout 120 ops/demo >"$TMP/demo.out" 2>"$TMP/demo.err"
rc=$?
set -e
assert_eq "demo exit status" 0 "$rc"
grep -q '^Savant demo' "$TMP/demo.out" || fail "no demo banner: $(head -5 "$TMP/demo.out")"
# the last screen: a table of scored candidates from the simulated slate
last=$(awk '/^savant-top: /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' "$TMP/demo.out")
rows=$(printf '%s' "$last" | grep -Ec '^(nba|nfl|nhl|mlb)-[0-9-]+-[a-z]+-[a-z]+ .* (TITANIUM_SMASH|GOLD_STAR|EDGE_LEAN|MONITOR|PASS) ' || true)
[ "$rows" -ge 10 ] || fail "the live view showed $rows scored rows: $(printf '%s' "$last" | head -8)"
! grep -q 'level=error' "$TMP/demo.out" "$TMP/demo.err" || fail "errors while stopping: $(grep 'level=error' "$TMP/demo.out" "$TMP/demo.err" | head -3)"
sleep 1
after=$(ls -d /tmp/savant-demo.* 2>/dev/null | sort || true)
assert_eq "temp dirs left by the demo" "$before" "$after"
left=$(ps -eo cmd | grep -E '^[^ ]*savant-(broker|engine|feed|top) .*(group=demo|--follow|-n 20 -i 1|--partitions 4 --bootstrap-file /tmp/savant-demo)' || true)
assert_eq "processes left by the demo" "" "$left"
