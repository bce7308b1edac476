#!/usr/bin/env bash
# Regenerates RELIABILITY.md from a run of the test suite: every reliability
# test prints one `RELIABILITY|section|scenario|figures|asserted` line when it
# passes (Tests/AsyncKafkaTests/Reliability/ReliabilityRecord.swift).
# Options go to `swift test`, e.g. scripts/reliability.sh --filter Fault
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
bash scripts/test.sh "$@" 2>&1 | tee "$log"
python3 scripts/reliability-table.py "$log" > RELIABILITY.md
echo "==> RELIABILITY.md rewritten ($(grep -c '^RELIABILITY|' "$log") rows)"
