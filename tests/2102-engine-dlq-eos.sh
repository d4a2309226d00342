# 2102: test 2101 in exactly-once mode: each input batch is a Kafka transaction carrying its
# outputs and its offsets; the same dead letters, the same clean stop, the same resumption.
SAVANT_TEST_EOS=1 exec bash "$(dirname "$0")/2101-engine-dlq.sh"
