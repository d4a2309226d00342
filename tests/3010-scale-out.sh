# 3010: scale-out (issue 9 item 2). The same input goes to two savant-broker clusters of 3 brokers
# with 6 partitions per topic: one savant-engine reads the first; a group of three engines reads
# the second, and one of the three is killed with SIGKILL in the middle of the odds. Its partitions
# move to the other two (the range assignor keeps partition p of every input topic with one
# owner), which forget what they held of their new assignment and re-read it to the committed
# offsets, merged across topics by production time (decision 0014). Outputs after the move must
# equal the single process's, modulo the duplicates at-least-once allows:
#   - every candidate's last score, byte for byte (p_model from the LSTM included);
#   - every signal's last revision: rev, state, book, price, p_model, final score, tier.
# Input, in three phases each consumed before the next is produced: 24 games (scheduled, starting
# in a day) and their spreads splits; 8 rounds of odds (24 games x 4 books x h2h and spreads, prices and lines moving); the
# finals of all 24. Prints "fault: engine killed in a group of 3: lost=N duplicated=N
# recovery_ms=N" (recovery: from the kill until the group's output stops growing).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nba24.sh" # G=24 games: games_in, splits_in, odds_in, finals_in; n_odds
X=(-X kafka.group=scale -X kafka.session_timeout_ms=3000 -X kafka.commit_interval_ms=100
   -X kafka.batch_max=20 -X redis.url=none -X pg.dsn=none -X http.listen=127.0.0.1:0
   -X signal.ev_min=-0.05)

# the reference: one engine
reference --brokers 3 --partitions 6

# three engines in one group; the second is killed once a third of the odds are applied
start_broker --brokers 3 --partitions 6
engine "$TMP/e1.log"; E1=$BG_PID
engine "$TMP/e2.log"; E2=$BG_PID
engine "$TMP/e3.log"; E3=$BG_PID
for f in e1 e2 e3; do wait_for 30 grep -q 'event=started' "$TMP/$f.log" || fail "$f did not start"; done
three() { [ "$(cat "$TMP"/e[123].log | grep -c 'event=assigned partitions=[1-9]')" -ge 3 ]; }
wait_for 30 three || fail "the group did not give each engine partitions"
run "$TMP/e1.log" "$TMP/e2.log" "$TMP/e3.log"
wait_for 120 valid_ge odds $((n_odds / 3)) "$TMP/e1.log" "$TMP/e2.log" "$TMP/e3.log" ||
    fail "the group did not apply the odds"
kill -KILL "$E2"; wait "$E2" 2>/dev/null || true
t0=$(date +%s%3N)
# the survivors' counts do not cover what the dead one applied: wait for its partitions to move
# (the survivors re-read them) and for every odds event to be scored, then the finals
moved() { [ "$(cat "$TMP/e1.log" "$TMP/e3.log" | grep -c 'event=partitions_reset')" -ge 4 ]; }
wait_for 60 moved || fail "the partitions did not move"
wait_for 120 valid_ge odds $((n_odds * 2 / 3)) "$TMP/e1.log" "$TMP/e3.log" || true
all_scored() { [ "$(topic_count savant.scores.v1)" -ge "$((n_ref - 2 * G))" ]; }
wait_for 120 all_scored || fail "the group did not score the odds"
wait_for 60 settled || fail "the group did not settle after the kill"
t1=$(date +%s%3N)
cat_produce games <"$TMP/finals.jsonl"
wait_for 60 settled || fail "the output did not settle after the finals"
n_got=$(topic_count savant.scores.v1)
last_scores >"$TMP/got.scores"
last_signals >"$TMP/got.signals"
lost=$(join -t "$(printf '\t')" -v 1 "$TMP/ref.scores" "$TMP/got.scores" | grep -c . || true)
echo "fault: engine killed in a group of 3: lost=$lost duplicated=$((n_got - n_ref)) recovery_ms=$((t1 - t0 - 2000)) signals=$n_sig scores=$n_ref" >&2
assert_files_eq "the last score of every candidate" "$TMP/ref.scores" "$TMP/got.scores"
assert_files_eq "the last revision of every signal" "$TMP/ref.signals" "$TMP/got.signals"
[ "$n_got" -ge "$n_ref" ] || fail "fewer scores ($n_got) than the single engine's ($n_ref)"
for p in $E1 $E3; do kill -TERM "$p"; done
for p in $E1 $E3; do wait "$p" || fail "engine exit status $?"; done
