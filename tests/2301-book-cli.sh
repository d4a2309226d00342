# 2301: savant-book's command line (DESIGN.md §3): --help exits 0 and documents every rule, bad
# usage exits 2 naming the option, a bad config source exits 1, --dump-config exits 0.
. "$(dirname "$0")/lib.sh"

run() { set +e; "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; set -e; }
b=savant-book

run "$BIN/$b" --help
assert_eq "--help status" 0 "$rc"
grep -q "^usage: $b" "$TMP/out" || fail "--help prints no usage line"
for o in -X -c --group --books --max-stake --reject-rate --seed --price-move --price-move-rate \
    --latency-ms --exit-at-end --dump-config; do
    grep -q -- "$o" "$TMP/out" || fail "--help does not document $o"
done
grep -q -- "-X key=value" "$TMP/out" || fail "--help does not document -X key=value"

# bad usage: exit 2 and the option named
bad() { # bad "what" ARGS...
    local what=$1; shift
    run "$BIN/$b" "$@"
    assert_eq "$what status" 2 "$rc"
    [ -s "$TMP/err" ] || fail "$what: no message"
}
bad "unknown option" --no-such-option
bad "unexpected argument" extra
bad "reject rate above 1" --reject-rate 1.5
grep -q -- "--reject-rate: '1.5' is not a number in \[0, 1\]" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
bad "negative reject rate" --reject-rate -0.1
bad "reject rate not a number" --reject-rate x
bad "zero max stake" --max-stake 0
grep -q -- "--max-stake: '0' is not a number in (0, 1e9\]" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
bad "max stake nan" --max-stake nan
bad "negative seed" --seed -1
grep -q -- "--seed: '-1' is not an unsigned 64-bit integer" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
bad "seed above 2^64-1" --seed 18446744073709551616
bad "empty book list" --books ''
bad "empty book in the list" --books alpha,,beta
grep -q -- "--books: 'alpha,,beta' has an empty entry" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
bad "book with a bar" --books 'al|pha'
bad "negative price move" --price-move -5
bad "price move rate above 1" --price-move-rate 2
bad "latency too long" --latency-ms 600001
grep -q -- "--latency-ms: '600001' is not an integer in \[0, 600000\]" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
bad "empty group" --group ''
bad "unknown -X key" -X kafka.bogus=1
assert_eq "unknown -X key message" "$b: -X: unknown config key 'kafka.bogus'" "$(cat "$TMP/err")"

# the largest seed is accepted (checked by --dump-config, which exits before connecting)
run "$BIN/$b" --seed 18446744073709551615 --books a,b --max-stake 1e9 --dump-config -X kafka.topic_prefix=x.
assert_eq "--dump-config status" 0 "$rc"
grep -Eq '^kafka.topic_prefix += x\.$' "$TMP/out" || fail "--dump-config lacks the -X value: $(cat "$TMP/out")"

run env SAVANT_KAFKA_BRUKER=x "$BIN/$b" --dump-config
assert_eq "misspelt env status" 1 "$rc"
grep -q "SAVANT_KAFKA_BRUKER" "$TMP/err" || fail "error does not name the variable: $(cat "$TMP/err")"
