# 2140: the state changelog (issue 9 item 1, decision 0015). An engine works through the first
# half of an odds stream (8 games, 3 partitions) and stops (SIGTERM): every game it changed has a
# record on savant.state.v1, keyed by GROUP|event_id, in the partition its odds are in. A second
# engine in the same group gets the partitions, restores their state from the changelog without
# re-reading any input (replayed=0, a state_restored line for the 8 games), and works through the
# second half: its scores, appended to the first engine's, are byte for byte the scores of one
# undisturbed engine over the whole stream — not one missing, not one repeated (the last flush
# at the stop stored the last offsets). Then with state.changelog=false a third engine in the
# same group rebuilds by re-reading the whole input instead (replayed=all of it, restored=0).
# Prints the restore's figures.
. "$(dirname "$0")/lib.sh"

odds_halves 16
engine() { exec "$BIN/savant-engine" -X "kafka.brokers=$BROKERS" -X kafka.session_timeout_ms=3000 \
    -X kafka.commit_interval_ms=100 -X kafka.batch_max=20 -X state.flush_ms=200 \
    -X redis.url=none -X pg.dsn=none "$@"; }
count_ge() { [ "$(topic_count savant.scores.v1)" -ge "$1" ]; }

# the reference: the whole stream, one engine
start_broker --partitions 3
cat_produce odds < "$TMP/in.jsonl"
bg engine -X kafka.group=ref 2>"$TMP/ref.log"; ENGINE=$BG_PID
wait_for 90 count_ge $((n_in * 2)) || { tail "$TMP/ref.log" >&2; fail "reference: not all scores arrived"; }
kill -TERM "$ENGINE"; wait "$ENGINE" || fail "reference engine exit status $?"
scores_keyed "$TMP/ref.keyed"
kill "$BROKER_PID"; wait "$BROKER_PID" || true

# the first half, then a clean stop
start_broker --partitions 3
cat_produce odds < "$TMP/in1.jsonl"
bg engine -X kafka.group=t2140 2>"$TMP/a.log"; ENGINE=$BG_PID
wait_for 90 count_ge $((half * 2)) || { tail "$TMP/a.log" >&2; fail "first half not processed"; }
kill -TERM "$ENGINE"; wait "$ENGINE" || fail "first engine exit status $?"
grep -q 'mod=kin event=assigned partitions=[1-9][0-9]* replayed=0 restored=0' "$TMP/a.log" ||
    fail "the first engine should start from nothing: $(grep 'event=assigned' "$TMP/a.log")"
# every game has a record, keyed by the group and its event_id, in its odds' partition
timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.state.v1 -e -R 2>/dev/null |
    jq -r '[._key, ._partition] | @tsv' | sort -u > "$TMP/state.parts"
timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.odds.v1 -e 2>/dev/null |
    jq -r '["t2140|" + ._key, ._partition] | @tsv' | sort -u > "$TMP/odds.parts"
assert_eq "games with a record" 8 "$(cut -f1 "$TMP/state.parts" | sort -u | grep -c .)"
assert_files_eq "each record's partition (the partition of its game's odds)" "$TMP/odds.parts" "$TMP/state.parts"
n_rec=$(timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.state.v1 -e -R 2>/dev/null | grep -c .)

# the second half, by a new engine that restores the first engine's state
cat_produce odds < "$TMP/in2.jsonl"
bg engine -X kafka.group=t2140 2>"$TMP/b.log"; ENGINE=$BG_PID
wait_for 90 count_ge $((n_in * 2)) || { tail "$TMP/b.log" >&2; fail "second half not processed"; }
settled() { local a; a=$(topic_count savant.scores.v1); sleep 1; [ "$a" = "$(topic_count savant.scores.v1)" ]; }
wait_for 30 settled || fail "outputs do not settle"
grep -q "mod=kin event=assigned partitions=[1-9][0-9]* replayed=0 restored=$n_rec" "$TMP/b.log" ||
    fail "the second engine should restore $n_rec records and re-read nothing: $(grep 'event=assigned' "$TMP/b.log")"
grep -q 'mod=eng event=state_restored games=8 ' "$TMP/b.log" ||
    fail "no state_restored line for the 8 games: $(grep state_restored "$TMP/b.log")"
line=$(grep 'event=state_restored' "$TMP/b.log" | tail -1)
kill -TERM "$ENGINE"; wait "$ENGINE" || fail "second engine exit status $?"
scores_keyed "$TMP/run.keyed"
assert_files_eq "every score of every candidate (first engine, then the restored one)" "$TMP/ref.keyed" "$TMP/run.keyed"
echo "    restore: ${line#*event=state_restored } ($n_rec records of 8 games on the changelog)" >&2

# the changelog off: the same group, rebuilt by re-reading its input up to the committed offsets
bg engine -X kafka.group=t2140 -X state.changelog=false 2>"$TMP/c.log"; ENGINE=$BG_PID
wait_for 30 grep -q 'event=assigned' "$TMP/c.log" || fail "third engine got no partitions"
sleep 2
kill -TERM "$ENGINE"; wait "$ENGINE" || fail "third engine exit status $?"
grep -q "mod=kin event=assigned partitions=[1-9][0-9]* replayed=$n_in restored=0" "$TMP/c.log" ||
    fail "state.changelog=false should re-read all $n_in inputs: $(grep 'event=assigned' "$TMP/c.log")"

# another group on the same topics: the t2140 records are not its own (the key GROUP|event_id
# keeps each group's records apart); it restores none of them and, with no committed offsets,
# consumes the input from its start
n_all=$(timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.state.v1 -e -R 2>/dev/null | grep -c .)
bg engine -X kafka.group=other 2>"$TMP/d.log"; ENGINE=$BG_PID
wait_for 30 grep -q 'event=assigned' "$TMP/d.log" || fail "the other group's engine got no partitions"
http=$(sed -n 's/.*event=started.* http=\([0-9]*\).*/\1/p' "$TMP/d.log")
foreign=$(curl -s "http://127.0.0.1:$http/metrics" | awk '$1 == "savant_state_records_foreign_total" {print $2}')
kill -TERM "$ENGINE"; wait "$ENGINE" || fail "the other group's engine exit status $?"
grep -q "mod=kin event=assigned partitions=[1-9][0-9]* replayed=0 restored=0" "$TMP/d.log" ||
    fail "another group should restore none of t2140's records: $(grep 'event=assigned' "$TMP/d.log")"
assert_eq "the t2140 records another group passed by" "$n_all" "$foreign"
