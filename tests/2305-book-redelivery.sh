# 2305: a placement seen twice is answered twice with the same bytes. (a) The same placement
# produced twice: two results, byte for byte equal. (b) A real redelivery: savant-book killed
# (SIGKILL) after answering but before committing (auto-commit every 60 s) is restarted in the
# same group, consumes every placement again and answers each with the same bytes; the restart
# then commits at exit, so a third run consumes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/book-lib.sh"
RULES=(--reject-rate 0.3 --seed 7 --price-move 5 --max-stake 500)

# results_raw: "key<TAB>base64 value" of every result, sorted.
results_raw() {
    timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.placement-results.v1 -e -R 2>/dev/null |
        jq -r '[._key, ._bytes] | @tsv' | sort
}

# (a) duplicate placement
start_broker
{ pl 4 alpha 150 10; pl 4 alpha 150 10; pl 2 alpha -110 10; } | produce_placements
book_e "$TMP/book.log" "${RULES[@]}"
{ accepted 4 145; accepted 4 145; rejected 2 "rejected by the book"; } | sort > "$TMP/want"
results > "$TMP/got"
assert_files_eq "results of a duplicated placement" "$TMP/want" "$TMP/got"
results_raw | awk -F '\t' '$1 == "bet-004" {print $2}' | sort -u | wc -l > "$TMP/n"
assert_eq "distinct values answering bet-004" 1 "$(cat "$TMP/n")"

# (b) redelivery after a crash
start_broker
for n in $(seq 12); do pl "$n" alpha $([ $((n % 2)) = 0 ] && echo -110 || echo 120) $((n * 50)); done |
    produce_placements
bg "$BIN/savant-book" -b "$BROKERS" "${BOOK_X[@]}" -X kafka.commit_interval_ms=60000 "${RULES[@]}" \
    2>"$TMP/crash.log"
P=$BG_PID
within 60 results_are 12 || { cat "$TMP/crash.log" >&2; fail "first run: no 12 results"; }
{ kill -KILL "$P"; wait "$P"; } 2>/dev/null || true # (no "Killed" notice from bash)
grep -q "event=summary" "$TMP/crash.log" && fail "a killed process printed a summary"
results_raw > "$TMP/first"

book_e "$TMP/again.log" "${RULES[@]}"
assert_eq "summary after the crash (everything redelivered)" \
    "consumed=12 accepted=8 moved=5 rejected=4 not_served=0 over_limit=2 by_rate=2 invalid=0 delivered=12 failed=0 abandoned=0" \
    "$(summary "$TMP/again.log")"
results_raw > "$TMP/all"
# every bet answered exactly twice, with the same bytes both times
sort "$TMP/first" "$TMP/first" > "$TMP/want"
assert_files_eq "results after the redelivery (each first result twice)" "$TMP/want" "$TMP/all"
# seed 7: the rate rejects bet-002 and bet-007, the price moves for bet-003..bet-008
{
    accepted 1 120; rejected 2 "rejected by the book"; accepted 3 115; accepted 4 -115
    accepted 5 115; accepted 6 -115; rejected 7 "rejected by the book"; accepted 8 -115
    accepted 9 120; accepted 10 -110; rejected 11 "stake above the book's limit 500.0"
    rejected 12 "stake above the book's limit 500.0"
} > "$TMP/one"
sort "$TMP/one" "$TMP/one" > "$TMP/want"
results > "$TMP/got"
assert_files_eq "results after the redelivery" "$TMP/want" "$TMP/got"

book_e "$TMP/third.log" "${RULES[@]}"
assert_eq "summary of a third run (the restart committed)" \
    "consumed=0 accepted=0 moved=0 rejected=0 not_served=0 over_limit=0 by_rate=0 invalid=0 delivered=0 failed=0 abandoned=0" \
    "$(summary "$TMP/third.log")"
