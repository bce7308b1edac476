#!/usr/bin/env bash
# Runs the test suite (Swift Testing; suites and tests run in parallel).
# Options go to `swift test`, e.g.
#   scripts/test.sh --filter ConsumerGroupTests
#
# Environment:
#   ASYNCKAFKA_TEST_TIMEOUT_MINUTES  limit for the test run once built (default 20; the
#       suite takes under a minute on 2 cores), so that a hang fails with the names of
#       the tests still running instead of using up CI's time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/ensure-librdkafka.sh
source scripts/ensure-librdkafka.sh

ensure_librdkafka
minutes="${ASYNCKAFKA_TEST_TIMEOUT_MINUTES:-20}"
echo "==> Tests: build"
swift build --build-tests
echo "==> Tests: swift test --parallel${*:+ $*} (librdkafka $(pkg-config --modversion rdkafka), limit ${minutes} min)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
# --parallel: Swift Testing runs in parallel either way; with it SwiftPM also skips
# the empty XCTest pass and its 'Executed 0 tests' noise. timeout signals the whole
# process group (swift test and the test process it starts).
timeout -k 30 "${minutes}m" swift test --skip-build --parallel "$@" 2>&1 | tee "$log" || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "==> Tests: still running after ${minutes} min; stopped. Started and never finished:"
    comm -23 <(grep -o '◇ Test "[^"]*"' "$log" | sed 's/^◇ Test //' | sort -u) \
             <(grep -oE '(✔|✘) Test "[^"]*"' "$log" | sed -E 's/^(✔|✘) Test //' | sort -u)
fi
exit "$status"
