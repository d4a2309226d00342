# 2001: savant-broker creates every topic of DESIGN.md §4 with the configured prefix and partition
# count, kcat (a third-party Kafka client) lists them and round-trips a message through it, and
# SIGTERM stops the broker with status 0.
. "$(dirname "$0")/lib.sh"

start_broker --partitions 3
[ "$(head -n1 "$TMP/broker.out")" = "$BROKERS" ] || fail "stdout does not carry the bootstrap address"
case "$BROKERS" in 127.0.0.1:*) ;; *) fail "bootstrap '$BROKERS' is not on loopback" ;; esac

kcat -b "$BROKERS" -L -J > "$TMP/md.json" || fail "kcat -L failed"
jq -r '.topics[] | "\(.topic) \(.partitions | length)"' "$TMP/md.json" | sort > "$TMP/topics"
cat > "$TMP/want" <<'T'
savant.clicks.v1 3
savant.context.v1 3
savant.dlq.v1 3
savant.games.v1 3
savant.grades.v1 3
savant.odds.v1 3
savant.placement-results.v1 3
savant.placements.v1 3
savant.scores.v1 3
savant.signals.v1 3
savant.state.v1 3
T
assert_files_eq "topics listed by kcat" "$TMP/want" "$TMP/topics"

# kcat produces, kcat consumes: the broker speaks the real protocol.
printf 'k1:hello\nk2:world\n' | kcat -b "$BROKERS" -t savant.state.v1 -P -K: -p 1
kcat -b "$BROKERS" -t savant.state.v1 -C -e -q -o beginning -f '%p %o %k=%s\n' > "$TMP/got"
printf '1 0 k1=hello\n1 1 k2=world\n' > "$TMP/want2"
assert_files_eq "messages read back by kcat" "$TMP/want2" "$TMP/got"

kill -TERM "$BROKER_PID"
set +e; wait "$BROKER_PID"; rc=$?; set -e
assert_eq "broker exit status after SIGTERM" 0 "$rc"

# A topic prefix from config, and a second broker instance.
start_broker --brokers 2 -X kafka.topic_prefix=test.
kcat -b "$BROKERS" -L -J | jq -r '.brokers | length' > "$TMP/nb"
assert_eq "brokers in cluster" 2 "$(cat "$TMP/nb")"
kcat -b "$BROKERS" -L -J | jq -r '.topics[].topic' | sort | head -n 2 | tr '\n' ' ' > "$TMP/t2"
assert_eq "prefixed topics" "test.clicks.v1 test.context.v1 " "$(cat "$TMP/t2")"

# Bad usage.
set +e
"$BIN/savant-broker" --partitions 0 2>"$TMP/err"; rc=$?
set -e
assert_eq "exit status for --partitions 0" 2 "$rc"
grep -q -- "--partitions: '0' is not an integer in \[1, 256\]" "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
