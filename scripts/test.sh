#!/usr/bin/env bash
# Runs the test suite (Swift Testing; suites and tests run in parallel).
# Options go to `swift test`, e.g.
#   scripts/test.sh --filter ConsumerGroupTests
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/ensure-librdkafka.sh
source scripts/ensure-librdkafka.sh

ensure_librdkafka
echo "==> Tests: swift test --parallel${*:+ $*} (librdkafka $(pkg-config --modversion rdkafka))"
# --parallel: Swift Testing runs in parallel either way; with it SwiftPM also skips
# the empty XCTest pass and its 'Executed 0 tests' noise.
exec swift test --parallel "$@"
