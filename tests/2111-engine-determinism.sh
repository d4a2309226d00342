# 2111: determinism. The same input, run through two separate brokers and engines, gives the same
# score events: for every candidate key the same sequence of value bytes (DESIGN.md §5). Keys are
# the unit of order: events of one key share a partition, while the interleaving of different
# games across partitions depends on fetch timing and is not part of the contract.
. "$(dirname "$0")/lib.sh"

# A generated stream: 8 games, 4 books, h2h and spreads, prices moving by a fixed rule.
gen() {
    local t=1764180000000 g b i p
    for i in $(seq 0 11); do
        for g in 1 2 3 4 5 6 7 8; do
            for b in alpha beta gamma delta; do
                t=$((t + 1000))
                p=$((110 + (i * 7 + g * 3 + ${#b}) % 40))
                printf '{"v":1,"ts":%s,"event_id":"g%s","sport":"nba","book":"%s","market":"h2h","outcomes":[{"name":"Home %s","price":-%s},{"name":"Away %s","price":%s}]}\n' \
                    "$t" "$g" "$b" "$g" "$p" "$g" $((p + (i % 3) * 5))
                printf '{"v":1,"ts":%s,"event_id":"g%s","sport":"nba","book":"%s","market":"spreads","outcomes":[{"name":"Home %s","price":-110,"point":-%s.5},{"name":"Away %s","price":-110,"point":%s.5}]}\n' \
                    "$t" "$g" "$b" "$g" $(((i + g + ${#b}) % 4 + 2)) "$g" $(((i + g + ${#b}) % 4 + 2))
            done
        done
    done
}
gen > "$TMP/in.jsonl"
n_in=$(grep -c . "$TMP/in.jsonl")

run() { # run NAME: broker, input, engine until every input is consumed; writes $TMP/NAME.keyed
    start_broker --partitions 3
    "$BIN/savant-cat" produce -b "$BROKERS" -t savant.odds.v1 < "$TMP/in.jsonl" 2>/dev/null
    bg "$BIN/savant-engine" -X "kafka.brokers=$BROKERS" -X kafka.group=det -X kafka.session_timeout_ms=3000 \
        2>"$TMP/$1.log"
    local engine=$BG_PID
    done_() { grep -q 'event=stopped' "$TMP/$1.log"; }
    # every input produces 2 scores: wait for all of them, then stop
    all() { [ "$(timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.scores.v1 -e 2>/dev/null | grep -c .)" -ge $((n_in * 2)) ]; }
    wait_for 90 all || { tail "$TMP/$1.log" >&2; fail "$1: not all scores arrived"; }
    kill -TERM "$engine"; wait "$engine" || fail "$1: engine exit status $?"
    timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.scores.v1 -e -R 2>/dev/null |
        jq -r '[._key, ._partition, ._offset, ._bytes] | @tsv' | sort -t "$(printf '\t')" -k1,1 -k3,3n -s |
        awk -F '\t' '{print $1 "\t" $4}' > "$TMP/$1.keyed"
    kill "$BROKER_PID"; wait "$BROKER_PID" || true
}
run a
run b
assert_eq "score events of run a" $((n_in * 2)) "$(grep -c . "$TMP/a.keyed")"
assert_eq "h2h candidate keys (8 games x 2 sides)" 16 "$(cut -f1 "$TMP/a.keyed" | grep "|h2h|" | sort -u | grep -c .)"
assert_files_eq "per-key score bytes of two runs" "$TMP/a.keyed" "$TMP/b.keyed"
