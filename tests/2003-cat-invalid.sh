# 2003: bad input. savant-cat produce stops at the first invalid line with its number and field,
# after delivering the lines before it; savant-cat consume prints a message that does not decode
# with _error and the original bytes in base64, and goes on to the next message.
. "$(dirname "$0")/lib.sh"
start_broker --partitions 1

cat > "$TMP/in.jsonl" <<'J'
{"v":1,"ts":1764180100000,"click_id":"c1","user_id":"u1","signal_id":"s1","event_id":"e1","book":"dk","stake":5.0}

{"v":1,"ts":1764180100001,"click_id":"c2","user_id":"u1","signal_id":"s1","event_id":"e1","book":"dk","stake":6.0}
{"v":1,"ts":1764180100002,"click_id":"c3","user_id":"u1","signal_id":"s1","event_id":"e1","book":"dk","stake":-1.0}
{"v":1,"ts":1764180100003,"click_id":"c4","user_id":"u1","signal_id":"s1","event_id":"e1","book":"dk","stake":7.0}
J
set +e
"$BIN/savant-cat" produce -b "$BROKERS" -t savant.clicks.v1 < "$TMP/in.jsonl" 2>"$TMP/err"; rc=$?
set -e
assert_eq "exit status for an invalid line" 1 "$rc"
grep -q '^savant-cat: line 4: stake: ' "$TMP/err" || fail "error does not name line 4 and stake: $(cat "$TMP/err")"
"$BIN/savant-cat" consume -b "$BROKERS" -t savant.clicks.v1 -e | jq -r .click_id | tr '\n' ' ' > "$TMP/got"
assert_eq "clicks delivered before the bad line" "c1 c2 " "$(cat "$TMP/got")"

# Invalid JSON, a missing field, an unknown field, an enum value, odds sanity.
check() { # check TOPIC LINE EXPECTED-STDERR-REGEX
    set +e
    printf '%s\n' "$2" | "$BIN/savant-cat" produce -b "$BROKERS" -t "$1" 2>"$TMP/err"; rc=$?
    set -e
    assert_eq "exit status for: $2" 1 "$rc"
    grep -Eq "$3" "$TMP/err" || fail "expected /$3/ for: $2; got: $(cat "$TMP/err")"
}
check savant.clicks.v1 '{"v":1,' '^savant-cat: line 1: invalid JSON'
check savant.clicks.v1 '{"v":1,"ts":1764180100000,"user_id":"u1","signal_id":"s1","event_id":"e1","book":"dk","stake":5.0}' '^savant-cat: line 1: click_id: '
check savant.clicks.v1 '{"v":1,"ts":1764180100000,"click_id":"c9","user_id":"u1","signal_id":"s1","event_id":"e1","book":"dk","stake":5.0,"stak":1}' '^savant-cat: line 1: stak: '
check savant.games.v1 '{"v":1,"ts":1764180000000,"event_id":"g","sport":"nba","home":"A","away":"B","commence_ts":1764199800000,"status":"halftime"}' '^savant-cat: line 1: status: '
check savant.odds.v1 '{"v":1,"ts":1764180000000,"event_id":"g","sport":"nba","book":"b","market":"h2h","outcomes":[{"name":"A","price":-110},{"name":"B","price":50}]}' '^savant-cat: line 1: outcomes\[1\]\.price: '
check savant.odds.v1 '{"v":1,"ts":1764180000000,"event_id":"g","sport":"nba","book":"b","market":"h2h","outcomes":[{"name":"A","decimal":1.0}]}' '^savant-cat: line 1: outcomes\[0\]\.decimal: '

# Garbage on a topic (written by kcat, not by us): reported with the bytes, consumption goes on.
printf 'not msgpack' | kcat -b "$BROKERS" -t savant.clicks.v1 -P -k e1
printf '{"v":1,"ts":1764180100009,"click_id":"c5","user_id":"u1","signal_id":"s1","event_id":"e1","book":"dk","stake":8.0}\n' |
    "$BIN/savant-cat" produce -b "$BROKERS" -t savant.clicks.v1
"$BIN/savant-cat" consume -b "$BROKERS" -t savant.clicks.v1 -e > "$TMP/all"
assert_eq "messages consumed" 4 "$(grep -c . "$TMP/all")"
jq -r 'select(._error) | ._bytes' "$TMP/all" > "$TMP/b64"
assert_eq "original bytes of the bad message" "not msgpack" "$(base64 -d "$TMP/b64")"
jq -r 'select(._error) | ._offset' "$TMP/all" > "$TMP/off"
assert_eq "offset of the bad message" 2 "$(cat "$TMP/off")"
jq -r 'select(.click_id) | .click_id' "$TMP/all" | tr '\n' ' ' > "$TMP/got"
assert_eq "good messages around the bad one" "c1 c2 c5 " "$(cat "$TMP/got")"
