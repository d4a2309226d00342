# 2304: --price-move P: an accepted bet chosen by the draw of "price:S:bet_id" (below
# --price-move-rate, default 0.5) is placed P points worse for the bettor, with +100 and -100 one
# point (+102 worse by 5 is -103; -100 and +100 become -105), clamped at -100000; rejected bets
# carry no price. Seed 7 moves bet-003..bet-008 of bet-001..bet-010 (docs/sportsbook.md).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/book-lib.sh"

placements() {
    pl 1 alpha -110 10; pl 2 alpha 150 10; pl 3 alpha -110 10; pl 4 alpha 150 10
    pl 5 alpha 102 10; pl 6 alpha -100 10; pl 7 alpha 100 10; pl 8 alpha -99998 10
    pl 9 alpha 103 10; pl 10 alpha -105 10; pl 11 zeta -110 10
}

start_broker
placements | produce_placements
book_e "$TMP/book.log" --price-move 5 --seed 7 --books alpha
{
    accepted 1 -110; accepted 2 150; accepted 3 -115; accepted 4 145; accepted 5 -103
    accepted 6 -105; accepted 7 -105; accepted 8 -100000; accepted 9 103; accepted 10 -105
    rejected 11 "book not served"
} | sort > "$TMP/want"
results > "$TMP/got"
assert_files_eq "results with --price-move 5 --seed 7" "$TMP/want" "$TMP/got"
assert_eq "summary" "consumed=11 accepted=10 moved=6 rejected=1 not_served=1 over_limit=0 by_rate=0 invalid=0 delivered=11 failed=0 abandoned=0" \
    "$(summary "$TMP/book.log")"

# --price-move-rate 1: every accepted bet moves (here by 25 points); 0: none does.
start_broker
placements | produce_placements
book_e "$TMP/book.log" --price-move 25 --price-move-rate 1 --seed 7
{
    accepted 1 -135; accepted 2 125; accepted 3 -135; accepted 4 125; accepted 5 -123
    accepted 6 -125; accepted 7 -125; accepted 8 -100000; accepted 9 -122; accepted 10 -130
    accepted 11 -135
} | sort > "$TMP/want"
results > "$TMP/got"
assert_files_eq "results with --price-move 25 --price-move-rate 1" "$TMP/want" "$TMP/got"

start_broker
placements | produce_placements
book_e "$TMP/book.log" --price-move 25 --price-move-rate 0 --seed 7
{
    accepted 1 -110; accepted 2 150; accepted 3 -110; accepted 4 150; accepted 5 102
    accepted 6 -100; accepted 7 100; accepted 8 -99998; accepted 9 103; accepted 10 -105
    accepted 11 -110
} | sort > "$TMP/want"
results > "$TMP/got"
assert_files_eq "results with --price-move-rate 0" "$TMP/want" "$TMP/got"
