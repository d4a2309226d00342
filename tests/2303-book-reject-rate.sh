# 2303: --reject-rate R --seed S rejects exactly the bet_ids whose draw (docs/sportsbook.md:
# FNV-1a 64 + fmix64 of "reject:S:bet_id", top 53 bits / 2^53) is below R. For bet-001..bet-020 and
# R = 0.3: seed 7 rejects bet-002, bet-007, bet-017, bet-020; seed 8 rejects bet-002, bet-011,
# bet-013, bet-015, bet-016, bet-017, bet-020 (both lists computed independently in Python, and
# listed in docs/sportsbook.md). R = 1 rejects all, R = 0 none; the limits come first.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/book-lib.sh"

# run_rate "N[:why] ..." ARGS...: a fresh broker, bet-001..bet-020 (alpha, -110, stake 10 except
# bet-017 at 900), savant-book ARGS; asserts the results: bet-N rejected for each N listed ("rate":
# rejected by the book, "limit": the stake limit of 100.0), the others accepted at -110.
run_rate() {
    local -A why=()
    local n w
    for w in $1; do why[${w%%:*}]=${w#*:}; done
    shift
    start_broker
    for n in $(seq 20); do pl "$n" alpha -110 $([ "$n" = 17 ] && echo 900 || echo 10); done | produce_placements
    book_e "$TMP/book.log" "$@"
    for n in $(seq 20); do
        case "${why[$n]:-}" in
        rate) rejected "$n" "rejected by the book" ;;
        limit) rejected "$n" "stake above the book's limit 100.0" ;;
        *) accepted "$n" -110 ;;
        esac
    done | sort > "$TMP/want"
    results > "$TMP/got"
    assert_files_eq "results of savant-book $*" "$TMP/want" "$TMP/got"
}
run_rate "2:rate 7:rate 17:rate 20:rate" --reject-rate 0.3 --seed 7
assert_eq "summary, seed 7" "consumed=20 accepted=16 moved=0 rejected=4 not_served=0 over_limit=0 by_rate=4 invalid=0 delivered=20 failed=0 abandoned=0" \
    "$(summary "$TMP/book.log")"
run_rate "2:rate 11:rate 13:rate 15:rate 16:rate 17:rate 20:rate" --reject-rate 0.3 --seed 8
# the stake limit is checked first: bet-017 gets the limit's reason, not the rate's
run_rate "2:rate 7:rate 17:limit 20:rate" --reject-rate 0.3 --seed 7 --max-stake 100
assert_eq "summary, seed 7 with a limit" "consumed=20 accepted=16 moved=0 rejected=4 not_served=0 over_limit=1 by_rate=3 invalid=0 delivered=20 failed=0 abandoned=0" \
    "$(summary "$TMP/book.log")"
run_rate "$(for n in $(seq 20); do printf '%s:rate ' "$n"; done)" --reject-rate 1 --seed 7
run_rate "" --reject-rate 0 --seed 7
