#!/usr/bin/env bash
# Runs the AsyncKafka-vs-C benchmarks (Benchmarks/, see BENCHMARKS.md): installs librdkafka
# if it is missing, builds the benchmark package in release mode, and runs it with the
# given arguments, from the repository root (so Benchmarks/results/ lands in the repository).
#
#   scripts/bench.sh                      # everything, median of 3 (several minutes)
#   scripts/bench.sh --quick              # the gated set in about a minute; exit status 3 if a gate fails
#   scripts/bench.sh --only consume,batch # some scenario groups
#   scripts/bench.sh --help               # every option
#
# BENCH_SCRATCH overrides the build directory (default Benchmarks/.build-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-librdkafka.sh
ensure_librdkafka

scratch="${BENCH_SCRATCH:-Benchmarks/.build-bench}"
swift build -c release --package-path Benchmarks --scratch-path "$scratch" >&2
exec "$scratch/release/AsyncKafkaBenchmarks" "$@"
