# 2142: ended games retire (decision 0016). With state.retire_after_s=3600, a final game is held
# until its partition's event time passes the final by an hour, then forgotten: the state holds
# one game less, the changelog gets a tombstone for its key, and a late quote for it is passed by
# (counted, no score, no dead letter). A new engine in the group restores only the games still
# held; a game that was over when its record was written retires there an hour (event time)
# after the restored clock.
. "$(dirname "$0")/lib.sh"

H=3600000 T0=1767225600000
engine() { exec "$BIN/savant-engine" -X "kafka.brokers=$BROKERS" -X kafka.session_timeout_ms=3000 \
    -X kafka.commit_interval_ms=100 -X state.flush_ms=100 -X state.retire_after_s=3600 \
    -X kafka.group=t2142 -X redis.url=none -X pg.dsn=none "$@"; }
game() { # game EVENT_ID TS STATUS
    printf '{"v":1,"ts":%s,"event_id":"%s","sport":"nba","home":"Home %s","away":"Away %s","commence_ts":%s,"status":"%s"%s}\n' \
        "$2" "$1" "$1" "$1" $((T0 + 2 * H)) "$3" "$([ "$3" = final ] && echo ',"home_score":101,"away_score":99')" |
        cat_produce games
}
odds() { # odds EVENT_ID TS
    printf '{"v":1,"ts":%s,"event_id":"%s","sport":"nba","book":"b1","market":"h2h","outcomes":[{"name":"Home %s","price":-120},{"name":"Away %s","price":100}]}\n' \
        "$2" "$1" "$1" "$1" | cat_produce odds
}
metric() { curl -s "http://127.0.0.1:$HTTP/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
metric_is() { [ "$(metric "$1")" = "$2" ]; }
scores_of() { timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.scores.v1 -e 2>/dev/null |
    jq -r --arg e "$1" 'select(.event_id == $e) | .event_id' | grep -c . || true; }
expect() { # expect METRIC VALUE WHAT
    wait_for 30 metric_is "$1" "$2" || fail "$3: $1 expected $2, got '$(metric "$1")'"
}

start_broker --partitions 1
bg engine 2>"$TMP/a.log"; ENGINE=$BG_PID
wait_for 30 grep -q 'event=started' "$TMP/a.log" || fail "engine did not start"
HTTP=$(sed -n 's/.*event=started.* http=\([0-9]*\).*/\1/p' "$TMP/a.log")

# two games quoted before their start; g1 ends at T0+3h
game g1 "$T0" scheduled; game g2 "$T0" scheduled; game g3 "$T0" scheduled
expect savant_input_valid_total'{topic="games"}' 3 "three game events"
odds g1 $((T0 + 60000)); odds g2 $((T0 + 60000)); odds g3 $((T0 + 60000))
expect savant_input_valid_total'{topic="odds"}' 3 "three quotes"
game g1 $((T0 + 3 * H)) final
expect savant_games_retiring 1 "g1 is over"
assert_eq "games held after g1's final" 3 "$(metric savant_games_held)"

# an hour after the final less a second: g1 is still held
odds g2 $((T0 + 4 * H - 1000))
expect savant_input_valid_total'{topic="odds"}' 4 "g2's quote"
assert_eq "games held one second before g1 retires" 3 "$(metric savant_games_held)"
assert_eq "games retired one second before" 0 "$(metric savant_games_retired_total)"

# the partition's event time reaches the final + 1 h: g1 retires
odds g2 $((T0 + 4 * H))
expect savant_games_retired_total 1 "g1 retired"
expect savant_state_tombstones_written_total 1 "g1's tombstone"
assert_eq "games held after g1 retired" 2 "$(metric savant_games_held)"
assert_eq "markets held after g1 retired" 2 "$(metric savant_markets_held)"
assert_eq "games waiting to retire" 0 "$(metric savant_games_retiring)"

# a late quote of g1: passed by, as a stale input, with no score and no dead letter
n_g1=$(scores_of g1)
assert_eq "g1's scores (one quote, two sides)" 2 "$n_g1"
odds g1 $((T0 + 4 * H + 1000))
expect savant_inputs_retired_total 1 "g1's late quote passed by"
assert_eq "stale inputs (the late quote)" 1 "$(metric savant_input_stale_total)"
assert_eq "dead letters" 0 "$(metric savant_dead_letters_total)"
assert_eq "games held after the late quote" 2 "$(metric savant_games_held)"
# space weather re-scores every market held: g2 and g3 (two sides each), not g1's free entry
n=$(metric savant_scores_total)
printf '{"v":1,"ts":%s,"kind":"space_weather","kp":3}\n' $((T0 + 4 * H + 1500)) | cat_produce context
expect savant_input_valid_total'{topic="context"}' 1 "space weather"
assert_eq "scores of the space weather" $((n + 4)) "$(metric savant_scores_total)"
assert_eq "g1's scores after the space weather" 2 "$(scores_of g1)"
# (a retired market's entry once touched game index UINT32_MAX: gigabytes of flags)
rss=$(awk '$1 == "VmRSS:" {print $2}' "/proc/$ENGINE/status")
[ "$rss" -lt 1048576 ] || fail "engine RSS after the space weather: $rss kB"
# a new game takes g1's place
odds g4 $((T0 + 4 * H + 2000))
expect savant_markets_held 3 "g4's market"
assert_eq "g1's scores after its late quote" 2 "$(scores_of g1)"
assert_eq "g4's scores" 2 "$(scores_of g4)"

# g2 ends too; its record (final) is written, then the engine stops
game g2 $((T0 + 4 * H + 3000)) final
expect savant_games_retiring 1 "g2 is over"
expect savant_state_dirty_games 0 "every changed game has its record"
kill -TERM "$ENGINE"; wait "$ENGINE" || fail "first engine exit status $?"

# the changelog: g1's last message is a tombstone, the others' are records
timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.state.v1 -e 2>/dev/null |
    jq -r '[._key, (if ._tombstone then "tombstone" else "record" end)] | @tsv' > "$TMP/state.tsv"
for k in g1:tombstone g2:record g3:record g4:record; do
    assert_eq "last message of t2142|${k%%:*} on the changelog" "${k#*:}" \
        "$(awk -F'\t' -v k="t2142|${k%%:*}" '$1 == k {v = $2} END {print v}' "$TMP/state.tsv")"
done
# (one per flush that found g1 changed: its game event, its quote, its final, maybe apart)
n=$(awk -F'\t' '$1 == "t2142|g1" && $2 == "record"' "$TMP/state.tsv" | grep -c . || true)
[ "$n" -ge 1 ] && [ "$n" -le 3 ] || fail "records of g1 before its tombstone: expected 1 to 3, got $n"

# a new engine restores g2, g3, g4 (g1's record is followed by its tombstone: not restored)
bg engine 2>"$TMP/b.log"; ENGINE=$BG_PID
wait_for 30 grep -q 'event=state_restored' "$TMP/b.log" || fail "second engine restored nothing"
grep -q 'mod=eng event=state_restored games=3 ' "$TMP/b.log" ||
    fail "the second engine should restore 3 games: $(grep state_restored "$TMP/b.log")"
HTTP=$(sed -n 's/.*event=started.* http=\([0-9]*\).*/\1/p' "$TMP/b.log")
expect savant_games_held 3 "restored games"
assert_eq "tombstones read on the restore" 1 "$(metric savant_state_tombstones_read_total)"
# g2 was over when its record was written: it retires an hour after the restored clock
assert_eq "games waiting to retire after the restore" 1 "$(metric savant_games_retiring)"
odds g3 $((T0 + 5 * H + 3000 - 1000))
expect savant_input_valid_total'{topic="odds"}' 1 "g3's quote on the second engine"
assert_eq "games held one second before g2 retires" 3 "$(metric savant_games_held)"
odds g3 $((T0 + 5 * H + 3000))
expect savant_games_retired_total 1 "g2 retired on the second engine"
assert_eq "games held at the end" 2 "$(metric savant_games_held)"
kill -TERM "$ENGINE"; wait "$ENGINE" || fail "second engine exit status $?"
