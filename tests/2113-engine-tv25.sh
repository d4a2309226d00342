# 2113: TV25 through the engine. The game (Lakers home v Celtics, 2026-02-16T00:30Z), the
# spreads splits (home tickets 62 %, money 40 %) and eight books' spreads (seven at Lakers -5.5,
# one at -6.5: line variance 1.0, 8 books quoting, 7 at the modal line) go in through savant-broker; with the AI score set to
# TV25's 7.0 (score.ai_default) the engine's last score per side is the Savant-mode TV25, the
# same numbers savant-score gives (test 0490), hand-computed in docs/scoring.md:
#   Lakers -5.5:  research 5.0 (D2), esoteric 5.1508 (D1), Jarvis 7.0, BASE 6.02262,
#                 context +0.001 (default rank 15, NBA pace 98.5), STRONG +1.0, Jason +0.8 (D3),
#                 boosts capped 1.5, hook -0.10 -> FINAL 7.42362, EDGE_LEAN (BASE < 6.8)
#   Celtics +5.5: research 8.5, BASE 7.24762, MODERATE +0.3, Jason -0.5, hook -0.10
#                 -> FINAL 6.94862, EDGE_LEAN
# A live update of the game (score, clock) changes no input of the scores, so it emits nothing;
# a new splits record re-scores the game's candidates. savant-top shows them best first.
. "$(dirname "$0")/lib.sh"
start_broker --partitions 2
X=(-X "kafka.brokers=$BROKERS" -X kafka.group=t2113 -X kafka.session_timeout_ms=3000 -X score.ai_default=7 -X ai.model=)

bg "$BIN/savant-engine" "${X[@]}" 2>"$TMP/engine.log"
ENGINE=$BG_PID
tv25_produce

scores() { timeout 20 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.scores.v1 -e 2>/dev/null; }
last() { scores | jq -c -s --arg s "$1" '[.[] | select(.side == $s)] | last |
    [.side, .point, .books, .line_variance, .research, .esoteric, .jarvis, .final, .tier, .confluence]'; }
want_lal='["Los Angeles Lakers",-5.5,7,1,5,5.1508,7,7.4236200000000006,"EDGE_LEAN","STRONG"]'
want_bos='["Boston Celtics",5.5,7,1,8.5,5.1508,7,6.94862,"EDGE_LEAN","MODERATE"]'
settled() {  [ "$(last "$LAL")" = "$want_lal" ] && [ "$(last "$BOS")" = "$want_bos" ]; }
wait_for 40 settled || { cat "$TMP/engine.log" >&2; fail "TV25 through the engine: got $(last "$LAL") and $(last "$BOS")"; }

# savant-top shows the two candidates, best first
"$BIN/savant-top" -b "$BROKERS" --once -n 5 >"$TMP/top"
sed -n '3,$p' "$TMP/top" >"$TMP/top.rows"
cat >"$TMP/top.exp" <<'X'
GAME                       MARKET        SIDE                         BEST PRICE           P_FAIR  FINAL TIER           CONFLUENCE
tv25                       spreads       Los Angeles Lakers -5.5      -110 @ alpha          0.500   7.42 EDGE_LEAN      STRONG
tv25                       spreads       Boston Celtics +5.5          -110 @ alpha          0.500   6.95 EDGE_LEAN      MODERATE
X
assert_files_eq "savant-top --once" "$TMP/top.exp" "$TMP/top.rows"

# a live update: nothing to re-score
n0=$(scores | grep -c .)
printf '{"v":1,"ts":%s,"event_id":"tv25","sport":"nba","home":"%s","away":"%s","commence_ts":%s,"status":"live","period":1,"clock_s":600,"home_score":12,"away_score":9}\n' \
    $((START + 300000)) "$LAL" "$BOS" "$START" | cat_produce games
# new splits (money now with the public): both candidates are re-scored
printf '{"v":1,"ts":%s,"kind":"splits","event_id":"tv25","market":"spreads","side":"%s","ticket_pct":62,"money_pct":62}\n' \
    $((T0 + 100)) "$LAL" | cat_produce context
more() { [ "$(scores | grep -c .)" -ge $((n0 + 2)) ]; }
wait_for 30 more || fail "new splits did not re-score the candidates"
sleep 1
assert_eq "events after the live update and the splits" $((n0 + 2)) "$(scores | grep -c .)"
# splits with no divergence: no sharp money, base 2.5 (|money - tickets| < 3), line 1.5,
# liquidity 0.5; the public (62 % on home) is faded for the Celtics only.
assert_eq "Lakers research without sharp money" 4.5 "$(scores | jq -s --arg s "$LAL" '[.[] | select(.side == $s)] | last | .research')"
assert_eq "Celtics research without sharp money" 4.5 "$(scores | jq -s --arg s "$BOS" '[.[] | select(.side == $s)] | last | .research')"

kill -TERM "$ENGINE"; set +e; wait "$ENGINE"; rc=$?; set -e
assert_eq "engine exit status" 0 "$rc"
