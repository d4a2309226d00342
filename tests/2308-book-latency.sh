# 2308: --latency-ms N holds each result N ms between consuming the placement and producing the
# result (measured on savant-book's own debug lines), without changing its bytes (equal to a run
# without latency); SIGTERM during the hold still delivers the held result, commits and exits 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/book-lib.sh"
start_broker
LAT=2500

{ pl 1 alpha -110 10; pl 2 alpha 150 10; } | produce_placements
bg "$BIN/savant-book" -b "$BROKERS" "${BOOK_X[@]}" --latency-ms "$LAT" --price-move 5 --seed 7 \
    -X log.level=debug -X log.debug=book 2>"$TMP/book.log"
P=$BG_PID
consumed2() { [ "$(grep -c 'event=placement ' "$TMP/book.log")" = 2 ]; }
wait_for 60 consumed2 ||
    { cat "$TMP/book.log" >&2; fail "placements not consumed"; }
kill -TERM "$P"
rc=0; wait "$P" || rc=$?
assert_eq "exit status after SIGTERM during the hold" 0 "$rc"
assert_eq "summary" "consumed=2 accepted=2 moved=0 rejected=0 not_served=0 over_limit=0 by_rate=0 invalid=0 delivered=2 failed=0 abandoned=0" \
    "$(summary "$TMP/book.log")"
{ accepted 1 -110; accepted 2 150; } | sort > "$TMP/want"
results > "$TMP/got"
assert_files_eq "results held and delivered" "$TMP/want" "$TMP/got"

# consumed -> produced took at least the latency, for each bet (log timestamps, ms)
for b in bet-001 bet-002; do
    t0=$(sed -n "s/^ts=\([^ ]*\) .* event=placement .* bet_id=$b .*/\1/p" "$TMP/book.log")
    t1=$(sed -n "s/^ts=\([^ ]*\) .* event=produced .* bet_id=$b .*/\1/p" "$TMP/book.log")
    [ -n "$t0" ] && [ -n "$t1" ] || fail "$b: no placement/produced lines: $(cat "$TMP/book.log")"
    held=$(python3 -c 'import sys, datetime as d
f = lambda s: d.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ")
print(int((f(sys.argv[2]) - f(sys.argv[1])).total_seconds() * 1000))' "$t0" "$t1")
    [ "$held" -ge "$LAT" ] || fail "$b held $held ms, less than $LAT"
done

# the held results were committed: the group has nothing left
book_e "$TMP/again.log"
assert_eq "summary of the next run" "consumed=0 accepted=0 moved=0 rejected=0 not_served=0 over_limit=0 by_rate=0 invalid=0 delivered=0 failed=0 abandoned=0" \
    "$(summary "$TMP/again.log")"

# the same bytes without latency (another group answers the same placements)
book_e "$TMP/fast.log" --group fast --price-move 5 --seed 7
timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.placement-results.v1 -e -R |
    jq -r '[._key, ._bytes] | @tsv' | sort | uniq -c | awk '{print $1, $2}' > "$TMP/got"
printf '2 bet-001\n2 bet-002\n' > "$TMP/want"
assert_files_eq "identical bytes with and without latency" "$TMP/want" "$TMP/got"
