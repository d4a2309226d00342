# 2141: partitions taken away from an engine and given back to it (issue 9 item 2). With the
# eager range assignor every rebalance revokes all partitions and assigns again, so an engine
# that keeps a partition still forgets its games and rebuilds them (decision 0014). Engine A
# alone applies the 24 games of tests/nba24.sh, their splits and half of the odds, with signals
# open; engine B joins the group (A keeps half of the partitions and rebuilds them) and leaves
# again (A gets all back and rebuilds them); then the other half of the odds and the finals.
# A must stay up through both rebalances, and every candidate's last score and every signal's
# last revision must equal one undisturbed engine's. Run with the changelog (A rebuilds from its
# records) and without (A re-reads its input up to the committed offsets). With the changelog,
# flushes are 8 s apart, so B joins before A's next periodic flush: only the flush on the revoke
# (decision 0015) puts what A applied in its records; no score may be repeated. Found with it:
# before the revoke flush, A rebuilt from records older than what it held, a slot of the signal
# rules kept from before named a candidate the restored market did not have, and both engines
# stopped on a failed assertion (now eng_signals_reset_game; test 0665).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nba24.sh"
X0=(-X kafka.session_timeout_ms=3000 -X kafka.commit_interval_ms=100 -X kafka.batch_max=20
   -X redis.url=none -X pg.dsn=none -X http.listen=127.0.0.1:0 -X signal.ev_min=-0.05)
half=$((n_odds / 2))
head -n "$half" "$TMP/odds.jsonl" >"$TMP/odds1.jsonl"
tail -n +$((half + 1)) "$TMP/odds.jsonl" >"$TMP/odds2.jsonl"

# the reference: one engine, undisturbed
X=("${X0[@]}" -X kafka.group=ref)
reference --partitions 6

assigned() { [ "$(grep -c 'mod=kin event=assigned' "$1")" -ge "$2" ]; }
for changelog in true false; do
    start_broker --partitions 6
    # flushes 8 s apart: B joins after A applied the first half of the odds and before A's next
    # periodic flush (only the revoke's flush covers the first half)
    X=("${X0[@]}" -X "kafka.group=back-$changelog" -X "state.changelog=$changelog" -X state.flush_ms=8000)
    engine "$TMP/a-$changelog.log"; A=$BG_PID
    wait_for 30 grep -q 'event=started' "$TMP/a-$changelog.log" || fail "A did not start"
    ODDS=$TMP/odds1.jsonl CHANGELOG=$changelog run "$TMP/a-$changelog.log"
    wait_for 120 valid_ge odds "$half" "$TMP/a-$changelog.log" || fail "A did not apply the first half"
    # B joins: A keeps 3 of the 6 partitions of each input, and rebuilds them
    engine "$TMP/b-$changelog.log"; B=$BG_PID
    wait_for 60 assigned "$TMP/b-$changelog.log" 1 || fail "B got no partitions"
    wait_for 60 assigned "$TMP/a-$changelog.log" 2 || fail "A was not assigned again"
    assert_eq "A's second assignment (changelog=$changelog)" "partitions=15" \
        "$(grep -o 'mod=kin event=assigned partitions=[0-9]*' "$TMP/a-$changelog.log" | sed -n 2p | cut -d' ' -f3)"
    wait_for 60 settled || fail "the output did not settle after B joined"
    # B leaves: A gets all back
    kill -0 "$A" 2>/dev/null && kill -0 "$B" 2>/dev/null || fail "an engine stopped when B joined (changelog=$changelog)"
    # B's exit status is 1 when leaving the group outlasts its close timeout (a rebalance in
    # progress): reported, not lost (its offsets are at most behind); anything else fails
    kill -TERM "$B"; wait "$B" || { rc=$?; [ "$rc" = 1 ] && grep -q 'event=close_timeout' "$TMP/b-$changelog.log" ||
        fail "B exit status $rc"; }
    wait_for 60 assigned "$TMP/a-$changelog.log" 3 || fail "A did not get B's partitions"
    kill -0 "$A" 2>/dev/null || fail "A stopped (changelog=$changelog)"
    cat_produce odds <"$TMP/odds2.jsonl"
    wait_for 120 valid_ge odds "$n_odds" "$TMP/a-$changelog.log" || fail "A did not apply the second half"
    cat_produce games <"$TMP/finals.jsonl"
    wait_for 60 settled || fail "the output did not settle (changelog=$changelog)"
    kill -0 "$A" 2>/dev/null || fail "A stopped (changelog=$changelog)"
    n_got=$(topic_count savant.scores.v1)
    last_scores >"$TMP/got.scores"
    last_signals >"$TMP/got.signals"
    assert_files_eq "the last score of every candidate (changelog=$changelog)" "$TMP/ref.scores" "$TMP/got.scores"
    assert_files_eq "the last revision of every signal (changelog=$changelog)" "$TMP/ref.signals" "$TMP/got.signals"
    # with the changelog, each revoke first writes the records of what was applied (once its
    # outputs are acknowledged): the rebuilt partitions consume none of it again
    if [ "$changelog" = true ]; then
        assert_eq "scores duplicated by the two rebalances (changelog=true)" 0 $((n_got - n_ref))
    fi
    kill -TERM "$A"; wait "$A" || fail "A exit status $? (changelog=$changelog)"
    kill "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true
    echo "    changelog=$changelog: $((n_got - n_ref)) scores duplicated; A assigned $(grep -c 'mod=kin event=assigned' "$TMP/a-$changelog.log") times: $(grep -o 'event=assigned.*' "$TMP/a-$changelog.log" | tr '\n' ';')" >&2
done
