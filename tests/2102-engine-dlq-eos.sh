# 2102: test 2101 in exactly-once mode: each input batch is a Kafka transaction carrying its
# outputs and its offsets; the same dead letters from a read_committed reader and the same clean
# stop. The restart part is skipped on savant-broker: its mock (librdkafka 2.0.2) accepts
# transactional offsets but never stores them, so a restart redoes everything; run the whole test
# against a real Kafka with SAVANT_TEST_REAL_KAFKA=1 (docs/decisions/0005-exactly-once-on-the-mock.md).
SAVANT_TEST_EOS=1 exec bash "$(dirname "$0")/2101-engine-dlq.sh"
