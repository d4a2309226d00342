# tests/lib.sh — shared helpers for the shell tests (sourced; bash).
#
# Gives: $BIN (binaries under test), $ROOT (source tree), $TMP (a fresh temp dir removed on
# exit, with every process started through `bg` killed first), fail/ok helpers, and
# start_broker, which runs savant-broker and sets $BROKERS.
set -euo pipefail
ROOT=${SAVANT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BIN=${SAVANT_BIN_DIR:-$ROOT/bin}
TMP=$(mktemp -d /tmp/savant-test.XXXXXX)
_bg_pids=()
SCALE=${SAVANT_TEST_TIMEOUT_SCALE:-1}

_cleanup() {
    local p
    for p in "${_bg_pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${_bg_pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap _cleanup EXIT

fail() { echo "    FAIL: $*" >&2; exit 1; }

# bg CMD...: start CMD in the background, killed when the test exits; sets $BG_PID.
bg() { "$@" & BG_PID=$!; _bg_pids+=("$BG_PID"); }

# wait_for SECONDS CMD...: retry CMD every 0.1 s until it succeeds or SECONDS (scaled) pass.
wait_for() {
    local secs=$1; shift
    local n; n=$(awk -v s="$secs" -v k="$SCALE" 'BEGIN{print int(s*k*10)}')
    for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    return 1
}

# start_broker [ARGS...]: savant-broker with a bootstrap file; sets $BROKERS and $BROKER_PID.
start_broker() {
    rm -f "$TMP/bootstrap"
    bg "$BIN/savant-broker" --bootstrap-file "$TMP/bootstrap" "$@" >"$TMP/broker.out" 2>"$TMP/broker.log"
    BROKER_PID=$BG_PID
    wait_for 10 test -s "$TMP/bootstrap" || { cat "$TMP/broker.log" >&2; fail "savant-broker did not start"; }
    BROKERS=$(cat "$TMP/bootstrap")
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() { [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"; }

# assert_files_eq WHAT EXPECTED_FILE ACTUAL_FILE: shows a diff on mismatch
assert_files_eq() { diff -u "$2" "$3" >&2 || fail "$1 differs (expected $2, actual $3)"; }
