#!/usr/bin/env bash
# Load test of the HTTP service: builds it in release, starts it on a free loopback port with
# the embedded broker, and drives it with wrk for a bounded time, alternating POST /events/{topic}
# (each request awaits its delivery report) and POST /echo/{topic} (the same handling without
# Kafka: the ceiling). Prints requests/s and p99 for both, and their ratio.
#
#   scripts/load.sh                      # 3 rounds of 10 s per path, 64 connections, 2 wrk threads
#   scripts/load.sh -X linger.ms=0       # arguments go to the service
#
# Environment: LOAD_SECONDS (10), LOAD_CONNECTIONS (64), LOAD_THREADS (2), LOAD_ROUNDS (3:
# the paths alternate, and the summary shows each one's median).
# Installs Debian's wrk package when wrk is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=../../../scripts/ensure-librdkafka.sh
source ../../scripts/ensure-librdkafka.sh
# shellcheck source=service.sh
source scripts/service.sh

seconds="${LOAD_SECONDS:-10}"
connections="${LOAD_CONNECTIONS:-64}"
threads="${LOAD_THREADS:-2}"
rounds="${LOAD_ROUNDS:-3}"

ensure_librdkafka
if ! command -v wrk >/dev/null; then
    if ! command -v apt-get >/dev/null; then
        echo "wrk is missing: install it (Debian and Ubuntu: apt-get install wrk; macOS: brew install wrk)" >&2
        exit 1
    fi
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
    echo "==> Installing wrk"
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y wrk
fi

echo "==> HTTPService load test: build (release)"
swift build -c release --product HTTPService
binary="$(swift build -c release --show-bin-path)/HTTPService"

log="$(mktemp)"
cleanup() {
    if [ -n "${SERVICE_PID:-}" ]; then kill -KILL "$SERVICE_PID" 2>/dev/null || true; fi
    rm -f "$log" "${results:-}"
}
trap cleanup EXIT

start_service "$binary" "$log" --topics load --log-level notice "$@"
echo "==> Started at $SERVICE_URL (embedded broker); wrk: $rounds rounds of ${seconds} s per path, ${connections} connections, ${threads} threads"
echo "    $(nproc 2>/dev/null || echo '?') cores, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

# The consumer group joins in a few seconds; let it settle, and warm both paths up.
sleep 5
wrk -t1 -c8 -d2s -s scripts/post.lua "$SERVICE_URL/events/load" >/dev/null
wrk -t1 -c8 -d2s -s scripts/post.lua "$SERVICE_URL/echo/load" >/dev/null

# measure PATH: runs wrk on PATH and prints "requests_per_second p50_ms p99_ms non2xx socket_errors".
measure() {
    local line
    line="$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s -s scripts/post.lua "$SERVICE_URL$1" | grep '^RESULT')"
    # shellcheck disable=SC2086
    python3 - $line <<'PY'
import sys
fields = dict(arg.split("=") for arg in sys.argv[2:])
rps = int(fields["requests"]) / (int(fields["duration_us"]) / 1e6)
print(f'{rps:.0f} {int(fields["p50_us"]) / 1000:.2f} {int(fields["p99_us"]) / 1000:.2f} {fields["non2xx"]} {fields["socket_errors"]}')
PY
}

# The two paths alternate, so that a load change on a shared machine hits both alike.
results="$(mktemp)"
for round in $(seq 1 "$rounds"); do
    for path in /events/load /echo/load; do
        result="$(measure "$path")"
        echo "    round $round: POST $path: $result (requests/s p50_ms p99_ms non-2xx errors)"
        echo "$path $result" >>"$results"
    done
done

status=0
stop_service 30 || status=$?
trap - EXIT
rm -f "$log"

echo
echo "median of $rounds rounds; load average now: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
failed=0
python3 - "$results" <<'PY' || failed=$?
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    path, rps, p50, p99, non2xx, errors = line.split()
    rows.setdefault(path, []).append((float(rps), float(p50), float(p99), int(non2xx), int(errors)))
def median(path, column):
    return statistics.median(row[column] for row in rows[path])
names = {"/events/load": "POST /events/{topic} (Kafka)", "/echo/load": "POST /echo/{topic} (no Kafka)"}
print(f'{"path":<32} {"requests/s":>11} {"p50 ms":>8} {"p99 ms":>8} {"non-2xx":>8} {"errors":>7}')
for path, name in names.items():
    print(f'{name:<32} {median(path, 0):>11.0f} {median(path, 1):>8.2f} {median(path, 2):>8.2f}'
          f' {sum(r[3] for r in rows[path]):>8} {sum(r[4] for r in rows[path]):>7}')
print(f'ratio (Kafka / no Kafka): requests/s {median("/events/load", 0) / median("/echo/load", 0):.2f}x,'
      f' p99 {median("/events/load", 2) / median("/echo/load", 2):.2f}x')
sys.exit(1 if any(r[3] or r[4] for path in rows for r in rows[path]) else 0)
PY
rm -f "$results"

if [ "$status" -ne 0 ]; then
    echo "the service exited with status $status after SIGTERM" >&2
    exit 1
fi
if [ "$failed" -ne 0 ]; then
    echo "some requests failed (non-2xx answers or socket errors)" >&2
    exit 1
fi
