# 2306: placements that do not decode (not msgpack; a map missing its fields; a placement with a
# bad price) are reported on stderr with topic, partition, offset and the reason (the same reason
# savant-cat gives), skipped without a result, counted in the summary, and committed: the valid
# placements around them are answered, and the next run of the group consumes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/book-lib.sh"
start_broker

raw() { printf "$1\n" | kcat -P -b "$BROKERS" -t savant.placements.v1 -p 0 -k bad; }
pl 1 alpha -110 10 | produce_placements
raw 'not msgpack'
raw '\x81\xa1v\x01'
# a whole placement whose price is 50 (American odds need |price| >= 100), msgpack by hand
pl 9 alpha -110 10 | jq -c '.price = 50' > "$TMP/bad.json"
python3 -c '
import json, sys
def mp(v):
    if isinstance(v, dict):
        return bytes([0x80 | len(v)]) + b"".join(mp(k) + mp(x) for k, x in v.items())
    if isinstance(v, str):
        b = v.encode(); return bytes([0xd9, len(b)]) + b
    if isinstance(v, float):
        import struct; return b"\xcb" + struct.pack(">d", v)
    if isinstance(v, int):
        import struct; return b"\xd3" + struct.pack(">q", v)
sys.stdout.buffer.write(mp(json.load(open(sys.argv[1]))))' "$TMP/bad.json" > "$TMP/bad.mp"
kcat -P -b "$BROKERS" -t savant.placements.v1 -p 0 -k bad "$TMP/bad.mp"
pl 2 alpha 150 10 | produce_placements

book_e "$TMP/book.log" 
{ accepted 1 -110; accepted 2 150; } | sort > "$TMP/want"
results > "$TMP/got"
assert_files_eq "results around invalid placements" "$TMP/want" "$TMP/got"
assert_eq "summary" "consumed=5 accepted=2 moved=0 rejected=0 not_served=0 over_limit=0 by_rate=0 invalid=3 delivered=2 failed=0 abandoned=0" \
    "$(summary "$TMP/book.log")"

# The reports name the topic, partition, offset and reason of exactly the messages savant-cat
# cannot decode either.
timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -t savant.placements.v1 -e |
    jq -r 'select(._error) | "topic=\(._topic) part=\(._partition) offset=\(._offset) \(._error)"' |
    sort > "$TMP/want"
assert_eq "messages savant-cat cannot decode" 3 "$(grep -c . "$TMP/want")"
grep 'level=warn mod=book event=invalid_placement ' "$TMP/book.log" |
    sed 's/.* event=invalid_placement \(topic=[^ ]* part=[^ ]* offset=[^ ]*\) err=SV_ERR_[A-Z]* msg=\(.*\)$/\1 \2/' |
    sed 's/ "\(.*\)"$/ \1/' | sort > "$TMP/got"
assert_files_eq "invalid placements reported" "$TMP/want" "$TMP/got"
grep -q 'offset=.* err=SV_ERR_SCHEMA msg="price: ' "$TMP/book.log" || fail "the bad price is not named: $(cat "$TMP/book.log")"

# committed: the next run of the group consumes nothing and reports nothing
book_e "$TMP/again.log"
assert_eq "summary of the next run" "consumed=0 accepted=0 moved=0 rejected=0 not_served=0 over_limit=0 by_rate=0 invalid=0 delivered=0 failed=0 abandoned=0" \
    "$(summary "$TMP/again.log")"
grep -q invalid_placement "$TMP/again.log" && fail "invalid placements reported again"
assert_eq "results after the next run" 2 "$(result_count)"
