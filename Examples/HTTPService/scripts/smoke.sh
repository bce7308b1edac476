#!/usr/bin/env bash
# Smoke test of the HTTP service (CI runs it): builds it (debug), starts it on a free
# loopback port with the embedded broker, POSTs events to two topics, waits until GET /stats
# counts exactly those, then stops it with SIGTERM and checks that it exits 0 in time.
# Exits non-zero on any mismatch.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=../../../scripts/ensure-librdkafka.sh
source ../../scripts/ensure-librdkafka.sh
# shellcheck source=service.sh
source scripts/service.sh

ensure_librdkafka
echo "==> HTTPService smoke test: build (debug)"
swift build --product HTTPService
binary="$(swift build --show-bin-path)/HTTPService"

log="$(mktemp)"
cleanup() {
    if [ -n "${SERVICE_PID:-}" ]; then kill -KILL "$SERVICE_PID" 2>/dev/null || true; fi
    rm -f "$log"
}
trap cleanup EXIT
fail() {
    echo "==> HTTPService smoke test FAILED: $*" >&2
    echo "--- service log (last 30 lines)" >&2
    tail -30 "$log" >&2
    exit 1
}

start_service "$binary" "$log" --topics smoke-a,smoke-b || fail "the service did not start"
echo "==> Started at $SERVICE_URL"

# post TOPIC EXPECTED_STATUS: one POST /events/TOPIC, checked against the expected status.
post() {
    local status
    status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 -X POST --data "smoke $RANDOM" "$SERVICE_URL/events/$1")"
    [ "$status" = "$2" ] || fail "POST /events/$1 answered $status, expected $2"
}
for _ in 1 2 3 4 5; do post smoke-a 201; done
for _ in 1 2 3; do post smoke-b 201; done
post 'bad%20name' 400
echo "==> 8 events published (5 to smoke-a, 3 to smoke-b); a bad topic name answered 400"

# The consumer joins its group in a few seconds; poll until the counts match exactly.
expected='{"smoke-a": 5, "smoke-b": 3}'
stats=""
counts=""
deadline=$((SECONDS + 60))
while [ "$SECONDS" -lt "$deadline" ]; do
    stats="$(curl -s --max-time 5 "$SERVICE_URL/stats" || true)"
    counts="$(printf '%s' "$stats" | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["consumed"], sort_keys=True))' 2>/dev/null || true)"
    [ "$counts" = "$expected" ] && break
    sleep 0.5
done
[ "$counts" = "$expected" ] || fail "GET /stats is $stats after 60 s, expected consumed = $expected"
echo "==> GET /stats: $stats"

status=0
stop_service 30 || status=$?
[ "$status" -eq 0 ] || fail "the service exited with status $status after SIGTERM (124: not within 30 s)"
echo "==> HTTPService smoke test passed: counts match, SIGTERM exited 0"
