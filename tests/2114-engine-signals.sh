# 2114: signals through the engine. TV25's game and books (test 2113) with no model (p = the
# consensus 0.5) and signal.ev_min -0.05: the Lakers -5.5 (FINAL 7.42362, EDGE_LEAN, above the
# 7.0 floor) opens at -110 (alpha, the first book at the best price), EV 0.5 x 1.90909 - 1 =
# -0.04545 > -0.05, Kelly 0 (no edge), 1.0 unit (EDGE_LEAN); the Celtics +5.5 (6.94862, below the
# floor) do not. alpha then offers the Lakers at -105: revision 2 (price); the game going live
# withdraws it (revision 3, "game started"). signal_id = sha1("nba|tv25|spreads|LOS ANGELES
# LAKERS|-5.5|")[:12], the original's pick id. Every revision's key is the event id.
. "$(dirname "$0")/lib.sh"
start_broker --partitions 2
X=(-X "kafka.brokers=$BROKERS" -X kafka.group=t2114 -X kafka.session_timeout_ms=3000 -X score.ai_default=7
   -X ai.model= -X signal.ev_min=-0.05 -X redis.url=none)
signals() { timeout 20 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.signals.v1 -e 2>/dev/null; }
sig_rows() { signals | jq -c '[._key, .signal_id, .rev, .state, .side, .point, .book, .price, .p_fair,
    .p_model, (.edge * 1e6 | round), .kelly, .stake_units, .scores.final, .tier, .model, .reasons[0]]'; }
count_is() { [ "$(signals | grep -c .)" -ge "$1" ]; }

bg "$BIN/savant-engine" "${X[@]}" 2>"$TMP/engine.log"
ENGINE=$BG_PID
tv25_produce
wait_for 40 count_is 1 || { tail -5 "$TMP/engine.log" >&2; fail "no signal opened"; }
sleep 1
id=216a20c9c27a
cat >"$TMP/want1" <<X
["tv25","$id",1,"open","$LAL",-5.5,"alpha",-110,0.5,0.5,-45455,0,1,7.4236200000000006,"EDGE_LEAN","none","EV -4.55% at -110 (alpha): p 0.5000 (consensus) vs fair 0.5000"]
X
sig_rows >"$TMP/got1"
assert_files_eq "the signal opened" "$TMP/want1" "$TMP/got1"
signals | jq -e '.reasons | length > 2 and (.[1] | startswith("stake 0.00% of bankroll"))' >/dev/null ||
    fail "reasons lack the stake line or the scoring's reasons: $(signals | jq -c .reasons)"

# alpha offers the Lakers at -105: the price is a revision
printf '{"v":1,"ts":%s,"event_id":"tv25","sport":"nba","book":"alpha","market":"spreads","outcomes":[{"name":"%s","price":-105,"point":-5.5},{"name":"%s","price":-115,"point":5.5}]}\n' \
    $((T0 + 50)) "$LAL" "$BOS" | cat_produce odds
wait_for 30 count_is 2 || fail "no revision after the price change: $(sig_rows)"
sleep 1
assert_eq "revision 2" "[2,\"update\",\"alpha\",-105]" "$(signals | jq -c -s 'last | [.rev, .state, .book, .price]')"
assert_eq "the Celtics never signal" 0 "$(signals | jq -s --arg s "$BOS" '[.[] | select(.side == $s)] | length')"

# a restart: the new engine re-reads its input up to the committed offsets without emitting,
# so the signal is still open and its revisions continue at 3
kill -TERM "$ENGINE"; set +e; wait "$ENGINE"; rc=$?; set -e
assert_eq "first engine exit status" 0 "$rc"
bg "$BIN/savant-engine" "${X[@]}" 2>"$TMP/engine2.log"
ENGINE=$BG_PID
started() { grep -q 'event=started' "$TMP/engine2.log"; }
wait_for 20 started || fail "the second engine did not start"
sleep 3
assert_eq "revisions after the restart" 2 "$(signals | grep -c .)"

# the game goes live: withdrawn, at the game event's time
printf '{"v":1,"ts":%s,"event_id":"tv25","sport":"nba","home":"%s","away":"%s","commence_ts":%s,"status":"live","period":1,"clock_s":600,"home_score":12,"away_score":9}\n' \
    $((START + 300000)) "$LAL" "$BOS" "$START" | cat_produce games
wait_for 30 count_is 3 || fail "the start did not withdraw the signal: $(sig_rows)"
sleep 1
assert_eq "revision 3" "[3,\"withdrawn\",$((START + 300000)),0,0,\"withdrawn: game started\"]" \
    "$(signals | jq -c -s 'last | [.rev, .state, .ts, .kelly, .stake_units, .reasons[0]]')"
assert_eq "revisions in all" 3 "$(signals | grep -c .)"

# the same input, recorded and backtested with the same rules (savant-replay backtest, default
# --rule signals): the signal was open at the start, so it is one bet at its last revision (-105,
# EDGE_LEAN 1 unit); the final 110-104 covers the Lakers -5.5, a win of 100/105 units
printf '{"v":1,"ts":%s,"event_id":"tv25","sport":"nba","home":"%s","away":"%s","commence_ts":%s,"status":"final","home_score":110,"away_score":104}\n' \
    $((START + 9000000)) "$LAL" "$BOS" "$START" | cat_produce games
"$BIN/savant-replay" record -q -b "$BROKERS" -t savant.odds.v1,savant.games.v1,savant.context.v1 \
    -o "$TMP/rec.jsonl" || fail "record failed"
"$BIN/savant-replay" backtest -q "$TMP/rec.jsonl" -o "$TMP/bt" -X score.ai_default=7 -X ai.model= \
    -X signal.ev_min=-0.05 2>"$TMP/bt.err" || fail "backtest failed: $(cat "$TMP/bt.err")"
assert_eq "backtest of the signals" '[3,1,1,0,1,"tv25|spreads|Los Angeles Lakers||-5.5","alpha",-105,"EDGE_LEAN"]' \
    "$(jq -c '[.rule.signals.revisions, .bets.count, .bets.wins, .bets.losses, .bets.staked,
               .bet_list[0].key, .bet_list[0].book, .bet_list[0].price, .bet_list[0].tier]' "$TMP/bt/report.json")"
pnl=$(jq -r .bets.pnl "$TMP/bt/report.json")
awk -v p="$pnl" 'BEGIN { d = p - 100 / 105; exit !(d < 1e-15 && d > -1e-15) }' ||
    fail "backtest P/L $pnl, want 100/105"

# savant-top lists the revisions, newest first (no live signal is left)
"$BIN/savant-top" -b "$BROKERS" --once -n 5 | sed -n '/^signals:/,$p' >"$TMP/top"
cat >"$TMP/top.exp" <<X
signals: 3 revisions, 0 live
SIGNAL       REV  GAME                       MARKET        SIDE                         PRICE                  EDGE  KELLY  FINAL TIER          
recent revisions (newest first):
  withdrawn $id rev 3  tv25 spreads Los Angeles Lakers -5.5 -105 @ alpha  withdrawn: game started
  update    $id rev 2  tv25 spreads Los Angeles Lakers -5.5 -105 @ alpha
  open      $id rev 1  tv25 spreads Los Angeles Lakers -5.5 -110 @ alpha
X
assert_files_eq "savant-top --once signals" "$TMP/top.exp" "$TMP/top"

kill -TERM "$ENGINE"; set +e; wait "$ENGINE"; rc=$?; set -e
assert_eq "engine exit status" 0 "$rc"
grep -q 'signals=1 ' "$TMP/engine2.log" || fail "the second engine's stop line does not count 1 signal: $(tail -1 "$TMP/engine2.log")"
