# 2307: SIGTERM makes savant-book finish, commit, print its summary and exit 0; a restart in the
# same group resumes from the committed offsets: every placement is answered exactly once across
# the two runs (no result twice for one offset), and the results are exactly the expected ones.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/book-lib.sh"
start_broker --partitions 3
RULES=(--books alpha,beta --max-stake 200)

# run_until N LOG: savant-book in the background until N results are on the topic, then SIGTERM;
# asserts exit status 0.
run_until() {
    local rc=0
    bg "$BIN/savant-book" -b "$BROKERS" "${BOOK_X[@]}" "${RULES[@]}" 2>"$2"
    within 60 results_are "$1" || { cat "$2" >&2; fail "no $1 results"; }
    kill -TERM "$BG_PID"
    wait "$BG_PID" || rc=$?
    assert_eq "exit status after SIGTERM" 0 "$rc"
    grep -q 'event=signal signal=15' "$2" || fail "SIGTERM not logged: $(cat "$2")"
}

{ pl 1 alpha -110 100; pl 2 beta 150 300; pl 3 gamma -110 10; pl 4 alpha 200 200; } | produce_placements
run_until 4 "$TMP/run1.log"
assert_eq "summary of the first run" "consumed=4 accepted=2 moved=0 rejected=2 not_served=1 over_limit=1 by_rate=0 invalid=0 delivered=4 failed=0 abandoned=0" \
    "$(summary "$TMP/run1.log")"

{ pl 5 beta -120 50; pl 6 alpha 300 201; pl 7 alpha -250 199.5; } | produce_placements
run_until 7 "$TMP/run2.log"
assert_eq "summary of the second run (only the new placements)" \
    "consumed=3 accepted=2 moved=0 rejected=1 not_served=0 over_limit=1 by_rate=0 invalid=0 delivered=3 failed=0 abandoned=0" \
    "$(summary "$TMP/run2.log")"

L="stake above the book's limit 200.0"
{
    accepted 1 -110; rejected 2 "$L"; rejected 3 "book not served"; accepted 4 200
    accepted 5 -120; rejected 6 "$L"; accepted 7 -250
} | sort > "$TMP/want"
results > "$TMP/got"
assert_files_eq "results of both runs" "$TMP/want" "$TMP/got"

# SIGTERM right after the start (before the group assigned anything) also exits 0
bg "$BIN/savant-book" -b "$BROKERS" "${BOOK_X[@]}" --group idle 2>"$TMP/idle.log"
wait_for 10 grep -q 'event=started' "$TMP/idle.log" || fail "savant-book did not start"
kill -TERM "$BG_PID"
rc=0; wait "$BG_PID" || rc=$?
assert_eq "exit status after an early SIGTERM" 0 "$rc"
grep -q 'event=summary' "$TMP/idle.log" || fail "no summary line after an early SIGTERM"
