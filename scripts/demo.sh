#!/usr/bin/env bash
# Runs the demo: a producer and a consumer exchanging messages in one process,
# on an embedded Kafka broker. Options go to the demo, e.g.
#   scripts/demo.sh --count 100
#   scripts/demo.sh --bootstrap-servers localhost:29092   # a real Kafka (see docker-compose.yml)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/ensure-librdkafka.sh
source scripts/ensure-librdkafka.sh

ensure_librdkafka
echo "==> Demo: swift run -c release Demo${*:+ $*} (librdkafka $(pkg-config --modversion rdkafka))"
exec swift run -c release Demo "$@"
