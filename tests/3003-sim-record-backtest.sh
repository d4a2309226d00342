# 3003: a recorded sim run, backtested. savant-feed sim (a whole slate, so every game reaches its
# final result) goes into the broker; savant-replay record takes the three input topics to a file;
# savant-replay backtest runs the engine's code path over it twice and writes the same report
# both times: report.json and report.md byte-identical, and both plots (PNG) present.
. "$(dirname "$0")/lib.sh"
start_broker --partitions 2
"$BIN/savant-feed" sim -b "$BROKERS" --seed 11 --games 8 --truth "$TMP/truth.jsonl" 2>"$TMP/feed.err" ||
    fail "savant-feed sim failed: $(cat "$TMP/feed.err")"
n=$(sed -n 's/^savant-feed: \([0-9]*\) events.*/\1/p' "$TMP/feed.err")
[ -n "$n" ] && [ "$n" -gt 500 ] || fail "unexpected simulator summary: $(cat "$TMP/feed.err")"
"$BIN/savant-replay" record -q -b "$BROKERS" -t savant.odds.v1,savant.games.v1,savant.context.v1 \
    -o "$TMP/rec.jsonl" || fail "record failed"
assert_eq "recorded messages" "$n" "$(grep -c . "$TMP/rec.jsonl")"

for r in 1 2; do
    "$BIN/savant-replay" backtest -q "$TMP/rec.jsonl" -o "$TMP/bt$r" 2>"$TMP/bt$r.err" ||
        fail "backtest $r failed: $(cat "$TMP/bt$r.err")"
done
assert_files_eq "report.json of two runs" "$TMP/bt1/report.json" "$TMP/bt2/report.json"
assert_files_eq "report.md of two runs" "$TMP/bt1/report.md" "$TMP/bt2/report.md"
for f in pnl.png calibration.png; do
    [ "$(head -c 8 "$TMP/bt1/$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$f is not a PNG"
done
# the input was read whole: every game of the slate settled in the report's games count
games=$(grep -c . "$TMP/truth.jsonl")
assert_eq "games in the truth file" 8 "$games"
jq -e '.input.messages == '"$n"' and .input.dead_letters == 0' "$TMP/bt1/report.json" >/dev/null ||
    fail "report input counts: $(jq -c .input "$TMP/bt1/report.json")"
