# 2102: test 2101 in exactly-once mode: each input batch is a Kafka transaction carrying its
# outputs and its offsets; the same dead letters, the same clean stop, the same resumption.
# Not registered in tests.def: the mock broker (librdkafka 2.0.2) accepts transactional offsets but
# never stores them, so the restart redoes everything; run it against a real Kafka
# (docs/decisions/0005-exactly-once-on-the-mock.md).
SAVANT_TEST_EOS=1 exec bash "$(dirname "$0")/2101-engine-dlq.sh"
