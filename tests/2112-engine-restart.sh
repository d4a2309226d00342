# 2112: kill -9 mid-stream. The engine is killed while it works, restarted in the same group,
# rebuilds its state — from the state changelog (decision 0015), and again with
# state.changelog=false by re-reading its partitions up to the committed offsets — and redoes
# the rest.
# Nothing is lost and every duplicate is byte-identical: for every candidate key the scores of
# the crashed run are a prefix of the scores of an undisturbed run followed by a suffix of them
# that overlaps it (the redone work), and they end with the same final value.
. "$(dirname "$0")/lib.sh"

odds_halves 16
engine() { exec "$BIN/savant-engine" -X "kafka.brokers=$BROKERS" -X kafka.group=restart \
    -X kafka.session_timeout_ms=3000 -X kafka.commit_interval_ms=100 -X kafka.batch_max=20 \
    -X state.flush_ms=200 "$@"; }

# The reference: the whole input, undisturbed.
start_broker --partitions 3
"$BIN/savant-cat" produce -b "$BROKERS" -t savant.odds.v1 < "$TMP/in.jsonl" 2>/dev/null
bg engine 2>"$TMP/ref.log"; ENGINE=$BG_PID
all() { [ "$(topic_count savant.scores.v1)" -ge $((n_in * 2)) ]; }
wait_for 90 all || { tail "$TMP/ref.log" >&2; fail "reference run: not all scores arrived"; }
kill -TERM "$ENGINE"; wait "$ENGINE" || fail "reference engine exit status $?"
scores_keyed "$TMP/ref.keyed"
kill "$BROKER_PID"; wait "$BROKER_PID" || true

# crash ARGS...: the first half is processed and committed, then the second half arrives and the
# engine (with ARGS) is killed with SIGKILL while working through it (small batches make that
# likely), then restarted; its scores go to $TMP/crash.keyed, the restart's log to crash2.log.
crash() {
    start_broker --partitions 3
    "$BIN/savant-cat" produce -b "$BROKERS" -t savant.odds.v1 < "$TMP/in1.jsonl" 2>/dev/null
    bg engine "$@" 2>"$TMP/crash1.log"; ENGINE=$BG_PID
    first() { [ "$(topic_count savant.scores.v1)" -ge $((half * 2)) ]; }
    wait_for 90 first || { tail "$TMP/crash1.log" >&2; fail "first half not processed"; }
    sleep 1 # > state.flush_ms + kafka.commit_interval_ms: the first half's offsets are committed
    "$BIN/savant-cat" produce -b "$BROKERS" -t savant.odds.v1 < "$TMP/in2.jsonl" 2>/dev/null
    kill -KILL "$ENGINE"; wait "$ENGINE" 2>/dev/null || true
    before=$(topic_count savant.scores.v1)
    bg engine "$@" 2>"$TMP/crash2.log"; ENGINE=$BG_PID
    wait_for 90 all || { tail "$TMP/crash2.log" >&2; fail "restarted engine: not all scores arrived"; }
    settled() { local a; a=$(topic_count savant.scores.v1); sleep 1; [ "$a" = "$(topic_count savant.scores.v1)" ]; }
    wait_for 30 settled || fail "outputs do not settle"
    kill -TERM "$ENGINE"; wait "$ENGINE" || fail "restarted engine exit status $?"
    scores_keyed "$TMP/crash.keyed"
    kill "$BROKER_PID"; wait "$BROKER_PID" || true
    python3 - "$TMP/ref.keyed" "$TMP/crash.keyed" <<'PY'
import sys
from collections import OrderedDict
def load(path):
    seqs = OrderedDict()
    for line in open(path):
        key, val = line.rstrip("\n").split("\t")
        seqs.setdefault(key, []).append(val)
    return seqs
ref, crash = load(sys.argv[1]), load(sys.argv[2])
if list(ref) != list(crash):
    sys.exit("    FAIL: candidate keys differ: %s" % sorted(set(ref) ^ set(crash)))
for key, r in ref.items():
    c = crash[key]
    # crash == r[:a] + r[b:] with b <= a: a prefix, then a resumption at or before where it stopped
    ok = any(c[:a] == r[:a] and c[a:] == r[b:] for a in range(len(c) + 1) for b in range(a + 1)
             if len(c) - a == len(r) - b)
    if not ok:
        sys.exit("    FAIL: %s: %d scores are not a prefix + overlapping suffix of the %d of the reference"
                 % (key, len(c), len(r)))
PY
    replayed=$(sed -n 's/.*event=stopped .* replayed=\([0-9]*\) restored=\([0-9]*\).*/\1/p' "$TMP/crash2.log")
    restored=$(sed -n 's/.*event=stopped .* replayed=\([0-9]*\) restored=\([0-9]*\).*/\2/p' "$TMP/crash2.log")
}

# The restart restores the first half's state from the changelog, re-reading no input.
crash
[ "${replayed:-x}" = 0 ] || fail "restart re-read $replayed inputs, expected none (the changelog)"
[ "${restored:-0}" -ge 1 ] || fail "restart restored $restored state records, expected some"
echo "    changelog: killed after $before of $((n_in * 2)) scores; restored $restored state records; $(grep -c . "$TMP/crash.keyed") scores in all" >&2
# Without the changelog the restart re-reads the committed first half instead.
crash -X state.changelog=false
[ "${replayed:-0}" -ge "$half" ] || fail "restart re-read $replayed inputs, expected at least $half"
[ "${restored:-x}" = 0 ] || fail "restart restored $restored state records with state.changelog=false"
echo "    re-read: killed after $before of $((n_in * 2)) scores; re-read $replayed inputs; $(grep -c . "$TMP/crash.keyed") scores in all" >&2
