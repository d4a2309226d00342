# 3008: fault injection (issue 9): the broker restarted. savant-broker is librdkafka's mock
# cluster, which keeps its data in memory only, so two cases:
# 1. Outage with the data kept (what a real Kafka broker restart is): while the engine works
#    through an odds stream the broker goes down (SIGUSR1: every connection closed, new ones
#    refused) for 3 s and comes back (SIGUSR2). The engine keeps running and resumes: against an
#    undisturbed run of the same input (first, on its own broker) every score of every candidate
#    is there and every candidate's last score is byte-equal (tests/fault-compare.py); extra
#    copies are counted as duplicates. The outage outlasts kafka.session_timeout_ms, so the group
#    loses the engine and gives its partitions back: the same process forgets what it held of
#    them and re-reads them to the committed offsets (decision 0014). With the LSTM model: before
#    that reset the re-read stepped the games' LSTM state a second time and p_model differed
#    from the reference (a defect this test found).
#    Prints: fault: broker-restart: lost=N duplicated=N recovery_ms=N (recovery: from the broker
#    back up to every score being there).
# 2. The mock's own restart: killed and started again it is a new, empty cluster on a new port.
#    The engine, still pointed at the old address, keeps running and retrying it (its /readyz is
#    printed: it still says 200, an unreachable broker is not counted as an input failure), and
#    stops on SIGTERM within 10 s. Nothing of the old cluster
#    exists any more: a limitation of the mock (docs/reliability.md), printed, not a pass.
. "$(dirname "$0")/lib.sh"
odds_halves 16

start_engine() { # start_engine LOG: sets ENGINE and HTTP
    bg "$BIN/savant-engine" -X "kafka.brokers=$BROKERS" -X kafka.group=t3008 -X kafka.session_timeout_ms=3000 \
        -X kafka.commit_interval_ms=100 -X kafka.batch_max=20 -X redis.url=none -X pg.dsn=none 2>"$1"
    ENGINE=$BG_PID
    wait_for 20 grep -q 'event=started' "$1" || { cat "$1" >&2; fail "engine did not start"; }
    HTTP=$(sed -n 's/.*event=started.* http=\([0-9]*\).*/\1/p' "$1")
}
consumed() { curl -s "http://127.0.0.1:$HTTP/metrics" | awk '$1 == "savant_input_messages_total" {print $2}'; }
consumed_ge() { [ "$(consumed)" -ge "$1" ]; }
settled() { local a; a=$(topic_count savant.scores.v1); sleep 1; [ "$a" = "$(topic_count savant.scores.v1)" ]; }
compare() { scores_keyed "$TMP/run.keyed"; python3 "$ROOT/tests/fault-compare.py" "$TMP/ref.keyed" "$TMP/run.keyed"; }
all_there() { compare >/dev/null 2>&1; }

# the reference: undisturbed
start_broker --partitions 3
start_engine "$TMP/ref.log"
cat_produce odds < "$TMP/in.jsonl"
wait_for 60 consumed_ge "$n_in" || fail "reference: the input was not consumed"
wait_for 30 settled || fail "reference: outputs do not settle"
scores_keyed "$TMP/ref.keyed"
kill -TERM "$ENGINE"; wait "$ENGINE" || fail "reference engine exit status $?"
kill "$BROKER_PID"; wait "$BROKER_PID" || true

start_broker --partitions 3
start_engine "$TMP/engine.log"

# 1. the outage
cat_produce odds < "$TMP/in1.jsonl"
wait_for 60 consumed_ge "$half" || fail "the first half was not consumed"
cat_produce odds < "$TMP/in2.jsonl"
wait_for 30 consumed_ge $((half + 1)) || fail "the second half was not started"
kill -USR1 "$BROKER_PID"
at_down=$(consumed)
sleep 3
kill -0 "$ENGINE" || fail "the engine stopped while the broker was down"
kill -USR2 "$BROKER_PID"
t0=$(date +%s%N)
within 60 all_there || { tail -5 "$TMP/engine.log" >&2; fail "after the outage: lost, duplicated $(compare)"; }
t1=$(date +%s%N)
wait_for 30 settled || fail "outputs do not settle"
total=$(topic_count savant.scores.v1)
set +e; res=$(compare); set -e
read -r lost dup <<<"$res"
grep -q 'mod=broker event=down' "$TMP/broker.log" && grep -q 'mod=broker event=up' "$TMP/broker.log" ||
    fail "the broker did not go down and up: $(cat "$TMP/broker.log")"
echo "    broker down 3 s after $at_down of $n_in inputs; $total scores, the reference $(grep -c . "$TMP/ref.keyed")" >&2
echo "fault: broker-restart: lost=$lost duplicated=$dup recovery_ms=$(( (t1 - t0) / 1000000 ))" >&2
assert_eq "lost" 0 "$lost"

# 2. the mock restarted: a new, empty cluster on another port
old=$BROKERS
kill -9 "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true
start_broker --partitions 3
[ "$BROKERS" != "$old" ] || fail "the new broker has the old address $old"
assert_eq "messages in the new cluster" 0 "$(topic_count savant.scores.v1)"
sleep 5
kill -0 "$ENGINE" || fail "the engine stopped when its broker went away"
ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP/readyz")
t0=$(date +%s%N)
kill -TERM "$ENGINE"
limit=$(awk -v k="$SCALE" 'BEGIN{print int(100*k)}')
for _ in $(seq "$limit"); do kill -0 "$ENGINE" 2>/dev/null || break; sleep 0.1; done
kill -0 "$ENGINE" 2>/dev/null && fail "the engine still runs 10 s after SIGTERM"
set +e; wait "$ENGINE"; rc=$?; set -e
[ "$rc" -le 1 ] || fail "engine exit status $rc"
echo "    mock restarted (new cluster $BROKERS, old $old): engine alive after 5 s, /readyz $ready," \
    "stopped $(( ($(date +%s%N) - t0) / 1000000 )) ms after SIGTERM with status $rc; the old cluster's" \
    "$n_in inputs, $total scores and committed offsets are gone with it" >&2
