# 3007: fault injection (issue 9): a push subscriber that stops reading. Two WebSocket clients
# (tests/ws-client.py) subscribe to every score and read; a third (tests/fault-stall-client.py, a
# plain TCP socket with a 4 KiB receive buffer) subscribes to every score and market, upgrades
# and then never reads. An odds stream of 300 games at 8 books is fed twice, 4800 quotes each:
# first with only the readers, then with the stalled client connected. Reader 2 is a slow
# reader: it is stopped (SIGSTOP) after its snapshot, through both streams (4.5 MB of score
# updates, more than its socket buffers hold, so its queue fills and conflates), and continued
# once the stalled client is gone; it must catch up, not be cut.
# The limits separate the two kinds of subscriber by construction, not by timing: a queue holds
# at most one entry per key (conflation), the readers' filter matches 600 keys (2 sides x 300
# games) and the stalled client's 900 (with the 300 markets), and push.queue_max is 700. So a
# reader is never cut for its queue however far a loaded machine lets it fall behind, while the
# stalled client, once its socket buffers (about 2 MB on loopback) and push.out_max_bytes (64 KiB)
# are full, queues every key the second stream touches (7 MB of updates, all 900 keys in each
# book pass) and is disconnected as a slow consumer at the 701st: close 1008 "slow consumer: 700
# updates pending", counted in savant_push_disconnected_slow_total. (The other slow rule,
# push.out_max_bytes exceeded for push.idle_s = 60 s, cannot fire within the test.) The readers
# end with every key's latest score exactly as on savant.scores.v1, and the engine's input is not
# slowed: the second stream's consume time is at most 3x the first's + 2 s.
# Prints: fault: slow-subscriber: lost=N duplicated=N recovery_ms=N (lost: keys whose latest
# score a reader lacks; duplicated: score updates a reader got beyond the score events; recovery:
# from the start of the second stream to the stalled subscriber's disconnection), and both
# streams' consume times.
. "$(dirname "$0")/lib.sh"
start_broker --partitions 2
TOKEN=t3007-secret
bg "$BIN/savant-engine" -X "kafka.brokers=$BROKERS" -X kafka.group=t3007 -X kafka.session_timeout_ms=3000 \
    -X redis.url=none -X pg.dsn=none -X ai.model= -X "api.bootstrap_token=$TOKEN" \
    -X push.queue_max=700 -X push.out_max_bytes=65536 -X kafka.batch_max=50 2>"$TMP/engine.log"
ENGINE=$BG_PID
wait_for 20 grep -q 'event=started' "$TMP/engine.log" || { cat "$TMP/engine.log" >&2; fail "engine did not start"; }
HTTP=$(sed -n 's/.*event=started.* http=\([0-9]*\).*/\1/p' "$TMP/engine.log")
# the partitions are assigned before the first stream is timed
wait_for 20 grep -q 'event=assigned' "$TMP/engine.log" || fail "no partitions assigned"
metric() { curl -s "http://127.0.0.1:$HTTP/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
consumed_ge() { [ "$(metric savant_input_messages_total)" -ge "$1" ]; }
PY=/usr/bin/python3
# readers: the scores (600 keys); the stalled client: scores and markets (900 keys)
Q="/api/v1/stream?token=$TOKEN&kinds=scores"
Q_STALL="/api/v1/stream?token=$TOKEN&kinds=scores,markets"

bg "$PY" "$ROOT/tests/ws-client.py" "ws://127.0.0.1:$HTTP$Q" --seconds 55 >"$TMP/r1.out"
bg "$PY" "$ROOT/tests/ws-client.py" "ws://127.0.0.1:$HTTP$Q" --seconds 55 >"$TMP/r2.out"
R2=$BG_PID
wait_for 20 grep -q snapshot_end "$TMP/r1.out" || fail "no snapshot for reader 1"
wait_for 20 grep -q snapshot_end "$TMP/r2.out" || fail "no snapshot for reader 2"
kill -STOP "$R2" # reader 2 falls behind (SIGTERM at the test's exit still ends it)

# gen ROUND0 ROUNDS: h2h quotes of 300 games at 8 books per round, book by book, prices moving
# (600 score keys, 300 market keys; a loop turn publishes a changed item once, so consecutive
# quotes are of different games; two rounds, 9600 score updates of about 230 bytes and 4800
# market updates of about 1 KB, are more than the kernel's socket buffers hold, about 2 MB on
# loopback). ts is printed with %.0f: Debian's awk (mawk) clamps %d to 2147483647.
gen() {
    awk -v r0="$1" -v rn="$2" 'BEGIN { t = 1764180000000 + r0 * 1000000
        for (r = r0; r < r0 + rn; r++) for (b = 1; b <= 8; b++) for (g = 1; g <= 300; g++) {
            p = 105 + (r * 7 + g * 3 + b) % 40; t += 10
            printf "{\"v\":1,\"ts\":%.0f,\"event_id\":\"f%d\",\"sport\":\"nba\",\"book\":\"b%d\",\"market\":\"h2h\",\"outcomes\":[{\"name\":\"Home %d\",\"price\":-%d},{\"name\":\"Away %d\",\"price\":%d}]}\n", t, g, b, g, p, g, p - 5
        } }'
}
gen 0 2 > "$TMP/in1.jsonl"
gen 2 2 > "$TMP/in2.jsonl"
n=$(( $(grep -c . "$TMP/in1.jsonl") + $(grep -c . "$TMP/in2.jsonl") ))
# feed FILE UNTIL: produce FILE, wait until UNTIL inputs are consumed; prints the ms it took
feed() {
    local t0 t1
    t0=$(date +%s%N)
    cat_produce odds < "$1"
    wait_for 60 consumed_ge "$2" || fail "the engine consumed $(metric savant_input_messages_total) of $2"
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
}
ms1=$(feed "$TMP/in1.jsonl" $((n / 2)))

bg "$PY" "$ROOT/tests/fault-stall-client.py" 127.0.0.1 "$HTTP" "$Q_STALL" "$TMP/go" >"$TMP/stall.out"
STALL=$BG_PID
subs3() { [ "$(metric savant_push_subscribers)" = 3 ]; }
wait_for 10 subs3 || fail "the stalled client did not subscribe: $(metric savant_push_subscribers) subscribers"
slow() { [ "$(metric savant_push_disconnected_slow_total)" -ge 1 ]; }
# when the disconnection happens (polled every 50 ms while the second stream runs)
bg bash -c "until [ \"\$(curl -s http://127.0.0.1:$HTTP/metrics | awk '\$1 == \"savant_push_disconnected_slow_total\" {print \$2}')\" -ge 1 ] 2>/dev/null; do sleep 0.05; done; date +%s%N >'$TMP/disc'"
t2=$(date +%s%N)
ms2=$(feed "$TMP/in2.jsonl" "$n")
wait_for 20 slow || fail "the stalled client was not disconnected: $(curl -s "http://127.0.0.1:$HTTP/metrics" | grep "^savant_push"); readers got $(wc -c < "$TMP/r1.out") bytes"
touch "$TMP/go"
wait "$STALL" || fail "the stalled client failed"
wait_for 5 test -s "$TMP/disc" || fail "the disconnection time was not taken"
disc_ms=$(( ($(cat "$TMP/disc") - t2) / 1000000 ))
jq -e '.upgraded and .close == 1008 and .reason == "slow consumer: 700 updates pending" and .eof' "$TMP/stall.out" >/dev/null ||
    fail "the stalled client was not closed as a slow consumer: $(cat "$TMP/stall.out")"
kill -CONT "$R2"
assert_eq "subscribers left" 2 "$(metric savant_push_subscribers)"

# the readers: every key's latest score as on the topic
settled() { local a; a=$(metric savant_push_sent_total); sleep 1; [ "$a" = "$(metric savant_push_sent_total)" ]; }
wait_for 30 settled || fail "push does not settle"
timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.scores.v1 -e 2>/dev/null > "$TMP/scores"
n_scores=$(grep -c . "$TMP/scores")
res=$(python3 - "$TMP/scores" "$TMP/r1.out" "$TMP/r2.out" <<'PY'
import json, sys
def key(d):
    return (d["event_id"], d["market"], d.get("side"), d.get("player"), d.get("point"))
def strip(d):
    return {k: v for k, v in d.items() if not k.startswith("_")}
topic = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    topic[key(d)] = strip(d)
lost = dup = 0
upd = []
for path in sys.argv[2:]:
    last, updates, seen = {}, 0, False
    for line in open(path):
        m = json.loads(line)
        if m.get("type") == "snapshot_end":
            seen = True
        if m.get("type") != "score":
            continue
        updates += seen
        last[key(m["data"])] = m["data"]
    for k, want in topic.items():
        got = last.get(k)
        if got is None or any(got.get(f) != v for f, v in want.items()):
            if lost < 3:
                print("    %s: %s: latest %s, pushed %s" % (path, k, want, got), file=sys.stderr)
            lost += 1
    dup += max(0, updates - sum(1 for _ in open(sys.argv[1])))
    upd.append(updates)
print(lost, dup, *upd)
PY
)
read -r lost dup upd1 upd2 <<<"$res"
upd="$upd1 $upd2 of $n_scores"
conflated=$(metric savant_push_conflated_total)
kill -TERM "$ENGINE"; set +e; wait "$ENGINE"; rc=$?; set -e
assert_eq "engine exit status" 0 "$rc"
echo "    first stream $ms1 ms, second (one subscriber stalled) $ms2 ms; $n_scores score events;" \
    "reader updates: $upd; $conflated updates conflated; stalled client: $(cat "$TMP/stall.out")" >&2
echo "fault: slow-subscriber: lost=$lost duplicated=$dup recovery_ms=$disc_ms" >&2
assert_eq "lost" 0 "$lost"
assert_eq "duplicated" 0 "$dup"
# reader 2 really fell behind: an update published to a subscriber that stays is either sent or
# replaced by a newer one of its key, so fewer updates than score events means its queue conflated
[ "$upd2" -lt "$n_scores" ] || fail "reader 2 never fell behind its socket buffers: $upd2 updates of $n_scores"
# not slowed: the second stream within 3x the first (+2 s for a shared machine)
[ "$ms2" -le $((ms1 * 3 + 2000)) ] || fail "the stalled subscriber slowed the input: $ms2 ms against $ms1 ms"
