# 2122: the engine starts while PostgreSQL is not there yet: it logs migrate_later, keeps
# scoring, retries the migrations every 2 s, and once the server is up it migrates (both
# migrations), its store comes up (/readyz "pg":"up") and the bet routes work (/me/stats of a user
# made meanwhile).
. "$(dirname "$0")/lib.sh"
TPG_PORT=$((20000 + RANDOM % 20000)) _TPG_KEEP_PORT=1
DSN="host=127.0.0.1 port=$TPG_PORT user=postgres dbname=postgres"
start_broker --partitions 1
bg "$BIN/savant-engine" -X "kafka.brokers=$BROKERS" -X kafka.group=t2122 -X redis.url=none \
    -X "pg.dsn=$DSN" -X pg.backoff_max_ms=300 2>"$TMP/engine.log"
wait_for 20 grep -q 'event=started' "$TMP/engine.log" || { cat "$TMP/engine.log" >&2; fail "engine did not start"; }
grep -q 'event=migrate_later .*retry_s=2' "$TMP/engine.log" || fail "no migrate_later: $(head -5 "$TMP/engine.log")"
HTTP=$(sed -n 's/.*event=started.* http=\([0-9]*\).*/\1/p' "$TMP/engine.log")
assert_eq "pg before the server" '"down"' "$(curl -s "http://127.0.0.1:$HTTP/readyz" | jq -c .pg)"
start_pg
migrated() { grep -q 'event=migrated applied=2' "$TMP/engine.log"; }
wait_for 30 migrated || fail "not migrated: $(grep -E 'migrat|pg_' "$TMP/engine.log" | tail -5)"
pg_up() { curl -s "http://127.0.0.1:$HTTP/readyz" | grep -q '"pg":"up"'; }
wait_for 30 pg_up || fail "the store did not come up: $(curl -s "http://127.0.0.1:$HTTP/readyz")"
TOKEN=$("$BIN/savant-engine" --create-token --user late@example.com -X "pg.dsn=$DSN" 2>/dev/null)
stats() { curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$HTTP/api/v1/me/stats" | jq -c '[.bets, .staked, .pnl]'; }
assert_eq "/me/stats" '[0,"0.00","0.00"]' "$(stats)"
