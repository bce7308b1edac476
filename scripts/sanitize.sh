#!/usr/bin/env bash
# Runs the lifecycle stress suite under AddressSanitizer (with LeakSanitizer) and
# ThreadSanitizer, each in its own scratch path, with 1,000 cycles per stress test.
#
#   scripts/sanitize.sh                  # address, then thread
#   scripts/sanitize.sh thread           # one sanitizer only
#   SANITIZE_FULL_SUITE=1 scripts/sanitize.sh address   # also the whole test suite under it
#
# The stress suite runs alone in its process (ASYNCKAFKA_STRESS_EXCLUSIVE=1), so its
# tests also assert that librdkafka's thread count is back to its baseline.
# librdkafka and the Swift runtime are not instrumented. For ThreadSanitizer,
# scripts/sanitizers/tsan-preload.c is compiled and preloaded: it makes librdkafka's C11
# threads and locks and the contended path of Swift's Mutex visible to TSan (without it
# TSan crashes in librdkafka's first thread). Reports that are provably not AsyncKafka's
# would be suppressed in scripts/sanitizers/*.supp, each entry with the reason (none are).
#
# Measured on a 2-core machine shared with other builds (Swift 6.3.1, librdkafka 2.0.2):
# address: build 4 min from scratch, stress run 1m46s-4 min; thread: build 3 min,
# stress run 2.5 min. About 12-15 minutes for the whole step on a fresh machine.
#
# Environment:
#   ASYNCKAFKA_STRESS_CYCLES  cycles per stress test (default here: 1000)
#   SANITIZE_FULL_SUITE       1: after the stress suite, run the whole suite too
#   SANITIZE_TIMEOUT_MINUTES  limit per sanitizer test run (default 30), so a hang fails CI
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/ensure-librdkafka.sh
source scripts/ensure-librdkafka.sh
ensure_librdkafka

sanitizers=("$@")
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(address thread)
cycles="${ASYNCKAFKA_STRESS_CYCLES:-1000}"
minutes="${SANITIZE_TIMEOUT_MINUTES:-30}"
supp="$PWD/scripts/sanitizers"

# ASan: report every error, fail the run; LeakSanitizer runs at exit (on by default on Linux).
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=0"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
# TSan: keep going after a report (the exit status is 66 when there was one), so that one
# run shows every race.
export TSAN_OPTIONS="suppressions=$supp/tsan.supp:halt_on_error=0:second_deadlock_stack=1:history_size=4"

elapsed() { local s=$(( $(date +%s) - $1 )); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

for sanitizer in "${sanitizers[@]}"; do
    case "$sanitizer" in
        address) scratch=.build-asan ;;
        thread) scratch=.build-tsan ;;
        *) echo "unknown sanitizer '$sanitizer' (address or thread)" >&2; exit 2 ;;
    esac
    start=$(date +%s)
    echo "==> Sanitizer $sanitizer: build (scratch path $scratch)"
    swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"
    echo "==> Sanitizer $sanitizer: built in $(elapsed "$start")"

    preload=""
    if [ "$sanitizer" = thread ]; then
        # librdkafka's C11 threads and locks and Swift Mutex hand-overs, made visible to TSan (see the file).
        preload="$PWD/$scratch/tsan-preload.so"
        clang -shared -fPIC -O1 -o "$preload" scripts/sanitizers/tsan-preload.c -lpthread -ldl
    fi

    run=$(date +%s)
    echo "==> Sanitizer $sanitizer: lifecycle stress, $cycles cycles"
    ASYNCKAFKA_STRESS_CYCLES="$cycles" ASYNCKAFKA_STRESS_EXCLUSIVE=1 LD_PRELOAD="$preload" \
        timeout -k 30 "${minutes}m" \
        swift test --skip-build --disable-xctest --sanitize="$sanitizer" --scratch-path "$scratch" --filter LifecycleStress
    echo "==> Sanitizer $sanitizer: lifecycle stress passed in $(elapsed "$run")"

    if [ "${SANITIZE_FULL_SUITE:-0}" = 1 ]; then
        run=$(date +%s)
        echo "==> Sanitizer $sanitizer: whole suite"
        LD_PRELOAD="$preload" timeout -k 30 "${minutes}m" \
            swift test --skip-build --parallel --sanitize="$sanitizer" --scratch-path "$scratch"
        echo "==> Sanitizer $sanitizer: whole suite passed in $(elapsed "$run")"
    fi
    echo "==> Sanitizer $sanitizer: done in $(elapsed "$start")"
done
