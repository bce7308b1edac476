#!/usr/bin/env bash
# Checks that every Swift file git tracks is formatted and linted by swift-format with the
# repository's .swift-format (the toolchain's `swift format`); exits non-zero otherwise.
#
#   ./scripts/format.sh          # check (what CI runs)
#   ./scripts/format.sh --fix    # reformat the files in place, then check
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(git ls-files '*.swift')
if [[ "${1:-}" == --fix ]]; then
    swift format format --in-place --parallel "${files[@]}"
fi
if ! swift format lint --strict --parallel "${files[@]}"; then
    echo "format.sh: run ./scripts/format.sh --fix" >&2
    exit 1
fi
echo "format.sh: ${#files[@]} Swift files formatted and linted"
