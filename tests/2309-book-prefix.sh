# 2309: savant-book follows kafka.topic_prefix: with the prefix "test." it consumes
# test.placements.v1 and answers on test.placement-results.v1 (and leaves savant.* alone); -c FILE
# sets it as well as -X does.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/book-lib.sh"
start_broker -X kafka.topic_prefix=test.

pl 1 alpha -110 10 | "$BIN/savant-cat" produce -b "$BROKERS" -X kafka.topic_prefix=test. \
    -t test.placements.v1 2>/dev/null
printf 'kafka.topic_prefix = test.\n' > "$TMP/book.conf"
book_e "$TMP/book.log" -c "$TMP/book.conf" --max-stake 5
grep -q 'in=test.placements.v1 out=test.placement-results.v1' "$TMP/book.log" ||
    fail "topics not named after the prefix: $(cat "$TMP/book.log")"
rejected 1 "stake above the book's limit 5.0" > "$TMP/want"
timeout 30 "$BIN/savant-cat" consume -b "$BROKERS" -X kafka.topic_prefix=test. \
    -t test.placement-results.v1 -e 2>/dev/null | jq -c 'del(._topic, ._partition, ._offset)' > "$TMP/got"
assert_files_eq "results under the prefix test." "$TMP/want" "$TMP/got"
