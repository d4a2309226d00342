# 2201: savant-replay record -> replay round trip. The fixture events go to the odds, games and
# context topics of one broker; `record` writes one line per message with the coordinates,
# timestamp, key and value bytes that savant-cat consume shows, merged by timestamp, topic,
# partition, offset; `replay` onto a second broker (under another prefix) gives every key the same
# sequence of value bytes and every message its timestamp back; -t filters; bad lines are reported
# and skipped; --from/--to select exactly the messages of an offset or a timestamp range.
. "$(dirname "$0")/lib.sh"
R=$BIN/savant-replay
TOPICS=savant.odds.v1,savant.games.v1,savant.context.v1

# keyed FILE: "topic<TAB>key<TAB>base64 bytes" from savant-cat consume -R lines, grouped by topic
# and key, in offset order within a key (a key lives in one partition: production order).
keyed() {
    jq -r '[._topic, ._key, ._partition, ._offset, ._bytes] | @tsv' |
        sort -t "$(printf '\t')" -k1,1 -k2,2 -k4,4n -s | awk -F '\t' '{print $1 "\t" $2 "\t" $5}' > "$1"
}

start_broker
for x in odds:odds game:games context:context; do
    "$BIN/savant-cat" produce -b "$BROKERS" -t "savant.${x#*:}.v1" \
        < "$ROOT/tests/fixtures/events/${x%%:*}.jsonl" 2>>"$TMP/produce.err" ||
        fail "produce ${x%%:*}: $(cat "$TMP/produce.err")"
done
: > "$TMP/cat1.jsonl"
for t in ${TOPICS//,/ }; do
    "$BIN/savant-cat" consume -b "$BROKERS" -t "$t" -e -R >> "$TMP/cat1.jsonl" 2>/dev/null
done
assert_eq "messages on the first broker" 15 "$(grep -c . "$TMP/cat1.jsonl")"

# --- record everything ---
"$R" record -b "$BROKERS" -t "$TOPICS" -o "$TMP/rec.jsonl" 2>"$TMP/rec.err" ||
    fail "record: $(cat "$TMP/rec.err")"
assert_eq "recorded lines" 15 "$(grep -c . "$TMP/rec.jsonl")"
grep -q 'recorded 15 messages' "$TMP/rec.err" || fail "no summary line: $(cat "$TMP/rec.err")"
[ ! -e "$TMP/rec.jsonl.part" ] || fail "rec.jsonl.part left behind"
# Each line is a message as savant-cat shows it: same coordinates, key and value bytes (so it
# decodes to the same JSON), and its ts is the event's ts (savant-cat produce sets it).
jq -c '[._topic, ._partition, ._offset, ._key, ._bytes, .ts]' "$TMP/cat1.jsonl" | sort > "$TMP/want"
jq -c '[.topic, .partition, .offset, .key, .value, .ts]' "$TMP/rec.jsonl" | sort > "$TMP/got"
assert_files_eq "recorded messages" "$TMP/want" "$TMP/got"
# Merged order: by timestamp, then topic name (hand-listed from the fixtures).
jq -r '"\(.ts) \(.topic)"' "$TMP/rec.jsonl" > "$TMP/got"
cat > "$TMP/want" <<'EOF'
1764180000000 savant.context.v1
1764180000000 savant.games.v1
1764180000000 savant.odds.v1
1764180000100 savant.context.v1
1764180000200 savant.context.v1
1764180000300 savant.context.v1
1764180000400 savant.context.v1
1764180000500 savant.context.v1
1764180000500 savant.odds.v1
1764180001000 savant.odds.v1
1764180001500 savant.odds.v1
1764180002000 savant.odds.v1
1764180003000 savant.odds.v1
1764201000000 savant.games.v1
1764209000000 savant.games.v1
EOF
assert_files_eq "order of the recording" "$TMP/want" "$TMP/got"
# The exact text of a line (first odds message: key, and its value bytes as savant-cat shows them).
b=$(jq -r 'select(._topic == "savant.odds.v1" and .ts == 1764180000000) | ._bytes' "$TMP/cat1.jsonl")
p=$(jq -r 'select(._topic == "savant.odds.v1" and .ts == 1764180000000) | ._partition' "$TMP/cat1.jsonl")
assert_eq "line 3" "{\"topic\":\"savant.odds.v1\",\"partition\":$p,\"offset\":0,\"ts\":1764180000000,\"key\":\"nba-2026-11-26-bos-lal\",\"value\":\"$b\"}" \
    "$(sed -n 3p "$TMP/rec.jsonl")"
# Same topics, same messages: same bytes; the order of -t does not matter.
"$R" record -q -b "$BROKERS" -t savant.context.v1 -t savant.odds.v1,savant.games.v1 -o "$TMP/rec2.jsonl" ||
    fail "second record failed"
cmp "$TMP/rec.jsonl" "$TMP/rec2.jsonl" || fail "two recordings of the same topics differ"

# --- ranges ---
# offsets [1, 3) of every partition
"$R" record -q -b "$BROKERS" -t "$TOPICS" --from 1 --to 3 -o "$TMP/r.jsonl" || fail "record --from 1 --to 3"
jq -c 'select(._offset >= 1 and ._offset < 3) | [._topic, ._partition, ._offset]' "$TMP/cat1.jsonl" | sort > "$TMP/want"
jq -c '[.topic, .partition, .offset]' "$TMP/r.jsonl" | sort > "$TMP/got"
assert_files_eq "messages of offsets [1, 3)" "$TMP/want" "$TMP/got"
# from offset 4 to the end
"$R" record -q -b "$BROKERS" -t "$TOPICS" --from 4 -o "$TMP/r.jsonl" || fail "record --from 4"
jq -c 'select(._offset >= 4) | [._topic, ._partition, ._offset]' "$TMP/cat1.jsonl" | sort > "$TMP/want"
jq -c '[.topic, .partition, .offset]' "$TMP/r.jsonl" | sort > "$TMP/got"
assert_files_eq "messages from offset 4" "$TMP/want" "$TMP/got"
[ -s "$TMP/want" ] || fail "no message at offset 4 or more: the test checks nothing"
# timestamps [1764180000300, 1764180001500): ms: and ISO 8601 forms
"$R" record -q -b "$BROKERS" -t "$TOPICS" --from ms:1764180000300 --to 2025-11-26T18:00:01.500Z \
    -o "$TMP/r.jsonl" || fail "record by timestamps"
jq -r '"\(.ts) \(.topic)"' "$TMP/r.jsonl" > "$TMP/got"
printf '%s\n' "1764180000300 savant.context.v1" "1764180000400 savant.context.v1" \
    "1764180000500 savant.context.v1" "1764180000500 savant.odds.v1" "1764180001000 savant.odds.v1" > "$TMP/want"
assert_files_eq "messages of [00:00:00.300, 00:00:01.500)" "$TMP/want" "$TMP/got"
"$R" record -q -b "$BROKERS" -t "$TOPICS" --to 2025-11-26T18:00:00.100Z -o "$TMP/r.jsonl" ||
    fail "record --to TIME"
jq -r '"\(.ts) \(.topic)"' "$TMP/r.jsonl" > "$TMP/got"
printf '%s\n' "1764180000000 savant.context.v1" "1764180000000 savant.games.v1" \
    "1764180000000 savant.odds.v1" > "$TMP/want"
assert_files_eq "messages before 00:00:00.100" "$TMP/want" "$TMP/got"
# bad ranges are usage errors
rc=0; "$R" record -b "$BROKERS" -t "$TOPICS" --from 5 --to 2 -o "$TMP/x" 2>/dev/null || rc=$?
assert_eq "--to before --from" 2 "$rc"
rc=0; "$R" record -b "$BROKERS" -t "$TOPICS" --from 2025-13-01T00:00Z -o "$TMP/x" 2>"$TMP/e" || rc=$?
assert_eq "bad --from" 2 "$rc"
grep -q -- "--from: '2025-13-01T00:00Z'" "$TMP/e" || fail "bad --from not named: $(cat "$TMP/e")"

# --- replay onto a second broker, under the prefix NEW. ---
start_broker -X kafka.topic_prefix=NEW.
"$R" replay "$TMP/rec.jsonl" -b "$BROKERS" --prefix NEW. 2>"$TMP/rep.err" ||
    fail "replay: $(cat "$TMP/rep.err")"
grep -q 'replayed 15 messages .*: 15 delivered, 0 failed' "$TMP/rep.err" || fail "summary: $(cat "$TMP/rep.err")"
: > "$TMP/cat2.jsonl"
for t in NEW.odds.v1 NEW.games.v1 NEW.context.v1; do
    "$BIN/savant-cat" consume -X kafka.topic_prefix=NEW. -b "$BROKERS" -t "$t" -e -R >> "$TMP/cat2.jsonl" 2>/dev/null
done
keyed "$TMP/k1" < "$TMP/cat1.jsonl"
sed 's/^savant\./NEW./' "$TMP/k1" > "$TMP/want"
keyed "$TMP/got" < "$TMP/cat2.jsonl"
assert_files_eq "value bytes per key after replay" "$TMP/want" "$TMP/got"
# Recording the copy gives the same file with the topics renamed: timestamps kept, same
# partitions (murmur2 of the key), same order in each partition.
"$R" record -q -b "$BROKERS" -t NEW.odds.v1,NEW.games.v1,NEW.context.v1 -o "$TMP/rec-new.jsonl" ||
    fail "record of the copy"
sed 's/"topic":"savant\./"topic":"NEW./' "$TMP/rec.jsonl" > "$TMP/want"
assert_files_eq "recording of the replayed copy" "$TMP/want" "$TMP/rec-new.jsonl"

# --- replay only one topic (same names) and a file with bad lines, paced by --rate ---
start_broker
{
    sed -n 1,2p "$TMP/rec.jsonl"
    echo '{"topic":"savant.games.v1","partition":0,"offset":9,"ts":1,"key":"k","value":"YQ=*"}'
    echo 'not json at all'
    sed -n '3,$p' "$TMP/rec.jsonl"
} > "$TMP/bad.jsonl"
rc=0
"$R" replay "$TMP/bad.jsonl" -b "$BROKERS" -t savant.games.v1 --rate 1000 2>"$TMP/rep.err" || rc=$?
assert_eq "exit status with bad lines" 1 "$rc"
grep -q "bad.jsonl:3: value: not base64 at character 4 (line skipped)" "$TMP/rep.err" ||
    fail "bad line 3 not reported: $(cat "$TMP/rep.err")"
grep -q "bad.jsonl:4: (line): invalid JSON" "$TMP/rep.err" || fail "bad line 4 not reported: $(cat "$TMP/rep.err")"
grep -q "replayed 3 messages .*: 3 delivered, 0 failed, 2 bad line(s) skipped, 12 of other topics skipped" \
    "$TMP/rep.err" || fail "summary: $(cat "$TMP/rep.err")"
assert_eq "games after replay -t savant.games.v1" 3 "$(topic_count savant.games.v1)"
assert_eq "odds after replay -t savant.games.v1" 0 "$(topic_count savant.odds.v1)"
"$BIN/savant-cat" consume -b "$BROKERS" -t savant.games.v1 -e -R 2>/dev/null | keyed "$TMP/got"
grep "^savant.games.v1" "$TMP/k1" > "$TMP/want"
assert_files_eq "games bytes per key" "$TMP/want" "$TMP/got"

# usage
rc=0; "$R" replay "$TMP/rec.jsonl" --rate 5 --speed 2 2>/dev/null || rc=$?
assert_eq "--rate with --speed" 2 "$rc"
rc=0; "$R" replay 2>/dev/null || rc=$?
assert_eq "replay without FILE" 2 "$rc"
"$R" --help | head -1 | grep -q '^usage: savant-replay ' || fail "--help first line"
"$R" --help | grep -q -- '-X key=value' || fail "--help lacks -X"
"$R" --dump-config | grep -q 'kafka.brokers' || fail "--dump-config"
