# 0003: the command-line contract of every binary (DESIGN.md §3): --help exits 0, bad usage
# exits 2 naming the problem, a bad config source exits 1 naming the key, --dump-config prints
# the effective values with the precedence defaults < file < env < -X.
. "$(dirname "$0")/lib.sh"

run() { set +e; "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; set -e; }

for b in savant-broker savant-cat savant-engine savant-score savant-top savant-feed savant-replay savant-book; do
    run "$BIN/$b" --help
    assert_eq "$b --help status" 0 "$rc"
    grep -q "^usage: $b" "$TMP/out" || fail "$b --help prints no usage line"
    grep -q -- "-X key=value" "$TMP/out" || fail "$b --help does not document -X"

    run "$BIN/$b" --no-such-option
    assert_eq "$b unknown option status" 2 "$rc"

    run "$BIN/$b" --dump-config -X kafka.topic_prefix=x.
    assert_eq "$b --dump-config status" 0 "$rc"
    grep -Eq '^kafka.topic_prefix += x\.$' "$TMP/out" || fail "$b --dump-config lacks the -X value: $(cat "$TMP/out")"

    run "$BIN/$b" --dump-config -X kafka.bogus=1
    assert_eq "$b unknown -X key status" 2 "$rc"
    assert_eq "$b unknown -X key message" "$b: -X: unknown config key 'kafka.bogus'" "$(cat "$TMP/err")"

    run env SAVANT_KAFKA_BRUKER=x "$BIN/$b" --dump-config
    assert_eq "$b misspelt env status" 1 "$rc"
    grep -q "SAVANT_KAFKA_BRUKER" "$TMP/err" || fail "$b: error does not name the variable: $(cat "$TMP/err")"
done

# Precedence: file < SAVANT_* env < -X, and the platform variable under SAVANT_*.
printf 'kafka.brokers = file:1\nkafka.group = g-file\nlog.level = warn\n' > "$TMP/c.conf"
run env KAFKA_BROKERS=platform:1 SAVANT_KAFKA_GROUP=g-env "$BIN/savant-cat" --dump-config \
    -c "$TMP/c.conf" -X log.level=debug
assert_eq "dump status" 0 "$rc"
grep -Eq '^kafka.brokers += platform:1$' "$TMP/out" || fail "platform env does not beat the file"
grep -Eq '^kafka.group += g-env$' "$TMP/out" || fail "SAVANT_ env does not beat the file"
grep -Eq '^log.level += debug$' "$TMP/out" || fail "-X does not beat the file"

# A bad config file line is named with its line number (exit 1).
printf 'kafka.group = ok\nkafka.commit_interval_ms = 10\n' > "$TMP/bad.conf"
run "$BIN/savant-broker" -c "$TMP/bad.conf"
assert_eq "bad file status" 1 "$rc"
grep -q "bad.conf:2: kafka.commit_interval_ms: 10 is out of range \[100, 60000\]" "$TMP/err" ||
    fail "unclear error for a bad file: $(cat "$TMP/err")"

# savant-cat needs a mode and a topic; topics outside the prefix are refused.
run "$BIN/savant-cat" consume -b 127.0.0.1:1
assert_eq "consume without -t status" 2 "$rc"
run "$BIN/savant-cat" scrape -t x
assert_eq "unknown mode status" 2 "$rc"
grep -q "unknown mode 'scrape'" "$TMP/err" || fail "unclear error for a bad mode"
run "$BIN/savant-cat" produce -b 127.0.0.1:1 -t savant.nothing.v1
assert_eq "unknown topic status" 2 "$rc"
run "$BIN/savant-cat" produce -b 127.0.0.1:1 -t savant.state.v1
assert_eq "schema-less topic status for produce" 2 "$rc"
grep -q "has no schema" "$TMP/err" || fail "unclear error for producing to the state topic"

# the engine refuses a model file that is not one (issue 6: never a mismatched model)
run "$BIN/savant-engine" -X ai.model=README.md -X kafka.brokers=127.0.0.1:1
assert_eq "engine with a bad model status" 1 "$rc"
assert_eq "engine with a bad model message" "savant-engine: README.md: bad magic (not a Savant LSTM model file)" "$(cat "$TMP/err")"
