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
# Engines started by a test listen on a free port (the default 127.0.0.1:8080 may be taken, by
# another engine of the same test or by a demo); a test that needs the port reads it from the
# engine's "event=started ... http=PORT" log line.
export SAVANT_HTTP_LISTEN=${SAVANT_HTTP_LISTEN:-127.0.0.1:0}

_cleanup() {
    local p
    for p in "${_bg_pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${_bg_pids[@]}"; do wait "$p" 2>/dev/null || true; done
    [ -z "${_TPG_ON:-}" ] || _pg_ctl -m immediate stop >/dev/null 2>&1 || true
    [ -z "${_TDB:-}" ] || psql "$SAVANT_PG_DSN" -qAtc "drop database if exists $_TDB with (force)" >/dev/null 2>&1 || true
    [ -n "${SAVANT_TEST_KEEP:-}" ] && echo "kept $TMP" >&2 || rm -rf "$TMP"
}
trap _cleanup EXIT

fail() { echo "    FAIL: $*" >&2; fail_logs >&2; exit 1; }
# fail_logs: what the test's processes logged that explains a failure (in CI only the output is
# left): their errors, and any sanitizer report or failed assertion with the lines after it
fail_logs() {
    [ -n "${TMP:-}" ] && [ -d "$TMP" ] || return 0
    grep -s -m 5 -E 'level=error' "$TMP"/*.log | cut -c1-300 | head -n 20 | sed 's/^/    log: /' || true
    grep -s -A 14 -E 'ERROR: (Address|Leak)Sanitizer|runtime error:|event=assert_failed' "$TMP"/*.log |
        cut -c1-200 | head -n 45 | sed 's/^/    log: /' || true
}

# bg CMD...: start CMD in the background, killed when the test exits; sets $BG_PID.
bg() { "$@" & BG_PID=$!; _bg_pids+=("$BG_PID"); }

# wait_for SECONDS CMD...: retry CMD every 0.1 s until it succeeds or SECONDS (scaled) pass.
wait_for() {
    local secs=$1; shift
    local n; n=$(awk -v s="$secs" -v k="$SCALE" 'BEGIN{print int(s*k*10)}')
    for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    return 1
}

# within SECONDS CMD...: like wait_for, for a slow CMD (one that reads a topic): retried every
# 0.3 s until it succeeds or SECONDS (scaled) of wall time have passed.
within() {
    local end=$((SECONDS + $1 * SCALE)); shift
    until "$@"; do [ "$SECONDS" -lt "$end" ] || return 1; sleep 0.3; done
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

# gen_odds_stream ROUNDS: odds JSON lines, 8 games x 4 books x (h2h, spreads) per round, prices
# and lines moving by a fixed rule (deterministic).
gen_odds_stream() {
    local t=1764180000000 g b i p
    for i in $(seq 0 $(($1 - 1))); do
        for g in 1 2 3 4 5 6 7 8; do
            for b in alpha beta gamma delta; do
                t=$((t + 1000))
                p=$((110 + (i * 7 + g * 3 + ${#b}) % 40))
                printf '{"v":1,"ts":%s,"event_id":"g%s","sport":"nba","book":"%s","market":"h2h","outcomes":[{"name":"Home %s","price":-%s},{"name":"Away %s","price":%s}]}\n' \
                    "$t" "$g" "$b" "$g" "$p" "$g" $((p + (i % 3) * 5))
                printf '{"v":1,"ts":%s,"event_id":"g%s","sport":"nba","book":"%s","market":"spreads","outcomes":[{"name":"Home %s","price":-110,"point":-%s.5},{"name":"Away %s","price":-110,"point":%s.5}]}\n' \
                    "$t" "$g" "$b" "$g" $(((i + g + ${#b}) % 4 + 2)) "$g" $(((i + g + ${#b}) % 4 + 2))
            done
        done
    done
}

# odds_halves ROUNDS: gen_odds_stream ROUNDS into $TMP/in.jsonl and its two halves into
# $TMP/in1.jsonl and $TMP/in2.jsonl; sets n_in (lines) and half (lines of the first half).
odds_halves() {
    gen_odds_stream "$1" > "$TMP/in.jsonl"
    n_in=$(grep -c . "$TMP/in.jsonl")
    half=$((n_in / 2))
    head -n "$half" "$TMP/in.jsonl" > "$TMP/in1.jsonl"
    tail -n +$((half + 1)) "$TMP/in.jsonl" > "$TMP/in2.jsonl"
}

# topic_count TOPIC: messages on TOPIC now (reads to the end; bounded).
topic_count() { timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t "$1" -e 2>/dev/null | grep -c . || true; }

# scores_keyed FILE: every savant.scores.v1 event as "key<TAB>base64 bytes", grouped by key and
# in offset order within a key (a key lives in one partition, so that is production order).
scores_keyed() {
    timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.scores.v1 -e -R 2>/dev/null |
        jq -r '[._key, ._partition, ._offset, ._bytes] | @tsv' |
        sort -t "$(printf '\t')" -k1,1 -k3,3n -s | awk -F '\t' '{print $1 "\t" $4}' > "$1"
}

# start_redis [PORT]: a redis-server of this test only, on PORT (default: a free one) with its
# files in $TMP and no persistence; sets $TREDIS_PORT and $TREDIS_PID. stop_redis stops it.
start_redis() {
    local p=${1:-} tries=0
    while :; do
        [ -n "$p" ] || p=$((20000 + RANDOM % 20000))
        bg redis-server --bind 127.0.0.1 --port "$p" --dir "$TMP" --save '' --appendonly no \
            --logfile "$TMP/redis-$p.log"
        TREDIS_PID=$BG_PID
        if wait_for 5 redis-cli -p "$p" ping; then TREDIS_PORT=$p; return 0; fi
        kill "$TREDIS_PID" 2>/dev/null || true
        tries=$((tries + 1))
        [ -z "${1:-}" ] && [ "$tries" -lt 5 ] || fail "redis-server did not start on port $p"
        p=
    done
}
stop_redis() {
    redis-cli -p "$TREDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$TREDIS_PID" 2>/dev/null || true
    wait "$TREDIS_PID" 2>/dev/null || true
}

# start_pg: a PostgreSQL server of this test only, in $TMP/pg (initdb the first time), so the
# test can stop it (stop_pg) and start it again on the same port (TPG_PORT) with its data; sets
# TPG_DSN. ops/services's server is shared by the whole run and must stay up.
_pg_ctl() {
    local as=()
    [ "$(id -u)" -ne 0 ] || as=(runuser -u postgres --)
    "${as[@]}" "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_ctl" -D "$TMP/pg" "$@"
}
start_pg() {
    local as=() tries=0
    [ "$(id -u)" -ne 0 ] || as=(runuser -u postgres --)
    if [ ! -d "$TMP/pg" ]; then
        chmod 755 "$TMP"
        mkdir "$TMP/pg"
        [ "$(id -u)" -ne 0 ] || chown postgres "$TMP/pg"
        "${as[@]}" "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/initdb" -D "$TMP/pg" \
            -A trust -U postgres --no-sync -E UTF8 --locale=C >"$TMP/initdb.log" 2>&1 ||
            fail "initdb failed: $(tail -5 "$TMP/initdb.log")"
    fi
    while :; do
        [ -n "${TPG_PORT:-}" ] || TPG_PORT=$((20000 + RANDOM % 20000))
        _pg_ctl -w -t 30 -l "$TMP/pg/server.log" start -o \
            "-c listen_addresses=127.0.0.1 -p $TPG_PORT -k $TMP/pg -c fsync=off -c synchronous_commit=off" \
            >/dev/null 2>&1 && break
        tries=$((tries + 1))
        [ "$tries" -lt 5 ] && [ -z "${_TPG_KEEP_PORT:-}" ] || fail "postgresql did not start: $(tail -5 "$TMP/pg/server.log")"
        TPG_PORT=
    done
    _TPG_ON=1 _TPG_KEEP_PORT=1
    TPG_DSN="host=127.0.0.1 port=$TPG_PORT user=postgres dbname=postgres"
}
stop_pg() { _pg_ctl -m fast -w stop >/dev/null; _TPG_ON=; }

# own_db NAME: a database NAME_PID of this test on the shared server of ops/services (dropped
# when the test exits); sets DSN to it.
own_db() {
    [ -n "${SAVANT_PG_DSN:-}" ] || fail "needs PostgreSQL (run under ops/services)"
    _TDB=$1_$$
    psql "$SAVANT_PG_DSN" -qAtc "create database $_TDB" >/dev/null
    DSN=$(printf '%s' "$SAVANT_PG_DSN" | sed "s/dbname=[^ ]*/dbname=$_TDB/")
}

# cat_produce TOPIC: JSON lines on stdin to savant.TOPIC.v1 of $BROKERS (savant-cat validates).
cat_produce() { "$BIN/savant-cat" produce -b "$BROKERS" -t "savant.$1.v1" 2>/dev/null; }

# TV25 (spec/original-scoring.md §11) as events, for the engine tests 2113-2116: the game (Lakers
# home v Celtics, 2026-02-16T00:30Z), the spreads splits (home tickets 62 %, money 40 %) and eight
# books' spreads (seven at Lakers -5.5, theta at -6.5: line variance 1.0, 7 books at the modal
# line), all at -110.
LAL='Los Angeles Lakers' BOS='Boston Celtics'
T0=1771100000000 START=1771201800000
tv25_produce() {
    local i=0 b pt
    printf '{"v":1,"ts":%s,"event_id":"tv25","sport":"nba","home":"%s","away":"%s","commence_ts":%s,"status":"scheduled"}\n' \
        "$T0" "$LAL" "$BOS" "$START" | cat_produce games
    printf '{"v":1,"ts":%s,"kind":"splits","event_id":"tv25","market":"spreads","side":"%s","ticket_pct":62,"money_pct":40}\n' \
        "$T0" "$LAL" | cat_produce context
    for b in alpha beta gamma delta epsilon zeta eta theta; do
        i=$((i + 1))
        pt=5.5; [ "$b" = theta ] && pt=6.5
        printf '{"v":1,"ts":%s,"event_id":"tv25","sport":"nba","book":"%s","market":"spreads","outcomes":[{"name":"%s","price":-110,"point":-%s},{"name":"%s","price":-110,"point":%s}]}\n' \
            $((T0 + i)) "$b" "$LAL" "$pt" "$BOS" "$pt"
    done | cat_produce odds
}
