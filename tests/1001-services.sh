# 1001: ops/services starts Redis and PostgreSQL on loopback, exports working settings, and
# stops and removes everything on exit — also when the command fails.
. "$(dirname "$0")/lib.sh"

out=$("$ROOT/ops/services" run -- bash -c '
    set -e
    echo "redis=$(redis-cli -u "$SAVANT_REDIS_URL" ping)"
    echo "pg=$(psql "$SAVANT_PG_DSN" -Atc "select 6*7")"
    echo "port=$REDIS_PORT"
    echo "dir=$(redis-cli -p "$REDIS_PORT" config get dir | tail -n1)"
')
echo "$out" | grep -qx 'redis=PONG' || fail "redis did not answer PONG: $out"
echo "$out" | grep -qx 'pg=42' || fail "postgresql did not answer 42: $out"
port=$(echo "$out" | sed -n 's/^port=//p')
dir=$(echo "$out" | sed -n 's/^dir=//p')
case "$dir" in /tmp/savant-svc.*) ;; *) fail "services dir '$dir' is not a fresh temp dir" ;; esac
[ ! -e "$dir" ] || fail "services dir $dir still exists after exit"
! redis-cli -p "$port" ping >/dev/null 2>&1 || fail "redis still answers on $port after exit"

# The command's exit status is passed through, and cleanup still happens.
set +e
"$ROOT/ops/services" run --no-pg -- bash -c 'echo "$REDIS_PORT" > '"$TMP"'/port; exit 7'
rc=$?
set -e
assert_eq "exit status of the command" 7 "$rc"
! redis-cli -p "$(cat "$TMP/port")" ping >/dev/null 2>&1 || fail "redis left running after a failing command"

# Bad usage is refused with status 2.
set +e
"$ROOT/ops/services" run 2>/dev/null; rc=$?
set -e
assert_eq "exit status of 'run' without a command" 2 "$rc"
