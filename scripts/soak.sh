#!/usr/bin/env bash
# Soak mode of the no-loss proof (Tests/AsyncKafkaTests/Reliability/NoLossTests.swift):
# produces uniquely numbered messages while consumer-group members are started, ended at
# random points (task cancellation, break, thrown error, close()) and restarted, then checks
# that every number was read (0 lost), that duplicates stay within the uncommitted windows,
# and that each member session read every partition in order.
#
# Usage: scripts/soak.sh [messages] [cycles] [extra swift test options]
#   messages  numbered messages to produce      (default 1000000; ASYNCKAFKA_SOAK_MESSAGES)
#   cycles    member sessions to aim for         (default 200;     ASYNCKAFKA_SOAK_CYCLES)
# Replay a failing run with the seed it printed: ASYNCKAFKA_NOLOSS_SEED=<seed> scripts/soak.sh ...
# Each member session costs a group rebalance (about 2 s on the embedded broker), so the run
# takes roughly cycles × 2 s plus the reading; the default test (`swift test`) runs 10,000
# messages and 8 sessions in about 15 s. Big runs get one partition per 50,000 messages
# (the embedded broker keeps at most ~100,000 message sets per partition).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/ensure-librdkafka.sh
source scripts/ensure-librdkafka.sh
ensure_librdkafka

export ASYNCKAFKA_SOAK_MESSAGES="${1:-${ASYNCKAFKA_SOAK_MESSAGES:-1000000}}"
export ASYNCKAFKA_SOAK_CYCLES="${2:-${ASYNCKAFKA_SOAK_CYCLES:-200}}"
shift $(( $# > 2 ? 2 : $# ))
echo "==> No-loss soak: ${ASYNCKAFKA_SOAK_MESSAGES} messages, ${ASYNCKAFKA_SOAK_CYCLES} sessions (librdkafka $(pkg-config --modversion rdkafka))"
exec swift test --parallel --filter NoLoss "$@"
