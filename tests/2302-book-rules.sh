# 2302: savant-book's limits, exactly: accepted placements answered at their price, a stake above
# --max-stake rejected with "stake above the book's limit X" (a stake equal to it accepted), a
# book outside --books rejected with "book not served" (checked before the stake); each result
# keyed by bet_id, its ts and its Kafka timestamp the placement's ts; the summary counts them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/book-lib.sh"
start_broker

{
    pl 1 alpha -110 100
    pl 2 beta 150 500
    pl 3 alpha -110 500.01
    pl 4 zeta -110 10
    pl 5 zeta -110 1000
    pl 6 beta 2500 0.5
    pl 7 alpha -20000 499.99
} | produce_placements
book_e "$TMP/book.log" --books alpha,beta --max-stake 500
{
    accepted 1 -110
    accepted 2 150
    rejected 3 "stake above the book's limit 500.0"
    rejected 4 "book not served"
    rejected 5 "book not served"
    accepted 6 2500
    accepted 7 -20000
} | sort > "$TMP/want"
results > "$TMP/got"
assert_files_eq "results with --books alpha,beta --max-stake 500" "$TMP/want" "$TMP/got"
assert_eq "summary" "consumed=7 accepted=4 moved=0 rejected=3 not_served=2 over_limit=1 by_rate=0 invalid=0 delivered=7 failed=0 abandoned=0" \
    "$(summary "$TMP/book.log")"

# The Kafka message: key bet_id, timestamp = the placement's ts (event time, not the clock).
kcat -b "$BROKERS" -t savant.placement-results.v1 -C -e -q -f '%k %T\n' | sort > "$TMP/kt"
for n in 1 2 3 4 5 6 7; do printf 'bet-%03d %s\n' "$n" $((1764180000000 + n * 1000)); done > "$TMP/want"
assert_files_eq "keys and timestamps of the results" "$TMP/want" "$TMP/kt"

# Without options every valid placement is accepted at its price; a limit with decimals is
# printed as given (shortest form). A new group reads the same placements again.
book_e "$TMP/book2.log" --group all-books
book_e "$TMP/book3.log" --group small --max-stake 250.25
{
    accepted 1 -110; accepted 2 150; rejected 3 "stake above the book's limit 500.0"
    rejected 4 "book not served"; rejected 5 "book not served"; accepted 6 2500; accepted 7 -20000
    accepted 1 -110; accepted 2 150; accepted 3 -110; accepted 4 -110; accepted 5 -110
    accepted 6 2500; accepted 7 -20000
    accepted 1 -110; rejected 2 "stake above the book's limit 250.25"
    rejected 3 "stake above the book's limit 250.25"; accepted 4 -110
    rejected 5 "stake above the book's limit 250.25"; accepted 6 2500
    rejected 7 "stake above the book's limit 250.25"
} | sort > "$TMP/want"
results > "$TMP/got"
assert_files_eq "results of three groups" "$TMP/want" "$TMP/got"
assert_eq "summary without rules" "consumed=7 accepted=7 moved=0 rejected=0 not_served=0 over_limit=0 by_rate=0 invalid=0 delivered=7 failed=0 abandoned=0" \
    "$(summary "$TMP/book2.log")"
