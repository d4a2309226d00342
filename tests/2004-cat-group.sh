# 2004: savant-cat consume -G joins a consumer group and commits: a second run of the same group
# sees only what was produced after the first, a new group sees everything, and -o end skips the
# backlog.
. "$(dirname "$0")/lib.sh"
start_broker --partitions 2
ev() { printf '{"v":1,"ts":%s,"event_id":"%s","sport":"nba","home":"A","away":"B","commence_ts":1764199800000,"status":"scheduled"}\n' "$1" "$2"; }

{ ev 1764180000001 g1; ev 1764180000002 g2; ev 1764180000003 g3; } |
    "$BIN/savant-cat" produce -b "$BROKERS" -t savant.games.v1
"$BIN/savant-cat" consume -b "$BROKERS" -t savant.games.v1 -G grp -e | jq -r .event_id | sort | tr '\n' ' ' > "$TMP/a"
assert_eq "first run of group grp" "g1 g2 g3 " "$(cat "$TMP/a")"

ev 1764180000004 g4 | "$BIN/savant-cat" produce -b "$BROKERS" -t savant.games.v1
"$BIN/savant-cat" consume -b "$BROKERS" -t savant.games.v1 -G grp -e | jq -r .event_id | tr '\n' ' ' > "$TMP/b"
assert_eq "second run of group grp resumes from its commits" "g4 " "$(cat "$TMP/b")"

"$BIN/savant-cat" consume -b "$BROKERS" -t savant.games.v1 -G other -e | grep -c . > "$TMP/c"
assert_eq "a new group reads everything" 4 "$(cat "$TMP/c")"

"$BIN/savant-cat" consume -b "$BROKERS" -t savant.games.v1 -G late -o end -e | grep -c . > "$TMP/d" || true
assert_eq "a new group at -o end reads nothing" 0 "$(cat "$TMP/d")"
