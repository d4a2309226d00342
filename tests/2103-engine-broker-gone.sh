# 2103: savant-engine stops within 10 s of SIGTERM when the broker is gone (killed -9), with or
# without outputs in flight, in at-least-once and exactly-once mode: every shutdown wait is bounded
# and the producer's unacknowledged outputs are purged, not waited for.
. "$(dirname "$0")/lib.sh"

# run_case MODE: one broker + engine; kill -9 the broker (mid-batch if possible), SIGTERM the engine.
run_case() {
    local mode=$1 log="$TMP/engine-$1.log" engine rc n t0 t1 limit
    start_broker --partitions 2
    local X=(-X "kafka.brokers=$BROKERS" -X kafka.group=t2103 -X kafka.session_timeout_ms=3000)
    [ "$mode" = eos ] && X+=(-X kafka.exactly_once=true)
    bg "$BIN/savant-engine" "${X[@]}" 2>"$log"
    engine=$BG_PID
    printf 'not msgpack' | kcat -b "$BROKERS" -t savant.odds.v1 -P -k ev-1 -p 0
    got() { grep -q event=dead_letter "$log"; }
    wait_for 30 got || { cat "$log" >&2; fail "$mode: no dead letter after 30 s"; }
    # 20000 more dead letters; the broker is frozen as soon as the engine works on them, so the
    # outputs of its batch are in flight (not acknowledged) when the broker dies
    seq 20000 | sed 's/^/junk/' | kcat -b "$BROKERS" -t savant.odds.v1 -P -p 1 -X linger.ms=50
    t0=$(date +%s)
    while [ "$(grep -c event=dead_letter "$log")" -lt 200 ] && [ $(( $(date +%s) - t0 )) -lt 20 ]; do
        sleep 0.01
    done
    kill -STOP "$BROKER_PID"
    sleep 0.5
    kill -9 "$BROKER_PID"
    n=$(grep -c event=dead_letter "$log")
    sleep 0.2
    t0=$(date +%s%N)
    kill -TERM "$engine"
    limit=$(awk -v k="$SCALE" 'BEGIN{print int(100*k)}')
    for _ in $(seq "$limit"); do kill -0 "$engine" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$engine" 2>/dev/null && { cat "$log" >&2; fail "$mode: engine still running 10 s after SIGTERM"; }
    t1=$(date +%s%N)
    set +e; wait "$engine"; rc=$?; set -e
    echo "    $mode: exit $rc after $(( (t1 - t0) / 1000000 )) ms ($n dead letters before the kill;" \
        "$(grep -o 'event=shutdown_timeout inflight=[0-9]*' "$log" || echo nothing in flight))"
    # 0, or 1 when work in flight was given up; never a crash or a signal
    [ "$rc" -le 1 ] || { cat "$log" >&2; fail "$mode: exit status $rc"; }
    grep -q 'event=stopped ' "$log" || fail "$mode: no stopped line"
}

run_case alo
run_case eos
