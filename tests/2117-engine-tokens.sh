# 2117: the engine and PostgreSQL: `savant-engine --migrate` applies the schema once,
# `--create-token` creates the first admin and prints a token once (only its SHA-256 is stored),
# the running engine accepts that token on the REST API (GET /api/v1/me), refuses others, reports
# PostgreSQL in /readyz; the token routes create (once, hashed), list (never the token) and revoke
# tokens; a revoked token stops working within the 5 s cache.
. "$(dirname "$0")/lib.sh"
own_db t2117
q() { psql "$DSN" -qAtc "$1"; }

# usage
set +e
"$BIN/savant-engine" --create-token -X "pg.dsn=$DSN" 2>"$TMP/err"; rc=$?
set -e
assert_eq "--create-token without --user" 2 "$rc"
grep -q -- '--create-token needs --user EMAIL' "$TMP/err" || fail "no reason: $(cat "$TMP/err")"

assert_eq "first --migrate" "savant-engine: 2 migrations applied" "$("$BIN/savant-engine" --migrate -X "pg.dsn=$DSN")"
assert_eq "second --migrate" "savant-engine: 0 migrations applied" "$("$BIN/savant-engine" --migrate -X "pg.dsn=$DSN")"
assert_eq "recorded migrations" "1|init 2|bets" "$(q 'select version, name from schema_migrations order by 1' | paste -sd" ")"

TOKEN=$("$BIN/savant-engine" --create-token --user ann@example.com --role admin -X "pg.dsn=$DSN" 2>"$TMP/tok.err")
case "$TOKEN" in sv_*) ;; *) fail "not a token: '$TOKEN' ($(cat "$TMP/tok.err"))" ;; esac
hash=$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)
assert_eq "stored hash" "1" "$(q "select count(*) from api_tokens where token_hash = '$hash'")"
assert_eq "the token in clear anywhere" "0" \
    "$(q "select count(*) from api_tokens t join users u on u.id = t.user_id where strpos(t::text || u::text, '$TOKEN') > 0")"
assert_eq "the user" "ann@example.com|admin" "$(q 'select email, role from users')"

start_broker --partitions 2
bg "$BIN/savant-engine" -X "kafka.brokers=$BROKERS" -X kafka.group=t2117 -X redis.url=none -X "pg.dsn=$DSN" \
    2>"$TMP/engine.log"
ENGINE=$BG_PID
wait_for 20 grep -q 'event=started' "$TMP/engine.log" || { cat "$TMP/engine.log" >&2; fail "engine did not start"; }
HTTP=$(sed -n 's/.*event=started.* http=\([0-9]*\).*/\1/p' "$TMP/engine.log")
me() { curl -s -H "Authorization: Bearer $1" "http://127.0.0.1:$HTTP/api/v1/me"; }
ready() { curl -s "http://127.0.0.1:$HTTP/readyz" | grep -q '"pg":"up"'; }
wait_for 20 ready || fail "PostgreSQL not up in /readyz: $(curl -s "http://127.0.0.1:$HTTP/readyz")"
uid=$(q "select id from users where email = 'ann@example.com'")
assert_eq "GET /api/v1/me" "{\"user_id\":$uid,\"email\":\"ann@example.com\",\"role\":\"admin\",\"scopes\":[\"read\",\"bet\",\"admin\"],\"token_id\":\"${hash:0:16}\"}" \
    "$(me "$TOKEN")"
assert_eq "an unknown token" '401 invalid token' "$(curl -s -o "$TMP/b" -w '%{http_code}' -H 'Authorization: Bearer sv_nope' "http://127.0.0.1:$HTTP/api/v1/me"; echo " $(jq -r .error.message "$TMP/b")")"

# the token routes: a read-only token made through the API, listed, used, revoked
api() { curl -s -o "$TMP/body" -w '%{http_code}' -H "Authorization: Bearer $1" -X "$2" ${4:+-d "$4"} \
    "http://127.0.0.1:$HTTP/api/v1/$3"; }
assert_eq "POST /api/v1/tokens" 201 "$(api "$TOKEN" POST tokens '{"scopes":["read"]}')"
T2=$(jq -r .token "$TMP/body")
id2=$(jq -r .id "$TMP/body")
assert_eq "the new token's answer" "[\"${T2:0:8}\",[\"read\"]]" "$(jq -c '[.prefix, .scopes]' "$TMP/body")"
assert_eq "stored as a hash" 1 "$(q "select count(*) from api_tokens where token_hash = '$(printf '%s' "$T2" | sha256sum | cut -d' ' -f1)' and scopes = '{read}'")"
assert_eq "GET /api/v1/me with it" '["ann@example.com",["read"]]' "$(me "$T2" | jq -c '[.email, .scopes]')"
assert_eq "a read token cannot grant bet" "403 scopes" "$(api "$T2" POST tokens '{"scopes":["bet"]}') $(jq -r .error.field "$TMP/body")"
assert_eq "bad scopes" "422 scopes" "$(api "$TOKEN" POST tokens '{"scopes":["root"]}') $(jq -r .error.field "$TMP/body")"
assert_eq "GET /api/v1/tokens" 200 "$(api "$TOKEN" GET tokens)"
assert_eq "the list" "[[\"${TOKEN:0:8}\",[\"read\",\"bet\",\"admin\"],null],[\"${T2:0:8}\",[\"read\"],null]]" \
    "$(jq -c '[.tokens[] | [.prefix, .scopes, .revoked_ms]]' "$TMP/body")"
grep -q "$T2" "$TMP/body" && fail "the token list shows a token"
assert_eq "DELETE /api/v1/tokens/$id2" 204 "$(api "$TOKEN" DELETE "tokens/$id2")"
assert_eq "DELETE it again" "404 id" "$(api "$TOKEN" DELETE "tokens/$id2") $(jq -r .error.field "$TMP/body")"

# users (admin): create, duplicate, bad fields, list, get; a user's token is refused
TOKEN_USER=$("$BIN/savant-engine" --create-token --user carl@example.com --role user -X "pg.dsn=$DSN" 2>/dev/null)
assert_eq "POST /api/v1/users" 201 "$(api "$TOKEN" POST users '{"email":"bob@example.com","max_stake":25.5}')"
assert_eq "the new user" '["bob@example.com","user","25.50","1000.00"]' "$(jq -c '[.email, .role, .max_stake, .daily_exposure]' "$TMP/body")"
bob=$(jq -r .id "$TMP/body")
assert_eq "the same email again" "409 email" "$(api "$TOKEN" POST users '{"email":"bob@example.com"}') $(jq -r .error.field "$TMP/body")"
assert_eq "a bad role" "422 role" "$(api "$TOKEN" POST users '{"email":"c@example.com","role":"root"}') $(jq -r .error.field "$TMP/body")"
assert_eq "an injection attempt is just an odd email" 201 "$(api "$TOKEN" POST users "{\"email\":\"x'); drop table users;--@example.com\"}")"
assert_eq "GET /api/v1/users" '["ann@example.com","carl@example.com","bob@example.com","x'"'"'); drop table users;--@example.com"]' \
    "$(api "$TOKEN" GET users >/dev/null; jq -c '[.users[].email]' "$TMP/body")"
assert_eq "GET /api/v1/users/$bob" "200 bob@example.com" "$(api "$TOKEN" GET "users/$bob") $(jq -r .email "$TMP/body")"
assert_eq "GET /api/v1/users/999999" "404 id" "$(api "$TOKEN" GET users/999999) $(jq -r .error.field "$TMP/body")"
assert_eq "users need the admin scope" "403 token" "$(api "$TOKEN_USER" GET users) $(jq -r .error.field "$TMP/body")"

# revoked: refused once the 5 s cache has passed (one revoked through the API, one in the table)
q "update api_tokens set revoked_at = now() where token_hash = '$hash'" >/dev/null
sleep 5.5
assert_eq "a token revoked through the API" 401 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T2" "http://127.0.0.1:$HTTP/api/v1/me")"
assert_eq "a revoked token" 401 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$HTTP/api/v1/me")"

kill -TERM "$ENGINE"; set +e; wait "$ENGINE"; rc=$?; set -e
assert_eq "engine exit status" 0 "$rc"
