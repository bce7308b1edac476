#!/usr/bin/env bash
# Fails on a breaking change of the public API (AsyncKafka, AsyncKafkaTesting) against the
# commit recorded in api/baseline, with `swift package diagnose-api-breaking-changes` (it
# builds that commit in a scratch folder of its own). A deliberate break: list it in
# api/CHANGES.md and move api/baseline to the commit that has it.
#
#   ./scripts/api-check.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/ensure-librdkafka.sh
source scripts/ensure-librdkafka.sh
ensure_librdkafka

baseline="$(grep -v '^#' api/baseline | head -n 1)"
if ! git cat-file -e "${baseline}^{commit}" 2>/dev/null && [ "$(git rev-parse --is-shallow-repository)" = true ]; then
    git fetch --quiet --unshallow 2>/dev/null || true
    if ! git cat-file -e "${baseline}^{commit}" 2>/dev/null; then
        # A shallow clone whose history cannot be fetched: nothing to compare with here.
        echo "WARNING: api-check.sh: shallow clone without the baseline commit $baseline; API not checked"
        exit 0
    fi
fi
if ! git cat-file -e "${baseline}^{commit}" 2>/dev/null; then
    echo "api-check.sh: the baseline commit $baseline (api/baseline) is not in this repository" >&2
    exit 1
fi
echo "==> API: breaking changes against $baseline (api/baseline)"
swift package diagnose-api-breaking-changes "$baseline" --products AsyncKafka AsyncKafkaTesting
