# tests/book-lib.sh — helpers of the savant-book tests (tests/2301-2319), sourced after lib.sh.

# pl N BOOK PRICE STAKE: a placement JSON line for bet "bet-NNN" (click, event and ts follow N).
pl() {
    printf '{"v":1,"ts":%s,"bet_id":"bet-%03d","click_id":"clk-%d","user_id":"u-1","signal_id":"sig-%d","event_id":"g%d","market":"h2h","side":"Home %d","book":"%s","price":%s,"stake":%s}\n' \
        $((1764180000000 + $1 * 1000)) "$1" "$1" "$1" $(($1 % 3)) $(($1 % 3)) "$2" "$3" "$4"
}

# accepted N PRICE / rejected N REASON: the expected result line of bet-NNN as compared by
# results (savant-cat's JSON without topic, partition and offset).
accepted() {
    printf '{"_key":"bet-%03d","v":1,"ts":%s,"bet_id":"bet-%03d","status":"accepted","price":%s}\n' \
        "$1" $((1764180000000 + $1 * 1000)) "$1" "$2"
}
rejected() {
    printf '{"_key":"bet-%03d","v":1,"ts":%s,"bet_id":"bet-%03d","status":"rejected","reason":"%s"}\n' \
        "$1" $((1764180000000 + $1 * 1000)) "$1" "$2"
}

# produce_placements: JSON lines on stdin to savant.placements.v1.
produce_placements() {
    "$BIN/savant-cat" produce -b "$BROKERS" -t savant.placements.v1 2>"$TMP/produce.err" ||
        fail "savant-cat produce: $(cat "$TMP/produce.err")"
}

# Options of every savant-book run of the tests: a short session, so that a restarted member of
# the same group joins quickly.
BOOK_X=(-X kafka.session_timeout_ms=3000)

# book_e LOG ARGS...: savant-book -e (processes the backlog, then exits) with stderr in LOG; fails
# the test unless it exits 0.
book_e() {
    local log=$1 rc=0; shift
    timeout $((90 * SCALE)) "$BIN/savant-book" -b "$BROKERS" -e "${BOOK_X[@]}" "$@" 2>"$log" || rc=$?
    [ "$rc" = 0 ] || { cat "$log" >&2; fail "savant-book $* exited $rc"; }
}

# results: the placement results now on the topic as savant-cat's JSON lines without _topic,
# _partition and _offset, sorted.
results() {
    timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.placement-results.v1 -e 2>/dev/null |
        jq -c 'del(._topic, ._partition, ._offset)' | sort
}

# result_count: messages on the results topic now; results_are N: whether there are N (for within).
result_count() { topic_count savant.placement-results.v1; }
results_are() { [ "$(result_count)" = "$1" ]; }

# summary LOG: the counters of savant-book's summary line in LOG ("consumed=… failed=…").
summary() { sed -n 's/.* event=summary \(.*\)$/\1/p' "$1"; }
