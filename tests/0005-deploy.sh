# 0005: the deployment files of ops/deploy/ (docs/deployment.md). The entrypoint maps PORT,
# DATABASE_URL, REDIS_URL and KAFKA_BROKERS onto SAVANT_* (only where the SAVANT_* variable is
# unset) and execs the binary its first argument names; every file the Dockerfile copies exists
# after make; install-deps' runtime group covers `ldd` of every binary of the image; the systemd
# units pass `systemd-analyze verify` (skipped, saying so, where systemd-analyze is missing).
. "$(dirname "$0")/lib.sh"

EP=$ROOT/ops/deploy/savant-entrypoint
DF=$ROOT/ops/deploy/Dockerfile
UNITS=$ROOT/ops/deploy/systemd
[ -x "$EP" ] || fail "$EP is not executable"

# ep VAR=VALUE... -- ARGS...: the entrypoint in a clean environment (the runner's SAVANT_* of
# ops/services and lib.sh's SAVANT_HTTP_LISTEN must not leak in) plus the given variables.
ep() {
    local vars=()
    while [ "$1" != -- ]; do vars+=("$1"); shift; done
    shift
    set +e
    env -i PATH="$PATH" "${vars[@]}" "$EP" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    set -e
}

# --- the mapping, seen by a fake binary: the exact SAVANT_* environment and arguments it gets,
# and that it replaced the entrypoint (same process id).
mkdir "$TMP/fake"
for b in savant-engine savant-book savant-cat; do
    cat > "$TMP/fake/$b" <<'EOF'
#!/usr/bin/env bash
echo "pid=$$"
echo "argv0=$(basename "$0")"
for a in "$@"; do echo "arg=$a"; done
env | grep '^SAVANT_' | grep -v '^SAVANT_BIN_DIR=' | sort
EOF
    chmod +x "$TMP/fake/$b"
done
FAKE=SAVANT_BIN_DIR=$TMP/fake
DB='postgresql://savant:p%40ss@db.internal:5432/savant?sslmode=require&application_name=savant'
# shellcheck disable=SC2054 # the commas are in KAFKA_BROKERS' value
PLATFORM=(PORT=8123 "DATABASE_URL=$DB" REDIS_URL=redis://:pw@cache.internal:6379/0
          KAFKA_BROKERS=k1.internal:9092,k2.internal:9092)

set +e
env -i PATH="$PATH" "$FAKE" "${PLATFORM[@]}" "$EP" >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait "$pid"
rc=$?
set -e
assert_eq "entrypoint status" 0 "$rc"
printf '%s\n' "pid=$pid" "argv0=savant-engine" "SAVANT_HTTP_LISTEN=0.0.0.0:8123" \
    "SAVANT_KAFKA_BROKERS=k1.internal:9092,k2.internal:9092" "SAVANT_PG_DSN=$DB" \
    "SAVANT_REDIS_URL=redis://:pw@cache.internal:6379/0" > "$TMP/want"
assert_files_eq "platform variables mapped (exec'd engine)" "$TMP/want" "$TMP/out"

# A SAVANT_* variable that is set wins, even empty; an empty platform variable maps nothing.
ep "$FAKE" "${PLATFORM[@]}" SAVANT_REDIS_URL=redis://mine:6379/1 SAVANT_HTTP_LISTEN=127.0.0.1:9000 \
    SAVANT_PG_DSN= KAFKA_BROKERS= -- --dump-config -X log.level=debug
assert_eq "SAVANT_* wins status" 0 "$rc"
printf '%s\n' "argv0=savant-engine" "arg=--dump-config" "arg=-X" "arg=log.level=debug" \
    "SAVANT_HTTP_LISTEN=127.0.0.1:9000" "SAVANT_PG_DSN=" "SAVANT_REDIS_URL=redis://mine:6379/1" > "$TMP/want"
grep -v '^pid=' "$TMP/out" > "$TMP/got"
assert_files_eq "SAVANT_* variables win" "$TMP/want" "$TMP/got"

# No platform variables: nothing is exported.
ep "$FAKE" -- cat consume -t x
assert_eq "no platform variables status" 0 "$rc"
printf '%s\n' "argv0=savant-cat" "arg=consume" "arg=-t" "arg=x" > "$TMP/want"
grep -v '^pid=' "$TMP/out" > "$TMP/got"
assert_files_eq "no platform variables" "$TMP/want" "$TMP/got"

# The binary by its full name; the entrypoint's own status and messages.
ep "$FAKE" PORT=0080 -- savant-book -e
printf '%s\n' "argv0=savant-book" "arg=-e" "SAVANT_HTTP_LISTEN=0.0.0.0:80" > "$TMP/want"
grep -v '^pid=' "$TMP/out" > "$TMP/got"
assert_files_eq "full binary name" "$TMP/want" "$TMP/got"
ep "$FAKE" -- nope
assert_eq "unknown binary status" 2 "$rc"
assert_eq "unknown binary message" \
    "savant-entrypoint: unknown binary 'savant-nope' (not in $TMP/fake, $(cd "$ROOT/ops/deploy" && pwd -P) or PATH)" \
    "$(cat "$TMP/err")"
ep "$FAKE" -- 'engine;id'
assert_eq "bad binary name status" 2 "$rc"
assert_eq "bad binary name message" "savant-entrypoint: unknown binary 'savant-engine;id'" "$(cat "$TMP/err")"
for p in http 65536 -1; do
    ep "$FAKE" PORT=$p -- engine
    assert_eq "PORT=$p status" 1 "$rc"
    assert_eq "PORT=$p message" "savant-entrypoint: PORT: '$p' is not a port number (0..65535)" "$(cat "$TMP/err")"
done

# --- the real binaries: --dump-config shows the mapped keys exactly.
for b in engine book; do
    ep SAVANT_BIN_DIR="$BIN" "${PLATFORM[@]}" -- $b --dump-config
    assert_eq "savant-$b --dump-config status" 0 "$rc"
    grep -E '^(kafka\.brokers|pg\.dsn|redis\.url|http\.listen) ' "$TMP/out" | sed 's/ *= /=/' > "$TMP/got"
    printf '%s\n' "kafka.brokers=k1.internal:9092,k2.internal:9092" \
        "redis.url=redis://:pw@cache.internal:6379/0" "pg.dsn=$DB" "http.listen=0.0.0.0:8123" > "$TMP/want"
    assert_files_eq "savant-$b mapped keys" "$TMP/want" "$TMP/got"
done

# --- the Dockerfile: what its final stage copies exists after make. COPY lines are joined with
# their continuations; in `COPY --from=build SRC... DEST`, /src/bin/X is $BIN/X and /src/Y is
# $ROOT/Y; a plain COPY takes files of the source tree.
sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$DF" | awk '/^FROM /{n=0} /^COPY /{c[n++]=$0} END{for(i=0;i<n;i++)print c[i]}' > "$TMP/copies"
shipped=()
while read -r _ first rest; do
    from=
    read -r -a srcs <<<"$rest"
    if [ "${first#--from=}" != "$first" ]; then from=${first#--from=}; else srcs=("$first" "${srcs[@]}"); fi
    set -- "${srcs[@]}"
    while [ $# -gt 1 ]; do
        src=$1; shift
        case "$from:$src" in
        build:/src/bin/*)
            [ -x "$BIN/${src#/src/bin/}" ] || fail "the Dockerfile copies $src, but make built no $BIN/${src#/src/bin/}"
            shipped+=("${src#/src/bin/}") ;;
        build:/src/*) [ -f "$ROOT/${src#/src/}" ] || fail "the Dockerfile copies $src, missing from the tree" ;;
        :*) [ -f "$ROOT/$src" ] || fail "the Dockerfile copies $src, missing from the tree" ;;
        *) fail "unexpected COPY source $from:$src" ;;
        esac
    done
done < "$TMP/copies"
# Every binary make builds ships, but the development broker (a new binary must be decided on).
want_bins=$(cd "$ROOT/ops" && for f in savant-*.c; do echo "${f%.c}"; done | grep -vx savant-broker; echo savant-engine)
assert_eq "binaries of the image" "$(sort <<<"$want_bins" | tr '\n' ' ')" \
    "$(printf '%s\n' "${shipped[@]}" | sort | tr '\n' ' ')"
grep -Eq '^RUN ops/install-deps build( |$)' "$DF" || fail "the build stage does not run ops/install-deps build"
grep -Eq '^RUN make( |$)' "$DF" || fail "the build stage does not run make"
grep -Eq '^RUN /tmp/install-deps runtime( |$)' "$DF" || fail "the final stage does not install the runtime group"
grep -qx 'ENTRYPOINT \["/opt/savant/bin/savant-entrypoint"\]' "$DF" || fail "unexpected ENTRYPOINT"

# --- the runtime group covers the libraries of every shipped binary: each library `ldd` resolves
# belongs to a package of the group or to one apt installs with it (its Depends closure); each
# library a binary names itself (NEEDED) belongs to a package of the group. A sanitizer build
# (make asan) also loads the sanitizer runtime and what it needs: those are left out.
"$ROOT/ops/install-deps" --list runtime | sort -u > "$TMP/group"
closure() {
    apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts \
        --no-breaks --no-replaces --no-enhances "$@" 2>/dev/null | grep -v '^ ' | tr -d '<>' | sort -u
}
# pkg_of PATH: the package that owns a library path (usrmerge: try both spellings).
pkg_of() {
    local p alt
    alt=${1#/usr}; [ "$alt" != "$1" ] || alt=/usr$1
    for p in "$1" "$(readlink -f "$1")" "$alt"; do
        dpkg -S "$p" 2>/dev/null | head -n 1 | cut -d: -f1 && return 0
    done
    return 1
}
: > "$TMP/libs"
: > "$TMP/needed"
for b in "${shipped[@]}"; do
    ldd "$BIN/$b" > "$TMP/ldd" || fail "ldd $BIN/$b failed"
    ! grep -q 'not found' "$TMP/ldd" || fail "$b: a library is not found: $(grep 'not found' "$TMP/ldd")"
    awk '$2 == "=>" && $3 ~ /^\// {print $1, $3} $1 ~ /^\// {print $1, $1}' "$TMP/ldd" >> "$TMP/libs"
    readelf -d "$BIN/$b" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' >> "$TMP/needed"
done
sort -u -o "$TMP/libs" "$TMP/libs"
sort -u -o "$TMP/needed" "$TMP/needed"
: > "$TMP/owners"
while read -r soname path; do
    pkg=$(pkg_of "$path") || fail "no package owns $path ($soname)"
    echo "$soname $pkg" >> "$TMP/owners"
done < "$TMP/libs"
san=$(awk '$1 ~ /^lib(a|ub|t|l|hwa)san\.so/ {print $2}' "$TMP/owners" | sort -u)
mapfile -t group < "$TMP/group"
closure "${group[@]}" > "$TMP/allowed"
if [ -n "$san" ]; then
    mapfile -t sanpkgs <<<"$san"
    echo "    (sanitizer build: leaving out ${sanpkgs[*]} and their dependencies)" >&2
    closure "${sanpkgs[@]}" > "$TMP/san"
else
    : > "$TMP/san"
fi
while read -r soname pkg; do
    grep -qx "$pkg" "$TMP/san" && continue
    grep -qx "$pkg" "$TMP/allowed" ||
        fail "$soname ($pkg) is loaded by the image's binaries but not installed by 'ops/install-deps runtime'"
    if grep -qx "$soname" "$TMP/needed"; then
        grep -qx "$pkg" "$TMP/group" ||
            fail "$soname is linked directly; its package $pkg belongs in install-deps' runtime group"
    fi
done < "$TMP/owners"
grep -q '^libpq.so.5 libpq5$' "$TMP/owners" || fail "expected libpq.so.5 from libpq5 in: $(cat "$TMP/owners")"

# --- the systemd units: `systemd-analyze verify` on copies whose paths point into $TMP (verify
# checks that ExecStart's binary exists), as instance 2 of the engine template.
grep -qx 'EnvironmentFile=/etc/savant/savant.env' "$UNITS/savant-engine@.service" || fail "engine unit: no EnvironmentFile"
grep -qx 'EnvironmentFile=/etc/savant/savant.env' "$UNITS/savant-book.service" || fail "book unit: no EnvironmentFile"
grep -qx 'Restart=on-failure' "$UNITS/savant-engine@.service" || fail "engine unit: no Restart=on-failure"
if ! command -v systemd-analyze >/dev/null; then
    echo "    skipped: systemd-analyze not found, the units are not verified" >&2
    exit 0
fi
mkdir -p "$TMP/opt/savant/bin" "$TMP/etc" "$TMP/units"
for b in "${shipped[@]}"; do ln -s "$BIN/$b" "$TMP/opt/savant/bin/$b"; done
cp "$UNITS/savant.env.example" "$TMP/etc/savant.env"
for u in "$UNITS"/*.service; do
    sed -e "s#/opt/savant#$TMP/opt/savant#g" -e "s#/etc/savant#$TMP/etc#g" "$u" > "$TMP/units/${u##*/}"
done
ln -s savant-engine@.service "$TMP/units/savant-engine@2.service"
set +e
(cd "$TMP/units" && systemd-analyze verify --man=no ./savant-engine@2.service ./savant-book.service) >"$TMP/verify" 2>&1
rc=$?
set -e
assert_eq "systemd-analyze verify status ($(cat "$TMP/verify"))" 0 "$rc"
assert_eq "systemd-analyze verify output" "" "$(cat "$TMP/verify")"
