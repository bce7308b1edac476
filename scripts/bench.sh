#!/usr/bin/env bash
# Runs the AsyncKafka-vs-C benchmarks (Benchmarks/, see BENCHMARKS.md): installs librdkafka
# if it is missing, builds the benchmark package in release mode, and runs it with the
# given arguments, from the repository root (so Benchmarks/results/ lands in the repository).
#
#   scripts/bench.sh                      # everything, median of 3 (several minutes)
#   scripts/bench.sh --quick              # the gated set in about a minute; exit status 3 if a gate fails
#   scripts/bench.sh --only consume,batch # some scenario groups
#   scripts/bench.sh --help               # every option
#   scripts/bench.sh --tansu [options]    # the produce and consume pairs against Tansu over TCP
#
# --tansu starts Tansu 0.6.0 (scripts/brokers-env.sh) on a free loopback port, runs the
# benchmark with --brokers pointing at it (and --only produce,consume unless --only is given),
# with librdkafka 2.16 loaded at run time by both the Swift clients and the C loops (Debian's
# 2.0.2 cannot talk to Tansu), then stops the broker. Linux x86_64 only.
#
# BENCH_SCRATCH overrides the build directory (default Benchmarks/.build-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-librdkafka.sh
ensure_librdkafka

scratch="${BENCH_SCRATCH:-Benchmarks/.build-bench}"
swift build -c release --package-path Benchmarks --scratch-path "$scratch" >&2
if [[ "${1:-}" != --tansu ]]; then
    exec "$scratch/release/AsyncKafkaBenchmarks" "$@"
fi

shift
source scripts/brokers-env.sh
ensure_brokers_env >&2
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
log="$(mktemp -t tansu.XXXXXX.log)"
"$TANSU_BIN" broker --listener-url "tcp://127.0.0.1:$port" --advertised-listener-url "tcp://127.0.0.1:$port" >"$log" 2>&1 &
tansu_pid=$!
trap 'kill "$tansu_pid" 2>/dev/null || true; wait "$tansu_pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 200); do  # up to 20 s for the port to accept
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.5)" 2>/dev/null && break
    sleep 0.1
done
only=(--only produce,consume)
for argument in "$@"; do [[ "$argument" == --only* ]] && only=(); done
echo "==> Tansu on 127.0.0.1:$port; librdkafka $(LD_LIBRARY_PATH="$LIBRDKAFKA_216_DIR" loaded_librdkafka_version)" >&2
LD_LIBRARY_PATH="$LIBRDKAFKA_216_DIR" "$scratch/release/AsyncKafkaBenchmarks" --brokers "127.0.0.1:$port" "${only[@]}" "$@"
