# 2002: for every event type, JSON lines → savant-cat produce → savant-broker → savant-cat consume
# give back the same events, each keyed as §4 says; and the values are msgpack maps that kcat
# sees as raw bytes with the same keys.
. "$(dirname "$0")/lib.sh"
start_broker

declare -A topic=([odds]=odds.v1 [game]=games.v1 [context]=context.v1 [click]=clicks.v1
    [score]=scores.v1 [signal]=signals.v1 [placement]=placements.v1
    [placement_result]=placement-results.v1 [grade]=grades.v1 [dlq]=dlq.v1)

for type in "${!topic[@]}"; do
    t=savant.${topic[$type]}
    in=$ROOT/tests/fixtures/events/$type.jsonl
    "$BIN/savant-cat" produce -b "$BROKERS" -t "$t" < "$in" 2>"$TMP/$type.err" ||
        fail "$type: produce failed: $(cat "$TMP/$type.err")"
    n=$(grep -c . "$in")
    "$BIN/savant-cat" consume -b "$BROKERS" -t "$t" -e > "$TMP/$type.out" 2>"$TMP/$type.cerr" ||
        fail "$type: consume failed: $(cat "$TMP/$type.cerr")"
    assert_eq "$type: messages consumed" "$n" "$(grep -c . "$TMP/$type.out")"
    ! grep -q '"_error"' "$TMP/$type.out" || fail "$type: a message did not decode: $(grep _error "$TMP/$type.out")"
    # Same events: compare with the metadata removed, keys sorted, numbers normalised by jq.
    # Events of one key keep their order; across partitions order is by key, so sort the lines.
    jq -S -c . "$in" | sort > "$TMP/$type.want"
    jq -S -c 'del(._topic, ._partition, ._offset, ._key)' "$TMP/$type.out" | sort > "$TMP/$type.got"
    assert_files_eq "$type events after the round trip" "$TMP/$type.want" "$TMP/$type.got"
    jq -r --arg t "$t" 'select(._topic != $t) | "wrong topic \(._topic)"' "$TMP/$type.out" | grep . && fail "$type: wrong _topic"
    true
done

# Keys of §4: event_id for odds, candidate key for scores, bet_id for placement results,
# "space_weather" for the space weather context.
jq -r '._key' "$TMP/odds.out" | sort -u | tr '\n' ' ' > "$TMP/k"
assert_eq "odds keys" "epl-2026-11-26-ars-che nba-2026-11-26-bos-lal " "$(cat "$TMP/k")"
jq -r 'select(.kind=="space_weather") | ._key' "$TMP/context.out" > "$TMP/k"
assert_eq "space weather key" "space_weather" "$(cat "$TMP/k")"
jq -r 'select(.player=="LeBron James") | ._key' "$TMP/score.out" > "$TMP/k"
assert_eq "score key" "nba-2026-11-26-bos-lal|player_points|Over|LeBron James|25.5" "$(cat "$TMP/k")"
jq -r '._key' "$TMP/placement_result.out" | sort | tr '\n' ' ' > "$TMP/k"
assert_eq "placement result keys" "bet-000001 bet-000002 " "$(cat "$TMP/k")"

# Events of one game share a partition (keyed by event_id, murmur2 partitioner).
jq -r 'select(._key=="nba-2026-11-26-bos-lal") | ._partition' "$TMP/odds.out" "$TMP/game.out" |
    sort -u | wc -l > "$TMP/np"
assert_eq "partitions holding one game's odds and game events" 1 "$(cat "$TMP/np")"

# The value is a msgpack map: kcat sees raw bytes whose first byte is a map header (0x8X or 0xde).
kcat -b "$BROKERS" -t savant.clicks.v1 -C -e -q -o beginning -f '%s' -c 1 | head -c 1 | od -An -tx1 |
    tr -d ' \n' > "$TMP/b"
case "$(cat "$TMP/b")" in 8?|de) ;; *) fail "click value does not start with a msgpack map header: $(cat "$TMP/b")" ;; esac

# -o and -n: the last message only, then exit.
"$BIN/savant-cat" consume -b "$BROKERS" -t savant.game.v1 -e >/dev/null 2>&1 && fail "unknown topic accepted"
# -o -1 gives the last message of every partition; -o 1 all but the first of each.
jq -r '"\(._partition) \(._offset)"' "$TMP/odds.out" | sort -n -k1,1 -k2,2 > "$TMP/po"
awk '{last[$1]=$0} END {for (p in last) print last[p]}' "$TMP/po" | sort > "$TMP/want"
"$BIN/savant-cat" consume -b "$BROKERS" -t savant.odds.v1 -o -1 -e | jq -r '"\(._partition) \(._offset)"' | sort > "$TMP/got"
assert_files_eq "messages with -o -1" "$TMP/want" "$TMP/got"
awk '$2 >= 1' "$TMP/po" | sort > "$TMP/want"
"$BIN/savant-cat" consume -b "$BROKERS" -t savant.odds.v1 -o 1 -e | jq -r '"\(._partition) \(._offset)"' | sort > "$TMP/got"
assert_files_eq "messages with -o 1" "$TMP/want" "$TMP/got"
"$BIN/savant-cat" consume -b "$BROKERS" -t savant.odds.v1 -n 2 | grep -c . > "$TMP/c"
assert_eq "messages with -n 2" 2 "$(cat "$TMP/c")"
