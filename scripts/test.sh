#!/usr/bin/env bash
# Runs the test suite (Swift Testing; suites and tests run in parallel).
# Options go to `swift test`, e.g.
#   scripts/test.sh --filter ConsumerGroupTests
#
# Environment:
#   ASYNCKAFKA_TEST_TIMEOUT_MINUTES  limit for the test run once built (default 20; the
#       suite takes under a minute on 2 cores), so that a hang fails with the names of
#       the tests still running instead of using up CI's time.
#   ASYNCKAFKA_LIBRDKAFKA_DIR  a folder holding another librdkafka as librdkafka.so.1: the
#       suite is built against the system librdkafka's headers as usual, then runs on that
#       library (LD_LIBRARY_PATH; the soname and ABI are the same). For librdkafka 2.16:
#         ASYNCKAFKA_LIBRDKAFKA_DIR="$(scripts/brokers-env.sh | sed -n 's/^LIBRDKAFKA_216_DIR=//p')" scripts/test.sh
#       Linux only (macOS uses DYLD_LIBRARY_PATH and a different file name).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/ensure-librdkafka.sh
source scripts/ensure-librdkafka.sh
# shellcheck source=scripts/brokers-env.sh
source scripts/brokers-env.sh

ensure_librdkafka
minutes="${ASYNCKAFKA_TEST_TIMEOUT_MINUTES:-20}"
echo "==> Tests: build"
swift build --build-tests
library="system librdkafka $(pkg-config --modversion rdkafka)"
if [[ -n "${ASYNCKAFKA_LIBRDKAFKA_DIR:-}" ]]; then
    if [[ ! -f "$ASYNCKAFKA_LIBRDKAFKA_DIR/librdkafka.so.1" ]]; then
        echo "ASYNCKAFKA_LIBRDKAFKA_DIR=$ASYNCKAFKA_LIBRDKAFKA_DIR holds no librdkafka.so.1" >&2
        exit 1
    fi
    export LD_LIBRARY_PATH="$ASYNCKAFKA_LIBRDKAFKA_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    library="librdkafka $(loaded_librdkafka_version) from $ASYNCKAFKA_LIBRDKAFKA_DIR (built against $(pkg-config --modversion rdkafka) headers)"
fi
test_binary="$(swift build --show-bin-path)/AsyncKafkaPackageTests.xctest"
if [[ -x "$test_binary" ]] && command -v ldd >/dev/null; then
    echo "==> Tests: the test binary loads $(ldd "$test_binary" | grep -o 'librdkafka\.so\.1 => [^ ]*')"
fi
echo "==> Tests: swift test --parallel${*:+ $*} (${library}, limit ${minutes} min)"
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
